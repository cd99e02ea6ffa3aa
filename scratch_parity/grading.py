"""Verdicts per op for the implementation under test, and grades: the course's view of a parity run.

A pytest plugin (entry point ``pytest11``), inert unless its options are given:
  - each test gets a time limit (``--op-timeout``, seconds): code that hangs fails that test with a
    TimeoutError instead of stopping the run;
  - a check of the suite that hits ``NotImplementedError`` (the starter kit's backward) is reported as
    "not implemented", a skip, not a failure;
  - ``--grade=DIR`` writes DIR/grades.md (one verdict per op: which checks failed, and the first
    message) and DIR/results.json in Gradescope's format, one test per op scored by the fraction of
    its checks that passed, times the op's weight (``--weights=FILE``: JSON ``{"Conv2d": 3, ...}``,
    default 1 each). The table is printed at the end of the run too.
Works under pytest-xdist: what a worker learns travels with the test reports.
"""

import json
import os
import signal
import tempfile
import threading
from pathlib import Path

import pytest

CHECK_NAMES = {
    "test_forward": "forward",
    "test_gradient": "gradient",
    "test_finite_differences": "finite differences",
    "test_contract": "dtype/mutation/shapes",
    "test_bad_input": "error on bad input",
    "test_extremes": "extremes",
    "test_fresh_masks": "fresh masks",
    "test_accumulation": "accumulation",
}


def pytest_addoption(parser):
    parser.addoption("--op-timeout", type=float, default=0.0, help="seconds one test may take (default 0: no limit)")
    parser.addoption("--grade", metavar="DIR", help="write DIR/grades.md and a Gradescope-style DIR/results.json")
    parser.addoption("--weights", metavar="FILE", help='JSON weights per op for --grade, e.g. {"Conv2d": 3}')
    parser.addoption(
        "--ops", metavar="LIST", help="comma-separated registry ops to check (default: all), e.g. Linear,ReLU"
    )


def item_op(item) -> str | None:
    """The registry op a test checks, from its parameters ("op", or the bad-input tests' "spec")."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("op") or getattr(params.get("spec"), "name", None)


def pytest_collection_modifyitems(config, items):
    """--ops keeps only the tests of those ops (tests of no op, such as the engine's, are dropped too)."""
    if not config.getoption("--ops"):
        return
    wanted = {op.strip() for op in config.getoption("--ops").split(",")}
    kept, dropped = [], []
    for item in items:
        (kept if item_op(item) in wanted else dropped).append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


class OpTimeout(BaseException):
    """The time limit's exception. NOTE: a BaseException, not an Exception: hypothesis catches Exceptions
    (and pytest.fail) to replay and shrink the example, which would hang again on every replay."""


@pytest.fixture(autouse=True)
def time_limit(request):
    """SIGALRM after --op-timeout seconds: a hanging forward or backward fails its test, the run goes on."""
    seconds = request.config.getoption("--op-timeout")
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum, frame):
        raise OpTimeout(f"{request.node.name} took longer than {seconds:g} s (--op-timeout)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def in_suite(item) -> bool:
    """Whether a test is one of the parity suite's (scratch_parity.suite): only those are graded."""
    module = getattr(item, "module", None)
    return module is not None and module.__name__.startswith("scratch_parity.suite.")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not in_suite(item):
        return
    if call.when == "call" and call.excinfo is not None and call.excinfo.errisinstance(NotImplementedError):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"not implemented: {call.excinfo.value}")
    op = item_op(item)
    check = CHECK_NAMES.get(getattr(item, "originalname", ""))
    if call.when == "call" and op and check:
        report.user_properties.append(("grade", {"op": op, "check": check}))


class Grades:
    """Outcomes per op and check, gathered from the reports (on the controller under xdist)."""

    def __init__(self):
        self.checks: dict[str, dict[str, list]] = {}  # op -> check -> [outcomes]
        self.messages: dict[str, str] = {}  # op -> the first failure's message

    def pytest_runtest_logreport(self, report):
        for name, value in report.user_properties:
            if name != "grade" or report.when != "call":
                continue
            self.checks.setdefault(value["op"], {}).setdefault(value["check"], []).append(report.outcome)
            if report.outcome == "failed" and value["op"] not in self.messages:
                self.messages[value["op"]] = first_lines(report.longreprtext)

    def verdicts(self, weights: dict, expected: dict[str, list[str]] | None = None) -> list[dict]:
        """A verdict and a score per op. ``expected`` (op -> its checks) fixes the denominator: an op or a
        check that never reported (its runner crashed the worker, or the run stopped) scores 0, "did not run"."""
        expected = expected if expected is not None else {op: list(checks) for op, checks in self.checks.items()}
        rows = []
        for op in sorted(expected):
            results = {check: self.checks.get(op, {}).get(check) or ["not run"] for check in expected[op]}
            outcomes = [o for found in results.values() for o in found]
            passed = sum(o == "passed" for o in outcomes)
            failed = sorted(check for check, found in results.items() if "failed" in found)
            missing = sorted(check for check, found in results.items() if "skipped" in found)
            not_run = sorted(check for check, found in results.items() if found == ["not run"])
            weight = float(weights.get(op, 1.0))
            problems = []
            if failed:
                problems.append("fails: " + ", ".join(failed))
            if not_run:
                problems.append("did not run: " + ", ".join(not_run))
            if problems:
                verdict = "; ".join(problems)
            elif missing and not passed:
                verdict = "not implemented"
            elif missing:
                verdict = "not implemented: " + ", ".join(missing)
            else:
                verdict = "pass"
            score = weight * op_share(results)
            rows.append(dict(op=op, verdict=verdict, score=score, max_score=weight, message=self.messages.get(op, "")))
        return rows


def op_share(results: dict[str, list[str]]) -> float:
    """The fraction of an op's marks that its outcomes (check -> outcomes of its cases) earn.

    Each kind of check weighs the same, however many cases it has (bad inputs come in several), so an
    op whose backward is still missing earns the share of its forward and its input checks. But the
    checks of a layer's own consistency and manners (finite differences, the contract, bad input,
    accumulation, ...) earn nothing unless its forward agrees with torch: a layer that computes zeros is
    consistent, keeps its dtype and may refuse bad shapes, and has still done none of the work. Likewise
    finite differences earn nothing while the gradient disagrees with torch's.
    """
    shares = {check: sum(o == "passed" for o in found) / len(found) for check, found in results.items()}
    if "forward" in shares and shares["forward"] < 1:
        shares = {check: share if check in ("forward", "gradient") else 0.0 for check, share in shares.items()}
    if "finite differences" in shares and shares.get("gradient", 1) < 1:
        shares["finite differences"] = 0.0  # agreeing with its own forward proves nothing of a gradient torch refutes
    return sum(shares.values()) / len(shares) if shares else 0.0


def expected_checks(ops: list[str] | None = None) -> dict[str, list[str]]:
    """The graded checks of every op (or of ``ops``), from the registry: the fixed denominator of a grade."""
    from scratch_parity.registry import OPS_LIST
    from scratch_parity.zoo.harness import applies

    harness_names = {"dtype/mutation/shapes": "contract", "error on bad input": "bad input"}
    return {
        spec.name: [check for check in CHECK_NAMES.values() if applies(harness_names.get(check, check), spec.name)]
        for spec in OPS_LIST
        if ops is None or spec.name in ops
    }


def zero_rows(weights: dict, ops: list[str] | None, reason: str) -> list[dict]:
    """The grades of a submission that could not be graded: every expected check of ``ops`` 0, with ``reason``."""
    rows = Grades().verdicts(weights, expected_checks(ops))
    for row in rows:
        row["message"] = reason
    return rows


def write_zero_results(out: Path, rows: list[dict], reason: str, checked: str = "") -> dict:
    """``rows`` (from ``zero_rows``) as results.json and grades.md in ``out``, as a grading run writes them."""
    results = {**gradescope(rows), "output": reason}
    out.mkdir(parents=True, exist_ok=True)
    replace_file(out / "results.json", json.dumps(results, indent=1))
    replace_file(out / "grades.md", markdown(rows, checked) + f"\n{reason}\n")
    return results


def replace_file(path: Path, text: str) -> None:
    """``text`` as the file ``path``, written to a new file beside it and moved into place.

    NOTE: never opened by its name: a link planted there (to a file the grader may write) is replaced, not
    followed, and a reader sees the old file or the new one, never half of it."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w") as f:
            f.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def first_lines(text: str, n: int = 12) -> str:
    """The start of a failure's report, where the check names the side, the error and the reproduction."""
    lines = [line for line in text.splitlines() if line.startswith("E ")] or text.splitlines()
    return "\n".join(line[2:].rstrip() if line.startswith("E ") else line for line in lines[:n])


def gradescope(rows: list[dict]) -> dict:
    """Gradescope's autograder results format: a total score and one test per op."""
    return {
        "score": round(sum(r["score"] for r in rows), 4),
        "tests": [
            {
                "name": r["op"],
                "score": round(r["score"], 4),
                "max_score": r["max_score"],
                "status": "passed" if r["verdict"] == "pass" else "failed",
                "output": r["verdict"] + ("\n\n" + r["message"] if r["message"] else ""),
            }
            for r in rows
        ],
    }


def markdown(rows: list[dict], checked: str = "") -> str:
    """The grades as a Markdown table, after a line naming what was ``checked`` (an import path and contract)."""
    total, best = sum(r["score"] for r in rows), sum(r["max_score"] for r in rows)
    lines = [
        "# Grades",
        "",
        *([f"Checked: {checked}", ""] if checked else []),
        f"Score: {total:.2f} of {best:.2f}",
        "",
        "| op | verdict | score |",
        "|---|---|---|",
    ]
    lines += [f"| {r['op']} | {r['verdict']} | {r['score']:.2f} / {r['max_score']:g} |" for r in rows]
    return "\n".join(lines) + "\n"


def pytest_configure(config):
    if config.getoption("--grade") and not hasattr(config, "workerinput"):
        config._grades = Grades()
        config.pluginmanager.register(config._grades, "grades")


def pytest_terminal_summary(terminalreporter, config):
    grades = getattr(config, "_grades", None)
    if grades is None:
        return
    weights_file = config.getoption("--weights")
    weights = json.loads(Path(weights_file).read_text()) if weights_file else {}
    selected = config.getoption("--ops")
    rows = grades.verdicts(weights, expected_checks([op.strip() for op in selected.split(",")] if selected else None))
    out = Path(config.getoption("--grade"))
    out.mkdir(parents=True, exist_ok=True)
    impl = config.getoption("--impl")
    text = markdown(rows, f"`{impl}` ({config.getoption('--contract')} contract)" if impl else "")
    replace_file(out / "grades.md", text)
    replace_file(out / "results.json", json.dumps(gradescope(rows), indent=1))
    terminalreporter.section("verdict per op")
    terminalreporter.write(text)
    terminalreporter.write_line(f"written to {out / 'grades.md'} and {out / 'results.json'}")
