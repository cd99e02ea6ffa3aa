"""The GitHub Classroom workflow (``scratch-grade classroom``): its shape, and its commands run as the action runs them.

The workflow must have GitHub Classroom's current form: a step per op on
``classroom-resources/autograding-command-grader@v1`` worth the op's points, and the reporter
listing every step id with its ``<ID>_RESULTS``. Each step's command, run in a shell from a folder
holding a submission (as the action runs it in the student's repository), must pass for an honest
op and fail for a buggy one, or for one that is not implemented (scratch-check exits 0 there, but the
op did not earn its full score).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scratch_parity.classroom import full_marks
from scratch_parity.grade import main

SUBMISSIONS = Path(__file__).parent / "attacks" / "submissions"
WEIGHTS = {"ReLU": 3, "Sigmoid": 2}
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("classroom")
    (folder / "weights.json").write_text(json.dumps(WEIGHTS))
    argv = ["classroom", "--module", "layers", "--only", "ReLU,Sigmoid", "--weights", str(folder / "weights.json")]
    assert main([*argv, "--cpu-limit", "3", "--call-timeout", "4", "-o", str(folder / "repo")]) == 0
    return folder / "repo"


@pytest.fixture(scope="module")
def steps(repository) -> list[dict]:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((repository / ".github" / "workflows" / "classroom.yml").read_text())
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_a_step_per_op_worth_its_points_and_the_reporter_reads_every_one(steps):
    graders = [step for step in steps if step.get("uses") == COMMAND_GRADER]
    assert [(s["with"]["test-name"], s["with"]["max-score"]) for s in graders] == [("ReLU", 3), ("Sigmoid", 2)]
    for step in graders:
        assert {"test-name", "setup-command", "command", "timeout", "max-score"} <= set(step["with"])
        assert f"--only {step['with']['test-name']} " in step["with"]["command"] and " -n 0 " in step["with"]["command"]
    (reporter,) = [step for step in steps if step.get("uses") == REPORTER]
    ids = [step["id"] for step in graders]
    assert reporter["with"]["runners"].split(",") == ids
    assert reporter["env"] == {f"{i.upper()}_RESULTS": f"${{{{steps.{i}.outputs.result}}}}" for i in ids}
    assert steps.index(reporter) == len(steps) - 1


def test_the_checker_is_installed_from_the_carried_package_with_torch_for_the_cpu(repository, steps):
    (install,) = [step for step in steps if "pip install" in step.get("run", "")]
    assert "https://download.pytorch.org/whl/cpu" in install["run"]
    assert '"./.github/classroom/scratch-parity[check]"' in install["run"]
    assert (repository / ".github" / "classroom" / "scratch-parity" / "pyproject.toml").is_file()
    assert (repository / ".github" / "classroom" / "scratch-parity" / "scratch_parity" / "check.py").is_file()


def test_the_workflow_says_a_student_can_edit_it(repository):
    head = (repository / ".github" / "workflows" / "classroom.yml").read_text().split("\nname:")[0]
    assert "a student can edit it" in head and "Gradescope" in head


def test_each_steps_command_passes_at_full_marks_only(steps, tmp_path):
    """ReLU and Sigmoid's commands, run at once from three repositories: one with an honest ReLU (and no
    Sigmoid: not implemented), one with a ReLU of zeros."""
    commands = {s["with"]["test-name"]: s["with"]["command"] for s in steps if s.get("uses") == COMMAND_GRADER}
    cases = {("honest", "ReLU"): 0, ("honest", "Sigmoid"): 1, ("zero_relu", "ReLU"): 1}
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    running = {}
    for submission, op in cases:
        folder = tmp_path / f"{submission}-{op}"
        folder.mkdir()
        shutil.copy(SUBMISSIONS / f"{submission}.py", folder / "layers.py")
        running[submission, op] = subprocess.Popen(
            ["bash", "-c", commands[op]], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
    for case, process in running.items():
        output = process.communicate(timeout=300)[0].decode(errors="replace")
        assert (process.returncode != 0) == bool(cases[case]), f"{case}: {output[-2000:]}"


@pytest.mark.parametrize(
    "tests, passes",
    [
        ([{"score": 2.0, "max_score": 2.0}, {"score": 1.0, "max_score": 1.0}], True),
        ([{"score": 2.0, "max_score": 2.0}, {"score": 0.5, "max_score": 1.0}], False),
        ([], False),
    ],
)
def test_full_marks_needs_every_test_at_its_maximum(tmp_path, tests, passes):
    (tmp_path / "results.json").write_text(json.dumps({"tests": tests}))
    assert full_marks(tmp_path / "results.json") is passes
    assert main(["full-marks", str(tmp_path / "results.json")]) == (0 if passes else 1)


def test_no_results_are_not_full_marks(tmp_path):
    assert not full_marks(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{")
    assert not full_marks(tmp_path / "broken.json")
