"""``python -m tools.mutation --report DIR``: mutation testing of scratch/manual and scratch/autograd.

Runs mutmut (configured in pyproject.toml's ``[tool.mutmut]``; results cached in mutants/), after
marking the survivors of the last run as untested: mutmut keeps a verdict until the mutated code
changes, so it would not see a test added since. Writes DIR/mutation.md: the score overall and per file, the run
time, and every survivor with its diff and the reason it survives, from
tools/mutation_explanations.toml. There a survivor is found by where it is and what it changes: its
source file, its function (``Class.method`` or ``function``) and ``BEFORE → AFTER``, a piece of the
mutated line and what the mutant has in its place. A survivor that no entry matches is "unexamined";
any unexamined survivor, or a score under ``--goal``, makes the exit status 1. An entry that matches no
survivor is listed as stale (its mutant is killed now, or its line changed). ``--no-run`` only rewrites
the report from mutants/.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser as tomli, which pytest installs there
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
EXPLANATIONS = Path(__file__).with_name("mutation_explanations.toml")
COLUMNS = ("killed", "survived", "timeout", "suspicious", "no tests", "other")
TO_EXAMINE = ("survived", "no tests")  # mutants that no test failed on


def status(exit_code: int | None) -> str:
    """mutmut's verdict for a mutant's test-run exit code (mutmut.stats.status_by_exit_code), in COLUMNS."""
    verdict = status_by_exit_code[exit_code]
    return verdict if verdict in COLUMNS else "other"


def read_results(mutants: Path) -> dict[str, dict[str, str]]:
    """{source file: {mutant name: status}} from mutmut's mutants/**/*.py.meta files."""
    results = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if codes:
            source = meta.relative_to(mutants).as_posix().removesuffix(".meta")
            results[source] = {name: status(code) for name, code in codes.items()}
    return results


def survivors(results: dict[str, dict[str, str]]) -> dict[str, str]:
    """{mutant name: source file} of the mutants no test failed on."""
    return {name: source for source, statuses in results.items() for name, s in statuses.items() if s in TO_EXAMINE}


def score(counts: Counter) -> float:
    """Percent of mutants killed, counting a timeout as a kill (the tests did not pass), as mutmut does."""
    total = sum(counts.values())
    return 100.0 * (counts["killed"] + counts["timeout"]) / total if total else 100.0


@dataclass(frozen=True)
class Explanation:
    """An entry of tools/mutation_explanations.toml: where a survivor is, what it changes, why it survives."""

    file: str  # as mutmut names it: scratch/manual/linear.py
    function: str  # Class.method, or function
    before: str  # a piece of the line mutmut changed
    after: str  # what the mutant has in its place
    reason: str  # the reason's text

    def matches(self, file: str, function: str, diff: str) -> bool:
        """Whether a mutant of file's function with this diff makes this change: the mutated lines are the
        original ones with one occurrence of before replaced by after."""
        if (file, function) != (self.file, self.function):
            return False
        removed, added = changed_lines(diff, "-"), changed_lines(diff, "+")
        at = removed.find(self.before)
        while at != -1:
            if removed[:at] + self.after + removed[at + len(self.before) :] == added:
                return True
            at = removed.find(self.before, at + 1)
        return False

    def __str__(self) -> str:
        return f"`{self.file}` `{self.function}`: `{self.before} → {self.after}`"


def load_explanations(text: str) -> list[Explanation]:
    """The entries of tools/mutation_explanations.toml's text, each with its reason's text."""
    data = tomllib.loads(text)
    reasons = data.get("reasons", {})
    entries = []
    for file, functions in data.get("survivors", {}).items():
        for function, changes in functions.items():
            for change, name in changes.items():
                before, arrow, after = change.partition(" → ")
                if not (arrow and before):
                    raise ValueError(f"{file} {function}: {change!r} is not 'BEFORE → AFTER'")
                if name not in reasons:
                    raise ValueError(f"{file} {function}: {change!r} names no reason in [reasons]: {name!r}")
                entries.append(Explanation(file, function, before, after, reasons[name]))
    return entries


def function_of(name: str) -> str:
    """The function a mutant is in, from mutmut's name for it: ``Class.method`` for
    ``pkg.module.xǁClassǁmethod__mutmut_3``, ``function`` for ``pkg.module.x_function__mutmut_3``."""
    mangled = name.partition("__mutmut_")[0].rpartition(".")[2]
    if "ǁ" in mangled:
        return ".".join(mangled.split("ǁ")[1:])
    return mangled.removeprefix("x_")


def changed_lines(diff: str, sign: str) -> str:
    """The lines of a unified diff that it removes (sign "-") or adds ("+"), without the sign."""
    return "\n".join(line[1:] for line in diff.splitlines() if line.startswith(sign) and not line.startswith(sign * 3))


def report(
    results: dict, diffs: dict[str, str], seconds: float | None, goal: float, explanations: list[Explanation]
) -> tuple[str, int, int]:
    """The markdown report, the number of unexamined survivors and the number of stale explanations."""
    per_file = {source: Counter(statuses.values()) for source, statuses in results.items()}
    overall = sum(per_file.values(), Counter())
    row = "| {} | " + "{} | " * len(COLUMNS) + "{} | {:.1f}% |"
    lines = [
        "# Mutation testing",
        "",
        "[mutmut](https://mutmut.readthedocs.io) changes one thing at a time in scratch/manual and "
        "scratch/autograd (an operator, a constant, an argument) and runs the tests on each such mutant; a "
        "mutant is killed when a test fails. Score: killed (timeouts included) over all mutants. "
        f"Goal: {goal:g}%. Rerun with `make mutation`: a first run tests every mutant (about 25 min on 2 cores), "
        "a later one only the mutants whose code or tests changed, and the last run's survivors.",
        "",
        f"**Score: {score(overall):.1f}%** ({overall['killed'] + overall['timeout']} of {sum(overall.values())} "
        "mutants killed)" + (f"; this run took {seconds / 60:.1f} min" if seconds is not None else "") + ".",
        "",
        "| file | " + " | ".join(COLUMNS) + " | total | score |",
        "|---|" + "---:|" * (len(COLUMNS) + 2),
    ]
    packages = {}
    for source, counts in per_file.items():
        package = "/".join(source.split("/")[:2])
        packages[package] = packages.get(package, Counter()) + counts
    totals = [(f"**{package}**", counts) for package, counts in packages.items()]
    for source, counts in [*per_file.items(), *totals, ("**all**", overall)]:
        lines.append(row.format(source, *(counts[c] for c in COLUMNS), sum(counts.values()), score(counts)))
    alive = [(name, source, results[source][name]) for name, source in survivors(results).items()]
    changes = {name: (source, function_of(name), diffs.get(name, "")) for name, source, _ in alive}
    found = {name: next((e for e in explanations if e.matches(*change)), None) for name, change in changes.items()}
    stale = [e for e in explanations if not any(e.matches(*change) for change in changes.values())]
    unexamined = [name for name, entry in found.items() if entry is None]
    lines += ["", f"## Survivors: {len(alive)}, {len(unexamined)} unexamined", ""]
    if not alive:
        lines.append("None.")
    for name, source, verdict in alive:
        table = f'[survivors."{source}"."{changes[name][1]}"]'
        missing = f"**unexamined**: no entry under `{table}` in tools/mutation_explanations.toml matches"
        reason = found[name].reason if found[name] else missing
        lines += [f"### `{name}` ({verdict})", "", reason, "", "```diff", diffs.get(name, "(no diff)"), "```", ""]
    if stale:
        why = "the mutant is killed now, or its line changed: delete or update them"
        lines += ["", f"## Stale explanations: {len(stale)}", "", f"Entries that match no survivor ({why}):", ""]
        lines += [f"- {e}" for e in stale]
    others = [(n, s) for statuses in results.values() for n, s in statuses.items() if s in ("suspicious", "other")]
    if others:
        lines += ["", "## Neither killed nor survived", ""] + [f"- `{n}`: {s}" for n, s in others]
    return "\n".join(lines).rstrip() + "\n", len(unexamined), len(stale)


def retest_survivors(mutants: Path) -> None:
    """Mark the survivors of the last run as untested, so that mutmut runs them again with today's tests."""
    for meta in mutants.rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        codes = data["exit_code_by_key"]
        for name, code in codes.items():
            if status(code) in TO_EXAMINE:
                codes[name] = None
        meta.write_text(json.dumps(data, indent=4))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", default="report", help="folder for mutation.md (default: report)")
    parser.add_argument("--max-children", type=int, default=None, help="parallel test runs (mutmut's default: CPUs)")
    parser.add_argument("--goal", type=float, default=90.0, help="least score in percent (default: 90)")
    parser.add_argument("--no-run", action="store_true", help="only write the report from the last run's results")
    args = parser.parse_args(argv)
    out = Path(args.report).resolve()
    os.chdir(REPO)  # mutmut works in, and names files relative to, the repository root
    seconds = None
    if not args.no_run:
        start = time.monotonic()
        retest_survivors(Path("mutants"))
        children = [] if args.max_children is None else ["--max-children", str(args.max_children)]
        if subprocess.run([sys.executable, "-m", "mutmut", "run", *children]).returncode != 0:
            return 1
        seconds = time.monotonic() - start
    results = read_results(Path("mutants"))
    if not results:
        print("no mutmut results in mutants/: run without --no-run first", file=sys.stderr)
        return 1
    diffs = {name: get_diff_for_mutant(name, path=source) for name, source in survivors(results).items()}
    text, unexamined, stale = report(results, diffs, seconds, args.goal, load_explanations(EXPLANATIONS.read_text()))
    out.mkdir(parents=True, exist_ok=True)
    (out / "mutation.md").write_text(text)
    overall = score(sum((Counter(s.values()) for s in results.values()), Counter()))
    print(
        f"mutation score {overall:.1f}% (goal {args.goal:g}%), {unexamined} unexamined, {stale} stale explanations; "
        f"written to {out}/mutation.md"
    )
    return int(unexamined > 0 or overall < args.goal)


if __name__ == "__main__":
    raise SystemExit(main())
