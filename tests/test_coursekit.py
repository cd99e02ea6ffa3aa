"""The course kit: the starter module, scratch-check's verdicts per op, grades and time limits."""

import json
import subprocess
import sys
import textwrap

import pytest

from scratch_parity.grading import Grades, gradescope
from scratch_parity.starter import LAYERS, main, starter_module


def test_the_starter_leaves_every_backward_to_write(tmp_path):
    path = tmp_path / "mylayers.py"
    assert main([str(path)]) == 0
    namespace = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    import numpy as np

    for name in LAYERS:
        assert name in namespace, f"the starter lacks {name}"
    relu = namespace["ReLU"]()
    assert relu(np.array([1.0, -1.0])).tolist() == [1.0, 0.0]  # forward is given
    with pytest.raises(NotImplementedError, match=r"ReLU\.backward"):
        relu.backward(np.ones(2))
    assert main([str(path)]) == 2, "an existing file is not overwritten without --force"


def test_the_blank_starter_leaves_forward_open_too():
    namespace = {}
    exec(compile(starter_module(blank=True), "<blank>", "exec"), namespace)
    with pytest.raises(NotImplementedError, match=r"Linear\.forward"):
        namespace["Linear"](2, 3).forward(None)


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


def test_our_layers_pass_and_the_starter_is_not_implemented(tmp_path):
    done, tests = check("scratch.manual", tmp_path / "ours", "--only", "Linear,MaxPool2d", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:]
    assert {name: t["status"] for name, t in tests.items()} == {"Linear": "passed", "MaxPool2d": "passed"}
    assert all(t["score"] == t["max_score"] for t in tests.values())
    main([str(tmp_path / "mylayers.py")])
    done, tests = check("mylayers", tmp_path / "starter", "--only", "Linear,MaxPool2d", cwd=tmp_path)
    for name, t in tests.items():
        assert t["output"].startswith("not implemented"), f"{name}: {t['output']}"
        assert 0 < t["score"] < t["max_score"], "the given forward earns its share, the missing backward not"


def test_a_hanging_layer_fails_its_checks_instead_of_stopping_the_run(tmp_path):
    (tmp_path / "slow.py").write_text(
        textwrap.dedent(
            """
            import time
            import scratch.manual as ours

            class ReLU(ours.ReLU):
                def forward(self, x):
                    time.sleep(30)
            """
        )
    )
    done, tests = check("slow", tmp_path / "slow_out", "--only", "ReLU", "--op-timeout", "1", cwd=tmp_path)
    assert done.returncode != 0 and tests["ReLU"]["status"] == "failed"
    assert "TimeoutError" in done.stdout or "longer than" in done.stdout
