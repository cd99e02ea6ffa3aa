"""The Gradescope autograder zip (``scratch-grade gradescope``), run as Gradescope would, in a folder like /autograder.

The zip is unpacked into autograder/source; run_autograder grades what is in autograder/submission with
this virtualenv's Python (``SCRATCH_PARITY_PYTHON``; setup.sh's installs need the network, so it is only
checked: its syntax, and that every path it names is in the zip) and must leave results.json in
Gradescope's format in autograder/results, whatever the submission: full marks for an honest ReLU, less
for a buggy one, and 0 of every op with the reason when there is no module or the checker cannot start.
The carried package is one that pip builds, with the suite's data and the entry points.
"""

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scratch_parity.grade import main

SUBMISSIONS = Path(__file__).parent / "attacks" / "submissions"
OPTIONS = ["--module", "layers", "--only", "ReLU", "--seed", "7", "--cpu-limit", "3", "--call-timeout", "4"]
TEST_FIELDS = {"name", "score", "max_score", "status", "output"}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gradescope")
    (folder / "weights.json").write_text(json.dumps({"ReLU": 2}))
    assert main(["gradescope", *OPTIONS, "--weights", str(folder / "weights.json"), "-o", str(folder / "ag.zip")]) == 0
    return folder / "ag.zip"


def run_autograder(autograder_zip: Path, root: Path, submission: Path | None, python: str = sys.executable) -> dict:
    """Gradescope's run: the zip in root/source, ``submission`` (a file) in root/submission; the results."""
    for name in ("source", "submission", "results"):
        (root / name).mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    if submission is not None:
        shutil.copy(submission, root / "submission" / "layers.py")
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(root), "SCRATCH_PARITY_PYTHON": python}
    command = ["bash", str(root / "source" / "run_autograder")]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_the_zip_holds_its_two_scripts_at_the_root_and_every_path_they_name(autograder_zip):
    names = set(zipfile.ZipFile(autograder_zip).namelist())
    assert {"setup.sh", "run_autograder", "weights.json", "zero_results.json"} <= names
    assert "scratch-parity/pyproject.toml" in names and "scratch-parity/scratch_parity/suite/pytest.ini" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/." in n]
    with zipfile.ZipFile(autograder_zip) as archive:
        for script in ("setup.sh", "run_autograder"):
            text = archive.read(script).decode()
            assert archive.getinfo(script).external_attr >> 16 & 0o111, f"{script} is not executable"
            assert subprocess.run(["bash", "-n"], input=text, text=True).returncode == 0, script
            for path in re.findall(r"\$SOURCE/([\w./-]+)", text):
                assert path in names or f"{path}/pyproject.toml" in names, f"{script} names source/{path}"
        setup = archive.read("setup.sh").decode()
        assert re.search(r'"torch==[\d.]+" --index-url https://download.pytorch.org/whl/cpu', setup)
        assert '"$SOURCE/scratch-parity[check]"' in setup
        assert json.loads(archive.read("weights.json")) == {"ReLU": 2.0}


def test_the_carried_package_is_one_pip_builds_with_the_suite_and_the_entry_points(autograder_zip, tmp_path):
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(tmp_path / "source")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)]
    subprocess.run(
        [*command, str(tmp_path / "source" / "scratch-parity")], check=True, capture_output=True, timeout=300
    )
    (wheel,) = tmp_path.glob("scratch_parity-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n.rpartition("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata, entry_points = (archive.read(f"{info}/{name}").decode() for name in ("METADATA", "entry_points.txt"))
    assert {"scratch_parity/suite/pytest.ini", "reference/__init__.py", "scratch/manual/__init__.py"} <= set(names)
    assert "Requires-Dist: torch" in metadata and 'extra == "check"' in metadata
    assert "scratch-check = scratch_parity.check:main" in entry_points
    assert "scratch_parity = scratch_parity.plugin" in entry_points and "[pytest11]" in entry_points


def test_an_honest_submission_earns_full_marks_in_gradescopes_format(autograder_zip, tmp_path):
    results = run_autograder(autograder_zip, tmp_path / "autograder", SUBMISSIONS / "honest.py")
    assert results["score"] == 2.0
    (test,) = results["tests"]
    assert set(test) >= TEST_FIELDS
    assert (test["name"], test["score"], test["max_score"], test["status"]) == ("ReLU", 2.0, 2.0, "passed")


def test_a_buggy_submission_earns_less_with_the_failure(autograder_zip, tmp_path):
    results = run_autograder(autograder_zip, tmp_path / "autograder", SUBMISSIONS / "zero_relu.py")
    (test,) = results["tests"]
    assert results["score"] == test["score"] < test["max_score"] == 2.0
    assert test["status"] == "failed" and "differs" in test["output"]


@pytest.mark.parametrize(
    "submission, python, reason",
    [
        (None, sys.executable, "no layers.py in the submission"),
        (SUBMISSIONS / "honest.py", "/nonexistent/python", "the checker stopped with status 127"),
    ],
    ids=["no module", "no checker"],
)
def test_what_cannot_be_graded_scores_0_with_the_reason(autograder_zip, tmp_path, submission, python, reason):
    results = run_autograder(autograder_zip, tmp_path / "autograder", submission, python)
    assert results["score"] == 0 and reason in results["output"]
    scores = [(t["name"], t["score"], t["max_score"], t["status"]) for t in results["tests"]]
    assert scores == [("ReLU", 0, 2.0, "failed")]
    assert all(set(t) >= TEST_FIELDS and reason in t["output"] for t in results["tests"])
