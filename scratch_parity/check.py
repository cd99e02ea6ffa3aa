"""``scratch-check``: run the whole parity suite against a module of your own and get a verdict per op.

    scratch-check mylayers                       # hand-written contract (forward / backward(dout))
    scratch-check mypkg.nn --contract autograd   # modules on scratch.autograd Tensors
    scratch-check mylayers --weights weights.json --out grades/

It runs the parity suite that ships with this package (``scratch_parity.suite``) on your module,
found in the current folder (or ``--submission``), and writes to ``--out`` (default report/):
grades.md (the per-op table, also printed), results.json (Gradescope's format) and junit.xml. Each
failure prints a snippet to paste, with your side labelled "yours" and torch's "torch".

Your module never runs in the checker's process: each op's checks send its arrays to a runner
process of their own (``scratch_parity.grader``), which imports your module with numpy and the
standard library only, under CPU, memory and time limits. The examples come from a fixed seed
(``--seed``), so the same module gets the same grade every time. The maximum score comes from the
registry, whatever ran: a check that crashed, hung or never ran scores 0, with the reason.
Exit status: 0 when every check passed, 1 when one did not, 2 when no results could be written.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

SUITE = Path(__file__).resolve().parent / "suite"


def pytest_command(args) -> list[str]:
    """pytest on the shipped suite alone: its own ini file and rootdir, so no pytest configuration or
    conftest.py of the folder it runs from applies."""
    out = Path(args.out).resolve()
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(SUITE),
        f"--rootdir={SUITE}",
        f"-c={SUITE / 'pytest.ini'}",
        f"--impl={args.module}",
        f"--contract={args.contract}",
        "--isolate",
        f"--submission={Path(args.submission).resolve()}",
        f"--cpu-limit={args.cpu_limit}",
        f"--memory-limit={args.memory_limit}",
        f"--call-timeout={args.call_timeout}",
        f"--hypothesis-seed={args.seed}",
        f"--grade={out}",
        f"--junitxml={out / 'junit.xml'}",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    command += [f"--allow={pattern}" for pattern in args.allow]
    if args.only:
        command.append(f"--ops={args.only}")
    if args.weights:
        command.append(f"--weights={Path(args.weights).resolve()}")
    if args.workers != "0":
        command += ["-n", args.workers]
    return command


def grading_environment() -> dict:
    """The suite's hypothesis profile for grading: a fixed seed, no example database, one BLAS thread."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HYPOTHESIS_"))}
    env.update(HYPOTHESIS_PROFILE="grading", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONSAFEPATH"] = "1"  # NOTE: the folder it runs from (a student's?) is not on the checker's import path
    return env


def ensure_results(out: Path, only: str | None, weights_file: str | None, reason: str) -> bool:
    """A results.json whatever happened: when pytest wrote none, every expected check scores 0, with ``reason``."""
    try:
        json.loads((out / "results.json").read_text())
        return True
    except (OSError, ValueError):
        pass
    from scratch_parity.grading import write_zero_results, zero_rows

    ops = [op.strip() for op in only.split(",")] if only else None
    weights = json.loads(Path(weights_file).read_text()) if weights_file else {}
    write_zero_results(out, zero_rows(weights, ops, reason), reason)
    return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scratch-check", description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="import path of your layers, e.g. mylayers or mypkg.layers")
    parser.add_argument("--contract", choices=["manual", "autograd"], default="manual")
    parser.add_argument("--submission", default=".", help="the folder that holds the module (default: here)")
    parser.add_argument("--out", default="report", help="folder for grades.md, results.json, junit.xml")
    parser.add_argument("--weights", help='JSON weights per op, e.g. {"Conv2d": 3, "ReLU": 1}')
    parser.add_argument("--only", help="comma-separated ops to check, e.g. Linear,Conv2d (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="the seed the examples are drawn from (default 0)")
    parser.add_argument("--cpu-limit", type=int, default=120, help="CPU seconds for one op's checks (default 120)")
    parser.add_argument("--memory-limit", type=int, default=4096, help="MiB of address space of a runner")
    parser.add_argument(
        "--call-timeout", type=float, default=60.0, help="wall seconds one forward or backward may take"
    )
    parser.add_argument("--allow", action="append", default=[], help="a module the submission may import (repeatable)")
    parser.add_argument("-n", "--workers", default="auto", help="pytest-xdist workers (0: none)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if out.is_symlink() or (out.exists() and out.stat().st_uid != os.geteuid()):
        # NOTE: a folder someone else made (in /tmp, say) could hold links for the results to be written through
        print(f"scratch-check: {out} is a link or belongs to another user: give a folder of your own", file=sys.stderr)
        return 2
    out = out.resolve()
    (out / "results.json").unlink(missing_ok=True)  # never report an earlier run's results as this one's
    status = subprocess.call(pytest_command(args), env=grading_environment())
    reason = f"the checker stopped with status {status} before writing results"
    if not ensure_results(out, args.only, args.weights, reason):
        print(f"scratch-check: no results from the checker (status {status}); every check scored 0", file=sys.stderr)
        return 2
    return 0 if status == 0 else 1
