"""``scratch-reproduce``: the seed course's tables, reproduced and extended, written into the report.

Four parts, each a set of ordinary ``scratch-train`` runs (the same parser and checks, trainers, shared
initial state_dict and batch order: ``experiments.cli.train_record``), then tables and figures:

    mlp      the MLP on moons and circles, three implementations, float64: accuracy and curve agreement
    c5l3     the C5L3 ablation on digits (six settings of the course, and one more), 3 seeds
    rnn      the vanilla RNN on palindromes of lengths 5 to 20, 3 seeds, and ||dL/dh_t|| over time
    timing   wall time of a training epoch per implementation, as a ratio to torch's

It writes ``<out>/experiments.md``, the figures ``<out>/experiments_*.png`` and the numbers behind them,
``<out>/experiments.json``. ``--quick`` runs the same parts with tiny sizes (seconds: for tests and
smoke runs; its numbers mean nothing), ``--only`` some of the parts.

This module is the command only: the runs are in ``plan``, their training in ``runs``, the prose and
tables of each part in ``sections``, the report put together in ``report``.
"""

import argparse
import shlex
import sys
import time
from pathlib import Path

from scratch_parity.experiments.plan import FULL, PARTS, QUICK, Plan
from scratch_parity.experiments.report import DATA, draw_sections, duration, machine, write_report
from scratch_parity.experiments.runs import run_parts


def _parts(text: str) -> tuple[str, ...]:
    chosen = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PARTS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of {', '.join(PARTS)}; got {text!r}")
    return tuple(p for p in PARTS if p in chosen)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scratch-reproduce",
        description="Reproduce the seed course's tables with the three implementations and write them into "
        "the report: <out>/experiments.md, its figures <out>/experiments_*.png and numbers <out>/experiments.json.",
        epilog="parts: mlp (MLP on moons and circles), c5l3 (the C5L3 ablation on digits), rnn (the vanilla RNN "
        "on palindromes), timing (wall time per epoch, per implementation). The whole command takes a few "
        "minutes on two cores; --quick seconds.",
    )
    p.add_argument("--quick", action="store_true", help="tiny sizes and epochs (seconds): a smoke run, for tests")
    p.add_argument("--only", type=_parts, default=PARTS, metavar="PARTS", help="e.g. mlp,rnn (default: all four)")
    p.add_argument("--out", default="report", metavar="DIR", help="default: report/")
    bars = p.add_mutually_exclusive_group()
    bars.add_argument("--progress", action="store_true", default=None, help="bars even when stderr is no terminal")
    bars.add_argument("--no-progress", dest="progress", action="store_false", help="no bars: a line per run")
    return p


def reproduce(plan: Plan, parts: tuple[str, ...], out: Path, progress: bool | None, command: str) -> Path:
    """Run ``parts`` of ``plan``, write the report, its figures and its numbers into ``out``; the report's path."""
    started_at = time.strftime("%Y-%m-%d %H:%M:%S")
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    runs, part_s = run_parts(plan, parts, progress)
    sections, figures = draw_sections(runs, plan, parts, out)
    header = {
        "quick": plan.quick,
        "machine": machine(),
        "command": command,
        "started": started_at,
        "part_s": part_s,
        "total_s": time.perf_counter() - started,
    }
    report = write_report(out, sections, figures, runs, header)
    took = duration(header["total_s"])
    print(f"scratch-reproduce: wrote {report}, {out / DATA} and {len(figures)} figure(s) in {took}", flush=True)
    return report


def main(argv=None) -> int:
    """The console script: ``scratch-reproduce [options]``; returns the exit status (2: bad arguments)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = shlex.join(["scratch-reproduce", *(sys.argv[1:] if argv is None else argv)])
    try:
        reproduce(QUICK if args.quick else FULL, args.only, Path(args.out), args.progress, command)
    except KeyboardInterrupt:
        print("\nscratch-reproduce: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
