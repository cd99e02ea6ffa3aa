"""``scratch-grade classroom``: a GitHub Classroom autograding workflow, a test per op, and the checker it installs.

Writes, for a template repository, DIR/.github/workflows/classroom.yml and the package it installs,
DIR/.github/classroom/scratch-parity/ (``scratch_parity.carry``). The workflow has GitHub Classroom's
current shape: the checker installed once (torch from the CPU index), then a step per op on
``classroom-resources/autograding-command-grader@v1`` whose points are the op's weight and whose command
runs ``scratch-check MODULE --only Op -n 0`` and passes only when the op earned its full score (a
check that failed, or "not implemented", fails it), and last
``classroom-resources/autograding-grading-reporter@v1``, which reads every step's result (the
environment variable ``<ID>_RESULTS``) and reports the points to Classroom.

The workflow runs in the student's own repository, and a student can edit it: such grades are
feedback, and grades that must not be forged belong on Gradescope (``scratch-grade gradescope``) or
another server the student cannot write to.
"""

import dataclasses
import json
import math
import shlex
import sys
from pathlib import Path

from scratch_parity import carry
from scratch_parity.course import Course

WORKFLOW = Path(".github/workflows/classroom.yml")
PACKAGE_DIR = Path(".github/classroom")
RESULTS_DIR = ".autograding"

HEADER = """\
# GitHub Classroom autograding, written by scratch-grade classroom: one test per op of {module}, each
# worth the op's points when every one of its checks passes against torch (scratch-check).
#
# NOTE: this workflow runs in the student's repository, and a student can edit it (or the checker under
# .github/classroom/) to pass every test. Its points are feedback, not a grade that cannot be forged:
# grade on Gradescope (scratch-grade gradescope) or on a server the student cannot write to.
"""


def step_id(op: str) -> str:
    """The step id of an op's test: its name in lower case (the reporter reads ``<ID upper>_RESULTS``)."""
    return op.lower()


def step_command(course: Course, op: str) -> str:
    """The test's command: scratch-check on that op alone, passing only at the op's full score."""
    out = f"{RESULTS_DIR}/{step_id(op)}"
    check = ["scratch-check", course.module, *dataclasses.replace(course, only=(op,)).options(), "--out", out]
    return f"{shlex.join(check)} && scratch-grade full-marks {out}/results.json"


def timeout_minutes(course: Course) -> int:
    """The minutes one op's test may take: the action's default (10), more for a course with longer limits."""
    return max(10, math.ceil(3 * course.cpu_limit / 60))


def quote(value) -> str:
    """A YAML scalar: JSON's strings are YAML's double-quoted ones."""
    return json.dumps(value)


def workflow(course: Course) -> str:
    """classroom.yml for ``course``."""
    install = carry.install_lines("python -m pip", f"./{PACKAGE_DIR.as_posix()}/{carry.FOLDER}")
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines = [
        HEADER.format(module=course.module).rstrip(),
        "name: Autograding Tests",
        '"on":',
        "  - push",
        "  - repository_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "      - name: Checkout code",
        "        uses: actions/checkout@v4",
        "      - name: Set up Python",
        "        uses: actions/setup-python@v5",
        "        with:",
        f"          python-version: {quote(python)}",
        "      - name: Install the checker",
        "        run: |",
        *(f"          {line}" for line in install),
    ]
    points = course.points()
    for op in course.ops:
        lines += [
            f"      - name: {quote(op)}",
            f"        id: {step_id(op)}",
            "        uses: classroom-resources/autograding-command-grader@v1",
            "        with:",
            f"          test-name: {quote(op)}",
            '          setup-command: ""',
            f"          command: {quote(step_command(course, op))}",
            f"          timeout: {timeout_minutes(course)}",
            f"          max-score: {points[op]:g}",
        ]
    lines += ["      - name: Autograding Reporter", "        uses: classroom-resources/autograding-grading-reporter@v1"]
    lines += ["        env:"]
    for op in course.ops:
        result = "${{steps." + step_id(op) + ".outputs.result}}"
        lines.append(f"          {step_id(op).upper()}_RESULTS: {quote(result)}")
    lines += ["        with:", f"          runners: {','.join(step_id(op) for op in course.ops)}"]
    return "\n".join(lines) + "\n"


def write(course: Course, target: Path) -> Path:
    """The workflow and the carried package under ``target`` (a template repository's root)."""
    path = target / WORKFLOW
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(workflow(course))
    carry.write_tree(target / PACKAGE_DIR)
    return path


def full_marks(results: Path) -> bool:
    """Whether a results.json scores every test's full points (a missing or unreadable one does not)."""
    try:
        tests = json.loads(results.read_text())["tests"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return bool(tests) and all(test["score"] >= test["max_score"] - 1e-9 for test in tests)
