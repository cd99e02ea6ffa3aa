"""The generic parity checks, as functions: one sample of an op through an implementation and torch.

Each check draws (or takes) a sample, runs it through the implementation under test ("yours") and
through torch, and asserts, with a message that names the side, the worst element and a snippet to
paste. The test templates (``scratch_parity.suite``) and the bug zoo's harness call them.

  forward / gradient    ``run_both`` then ``assert_close`` (the templates hold the loops);
  finite differences    ``check_finite_differences``: a backward against central differences (float64);
  contract              ``check_contract_on``: dtype kept, inputs and dout not mutated, shapes as torch's;
  bad input             ``check_bad_input``: torch's kind of error, with a message naming the values.
"""

import re

import numpy as np
import pytest

from scratch_parity.checks import assert_close, numeric_gradients
from scratch_parity.implementations import TORCH, raised_as
from scratch_parity.registry import FD_TOLERANCE, OPS
from scratch_parity.sample import make_sample
from scratch_parity.strategies import SEEDS

DTYPES = ("float32", "float64")


def draw_sample(data, spec, dtype, smooth=False):
    config = data.draw(spec.configs, label=f"{spec.name} config")
    seed = data.draw(SEEDS, label="seed")
    return make_sample(spec, config, seed, dtype, smooth=smooth)


def run_both(op, dtype, data, impl):
    """Draw a sample of ``op`` and run it through yours and torch."""
    spec = OPS[op]
    require(impl, spec)
    sample = draw_sample(data, spec, dtype)
    return spec, sample, impl.run(spec, sample), TORCH.run(spec, sample)


def require(impl, spec):
    if not impl.provides(spec):
        pytest.skip(f"not implemented: {impl.label} has no {spec.name}")


def check_finite_differences(op, data, impl, parity):
    spec = OPS[op]
    require(impl, spec)
    sample = draw_sample(data, spec, "float64", smooth=True)
    result = impl.run(spec, sample)
    result.require_backward()
    numeric = numeric_gradients(impl.runner(spec, sample), sample.dout(result.output.shape))
    with parity.measure(spec.name, impl.label, "finite differences", "float64"):
        for key, expected in numeric.items():
            what = f"grads[{key!r}]"
            parity.add(
                assert_close(result.grads[key], expected, FD_TOLERANCE, what, sample, impl, "finite differences")
            )


def check_contract_on(spec, sample, impl, theirs):
    """The contract on one sample, given torch's result for it (the bug zoo calls this on fixed samples)."""
    dtype = sample.dtype
    runner = impl.runner(spec, sample)
    inputs_before = [a.copy() for a in runner.inputs]
    douts = []

    def make_dout(shape):
        douts.append(sample.dout(shape))
        return douts[-1]

    yours = runner.run(make_dout)
    yours.require_backward()
    for i, (now, before) in enumerate(zip(runner.inputs, inputs_before, strict=True)):
        assert np.array_equal(now, before, equal_nan=True), f"{spec.name}: forward/backward mutated input {i}"
    assert np.array_equal(douts[0], sample.dout(douts[0].shape)), f"{spec.name}: backward mutated dout"
    assert yours.output.shape == theirs.output.shape, (yours.output.shape, theirs.output.shape)
    assert yours.output.dtype == np.dtype(dtype), f"{spec.name}: output is {yours.output.dtype}, input {dtype}"
    for key, grad in yours.grads.items():
        assert grad.shape == theirs.grads[key].shape, f"grads[{key!r}]: {grad.shape} vs torch {theirs.grads[key].shape}"
        assert grad.dtype == np.dtype(dtype), f"{spec.name}: grads[{key!r}] is {grad.dtype}, expected {dtype}"
    for key, value in yours.state.items():
        expected = np.int64 if key.endswith("num_batches_tracked") else np.dtype(dtype)
        assert value.dtype == expected, f"{spec.name}: state[{key!r}] became {value.dtype} after load_state_dict"


def check_bad_input(spec, case, impl, side):
    """``impl`` refuses ``case`` with torch's kind of error (and, for yours, a message naming the values)."""
    require(impl, spec)
    error = impl.bad_input_error(spec, case)
    if raised_as(error, NotImplementedError):  # a starter kit's layer: not written yet, not wrong
        raise NotImplementedError(str(error))
    what = f"{spec.name} ({case.why})"
    assert error is not None, f"{what}: {side} raised nothing; expected {case.error.__name__}"
    assert raised_as(error, case.error), (
        f"{what}: {side} raised {type(error).__name__}: {error}; expected {case.error.__name__}"
    )
    if side == "yours":
        assert re.search(case.match, str(error), re.S), (
            f"{what}: the message should name the shapes or values at fault (pattern {case.match!r}), got: {error}"
        )
