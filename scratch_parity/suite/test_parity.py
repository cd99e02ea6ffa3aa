"""The generic parity checks, run for every op in the registry (the templates; the checks are scratch_parity.parity).

1. forward: output (and buffers after one forward) equal torch's, float32 and float64;
2. gradient: dx and every parameter gradient equal torch's, for a random upstream gradient;
3. finite differences: every backward (yours, and torch's as a control) against central differences;
4. contract: dtype kept, inputs and dout not mutated, shapes equal torch's;
5. bad input: the same kind of error as torch, with a message naming the shapes at fault.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratch_parity.checks import assert_close
from scratch_parity.implementations import TORCH
from scratch_parity.parity import (
    DTYPES,
    check_bad_input,
    check_contract_on,
    check_finite_differences,
    draw_sample,
    require,
    run_both,
)
from scratch_parity.registry import OPS, OPS_LIST
from scratch_parity.sample import TORCH_DTYPES

ops = pytest.mark.parametrize("op", [spec.name for spec in OPS_LIST])
dtypes = pytest.mark.parametrize("dtype", DTYPES)


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


@ops
@dtypes
@given(data=st.data())
def test_contract(op, dtype, data, impl):
    """dtype is kept, nothing the caller passed is mutated, and shapes equal torch's."""
    spec = OPS[op]
    require(impl, spec)
    sample = draw_sample(data, spec, dtype)
    check_contract_on(spec, sample, impl, TORCH.run(spec, sample))


ERROR_CASES = [pytest.param(spec, case, id=f"{spec.name}-{case.why}") for spec in OPS_LIST for case in spec.errors]


@pytest.mark.parametrize(("spec", "case"), ERROR_CASES)
def test_bad_input(spec, case, impl):
    """Yours refuses the input with the error torch raises, and a message naming the shapes or values."""
    check_bad_input(spec, case, impl, "yours")


@pytest.mark.parametrize(("spec", "case"), ERROR_CASES)
def test_bad_input_of_torch(spec, case):
    """torch refuses it with that kind of error too: the registry asks for torch's behaviour."""
    check_bad_input(spec, case, TORCH, "torch")


def test_torch_dtypes_cover_the_parity_dtypes():
    assert set(TORCH_DTYPES) == set(DTYPES)
