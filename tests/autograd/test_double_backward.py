"""Double backward: the gradient of a gradient (``create_graph=True``) against torch.autograd.grad.

Each case computes g = d(sum(f * dout))/d(inputs) with the graph kept, on both sides, then the
Hessian-vector product d(sum(g . v))/d(inputs) for random v: this checks every second derivative
of f, the mixed ones (d2/dx dW) included. float64, the tolerances of the parity suite.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import scratch.autograd.functional as AF
from scratch.autograd import Tensor
from scratch_parity.registry import TOLERANCES
from scratch_parity.strategies import SEEDS

TOL = TOLERANCES["float64"]


def assert_second_order_matches_torch(ours_f, torch_f, arrays, seed):
    rng = np.random.default_rng([seed, 1])
    ours = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, tout = ours_f(*ours), torch_f(*theirs)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=TOL.rtol, atol=TOL.atol, err_msg="forward")
    dout = rng.standard_normal(tout.shape)
    out.backward(dout, create_graph=True)
    tgrads = torch.autograd.grad(tout, theirs, torch.from_numpy(dout), create_graph=True)
    grads = [t.grad for t in ours]
    for i, (g, tg) in enumerate(zip(grads, tgrads, strict=True)):
        np.testing.assert_allclose(
            g.data, tg.detach().numpy(), rtol=TOL.rtol, atol=TOL.atol, err_msg=f"first derivative, input {i}"
        )
    for t in ours:
        t.zero_grad()
    vs = [rng.standard_normal(a.shape) for a in arrays]
    recorded = [(g * Tensor(v)).sum() for g, v in zip(grads, vs, strict=True) if g.requires_grad]
    if recorded:  # a gradient with no graph is a constant: its derivative is 0
        sum(recorded[1:], recorded[0]).backward()
    tsum = sum((tg * torch.from_numpy(v)).sum() for tg, v in zip(tgrads, vs, strict=True) if tg.requires_grad)
    tsecond = torch.autograd.grad(tsum, theirs, allow_unused=True) if torch.is_tensor(tsum) else [None] * len(arrays)
    for i, (t, ts) in enumerate(zip(ours, tsecond, strict=True)):
        got = np.zeros(t.shape) if t.grad is None else t.grad.data
        expected = np.zeros(t.shape) if ts is None else ts.numpy()
        np.testing.assert_allclose(
            got, expected, rtol=TOL.rtol, atol=TOL.atol, err_msg=f"Hessian-vector product, input {i} (yours vs torch)"
        )


ELEMENTWISE = {
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 0.5), lambda a, b: a / (b * b + 0.5)),
    "sub_pow": (lambda a, b: (a - b) ** 3, lambda a, b: (a - b) ** 3),
    "exp_log": (lambda a, b: (a.exp() + b * b).log(), lambda a, b: (a.exp() + b * b).log()),
    "neg_broadcast": (lambda a, b: -(a * b[:1]), lambda a, b: -(a * b[:1])),
}


@pytest.mark.parametrize("op", list(ELEMENTWISE))
@given(seed=SEEDS, shape=st.sampled_from([(3,), (2, 3), (3, 2, 2)]))
def test_elementwise_ops(op, seed, shape):
    rng = np.random.default_rng(seed)
    assert_second_order_matches_torch(*ELEMENTWISE[op], [rng.standard_normal(shape) for _ in range(2)], seed)


@given(seed=SEEDS, lead=st.sampled_from([(), (3,), (2, 3)]), bias=st.booleans())
def test_linear(seed, lead, bias):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((*lead, 4)), rng.standard_normal((3, 4))] + ([rng.standard_normal(3)] if bias else [])
    # a tanh after the layer, so the second derivative in x is not zero
    assert_second_order_matches_torch(
        lambda *a: AF.tanh(AF.linear(*a)), lambda *a: torch.tanh(F.linear(*a)), arrays, seed
    )


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@given(seed=SEEDS, shape=st.sampled_from([(5,), (2, 4), (2, 3, 2)]), dim=st.sampled_from([0, -1]))
def test_softmax_and_log_softmax(fn, seed, shape, dim):
    x = np.random.default_rng(seed).standard_normal(shape) * 3
    ours, theirs = getattr(AF, fn), getattr(F, fn)
    assert_second_order_matches_torch(lambda x: ours(x, dim), lambda x: theirs(x, dim=dim), [x], seed)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(seed=SEEDS, shape=st.sampled_from([(3, 4), (2, 3, 2), (4,)]))
def test_cross_entropy(reduction, seed, shape):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3
    target = rng.integers(
        0, shape[1] if len(shape) > 1 else shape[0], size=shape[:1] + shape[2:] if len(shape) > 1 else ()
    )
    assert_second_order_matches_torch(
        lambda x: AF.cross_entropy(x, target, reduction=reduction),
        lambda x: F.cross_entropy(x, torch.from_numpy(target), reduction=reduction),
        [x],
        seed,
    )


@given(seed=SEEDS, stride=st.sampled_from([1, 2]), padding=st.sampled_from([0, 1]), bias=st.booleans())
def test_conv2d_mixed_second_derivatives(seed, stride, padding, bias):
    """conv2d is linear in x and in W, but d2/dx dW is not zero: the gradient Functions' own backward."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))]
    arrays += [rng.standard_normal(3)] if bias else []
    assert_second_order_matches_torch(
        lambda *a: AF.conv2d(*a, stride=stride, padding=padding) ** 2,
        lambda *a: F.conv2d(*a, stride=stride, padding=padding) ** 2,
        arrays,
        seed,
    )


@given(seed=SEEDS, stride=st.sampled_from([1, 2]))
def test_max_pool2d_twice(seed, stride):
    """Squared after pooling, so the second derivative routes through the pool's gradient and back."""
    x = np.random.default_rng(seed).permutation(2 * 2 * 5 * 5).reshape(2, 2, 5, 5) * 0.1  # no ties
    assert_second_order_matches_torch(
        lambda x: AF.max_pool2d(x, 3, stride, 1) ** 2, lambda x: F.max_pool2d(x, 3, stride, 1) ** 2, [x], seed
    )


@given(seed=SEEDS)
def test_hessian_vector_product_of_an_mlp_loss(seed):
    """H v of cross-entropy(W2 tanh(W1 x + b1) + b2) with respect to all four parameters."""
    rng = np.random.default_rng(seed)
    x, target = rng.standard_normal((5, 4)), rng.integers(0, 3, size=5)
    params = [rng.standard_normal(s) * 0.5 for s in [(6, 4), (6,), (3, 6), (3,)]]

    def ours(w1, b1, w2, b2):
        return AF.cross_entropy(AF.linear(AF.tanh(AF.linear(Tensor(x), w1, b1)), w2, b2), target)

    def theirs(w1, b1, w2, b2):
        return F.cross_entropy(
            F.linear(torch.tanh(F.linear(torch.from_numpy(x), w1, b1)), w2, b2), torch.from_numpy(target)
        )

    assert_second_order_matches_torch(ours, theirs, params, seed)
