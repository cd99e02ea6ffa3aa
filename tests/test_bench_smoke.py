"""The benchmarks still run: bench/ in its smoke mode (tiny shapes, each timed call run once, no timing).

Benchmarks are never part of the test command's pass or fail; this only makes sure that a change to
the kernels or to bench/ has not broken ``make report``.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_benchmarks_run_in_smoke_mode():
    env = {**os.environ, "BENCH_MODE": "smoke"}
    command = [sys.executable, "-m", "pytest", "bench", "-p", "no:xdist", "-p", "no:cacheprovider", "-q"]
    result = subprocess.run(
        [*command, "--benchmark-disable"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and " failed" not in result.stdout


def test_a_benchmark_refuses_to_time_a_wrong_answer():
    from bench.conv_cases import ConvCase
    from bench.conv_steps import Problem

    p = Problem(ConvCase(2, 3, 6, 6, 4))
    p.check("torch itself", dict(p.expected))  # torch's own answers pass
    wrong = {**p.expected, "dW": p.expected["dW"] * np.float32(1.01)}
    with pytest.raises(pytest.fail.Exception, match=r"not timing mine on 2x3x6x6->4: its dW differs from torch's"):
        p.check("mine", wrong)


def test_the_gpu_benchmark_step_on_the_stand_in_device():
    """bench's CuPy path, run on scratch_parity/fake_device.py's arrays: it computes torch's answers on the device."""
    from bench.conv_cases import ConvCase
    from bench.conv_steps import Problem, cupy_step
    from scratch_parity import fake_device

    fake_device.register()
    try:
        p = Problem(ConvCase(2, 3, 6, 6, 4, stride=2))
        step, answers = cupy_step(p, backward=True, xp=fake_device.xp)
        p.check("cupy (stand-in)", answers)
        y, grads = step()
        assert all(isinstance(a, fake_device.FakeDeviceArray) for a in (y, *grads))
    finally:
        fake_device.unregister()
