"""The course kit: the starter module, scratch-check's verdicts per op, grades and time limits."""

import json
import subprocess
import sys
import textwrap

import pytest

from scratch_parity.grading import Grades, gradescope
from scratch_parity.starter import main


def grades_of(*outcomes):
    """Grades from (op, check, outcome) triples, as the plugin collects them."""
    grades = Grades()
    for op, check, outcome in outcomes:
        grades.checks.setdefault(op, {}).setdefault(check, []).append(outcome)
    return grades


def test_scores_weigh_each_kind_of_check_equally():
    grades = grades_of(
        ("Linear", "forward", "passed"),
        ("Linear", "gradient", "failed"),
        ("Linear", "error on bad input", "passed"),
        ("Linear", "error on bad input", "passed"),
        ("ReLU", "forward", "skipped"),
        ("Conv2d", "forward", "passed"),
        ("Conv2d", "gradient", "skipped"),
    )
    rows = {r["op"]: r for r in grades.verdicts({"Linear": 3})}
    assert rows["Linear"]["verdict"] == "fails: gradient" and rows["Linear"]["score"] == pytest.approx(3 * 2 / 3)
    assert rows["ReLU"]["verdict"] == "not implemented" and rows["ReLU"]["score"] == 0
    assert rows["Conv2d"]["verdict"] == "not implemented: gradient" and rows["Conv2d"]["score"] == 0.5
    results = gradescope(list(rows.values()))
    assert results["score"] == pytest.approx(2 + 0 + 0.5)
    assert {t["name"]: t["max_score"] for t in results["tests"]} == {"Conv2d": 1.0, "Linear": 3.0, "ReLU": 1.0}


def check(module, tmp_path, *options, cwd):
    """scratch-check on ``module`` (serially, two ops), returning its exit status and results.json."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "scratch_parity", module, "--out", str(out), "-n", "0", *options]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    results = json.loads((out / "results.json").read_text())
    assert (out / "junit.xml").exists() and (out / "grades.md").exists()
    return done, {t["name"]: t for t in results["tests"]}


def test_our_layers_pass_and_the_starter_earns_nothing(tmp_path):
    done, tests = check("scratch.manual", tmp_path / "ours", "--only", "Linear,MaxPool2d", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:]
    assert {name: t["status"] for name, t in tests.items()} == {"Linear": "passed", "MaxPool2d": "passed"}
    assert all(t["score"] == t["max_score"] for t in tests.values())
    main([str(tmp_path / "mylayers.py")])
    done, tests = check("mylayers", tmp_path / "starter", "--only", "Linear,MaxPool2d", cwd=tmp_path)
    assert done.returncode == 0, "a starter kit is not implemented yet, which is no failure"
    for name, t in tests.items():
        assert t["output"].startswith("not implemented"), f"{name}: {t['output']}"
        assert t["score"] == 0, "the starter kit holds no solution: unfilled, it earns nothing"


def test_a_hanging_layer_fails_its_checks_instead_of_stopping_the_run(tmp_path):
    (tmp_path / "slow.py").write_text(
        textwrap.dedent(
            """
            import time
            from scratch_parity.base import Module

            class ReLU(Module):
                def forward(self, x):
                    time.sleep(30)
            """
        )
    )
    done, tests = check("slow", tmp_path / "slow_out", "--only", "ReLU", "--call-timeout", "1", cwd=tmp_path)
    assert done.returncode == 1 and tests["ReLU"]["status"] == "failed" and tests["ReLU"]["score"] == 0
    assert "within 1 s (wall clock)" in tests["ReLU"]["output"]


def test_an_out_folder_of_another_user_or_a_link_is_refused(tmp_path):
    """Results are never written through a folder someone else could have filled with links."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    command = [
        sys.executable,
        "-m",
        "scratch_parity",
        "scratch.manual",
        "--out",
        str(tmp_path / "out"),
        "--only",
        "ReLU",
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "is a link or belongs to another user" in done.stderr
    assert not any((tmp_path / "elsewhere").iterdir())
