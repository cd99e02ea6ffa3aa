"""Element-wise activations: y = f(x), dx = dout * f'(x).

Each caches the least that its backward needs (x, or y when f' is cheaper in terms of y).
"""

from scratch.kernels.backend import get_array_module
from scratch.kernels.numerics import SELU_ALPHA, SELU_SCALE, selu, sigmoid
from scratch.manual.module import Module
from scratch.validation import check_floating


class Activation(Module):
    """Shared plumbing: check the input, remember what the derivative needs, apply it in backward."""

    def forward(self, x):
        check_floating(type(self).__name__, x)
        self.cache = x
        return self.f(x)

    def backward(self, dout):
        return self.df(self.saved(), dout)

    def f(self, x):
        raise NotImplementedError

    def df(self, x, dout):
        raise NotImplementedError


class Sigmoid(Activation):
    """y = 1 / (1 + exp(-x));  dx = dout * y * (1 - y).  Stable for any finite x (see kernels)."""

    def forward(self, x):
        y = super().forward(x)
        self.cache = y  # the derivative is cheapest in terms of y
        return y

    def f(self, x):
        return sigmoid(x)

    def df(self, y, dout):
        return dout * y * (1 - y)


class Tanh(Activation):
    """y = tanh(x);  dx = dout * (1 - y**2)."""

    def forward(self, x):
        y = super().forward(x)
        self.cache = y
        return y

    def f(self, x):
        return get_array_module(x).tanh(x)

    def df(self, y, dout):
        return dout * (1 - y * y)


class ReLU(Activation):
    """y = max(x, 0);  dx = dout * [x > 0].

    NOTE: at x == 0 the derivative is taken as 0, as torch takes it.
    """

    def f(self, x):
        return get_array_module(x).maximum(x, 0)

    def df(self, x, dout):
        return get_array_module(x).where(x > 0, dout, 0)


class LeakyReLU(Activation):
    """y = x if x > 0 else negative_slope * x;  dx = dout * (1 if x > 0 else negative_slope).

    NOTE: at x == 0 the slope is ``negative_slope``, as torch takes it.
    """

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def f(self, x):
        return get_array_module(x).where(x > 0, x, x * self.negative_slope)

    def df(self, x, dout):
        return get_array_module(x).where(x > 0, dout, dout * self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class SELU(Activation):
    """y = scale * (x if x > 0 else alpha * (exp(x) - 1));  dx = dout * scale * (1 if x > 0 else alpha * exp(x)).

    alpha and scale are the full-precision constants in ``scratch.kernels.numerics``, which also
    holds the overflow-free forward. NOTE: at x == 0 the negative branch is used (slope
    scale * alpha), as torch does.
    """

    alpha, scale = SELU_ALPHA, SELU_SCALE

    def f(self, x):
        return selu(x)

    def df(self, x, dout):
        xp = get_array_module(x)
        return dout * self.scale * xp.where(x > 0, 1.0, self.alpha * xp.exp(xp.minimum(x, 0)))
