"""Activations: one Function each, whose backward is written with Tensor ops (so it can be differentiated).

The numerically delicate forwards reuse ``scratch.kernels.numerics``, the code the hand-written
layers use.
"""

from scratch.autograd.engine import Function, Tensor, as_tensor
from scratch.kernels.backend import get_array_module
from scratch.kernels.numerics import SELU_ALPHA, SELU_SCALE
from scratch.kernels.numerics import log_sigmoid as stable_log_sigmoid
from scratch.kernels.numerics import selu as selu_kernel
from scratch.kernels.numerics import sigmoid as stable_sigmoid
from scratch.validation import check_floating


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x));  gx = gy * y * (1 - y)."""

    def forward(self, x):
        return stable_sigmoid(x)

    def backward(self, gy):
        y = sigmoid(self.inputs[0])  # NOTE: recomputed from x, so that this backward is differentiable too
        return gy * y * (1 - y)


class LogSigmoid(Function):
    """y = log(sigmoid(x)) = -softplus(-x);  gx = gy * (1 - sigmoid(x)) = gy * sigmoid(-x).

    Both sides avoid 1 - sigmoid(x), which cancels to 0 for large x; sigmoid(-x) does not.
    """

    def forward(self, x):
        return stable_log_sigmoid(x)

    def backward(self, gy):
        return gy * sigmoid(-self.inputs[0])


class Tanh(Function):
    """y = tanh(x);  gx = gy * (1 - y**2)."""

    def forward(self, x):
        return get_array_module(x).tanh(x)

    def backward(self, gy):
        y = tanh(self.inputs[0])
        return gy * (1 - y * y)


class LeakyReLU(Function):
    """y = x if x > 0 else slope * x;  gx = gy * (1 if x > 0 else slope).  ReLU is slope 0.

    NOTE: at x == 0 the slope is ``negative_slope`` (0 for ReLU), as torch takes it.
    """

    def __init__(self, negative_slope: float):
        self.negative_slope = negative_slope

    def forward(self, x):
        xp = get_array_module(x)
        if self.negative_slope == 0:
            return xp.maximum(x, x.dtype.type(0))  # no x * 0, which is nan at x = -inf
        return xp.where(x > 0, x, x * self.negative_slope)

    def backward(self, gy):
        x = self.inputs[0].data
        one, slope = x.dtype.type(1), x.dtype.type(self.negative_slope)
        return gy * Tensor(get_array_module(x).where(x > 0, one, slope))


class SELU(Function):
    """y = scale * (x if x > 0 else alpha * (exp(x) - 1));  gx = gy * (scale if x > 0 else y + scale * alpha).

    For x < 0, dy/dx = scale * alpha * exp(x) = y + scale * alpha: written through y, the backward
    never forms exp of a large positive x, and stays differentiable.
    NOTE: at x == 0 the slope is the negative branch's, scale * alpha, as in torch, and (also as in
    torch) it is a constant there, so the second derivative at exactly 0 is 0.
    """

    def forward(self, x):
        return selu_kernel(x)

    def backward(self, gy):
        x = self.inputs[0]
        xp = get_array_module(x.data)
        constant = xp.where(x.data > 0, SELU_SCALE, xp.where(x.data == 0, SELU_SCALE * SELU_ALPHA, 0.0))
        negative = Tensor((x.data < 0).astype(x.dtype))
        return gy * (Tensor(constant.astype(x.dtype)) + negative * (selu(x) + SELU_SCALE * SELU_ALPHA))


def floating(x, name: str) -> Tensor:
    """x as a Tensor, refused (TypeError) unless floating: an activation's derivative of integers means nothing."""
    x = as_tensor(x)
    check_floating(name, x.data)
    return x


def sigmoid(x):
    return Sigmoid()(floating(x, "sigmoid"))


def logsigmoid(x):
    return LogSigmoid()(floating(x, "logsigmoid"))


def tanh(x):
    return Tanh()(floating(x, "tanh"))


def relu(x):
    return LeakyReLU(0.0)(floating(x, "relu"))


def leaky_relu(x, negative_slope: float = 0.01):
    return LeakyReLU(float(negative_slope))(floating(x, "leaky_relu"))  # a Python float keeps float32 float32


def selu(x):
    return SELU()(floating(x, "selu"))
