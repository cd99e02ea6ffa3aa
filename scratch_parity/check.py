"""``scratch-check``: run the whole parity suite against a module of your own and get a verdict per op.

    scratch-check mylayers                       # hand-written contract (forward / backward(dout))
    scratch-check mypkg.nn --contract autograd   # modules on scratch.autograd Tensors
    scratch-check mylayers --weights weights.json --out grades/

It runs the parity suite that ships with this package (``scratch_parity.suite``) with ``--impl``, from
the current folder (so your module is importable from here), and writes to ``--out`` (default
report/): grades.md (the per-op table, also printed), results.json (Gradescope's format) and
junit.xml. Each failure prints a snippet to paste, with your side labelled "yours" and torch's
"torch". The exit status is pytest's.
"""

import argparse
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
        f"--grade={out}",
        f"--junitxml={out / 'junit.xml'}",
        f"--op-timeout={args.op_timeout}",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    if args.only:
        command.append(f"--ops={args.only}")
    if args.weights:
        command.append(f"--weights={Path(args.weights).resolve()}")
    if args.workers != "0":
        command += ["-n", args.workers]
    return command


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scratch-check", description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="import path of your layers, e.g. mylayers or mypkg.layers")
    parser.add_argument("--contract", choices=["manual", "autograd"], default="manual")
    parser.add_argument("--out", default="report", help="folder for grades.md, results.json, junit.xml")
    parser.add_argument("--weights", help='JSON weights per op, e.g. {"Conv2d": 3, "ReLU": 1}')
    parser.add_argument("--op-timeout", type=float, default=120.0, help="seconds one check may take")
    parser.add_argument("--only", help="comma-separated ops to check, e.g. Linear,Conv2d (default: all)")
    parser.add_argument("-n", "--workers", default="auto", help="pytest-xdist workers (0: none)")
    args = parser.parse_args(argv)
    return subprocess.call(pytest_command(args))
