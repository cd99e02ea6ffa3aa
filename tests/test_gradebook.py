"""Grading a class (``scratch-grade class``): every student in the gradebook, out of the same maximum, whatever broke.

A class of generated submissions on ``scratch_parity.base``: honest ReLUs and Sigmoids written two ways
(full marks), buggy ones (one op wrong, the other right: some marks), and broken ones (no module, a
syntax error, an exit in forward: 0 with the reason). One student's grading that runs past the
timeout is stopped, its runners too, and scores 0 with the reason.
"""

import csv
import json
import os
from pathlib import Path

import pytest

from scratch_parity.grade import main

SUBMISSIONS = Path(__file__).parent / "attacks" / "submissions"
LIMITS = ["--cpu-limit", "3", "--call-timeout", "4", "--memory-limit", "2048"]
WEIGHTS = {"ReLU": 2, "Sigmoid": 1}

HEADER = "import numpy as np\n\nfrom scratch_parity.base import Module\n"
RELU = """
class ReLU(Module):
    def forward(self, x):
        self.cache = {mask}
        return np.where(self.cache, x, 0).astype(x.dtype)

    def backward(self, dout):
        return {backward}
"""
SIGMOID = """
class Sigmoid(Module):
    def forward(self, x):
        y = {forward}
        self.cache = y
        return y

    def backward(self, dout):
        return {backward}
"""
GOOD_FORWARD, BACKWARD = "np.exp(-np.logaddexp(0, -x)).astype(x.dtype)", "dout * self.cache * (1 - self.cache)"
GOOD_SIGMOID = SIGMOID.format(forward=GOOD_FORWARD, backward=BACKWARD)
TANH_SIGMOID = SIGMOID.format(forward="(0.5 + 0.5 * np.tanh(0.5 * x)).astype(x.dtype)", backward=BACKWARD)
MASKED_RELU = RELU.format(mask="x > 0", backward="np.where(self.cache, dout, 0).astype(dout.dtype)")

CLASS = {
    "honest": (SUBMISSIONS / "honest.py").read_text() + GOOD_SIGMOID,
    "honest_where": HEADER + MASKED_RELU + TANH_SIGMOID,
    # the gradient at 0 is 1 (torch's is 0); a sigmoid that overflows at x = -1000
    "buggy_relu_grad_at_0": HEADER + MASKED_RELU.replace("x > 0", "x >= 0") + GOOD_SIGMOID,
    "buggy_sigmoid_overflows": HEADER + MASKED_RELU + GOOD_SIGMOID.replace(GOOD_FORWARD, "1 / (1 + np.exp(-x))"),
    "broken_syntax": HEADER + "class ReLU(Module)\n    pass\n",
    "broken_exit": (SUBMISSIONS / "exit_in_forward.py").read_text(),
    "broken_missing": None,
}


def write_class(root: Path, students: dict) -> Path:
    """A folder per student, with layers.py (or, for None, a file that is not the module)."""
    for student, source in students.items():
        folder = root / student
        folder.mkdir(parents=True)
        if source is None:
            (folder / "notes.txt").write_text("forgot to hand in layers.py\n")
        else:
            (folder / "layers.py").write_text(source)
    return root


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded once, two students at a time: the exit status, the csv rows and the json gradebook."""
    root = tmp_path_factory.mktemp("class")
    submissions, out = write_class(root / "submissions", CLASS), root / "gradebook"
    (root / "weights.json").write_text(json.dumps(WEIGHTS))
    argv = ["class", str(submissions), "--module", "layers", "--only", "ReLU,Sigmoid"]
    argv += ["--weights", str(root / "weights.json"), "-j", "2", "--out", str(out), *LIMITS]
    status = main(argv)
    with open(out / "gradebook.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    return status, rows, json.loads((out / "gradebook.json").read_text()), out


def test_every_student_is_in_the_gradebook_out_of_the_same_maximum(graded):
    status, rows, book, out = graded
    assert status == 0
    assert set(rows) == set(book["students"]) == set(CLASS)
    assert list(next(iter(rows.values()))) == ["student", "total", "max", "ReLU", "Sigmoid", "reason"]
    assert {float(row["max"]) for row in rows.values()} == {3.0}
    assert {student["max"] for student in book["students"].values()} == {3.0}
    assert book["course"]["weights"] == {"ReLU": 2.0, "Sigmoid": 1.0}
    for student, entry in book["students"].items():
        assert {op: o["max"] for op, o in entry["ops"].items()} == {"ReLU": 2.0, "Sigmoid": 1.0}, student
        assert (out / student / "results.json").exists() and (out / student / "grades.md").exists()


def test_honest_students_earn_full_marks(graded):
    _, rows, book, _ = graded
    for student in ("honest", "honest_where"):
        assert float(rows[student]["total"]) == 3.0, book["students"][student]
        assert {op["verdict"] for op in book["students"][student]["ops"].values()} == {"pass"}


@pytest.mark.parametrize(
    "student, wrong_op",
    [("buggy_relu_grad_at_0", "ReLU"), ("buggy_sigmoid_overflows", "Sigmoid")],
)
def test_a_bug_costs_marks_of_its_op_alone(graded, student, wrong_op):
    _, rows, book, _ = graded
    ops = book["students"][student]["ops"]
    assert 0 < float(rows[student]["total"]) < 3.0
    assert ops[wrong_op]["score"] < ops[wrong_op]["max"] and ops[wrong_op]["verdict"].startswith("fails")
    (right_op,) = set(ops) - {wrong_op}
    assert ops[right_op]["score"] == ops[right_op]["max"]


@pytest.mark.parametrize(
    "student, graded_by_the_checker, reason",
    [
        ("broken_missing", False, "no layers.py"),
        ("broken_syntax", True, "SyntaxError"),
        ("broken_exit", True, "exited with status 0"),
    ],
)
def test_a_broken_submission_scores_0_with_the_reason(graded, student, graded_by_the_checker, reason):
    _, rows, book, out = graded
    entry = book["students"][student]
    assert float(rows[student]["total"]) == 0 and entry["total"] == 0
    assert entry["graded"] is graded_by_the_checker
    assert reason in rows[student]["reason"] and reason in entry["reason"]
    results = json.loads((out / student / "results.json").read_text())
    scores = [(t["name"], t["score"], t["max_score"]) for t in results["tests"]]
    assert scores == [("ReLU", 0, 2.0), ("Sigmoid", 0, 1.0)]


def running_with(marker: str) -> list[int]:
    """The processes whose command line holds ``marker``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc for the processes left behind")
def test_a_grading_past_the_timeout_is_stopped_whole_and_scores_0(tmp_path):
    module = f"sleepy_layers_{os.getpid()}"  # names the runner's command line, and nothing else's
    submissions = tmp_path / "submissions"
    (submissions / "sleeper").mkdir(parents=True)
    (submissions / "sleeper" / f"{module}.py").write_text((SUBMISSIONS / "sleep_forever.py").read_text())
    argv = ["class", str(submissions), "--module", module, "--only", "ReLU", "--out", str(tmp_path / "out")]
    argv += ["--timeout", "3", "--call-timeout", "60", "-j", "1"]
    assert main(argv) == 0
    entry = json.loads((tmp_path / "out" / "gradebook.json").read_text())["students"]["sleeper"]
    assert entry["total"] == 0 and not entry["graded"] and "longer than 3 s" in entry["reason"]
    assert running_with(f"--module={module}") == []
