"""Stable formulas at extreme inputs: no overflow, no NaN, and agreement with torch and mpmath.

NumPy's overflow, invalid and divide-by-zero errors are raised in every test (see conftest), so a
formula that overflowed on the way would fail here even if its final answer looked right.
"""

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference
import scratch.manual as nn
from scratch.kernels.numerics import log_sigmoid, logsumexp, sigmoid

EXTREME = np.array([-1e4, -800.0, -100.0, -40.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 40.0, 100.0, 800.0, 1e4])
mpmath.mp.dps = 50


def exact(f, x):
    return np.array([float(f(mpmath.mpf(float(v)))) for v in x])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_and_exact(dtype):
    """Within a few ulps of the exact value, and of torch's; below the normal range (sigmoid(-100)
    is 3.7e-44, a float32 subnormal that torch flushes to 0) only absolute agreement is meaningful."""
    x = EXTREME.astype(dtype)
    ours = sigmoid(x)
    eps, tiny = np.finfo(dtype).eps, np.finfo(dtype).tiny
    np.testing.assert_allclose(ours, exact(lambda v: 1 / (1 + mpmath.exp(-v)), x), rtol=4 * eps, atol=tiny)
    np.testing.assert_allclose(ours, torch.sigmoid(torch.from_numpy(x)).numpy(), rtol=4 * eps, atol=tiny)
    layer = nn.Sigmoid()
    layer(x)
    dx = layer.backward(np.ones_like(x))
    assert np.all(np.isfinite(dx)) and np.all(dx >= 0)


def test_log_sigmoid_and_logsumexp_at_extremes():
    np.testing.assert_allclose(
        log_sigmoid(EXTREME), exact(lambda v: -mpmath.log1p(mpmath.exp(-v)), EXTREME), rtol=1e-14
    )
    z = np.stack([EXTREME, -EXTREME, np.zeros_like(EXTREME)], axis=1)
    expected = [float(mpmath.log(sum(mpmath.exp(mpmath.mpf(float(v))) for v in row))) for row in z]
    np.testing.assert_allclose(logsumexp(z, axis=1), expected, rtol=1e-14)


@pytest.mark.parametrize("reduction", ["none", "mean"])
def test_cross_entropy_with_huge_logits(reduction):
    logits = np.array([[1e4, -1e4, 0.0], [-800.0, 800.0, 799.0], [0.0, 0.0, 0.0]])
    target = np.array([1, 2, 0])
    ours = nn.CrossEntropyLoss(reduction)
    t_logits = torch.from_numpy(logits).requires_grad_(True)
    theirs = F.cross_entropy(t_logits, torch.from_numpy(target), reduction=reduction)
    np.testing.assert_allclose(ours(logits, target), theirs.detach().numpy(), rtol=1e-12)
    dout = np.ones(3) if reduction == "none" else 1.0
    theirs.backward(torch.as_tensor(dout))
    np.testing.assert_allclose(ours.backward(dout), t_logits.grad.numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0])
def test_focal_loss_with_huge_logits(gamma, dtype):
    x = np.concatenate([EXTREME, EXTREME]).astype(dtype)
    t = np.concatenate([np.ones_like(EXTREME), np.zeros_like(EXTREME)]).astype(dtype)
    ours = nn.SigmoidFocalLoss(gamma=gamma)
    tx = torch.from_numpy(x).requires_grad_(True)
    theirs = reference.sigmoid_focal_loss(tx, torch.from_numpy(t), gamma=gamma)
    theirs.backward(torch.ones_like(theirs))
    loss, dx = ours(x, t), ours.backward(np.ones_like(x))
    assert np.all(np.isfinite(loss)) and np.all(np.isfinite(dx))
    rtol = {np.float32: 1e-5, np.float64: 1e-12}[dtype]
    np.testing.assert_allclose(loss, theirs.detach().numpy(), rtol=rtol, atol=1e-30)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=rtol, atol=1e-30)
    # a confident wrong answer costs about alpha_t * |x|, not inf: 0.25 * 1e4 for x=-1e4, t=1
    assert loss[0] == pytest.approx(0.25 * 1e4, rel=1e-6)


def torchvision_formula(x, t, alpha, gamma):
    """torchvision.ops.sigmoid_focal_loss as its documentation writes it (the naive 1 - p_t)."""
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    return (alpha * t + (1 - alpha) * (1 - t)) * loss if alpha >= 0 else loss


@pytest.mark.parametrize(("alpha", "gamma"), [(0.25, 2.0), (0.5, 0.0), (-1.0, 1.0), (0.9, 3.5)])
def test_focal_loss_matches_torchvisions_formula(alpha, gamma):
    """Where the naive formula is accurate (moderate logits), it agrees with ours."""
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal(200) * 3, rng.random(200)
    tx = torch.from_numpy(x).requires_grad_(True)
    expected = torchvision_formula(tx, torch.from_numpy(t), alpha, gamma)
    ours = nn.SigmoidFocalLoss(alpha, gamma)
    np.testing.assert_allclose(ours(x, t), expected.detach().numpy(), rtol=1e-10)
    dout = rng.standard_normal(200)
    expected.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(ours.backward(dout), tx.grad.numpy(), rtol=1e-9, atol=1e-15)
