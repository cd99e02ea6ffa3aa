"""Numerically stable formulas, shared by every layer that needs them.

Each one avoids ``exp`` of a large positive number, so it neither overflows nor warns for any finite
input (tests run with NumPy's overflow, invalid and divide-by-zero errors raised).
"""

from scratch.kernels.backend import get_array_module


def sigmoid(x):
    """sigmoid(x) = 1 / (1 + exp(-x)), stable for every finite x.

    With e = exp(-|x|) (always in (0, 1]):  x >= 0: 1 / (1 + e);  x < 0: e / (1 + e).
    """
    xp = get_array_module(x)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1.0, e) / (1.0 + e)


# SELU's constants (Klambauer et al., 2017, "Self-Normalizing Neural Networks"), to full precision.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """scale * (x if x > 0 else alpha * (exp(x) - 1)); expm1 of min(x, 0) only, so no overflow."""
    xp = get_array_module(x)
    return SELU_SCALE * xp.where(x > 0, x, SELU_ALPHA * xp.expm1(xp.minimum(x, 0)))


def softplus(x):
    """softplus(x) = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|))."""
    xp = get_array_module(x)
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|))."""
    xp = get_array_module(x)
    return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))


def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x))) along ``axis``, shifted by the max so no exp exceeds 1.

    NOTE: a slice that is all -inf would give (-inf) - (-inf) = nan; the shift is taken as 0 there,
    so the result is log(0) = -inf (NumPy warns of the log of zero), as torch.logsumexp gives -inf.
    """
    xp = get_array_module(x)
    m = xp.max(x, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    out = xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else xp.squeeze(out, axis=axis)


def log_softmax(x, axis=-1):
    """log_softmax(x)_i = x_i - logsumexp(x)."""
    return x - logsumexp(x, axis=axis, keepdims=True)
