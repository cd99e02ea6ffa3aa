"""The autograd engine against torch: each op's gradients (float64), broadcasting, double backward,
and torch's semantics of backward (accumulation, retain_graph, non-scalar outputs, no_grad)."""

import gc
import weakref

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scratch.autograd import Tensor, no_grad
from scratch_parity.registry import TOLERANCES
from scratch_parity.strategies import SEEDS

TOL = TOLERANCES["float64"]


def pair(rng, shape):
    """The same float64 values as a scratch leaf and a torch leaf."""
    a = rng.standard_normal(shape)
    return Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)


def assert_grads_match(ours, theirs, what):
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=TOL.rtol, atol=TOL.atol, err_msg=what)


broadcastable = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 0.5),  # keep the divisor away from 0
}


@pytest.mark.parametrize("op", list(BINARY))
@given(shapes=broadcastable, seed=SEEDS)
def test_binary_ops_broadcast_like_torch(op, shapes, seed):
    rng = np.random.default_rng(seed)
    (a, ta), (b, tb) = pair(rng, shapes.input_shapes[0]), pair(rng, shapes.input_shapes[1])
    out, tout = BINARY[op](a, b), BINARY[op](ta, tb)
    dout = rng.standard_normal(tout.shape)
    out.backward(dout)
    tout.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=TOL.rtol, atol=TOL.atol)
    assert_grads_match(a, ta, "grad of a")
    assert_grads_match(b, tb, "grad of b")


UNARY = {
    "neg": lambda x: -x,
    "exp": lambda x: x.exp(),
    "log": lambda x: (x * x + 0.1).log(),
    "pow3": lambda x: x**3,
    "pow_half": lambda x: (x * x + 0.1) ** 0.5,
    "reshape": lambda x: x.reshape(-1),
    "T": lambda x: x.T if isinstance(x, Tensor) else x.permute(*reversed(range(x.ndim))),
    "transpose": lambda x: x.transpose((1, 0, *range(2, x.ndim))) if isinstance(x, Tensor) else x.transpose(0, 1),
    "sum_all": lambda x: x.sum(),
    "sum_axis": lambda x: x.sum(axis=-1, keepdims=True),
    "mean_axis": lambda x: x.mean(axis=0),
    "max_all": lambda x: x.max() if isinstance(x, Tensor) else x.amax(),
    "max_axis": lambda x: x.max(axis=-1) if isinstance(x, Tensor) else x.amax(dim=-1),
    "getitem": lambda x: x[1:, ::2],
    "getitem_repeat": lambda x: x[[0, 0, 1]],
}


@pytest.mark.parametrize("op", list(UNARY))
@given(shape=hnp.array_shapes(min_dims=2, max_dims=3, min_side=2, max_side=4), seed=SEEDS)
def test_unary_ops_match_torch(op, shape, seed):
    rng = np.random.default_rng(seed)
    x, tx = pair(rng, shape)
    out, tout = UNARY[op](x), UNARY[op](tx)
    dout = rng.standard_normal(tout.shape)
    out.backward(dout)
    tout.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=TOL.rtol, atol=TOL.atol)
    assert_grads_match(x, tx, op)


def test_max_shares_the_gradient_among_ties_like_amax():
    x, tx = Tensor(np.array([1.0, 3.0, 3.0]), requires_grad=True), torch.tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    tx.amax().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


@given(
    batch=st.sampled_from([(), (2,), (3, 1)]), m=st.integers(1, 3), k=st.integers(1, 3), n=st.integers(1, 3), seed=SEEDS
)
def test_matmul_with_broadcast_batches(batch, m, k, n, seed):
    rng = np.random.default_rng(seed)
    (a, ta), (b, tb) = pair(rng, (*batch, m, k)), pair(rng, (k, n))
    (a @ b).sum().backward()
    (ta @ tb).sum().backward()
    assert_grads_match(a, ta, "a")
    assert_grads_match(b, tb, "b (summed over the broadcast batch)")


def test_double_backward_matches_torch():
    """d/dx of (d/dx sum(x**3 * exp(x))) with create_graph, against torch.autograd.grad twice."""
    x, tx = pair(np.random.default_rng(0), (4,))
    y = (x**3 * x.exp()).sum()
    y.backward(create_graph=True)
    gx = x.grad
    x.zero_grad()
    gx.sum().backward()
    ty = (tx**3 * tx.exp()).sum()
    (tgx,) = torch.autograd.grad(ty, tx, create_graph=True)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=TOL.rtol)
    tgx.sum().backward()
    assert_grads_match(x, tx, "second derivative")


def test_gradients_accumulate_until_zeroed():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 8.0])
    x.zero_grad()
    assert x.grad is None


def test_a_second_backward_through_a_freed_graph_raises():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"second time.*retain_graph"):
        y.backward()
    z = (x * x).sum()
    z.backward(retain_graph=True)
    z.backward()  # retained: fine
    np.testing.assert_array_equal(x.grad.data, [2.0 + 2.0 + 2.0, 4.0 + 4.0 + 4.0])


def test_non_scalar_output_needs_an_explicit_grad():
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0, 6.0])


def test_no_grad_records_nothing_and_restores_after_an_exception():
    x = Tensor(np.ones(2), requires_grad=True)
    with no_grad():
        assert not (x * 2).requires_grad
    with pytest.raises(ValueError), no_grad():
        raise ValueError("escapes the block")
    assert (x * 2).requires_grad and (x * 2).creator is not None


def test_no_reference_cycle_keeps_arrays_alive():
    """References point back in time only: dropping the output frees the graph without the cycle collector."""
    gc.disable()
    try:
        x = Tensor(np.ones(1000), requires_grad=True)
        y = (x * 2).exp()
        f, data = weakref.ref(y.creator), weakref.ref(y.creator.inputs[0])
        del y
        assert f() is None and data() is None, "the graph outlived its output"
    finally:
        gc.enable()
