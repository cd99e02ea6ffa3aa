"""``python -m tools.mutation --report DIR``: mutation testing of scratch/manual and scratch/autograd.

Runs mutmut (configured in pyproject.toml's ``[tool.mutmut]``; results cached in mutants/), after
marking the survivors of the last run as untested: mutmut keeps a verdict until the mutated code
changes, so it would not see a test added since. Writes DIR/mutation.md: the score overall and per file, the run
time, and every survivor with its diff and the reason it survives, from
tools/mutation_explanations.py. A survivor without a reason (or whose reason no longer matches its
diff) is "unexamined"; any unexamined survivor, or a score under ``--goal``, makes the exit status 1.
``--no-run`` only rewrites the report from mutants/.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

from tools.mutation_explanations import EXPLANATIONS

REPO = Path(__file__).resolve().parents[1]
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


def added_lines(diff: str) -> str:
    return "\n".join(line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++"))


def explain(name: str, diff: str) -> str | None:
    """The checked-in reason a survivor survives, if its marker still appears in the mutated lines."""
    marker, reason = EXPLANATIONS.get(name, (None, None))
    return reason if marker is not None and marker in added_lines(diff) else None


def report(results: dict, diffs: dict[str, str], seconds: float | None, goal: float) -> tuple[str, int]:
    """The markdown report and the number of unexamined survivors."""
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
    alive = [(name, results[source][name]) for name, source in survivors(results).items()]
    unexamined = [name for name, _ in alive if explain(name, diffs.get(name, "")) is None]
    lines += ["", f"## Survivors: {len(alive)}, {len(unexamined)} unexamined", ""]
    if not alive:
        lines.append("None.")
    for name, verdict in alive:
        reason = explain(name, diffs.get(name, "")) or "**unexamined**: no reason in tools/mutation_explanations.py"
        lines += [f"### `{name}` ({verdict})", "", reason, "", "```diff", diffs.get(name, "(no diff)"), "```", ""]
    others = [(n, s) for statuses in results.values() for n, s in statuses.items() if s in ("suspicious", "other")]
    if others:
        lines += ["", "## Neither killed nor survived", ""] + [f"- `{n}`: {s}" for n, s in others]
    return "\n".join(lines).rstrip() + "\n", len(unexamined)


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
    text, unexamined = report(results, diffs, seconds, args.goal)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mutation.md").write_text(text)
    overall = score(sum((Counter(s.values()) for s in results.values()), Counter()))
    print(f"mutation score {overall:.1f}% (goal {args.goal:g}%), {unexamined} unexamined; written to {out}/mutation.md")
    return int(unexamined > 0 or overall < args.goal)


if __name__ == "__main__":
    raise SystemExit(main())
