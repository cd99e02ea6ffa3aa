"""Losses: ``forward(input, target) -> loss`` and ``backward(dout=1.0) -> d(loss)/d(input)``."""

from scratch.kernels.backend import get_array_module
from scratch.kernels.numerics import log_sigmoid, log_softmax, sigmoid
from scratch.kernels.reduction import reduce
from scratch.manual.module import Module
from scratch.validation import (
    check_class_targets,
    check_floating,
    check_reduction,
    check_same_shape_target,
    fmt_shape,
    loss_shape,
)


def reduce_backward(dout, shape, count: int, reduction: str, dtype, like=None):
    """d(reduced)/d(per-element loss), broadcast to ``shape``: dout, dout / count, or dout itself.

    ``like``: an array on the device the result should be on (the loss's own arrays).
    """
    xp = get_array_module(like)
    dout = xp.asarray(dout, dtype=dtype)
    if reduction == "none":
        if dout.shape != tuple(shape):
            raise ValueError(f"backward: dout of size {fmt_shape(dout.shape)} must match the loss, {fmt_shape(shape)}")
        return dout
    if dout.ndim != 0:
        raise ValueError(
            f"backward: a {reduction!r}-reduced loss is a scalar, so dout must be one, got size {fmt_shape(dout.shape)}"
        )
    return xp.broadcast_to(dout / count if reduction == "mean" else dout, shape)


class CrossEntropyLoss(Module):
    """Softmax followed by the negative log-likelihood of the target class.

    Shapes: input (N, C) logits, or (N, C, d1, ...) with the classes on axis 1, or (C,) unbatched;
    target: class indices, integers in [0, C), of shape (N,) / (N, d1, ...) / ().
        loss_i = logsumexp(z_i) - z_i[t_i]          (log-sum-exp: no overflow for large logits)
        d loss_i / d z_i = softmax(z_i) - onehot(t_i)
    'mean' divides by the number of loss terms (N, or N*d1*...).
    """

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        self.reduction = check_reduction(reduction)

    def forward(self, input, target):
        check_floating("CrossEntropyLoss", input)
        xp = get_array_module(input)
        target = xp.asarray(target)
        check_class_targets("CrossEntropyLoss", input.shape, target)
        z, t = _classes_last(input), target.reshape(-1)
        logp = log_softmax(z, axis=1)
        loss = -logp[xp.arange(t.shape[0]), t]
        self.cache = (logp, t, input.shape)
        return reduce(loss.reshape(loss_shape(input.shape)), self.reduction)

    def backward(self, dout=1.0):
        logp, t, input_shape = self.saved()
        M = t.shape[0]
        dloss = reduce_backward(dout, loss_shape(input_shape), M, self.reduction, logp.dtype, like=logp)
        xp = get_array_module(logp)
        dz = xp.exp(logp)  # softmax
        dz[xp.arange(M), t] -= 1
        dz *= dloss.reshape(M, 1)
        return _classes_back(dz, input_shape)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


def _classes_last(input):
    """(N, C, d1, ...) -> (N*d1*..., C); (C,) -> (1, C)."""
    if input.ndim <= 1:
        return input.reshape(1, -1)
    return get_array_module(input).moveaxis(input, 1, -1).reshape(-1, input.shape[1])


def _classes_back(dz, input_shape):
    """The inverse of ``_classes_last``, for gradients."""
    if len(input_shape) <= 1:
        return dz.reshape(input_shape)
    moved = (input_shape[0], *input_shape[2:], input_shape[1])
    return get_array_module(dz).moveaxis(dz.reshape(moved), -1, 1)


class SigmoidFocalLoss(Module):
    """Focal loss of Lin et al. (2017), as torchvision.ops.sigmoid_focal_loss computes it.

    With s = sigmoid(x) and a target t in [0, 1] (same shape as x):
        ce      = -(t * log s + (1 - t) * log(1 - s))      binary cross-entropy, via log-sigmoid
        q       = 1 - p_t = s * (1 - t) + (1 - s) * t      how wrong the prediction is
        alpha_t = alpha * t + (1 - alpha) * (1 - t)        (no weighting when alpha < 0)
        loss    = alpha_t * ce * q**gamma
    Backward, with ds/dx = s (1 - s):
        d ce/dx = s - t = s (1 - t) - (1 - s) t,    d q/dx = (1 - 2t) s (1 - s)
        d loss/dx = alpha_t * ((s - t) * q**gamma + ce * gamma * q**(gamma - 1) * dq/dx)
    log(1 - s) is log_sigmoid(-x) and 1 - s is sigmoid(-x): neither is formed by subtraction, so
    nothing overflows and nothing cancels for large |x|.
    NOTE: s - t is computed as s (1 - t) - (1 - s) t: for t = 1 and x = 40, s rounds to 1 in float32
    and ``s - t`` would give 0 instead of -(1 - s) = -4e-18.
    NOTE: for 0 < gamma < 1 the factor q**(gamma - 1) is unbounded as q -> 0, as in torch.
    """

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"):
        super().__init__()
        self.alpha, self.gamma = float(alpha), float(gamma)
        self.reduction = check_reduction(reduction)

    def forward(self, input, target):
        check_floating("SigmoidFocalLoss", input)
        xp = get_array_module(input)
        target = xp.asarray(target)
        check_same_shape_target("SigmoidFocalLoss", input.shape, target.shape)
        x, t = input, target.astype(input.dtype, copy=False)
        s, s_neg = sigmoid(x), sigmoid(-x)  # s_neg = 1 - s, without cancellation
        ce = -(t * log_sigmoid(x) + (1 - t) * log_sigmoid(-x))
        q = s * (1 - t) + s_neg * t
        modulator = q**self.gamma
        alpha_t = self.alpha * t + (1 - self.alpha) * (1 - t) if self.alpha >= 0 else xp.ones_like(x)
        self.cache = (s, s_neg, t, ce, q, modulator, alpha_t)
        return reduce(alpha_t * ce * modulator, self.reduction)

    def backward(self, dout=1.0):
        s, s_neg, t, ce, q, modulator, alpha_t = self.saved()
        dloss = reduce_backward(dout, s.shape, s.size, self.reduction, s.dtype, like=s)
        dq = (1 - 2 * t) * s * s_neg
        if self.gamma == 0:
            dmodulator = get_array_module(q).zeros_like(q)  # q**0 == 1 is constant, even at q == 0
        else:
            dmodulator = self.gamma * q ** (self.gamma - 1) * dq
        dce = s * (1 - t) - s_neg * t  # = s - t, without cancellation
        return dloss * alpha_t * (dce * modulator + ce * dmodulator)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}, gamma={self.gamma}, reduction={self.reduction!r}"
