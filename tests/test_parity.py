"""The generic parity checks, run for every op in the registry.

1. forward: output (and buffers after one forward) equal torch's, float32 and float64;
2. gradient: dx and every parameter gradient equal torch's, for a random upstream gradient;
3. finite differences: every backward (yours, and torch's as a control) against central differences;
4. contract: dtype kept, inputs and dout not mutated, shapes equal torch's;
5. bad input: the same kind of error as torch, with a message naming the shapes at fault.
"""

import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.checks import assert_close, numeric_gradients
from tests.implementations import TORCH
from tests.registry import FD_TOLERANCE, OPS, OPS_LIST
from tests.sample import TORCH_DTYPES, build, make_sample
from tests.strategies import SEEDS, Config

DTYPES = ["float32", "float64"]
ops = pytest.mark.parametrize("op", [spec.name for spec in OPS_LIST])
dtypes = pytest.mark.parametrize("dtype", DTYPES)


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


@ops
@dtypes
@given(data=st.data())
def test_forward(op, dtype, data, impl, parity):
    spec, sample, yours, theirs = run_both(op, dtype, data, impl)
    tol = spec.tolerances[dtype]
    with parity.measure(spec.name, impl.label, "forward", dtype):
        parity.add(assert_close(yours.output, theirs.output, tol, "output", sample, impl))
        for key in theirs.state:  # buffers move in a training forward (running statistics)
            parity.add(assert_close(yours.state[key], theirs.state[key], tol, f"state[{key!r}]", sample, impl))


@ops
@dtypes
@given(data=st.data())
def test_gradient(op, dtype, data, impl, parity):
    spec, sample, yours, theirs = run_both(op, dtype, data, impl)
    yours.require_backward()
    assert set(yours.grads) == set(theirs.grads), (
        f"gradients: yours has {sorted(yours.grads)}, torch {sorted(theirs.grads)}"
    )
    tol = spec.tolerances[dtype]
    with parity.measure(spec.name, impl.label, "gradient", dtype):
        for key, expected in theirs.grads.items():
            assert yours.grads[key] is not None, f"{spec.name}: yours left grads[{key!r}] empty after backward"
            parity.add(assert_close(yours.grads[key], expected, tol, f"grads[{key!r}]", sample, impl))


FD_SETTINGS = settings(max_examples=max(3, settings.default.max_examples // 4))


@ops
@FD_SETTINGS
@given(data=st.data())
def test_finite_differences(op, data, impl, parity):
    """Analytic gradients against central differences of the same implementation, in float64."""
    check_finite_differences(op, data, impl, parity)


@ops
@FD_SETTINGS
@given(data=st.data())
def test_finite_differences_of_torch(op, data, parity):
    """The same check of torch: a control that the inputs and the method itself are sound."""
    check_finite_differences(op, data, TORCH, parity)


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


@ops
@dtypes
@given(data=st.data())
def test_contract(op, dtype, data, impl):
    """dtype is kept, nothing the caller passed is mutated, and shapes equal torch's."""
    spec = OPS[op]
    require(impl, spec)
    sample = draw_sample(data, spec, dtype)
    check_contract_on(spec, sample, impl, TORCH.run(spec, sample))


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


ERROR_CASES = [pytest.param(spec, case, id=f"{spec.name}-{case.why}") for spec in OPS_LIST for case in spec.errors]


@pytest.mark.parametrize(("spec", "case"), ERROR_CASES)
def test_bad_input(spec, case, impl):
    """Yours refuses the input with the error torch raises, and a message naming the shapes or values."""
    check_bad_input(spec, case, impl, "yours")


@pytest.mark.parametrize(("spec", "case"), ERROR_CASES)
def test_bad_input_of_torch(spec, case):
    """torch refuses it with that kind of error too: the registry asks for torch's behaviour."""
    check_bad_input(spec, case, TORCH, "torch")


def check_bad_input(spec, case, impl, side):
    require(impl, spec)
    dtype = np.float64 if side == "yours" else torch.float64
    to_side = (lambda a: a) if side == "yours" else torch.from_numpy
    inputs = [to_side(a) for a in case.inputs()]

    def construct():
        return build(spec, impl.module, Config(kwargs=case.kwargs, shape=()), dtype=dtype).train(case.training)

    if case.stage == "init":
        with pytest.raises(case.error) as info:
            construct()
    elif case.stage == "either":
        with pytest.raises(case.error) as info:
            construct()(*inputs)
    else:
        layer = construct()  # a forward-stage error: the layer itself must build without complaint
        with pytest.raises(case.error) as info:
            layer(*inputs)
    if side == "yours":
        assert re.search(case.match, str(info.value), re.S), (
            f"{spec.name} ({case.why}): the message should name the shapes or values at fault "
            f"(pattern {case.match!r}), got: {info.value}"
        )


def test_torch_dtypes_cover_the_parity_dtypes():
    assert set(TORCH_DTYPES) == set(DTYPES)
