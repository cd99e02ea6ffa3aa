"""Edge cases of the engine and the functional ops, each against what torch does (float64 unless stated)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import scratch.autograd.functional as AF
import scratch.autograd.nn as nn
from scratch.autograd import Tensor
from scratch_parity.registry import TOLERANCES
from scratch_parity.strategies import SEEDS

TOL = TOLERANCES["float64"]


def close(ours, theirs, what):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=TOL.rtol, atol=TOL.atol, err_msg=what)


@st.composite
def permutations(draw):
    """A shape and a permutation of its axes, each axis written as non-negative or negative at random."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4), label="shape"))
    perm = draw(st.permutations(range(len(shape))), label="permutation")
    signs = draw(st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)), label="negative?")
    return shape, tuple(a - len(shape) if negative else a for a, negative in zip(perm, signs, strict=True))


@given(problem=permutations(), seed=SEEDS)
def test_transpose_with_any_axes_matches_permute(problem, seed):
    shape, axes = problem
    rng = np.random.default_rng(seed)
    a, g = rng.standard_normal(shape), None
    x, tx = Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = x.transpose(axes), tx.permute(*axes)
    g = rng.standard_normal(ty.shape)
    y.backward(g)
    ty.backward(torch.from_numpy(g))
    close(y.data, ty, "forward")
    close(x.grad.data, tx.grad, "gradient")


def test_a_non_leaf_used_twice_gets_both_gradients():
    """A diamond: h feeds two branches that meet again."""
    a = np.array([0.3, -1.2, 2.0])
    x, tx = Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)
    for v in (x, tx):
        h = v * v
        ((h * 3 + h.exp()) * h).sum().backward()
    close(x.grad.data, tx.grad, "d/dx of (3h + e^h) h with h = x^2")


def test_number_constants_follow_torchs_promotion():
    ints, bools = Tensor(np.array([1, 2, 3])), Tensor(np.array([True, False]))
    np.testing.assert_array_equal((ints * 0.5).data, [0.5, 1.0, 1.5])  # not truncated to ints
    np.testing.assert_array_equal((bools + 1).data, [2, 1])
    x32 = Tensor(np.ones(2, np.float32), requires_grad=True)
    for y in (x32 * np.float64(2), x32 * np.array(2.0), x32 ** np.float64(2), AF.leaky_relu(x32, np.float64(0.2))):
        assert y.dtype == np.float32, "a float64 number must not upcast a float32 graph"


def test_integer_tensors_cannot_require_grad_or_be_averaged():
    with pytest.raises(TypeError, match="floating point"):
        Tensor(np.arange(3), requires_grad=True)
    with pytest.raises(TypeError, match="int64"):
        Tensor(np.arange(3)).mean()
    with pytest.raises(TypeError, match="floating"):
        AF.softmax(np.arange(3), 0)


def test_a_float32_leaf_gets_a_float32_gradient_from_float64_company():
    x = Tensor(np.ones(3, np.float32), requires_grad=True)
    y = x * np.array([1.0, 2.0, 3.0])  # a float64 array constant: y is float64, as in NumPy
    y.sum().backward()
    tx = torch.ones(3, requires_grad=True)
    (tx * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
    assert x.grad.dtype == np.float32 and tx.grad.dtype == torch.float32
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


def test_every_leaf_owns_a_writable_gradient():
    a, b = Tensor(np.ones(3), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    (a + b).sum().backward()
    assert a.grad is not b.grad and not np.shares_memory(a.grad.data, b.grad.data)
    a.grad.data *= 2  # an in-place step, e.g. clipping: must not fail on a broadcast view, nor touch b
    np.testing.assert_array_equal(b.grad.data, np.ones(3))
    x, g = Tensor(np.ones((2, 3)), requires_grad=True), np.arange(6.0).reshape(2, 3)
    (x + 0).backward(g)
    assert not np.shares_memory(x.grad.data, g), "the caller's dout must not become x.grad"


def test_pow_zero_has_zero_gradient_even_at_zero():
    x, tx = Tensor(np.array([0.0, 2.0]), requires_grad=True), torch.tensor([0.0, 2.0], requires_grad=True)
    (x**0).sum().backward()
    (tx**0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


def test_mean_of_nothing_is_nan_as_in_torch():
    assert np.isnan(Tensor(np.zeros((0, 3))).mean().item()) and torch.zeros(0, 3).mean().isnan()


def test_cross_entropy_with_minus_infinity_logits():
    """A logit of -inf (a masked class) is a valid input: torch gives a finite loss, and so must we."""
    a = np.array([[0.0, -np.inf, 1.0], [2.0, 0.5, -np.inf]])
    t = np.array([0, 1])
    z, tz = Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss, tloss = AF.cross_entropy(z, t), F.cross_entropy(tz, torch.from_numpy(t))
        loss.backward()
    tloss.backward()
    close(loss.data, tloss, "loss")
    close(z.grad.data, tz.grad, "gradient")


@pytest.mark.parametrize("affine", ["weight only", "bias only", "both", "neither"])
@pytest.mark.parametrize("training", [True, False])
def test_functional_batch_norm_takes_weight_and_bias_separately(affine, training):
    rng = np.random.default_rng(0)
    a, w, b = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal(3)
    mean, var = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    weight = w if affine in ("weight only", "both") else None
    bias = b if affine in ("bias only", "both") else None
    ours = AF.batch_norm(a, mean.copy(), var.copy(), weight, bias, training)
    theirs = F.batch_norm(
        torch.from_numpy(a),
        torch.from_numpy(mean.copy()),
        torch.from_numpy(var.copy()),
        None if weight is None else torch.from_numpy(weight),
        None if bias is None else torch.from_numpy(bias),
        training,
    )
    close(ours.data, theirs, affine)


def test_functional_batch_norm_in_eval_needs_running_statistics():
    with pytest.raises(RuntimeError, match="running_mean"):
        AF.batch_norm(np.ones((2, 3)), None, None, training=False)


def test_bias_of_the_wrong_size_or_dtype_is_refused():
    x, w = np.ones((1, 2, 4, 4)), np.ones((3, 2, 3, 3))
    with pytest.raises(RuntimeError, match=r"3 elements.*\[1\]"):
        AF.conv2d(x, w, np.ones(1))
    with pytest.raises(RuntimeError, match=r"float64.*float32"):
        AF.linear(np.ones((2, 3), np.float32), np.ones((4, 3), np.float32), np.ones(4))


def test_frozen_weights_give_torchs_input_gradients():
    """Weights that do not require grad: their gradients are skipped, the input's must still be right."""
    rng = np.random.default_rng(1)
    a, w = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    x, tx = Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)
    AF.conv2d(x, Tensor(w), stride=2, padding=1).sum().backward()
    F.conv2d(tx, torch.from_numpy(w), stride=2, padding=1).sum().backward()
    close(x.grad.data, tx.grad, "conv2d dx with a frozen weight")


def test_batch_norm_without_affine_still_checks_the_dtype():
    with pytest.raises(RuntimeError, match=r"float64.*float32"):
        nn.BatchNorm1d(3, affine=False)(np.ones((2, 3)))  # float32 layer, float64 input


@pytest.mark.parametrize("axis", [0, -1, (0,), None])
@pytest.mark.parametrize("keepdims", [False, True])
def test_mean_and_sum_of_a_0d_tensor_along_its_only_axis(axis, keepdims):
    """torch accepts dim 0 or -1 on a 0-d tensor: the value itself, gradient 1 (mean divides by 1)."""
    for op in ("mean", "sum"):
        x, tx = Tensor(np.array(3.0), requires_grad=True), torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
        y = getattr(x, op)(axis=axis, keepdims=keepdims)
        ty = getattr(tx, op)() if axis is None else getattr(tx, op)(dim=axis, keepdim=keepdims)
        assert y.shape == tuple(ty.shape), f"{op}: yours {y.shape} vs torch {tuple(ty.shape)}"
        y.backward()
        ty.backward()
        close(y.data, ty, f"{op} of a 0-d tensor")
        close(x.grad.data, tx.grad, f"d {op} / dx of a 0-d tensor")
