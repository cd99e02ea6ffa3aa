"""A pytest plugin that turns the parity tests' measurements into a report.

Each parity test measures one (op, implementation, check, dtype) cell through the ``parity``
fixture; the largest errors seen over all hypothesis examples travel with the test report (so this
works under pytest-xdist too). ``--parity-report=DIR`` writes DIR/parity.md and DIR/parity.json and
prints the matrix at the end of the run. The bug zoo (tests/zoo/test_zoo.py) records its rows the same way, and
DIR/zoo.md gets the matrix of planted bugs against the checks that caught them.
"""

import json
import re
from pathlib import Path

import pytest

# NOTE: this module is a pytest11 plugin, loaded by every pytest run of an environment that has the
# package: it imports the registry (hypothesis, torch) only inside the hooks that need it.


@pytest.fixture
def parity(record_property):
    from scratch_parity.checks import ParityCell

    cell = ParityCell()
    yield cell
    if cell.key is not None:
        record_property("parity", {**cell.key, "max_abs": cell.seen.max_abs, "max_rel": cell.seen.max_rel})


def pytest_addoption(parser):
    parser.addoption("--parity-report", metavar="DIR", help="write parity.md and parity.json to DIR")


class _Collector:
    def __init__(self):
        self.cells: dict[str, dict] = {}
        self.zoo: dict[str, dict] = {}
        self.attacks: dict[str, dict] = {}
        self.outcomes: dict[str, str] = {}

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.outcomes[report.nodeid] = report.outcome
        elif report.outcome == "failed":
            self.outcomes[report.nodeid] = "failed"
        for name, value in report.user_properties:
            if name == "parity":
                self.cells[report.nodeid] = value
            elif name == "zoo":
                self.zoo[report.nodeid] = value
            elif name == "attack":
                self.attacks[report.nodeid] = value

    def rows(self) -> list[dict]:
        rows = [{**cell, "result": self.outcomes.get(nodeid, "?")} for nodeid, cell in self.cells.items()]
        order = {"forward": 0, "gradient": 1, "finite differences": 2}
        return sorted(rows, key=lambda r: (r["op"], r["impl"], order.get(r["check"], 9), r["dtype"]))

    def zoo_rows(self) -> list[dict]:
        rows = [{**row, "result": self.outcomes.get(nodeid, "?")} for nodeid, row in self.zoo.items()]
        return sorted(rows, key=lambda r: (r["kind"] != "mutant", r["order"], r["op"], r["name"]))


def pytest_configure(config):
    if config.getoption("--parity-report") and not hasattr(config, "workerinput"):
        config._parity = _Collector()
        config.pluginmanager.register(config._parity, "parity-collector")


def markdown(rows: list[dict]) -> str:
    from scratch_parity.registry import OPS, OPS_LIST, OTHER_DIVERGENCES

    registry_rows = [r for r in rows if r["op"] in OPS]
    lines = ["# Parity report", "", *matrix(registry_rows), "", *beyond(rows), "## Every check", ""]
    lines += [
        "Each row is one check of one op in one implementation, over every example hypothesis drew.",
        "forward and gradient compare with torch; finite differences compare an implementation's",
        "gradients with central differences of its own forward (float64). Errors are the largest seen;",
        "the relative error divides by max(|expected|, atol / rtol), below which the tolerance is absolute.",
        "",
        "| op | implementation | check | dtype | max abs error | max rel error | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        result = {"passed": "pass", "failed": "**FAIL**", "skipped": "not implemented"}.get(r["result"], r["result"])
        lines.append(
            f"| {r['op']} | {r['impl']} | {r['check']} | {r['dtype']} | {r['max_abs']:.2e} | "
            f"{r['max_rel']:.2e} | {result} |"
        )
    lines += ["", "## Known divergences from torch", ""]
    for spec in OPS_LIST:
        lines += [f"- **{spec.name}**: {text}" for text in spec.divergences]
    for name, texts in OTHER_DIVERGENCES.items():
        lines += [f"- **{name}**: {text}" for text in texts]
    return "\n".join(lines) + "\n"


def matrix(rows: list[dict]) -> list[str]:
    """One line per op, one column per implementation: its checks passed, and its worst float64 error."""
    order = {"scratch.manual": 0, "scratch.autograd.nn": 1, "reference": 3}
    impls = sorted({r["impl"] for r in rows}, key=lambda i: (order.get(i, 2), i))
    names = {"reference": "torch (its finite-difference control)"}
    lines = ["| op | " + " | ".join(names.get(i, i) for i in impls) + " |", "|---|" + "---|" * len(impls)]
    for op in sorted({r["op"] for r in rows}):
        cells = []
        for impl in impls:
            mine = [r for r in rows if r["op"] == op and r["impl"] == impl]
            passed = sum(r["result"] == "passed" for r in mine)
            versus = [r for r in mine if r["dtype"] == "float64" and r["check"] != "finite differences"]
            worst = max((r["max_rel"] for r in versus or mine), default=0.0)
            measure = "worst rel. error" if versus or impl == "reference" else "worst rel. error (not float64 vs torch)"
            checks = f"{len(mine)} check{'s' if len(mine) != 1 else ''}"
            if not mine:
                cells.append("not run")
            elif passed == len(mine):
                cells.append(f"pass ({checks}; {measure} {worst:.1e})")
            else:
                cells.append(f"**{len(mine) - passed} of {checks} not passed**")
        lines.append(f"| {op} | " + " | ".join(cells) + " |")
    return [
        "Checks per op and implementation: forward and gradient against torch in float32 and float64, and",
        "finite differences in float64. The worst relative error shown is against torch in float64 (for",
        "torch's column, against finite differences).",
        "",
        *lines,
    ]


def beyond(rows: list[dict]) -> list[str]:
    """Checks outside the layer registry (whole sequences, optimizers, schedules, clipping), one line each."""
    from scratch_parity.registry import OPS

    cells: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["op"] not in OPS:
            cells.setdefault((r["op"], r["impl"], r["check"]), []).append(r)
    if not cells:
        return []
    lines = [
        "## Beyond the layer registry",
        "",
        "| op | implementation | check | worst rel. error, float64 | float32 | result |",
        "|---|---|---|---|---|---|",
    ]
    for (op, impl, check), mine in sorted(cells.items()):
        worst = {
            dtype: max((r["max_rel"] for r in mine if r["dtype"] == dtype), default=None)
            for dtype in ("float64", "float32")
        }
        shown = ["—" if w is None else f"{w:.1e}" for w in worst.values()]
        passed = all(r["result"] == "passed" for r in mine)
        lines.append(f"| {op} | {impl} | {check} | {shown[0]} | {shown[1]} | {'pass' if passed else '**FAIL**'} |")
    return [*lines, ""]


def zoo_markdown(rows: list[dict]) -> str:
    """The bug zoo's matrix: one row per planted bug (and per control), one column per check."""
    columns = rows[0]["columns"] if rows else []
    extra = set(rows[0]["extra"]) if rows else set()
    mutants = [r for r in rows if r["kind"] == "mutant"]
    only_new = [r for r in mutants if not {c for c, o in r["outcomes"].items() if o == "caught"} - extra]
    header = [c + (" (zoo)" if c in extra else "") for c in columns]
    lines = [
        "# Bug zoo",
        "",
        f"{len(mutants)} classic bugs, each planted in one of our hand-written layers (scratch_parity/zoo/mutants.py), "
        "against every check of the parity suite, on fixed examples (scratch_parity/zoo/harness.py). "
        "✓: the check caught the bug; blank: it passed; –: the check does not apply to that op; "
        "✗: a check the catalogue expects to catch the bug did not. Columns marked (zoo) are the zoo's own "
        "checks, for bugs that no generic check sees. The control rows (our own layers, and the templates the "
        "mutants are one step away from) must pass every check.",
        "",
        "| bug | op | description | " + " | ".join(header) + " | test |",
        "|---|---|---|" + "---|" * len(columns) + "---|",
    ]
    for r in rows:
        cells = []
        for c in columns:
            outcome = r["outcomes"].get(c, "n/a")
            if outcome == "caught":
                cells.append("✓")
            elif c in r["expected"]:
                cells.append("✗")
            else:
                cells.append("–" if outcome == "n/a" else "")
        result = {"passed": "pass", "failed": "**FAIL**"}.get(r["result"], r["result"])
        description = r["description"].replace("|", "\\|")
        lines.append(f"| {r['name']} | {r['op']} | {description} | " + " | ".join(cells) + f" | {result} |")
    if only_new:
        lines += ["", "Caught only by the zoo's own checks (no generic check sees them):", ""]
        for r in only_new:
            caught = [c for c, o in r["outcomes"].items() if o == "caught"]
            lines.append(f"- **{r['name']}** ({', '.join(caught) or 'nothing'}): {r['description']}")
    return "\n".join([*lines, "", *mutation_score()]) + "\n"


MUTATION_SNAPSHOT = Path(__file__).resolve().parents[1] / "docs" / "results" / "mutation.md"


def mutation_score(snapshot: Path = MUTATION_SNAPSHOT) -> list[str]:
    """The zoo's complement, a mutation tool's thousands of small mutants: the score from the committed snapshot."""
    found = re.search(r"\*\*Score: (.+?)\*\* \((.+?)\)", snapshot.read_text()) if snapshot.exists() else None
    where = "docs/results/mutation.md"
    text = (
        f"mutmut over scratch/manual and scratch/autograd: **{found[1]}** ({found[2]}), from the snapshot {where}, "
        "which lists every surviving mutant and why it survives."
        if found
        else f"No mutation score recorded yet ({where} is missing)."
    )
    return ["## Mutation testing", "", text + " `make mutation` reruns mutmut and writes report/mutation.md."]


def attacks_markdown(rows: list[dict]) -> str:
    """The attack zoo (tests/attacks): each attack on the grader, what it earned, and the grader's reason."""
    held = sum(r["result"] == "passed" for r in rows)
    lines = [
        "# The attack zoo",
        "",
        f"{len(rows)} submissions that try to forge their grade, each graded by `scratch-check` as a student's is "
        f"(tests/attacks). The grader held against {held} of them: each earned what an honest module computing the "
        "same numbers earns (0), the op still counted, and the results were the grader's own.",
        "",
        "| attack | op | what it tries | score | the grader's reason | held |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        reason = " ".join(r["output"].split())[:160].replace("|", "\\|")
        description = r["description"].replace("|", "\\|")
        held = {"passed": "yes", "failed": "**NO**"}.get(r["result"], r["result"])
        lines.append(f"| {r['name']} | {r['op']} | {description} | {r['score']:g} | {reason} | {held} |")
    return "\n".join(lines) + "\n"


def pytest_terminal_summary(terminalreporter, config):
    collector = getattr(config, "_parity", None)
    if collector is None:
        return
    rows, zoo_rows = collector.rows(), collector.zoo_rows()
    out = Path(config.getoption("--parity-report"))
    out.mkdir(parents=True, exist_ok=True)
    if rows or not (zoo_rows or collector.attacks):  # a run of the zoos alone writes no empty parity report
        text = markdown(rows)
        (out / "parity.md").write_text(text)
        (out / "parity.json").write_text(json.dumps(rows, indent=1))
        terminalreporter.section("parity report")
        terminalreporter.write(text)
        failed = sum(r["result"] == "failed" for r in rows)
        terminalreporter.write_line(f"{len(rows)} checks, {failed} failed; written to {out / 'parity.md'}")
    attack_rows = [{**row, "result": collector.outcomes.get(nodeid, "?")} for nodeid, row in collector.attacks.items()]
    if attack_rows:
        text = attacks_markdown(sorted(attack_rows, key=lambda r: r["name"]))
        (out / "attacks.md").write_text(text)
        terminalreporter.write_line(f"{len(attack_rows)} attacks; written to {out / 'attacks.md'}")
    if zoo_rows:
        text = zoo_markdown(zoo_rows)
        (out / "zoo.md").write_text(text)
        (out / "zoo.json").write_text(json.dumps(zoo_rows, indent=1))
        terminalreporter.section("bug zoo")
        terminalreporter.write(text)
        failed = sum(r["result"] == "failed" for r in zoo_rows)
        terminalreporter.write_line(f"{len(zoo_rows)} zoo rows, {failed} failed; written to {out / 'zoo.md'}")
