"""Benchmarks run apart from the tests: ``.venv/bin/pytest bench --benchmark-only -p no:xdist``.

``make report`` runs them with a JSON dump that ``python -m bench.report`` turns into
report/benchmarks.md and report/benchmarks.png. Under xdist pytest-benchmark switches itself off,
hence ``-p no:xdist``: timings taken while other workers share the cores would mean little anyway.

Threads: everything runs on one thread (NumPy's BLAS and torch alike) unless the environment says
otherwise, e.g. ``BENCH_THREADS=2 pytest bench ...``. One thread compares the implementations' own work, and it
keeps the numbers steady: on a small machine that is busy with anything else, BLAS and torch threads
that wait for each other make a step up to a hundred times slower, and the ratios meaningless.

OpenBLAS's kernels: NumPy's OpenBLAS picks its GEMM kernels from the CPU, unless OPENBLAS_CORETYPE
names them. This workplace's machines set OPENBLAS_CORETYPE=Haswell (AVX2) in the environment, while
their CPUs (AMD EPYC, Zen 5) have AVX-512, which OpenBLAS's SkylakeX kernels use: one core's float32
GEMM measured 78 GFLOP/s with the Haswell kernels and 220 with SkylakeX's (the choice OpenBLAS makes
itself when the variable is unset). torch's oneDNN uses AVX-512 either way, so the comparison is
only fair with SkylakeX's. When the CPU reports the AVX-512 features those kernels need, the
benchmarks set OPENBLAS_CORETYPE=SkylakeX before NumPy loads, and record both the environment's
value and the kernels that ran; BENCH_KEEP_CORETYPE=1 keeps the environment's choice.
"""

import os
import sys
from pathlib import Path

# ``bench`` is a folder, not an installed package: the checkout's root on the path lets the benchmarks
# import ``bench.*`` under ``.venv/bin/pytest bench/...`` too, not only under ``python -m pytest``.
ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# The thread pools read these when numpy and torch are first imported, so they are set before that.
THREADS = os.environ.get("BENCH_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, THREADS)

SKYLAKEX_FLAGS = {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}


def cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            return next((set(line.split(":", 1)[1].split()) for line in f if line.startswith("flags")), set())
    except OSError:
        return set()


ENVIRONMENT_CORETYPE = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
# (once NumPy is imported, OpenBLAS has chosen: then the JSON records what it chose)
if "numpy" not in sys.modules and not os.environ.get("BENCH_KEEP_CORETYPE") and SKYLAKEX_FLAGS <= cpu_flags():
    os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"

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
        openblas_coretype=os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        openblas_coretype_environment=ENVIRONMENT_CORETYPE,
        openblas_kernels=blas_architecture(),
    )


def blas_architecture() -> str:
    """The kernel family NumPy's OpenBLAS runs, as threadpoolctl reads it ("SkylakeX", "Haswell", ...)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    return next(
        (i.get("architecture", "unknown") for i in threadpool_info() if i.get("internal_api") == "openblas"), "unknown"
    )
