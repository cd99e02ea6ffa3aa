"""Benchmarks run apart from the tests: ``.venv/bin/pytest bench --benchmark-only -p no:xdist``.

``make report`` runs them with a JSON dump that ``python -m bench.report`` turns into
report/benchmarks.md and report/benchmarks.png. Under xdist pytest-benchmark switches itself off,
hence ``-p no:xdist``: timings taken while other workers share the cores would mean little anyway.

Everything runs on one thread (NumPy's BLAS and torch alike) unless the environment says otherwise,
e.g. ``BENCH_THREADS=2 pytest bench ...``. One thread compares the implementations' own work, and it
keeps the numbers steady: on a small machine that is busy with anything else, BLAS and torch threads
that wait for each other make a step up to a hundred times slower, and the ratios meaningless.
"""

import os

# The thread pools read these when numpy and torch are first imported, so they are set before that.
THREADS = os.environ.get("BENCH_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, THREADS)

import platform  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))  # in case torch was imported before this file


def pytest_benchmark_update_machine_info(config, machine_info):
    """What the numbers depend on, saved in the JSON next to pytest-benchmark's own machine_info."""
    machine_info.update(
        cpu_count=os.cpu_count(),
        platform=platform.platform(),
        numpy_version=np.__version__,
        torch_version=torch.__version__,
        torch_threads=torch.get_num_threads(),
        blas_threads=os.environ["OPENBLAS_NUM_THREADS"],
    )
