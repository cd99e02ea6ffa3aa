"""A whole training step (forward, loss, backward, SGD update), three ways, and where its time goes.

Groups, one per step (bench/steps.py builds them; report/benchmarks.md shows them as ratios to torch):
    "training step mlp", "training step cnn"   the networks of bench/test_engine_overhead.py
    "training step C5L3 3x32x32"               C5L3, default widths, batch 64 of 3x32x32
    "training step C5L3 1x8x8"                 C5L3 on the 8x8 digits, batch 64
Implementations: scratch.manual, scratch.autograd, torch; parametrized innermost, so the three of one
step run one after the other in this one process, and the per-op breakdown alternates them step by step.

Before timing, each test checks that its implementation's first step gives torch's loss and torch's
gradient of the first layer's weight, from the same state_dict and batch (tolerances in
bench/steps.py), and refuses to time one that disagrees. extra_info records the model, the input
shape, the implementation, the steady-state minor page faults per step, and the per-op breakdown.

    OMP_NUM_THREADS=1 .venv/bin/pytest bench/test_steps.py --benchmark-only -p no:xdist
"""

import functools

import pytest

from bench.steps import CASES, IMPLS, Twin, breakdown, disagreement, first_answers, minor_faults_per_step


@functools.cache
def torch_answers(case):
    return first_answers(Twin("torch", case))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name.replace(" ", "-"))
@pytest.mark.parametrize("impl", IMPLS)
def test_training_step(benchmark, case, impl):
    twin = Twin(impl, case)
    answers = {"torch": torch_answers(case), impl: first_answers(twin)}  # the timed twin has taken this step
    why = disagreement(answers, impl)
    if why:
        pytest.fail(f"not timing {impl} on {case.name}: {why}")
    faults = minor_faults_per_step(twin.step)
    parts = breakdown(case)[impl]

    benchmark.group = case.group
    benchmark.extra_info.update(
        model=case.model,
        step=case.name,
        shape=list(case.input_shape),
        impl=impl,
        dtype="float32",
        minor_faults_per_step=faults,
        breakdown=parts,
    )
    benchmark(twin.step)
