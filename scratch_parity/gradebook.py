"""Grading a whole class: one ``scratch-check`` per student, several at a time, into one gradebook.

SUBMISSIONS holds a folder per student (its name is the student's id) with the course's module inside
(``layers.py``, or ``layers/`` as a package). Each student is graded by ``scratch-check`` in a process
of its own (``python -m scratch_parity ... -n 0``), ``jobs`` at a time, into OUT/<student>/
(results.json, grades.md, junit.xml, and check.log: what scratch-check printed). It runs from that
output folder, never from the student's: ``python -m`` puts the current folder on the trusted parent's
path. One student's failure stops no other: a missing module, a checker that stopped without
results, or a grading that ran past ``timeout`` seconds (stopped whole, its runners too) scores 0 of
every op, with the reason. The gradebook (OUT/gradebook.csv, OUT/gradebook.json) has every student,
each out of the same maximum: the course's (``Course.maximum``), never what ran.
"""

import concurrent.futures
import csv
import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from scratch_parity.course import Course

STOP_GRACE = 10.0
"""Seconds a stopped scratch-check gets to end its runners (pytest's teardown) before it is killed."""


@dataclasses.dataclass
class Outcome:
    """One student's grade: Gradescope's results, and why they are 0 where they are."""

    student: str
    results: dict
    reason: str = ""  # why the student was not graded, or (a total of 0) the start of the first op's message
    seconds: float = 0.0
    graded: bool = True  # False: scratch-check could not grade them (every op 0, for ``reason``)

    @property
    def total(self) -> float:
        return round(sum(test["score"] for test in self.results["tests"]), 4)

    def ops(self) -> dict[str, dict]:
        """Per op: its score, its maximum, the verdict and the message (the first failure's start)."""
        found = {}
        for test in self.results["tests"]:
            verdict, _, message = test.get("output", "").partition("\n\n")
            found[test["name"]] = dict(score=test["score"], max=test["max_score"], verdict=verdict, message=message)
        return found


def students(submissions: Path, out: Path) -> list[Path]:
    """The student folders of ``submissions`` (not hidden ones, not the output folder), by name."""
    return sorted(
        path
        for path in submissions.iterdir()
        if path.is_dir() and not path.name.startswith(".") and path.resolve() != out.resolve()
    )


def module_present(folder: Path, module: str) -> bool:
    """Whether ``folder`` holds the module (``a.b`` as a/b.py or the package a/b/)."""
    path = folder.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or path.is_dir()


class ClassGrading:
    """A class graded by concurrent scratch-check processes (see the module docstring)."""

    def __init__(self, course: Course, out: Path, timeout: float = 1800.0, python: str = sys.executable):
        self.course, self.out, self.timeout, self.python = course, out, timeout, python
        self.running: set[subprocess.Popen] = set()
        self.lock = threading.Lock()

    def grade(self, folders: list[Path], jobs: int, progress=None) -> list[Outcome]:
        """Every student of ``folders``, ``jobs`` at a time; ``progress(outcome)`` after each one."""
        self.out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="scratch-grade-") as scratch:
            weights = Path(scratch) / "weights.json"
            weights.write_text(self.course.weights_json())
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs))
            try:
                futures = [pool.submit(self.grade_student, folder, weights) for folder in folders]
                for future in concurrent.futures.as_completed(futures):
                    if progress is not None:
                        progress(future.result())
            except BaseException:  # Ctrl-C: no student's grading is left running behind us
                pool.shutdown(wait=False, cancel_futures=True)
                with self.lock:
                    running = list(self.running)
                for process in running:
                    stop(process)
                raise
            pool.shutdown()
        return sorted((f.result() for f in futures), key=lambda outcome: outcome.student)

    def grade_student(self, folder: Path, weights: Path) -> Outcome:
        """One student: scratch-check on their folder, or 0 of every op with the reason it could not run."""
        started = time.monotonic()
        out = self.out / folder.name
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").unlink(missing_ok=True)
        if not module_present(folder, self.course.module):
            reason = f"no {self.course.module.replace('.', '/')}.py (nor a package of that name) in {folder.name}/"
            return self.failed(folder.name, out, reason, started)
        command = [self.python, "-m", "scratch_parity", self.course.module, "--submission", str(folder.resolve())]
        command += ["--out", str(out.resolve()), "--weights", str(weights), *self.course.options()]
        with open(out / "check.log", "wb") as log:
            process = subprocess.Popen(
                command, cwd=out, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
            with self.lock:
                self.running.add(process)
            try:
                status = process.wait(self.timeout)
            except subprocess.TimeoutExpired:
                stop(process)
                reason = f"the grading took longer than {self.timeout:g} s: stopped"
                return self.failed(folder.name, out, reason, started)
            finally:
                with self.lock:
                    self.running.discard(process)
        try:
            results = json.loads((out / "results.json").read_text())
        except (OSError, ValueError):
            results = None
        if status not in (0, 1) or results is None:
            tail = " ".join((out / "check.log").read_text(errors="replace").strip().splitlines()[-3:])
            reason = f"scratch-check stopped with status {status} without results" + (f": {tail}" if tail else "")
            return self.failed(folder.name, out, reason, started)
        if [(t["name"], t["max_score"]) for t in results["tests"]] != list(self.course.points().items()):
            return self.failed(folder.name, out, "scratch-check's results do not list the course's ops", started)
        outcome = Outcome(folder.name, results, seconds=time.monotonic() - started)
        if outcome.total == 0:
            messages = [op["message"] for op in outcome.ops().values() if op["message"]]
            outcome.reason = " ".join(line.strip() for line in (messages or [""])[0].splitlines()[:3])
        return outcome

    def failed(self, student: str, out: Path, reason: str, started: float) -> Outcome:
        """0 of every op for ``reason``, written where scratch-check would have written the student's results."""
        results = self.course.write_zero_results(out, reason)
        return Outcome(student, results, reason, time.monotonic() - started, graded=False)


def stop(process: subprocess.Popen, grace: float = STOP_GRACE) -> None:
    """End a scratch-check and all it started: SIGINT to its process group first (pytest's teardown ends
    its runners, which live in sessions of their own), then SIGKILL to the group and to every process
    below it that is still there."""
    below = descendants(process.pid)
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(grace)
    except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
        pass
    for pid in [process.pid, *below]:
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    process.wait()


def descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (children, theirs, ...), read from /proc; none where there is no /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Progress:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, a line per student elsewhere."""

    def __init__(self, total: int, maximum: float, stream=None, width: int = 30):
        self.total, self.maximum, self.done, self.width = total, maximum, 0, width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        filled = self.width * self.done // max(1, self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self.started
        line = (
            f"[{bar}] {self.done}/{self.total} {elapsed:.0f} s  {outcome.student}: "
            f"{outcome.total:g}/{self.maximum:g}" + ("" if outcome.graded else f" (not graded: {outcome.reason})")
        )
        if self.stream.isatty():
            end = "\n" if self.done == self.total else ""
            self.stream.write("\r\033[K" + line + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def write_gradebook(course: Course, outcomes: list[Outcome], out: Path) -> None:
    """OUT/gradebook.csv (student, total, max, a column per op, reason) and OUT/gradebook.json."""
    ops, maximum = course.ops, round(course.maximum, 4)
    with open(out / "gradebook.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "total", "max", *ops, "reason"])
        for outcome in outcomes:
            scores = outcome.ops()
            writer.writerow(
                [outcome.student, outcome.total, maximum, *(scores[op]["score"] for op in ops), outcome.reason]
            )
    book = {
        "course": {**dataclasses.asdict(course), "weights": course.points(), "max": maximum},
        "students": {
            outcome.student: {
                "total": outcome.total,
                "max": maximum,
                "ops": outcome.ops(),
                "graded": outcome.graded,
                "reason": outcome.reason,
                "seconds": round(outcome.seconds, 2),
            }
            for outcome in outcomes
        },
    }
    (out / "gradebook.json").write_text(json.dumps(book, indent=1))
