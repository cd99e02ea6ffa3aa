"""Tensor ops: one Function per op, forward (arrays) and backward (Tensors) side by side.

Backward returns the gradient for each input *before* un-broadcasting: the engine sums it back
to the input's shape (``ops.sum_to``, called by the engine), so no op repeats that logic.
"""

import numpy as np

from scratch.autograd.engine import Function, Tensor, as_tensor
from scratch.kernels.backend import get_array_module


class Add(Function):
    """y = a + b;  ga = gy, gb = gy."""

    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, gy


class Sub(Function):
    """y = a - b;  ga = gy, gb = -gy."""

    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        return gy, -gy


class Mul(Function):
    """y = a * b;  ga = gy * b, gb = gy * a."""

    def forward(self, a, b):
        return a * b

    def backward(self, gy):
        a, b = self.inputs
        return gy * b, gy * a


class Div(Function):
    """y = a / b;  ga = gy / b, gb = -gy * a / b**2.

    NOTE: at b == 0 both are inf or nan, as in torch: nothing is guarded.
    """

    def forward(self, a, b):
        return a / b

    def backward(self, gy):
        a, b = self.inputs
        return gy / b, -gy * a / (b * b)


class Neg(Function):
    """y = -x;  gx = -gy."""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Pow(Function):
    """y = x ** c for a constant c;  gx = gy * c * x ** (c - 1).

    NOTE: for c == 0, y = 1 is constant and gx = 0, even at x == 0 where c * x**(c - 1) is 0 * inf.
    """

    def __init__(self, c: float):
        self.c = c.item() if isinstance(c, np.generic) else c  # a NumPy float64 would upcast float32

    def forward(self, x):
        return x**self.c

    def backward(self, gy):
        (x,) = self.inputs
        if self.c == 0:
            return gy * 0.0
        return gy * self.c * x ** (self.c - 1)


class Exp(Function):
    """y = exp(x);  gx = gy * exp(x)."""

    def forward(self, x):
        return get_array_module(x).exp(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * exp(x)


class Log(Function):
    """y = log(x);  gx = gy / x.  NOTE: at x == 0, y = -inf and gx = inf, as in torch."""

    def forward(self, x):
        return get_array_module(x).log(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy / x


class MatMul(Function):
    """y = a @ b for (..., M, K) @ (..., K, N);  ga = gy @ b^T, gb = a^T @ gy (batch axes broadcast)."""

    def forward(self, a, b):
        if a.ndim < 2 or b.ndim < 2:
            raise RuntimeError(
                f"matmul here takes operands of at least 2 dimensions, got shapes {a.shape} and {b.shape}"
            )
        return a @ b

    def backward(self, gy):
        a, b = self.inputs
        return gy @ swap_last(b), swap_last(a) @ gy


class Reshape(Function):
    """y = x.reshape(shape);  gx = gy.reshape(x.shape)."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        self.x_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, gy):
        return reshape(gy, self.x_shape)


class Transpose(Function):
    """y = x.transpose(axes) (reversed axes when none are given);  gx = gy.transpose(inverse(axes))."""

    def __init__(self, axes):
        self.axes = tuple(axes) if axes else None

    def forward(self, x):
        # NOTE: negative axes are made positive first: argsort inverts a permutation of 0..ndim-1 only
        self.axes = tuple(a % x.ndim for a in self.axes) if self.axes else tuple(reversed(range(x.ndim)))
        return x.transpose(self.axes)

    def backward(self, gy):
        return transpose(gy, tuple(np.argsort(self.axes)))


class Sum(Function):
    """y = x.sum(axis, keepdims);  gx = gy broadcast back to x's shape."""

    def __init__(self, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.x_shape = x.shape
        return x.sum(axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy):
        return broadcast_to(reshape(gy, kept_dims_shape(self.x_shape, self.axis)), self.x_shape)


class Max(Function):
    """y = x.max(axis, keepdims);  gx = gy / k at each of the k positions equal to the max, else 0.

    NOTE: ties share the gradient equally, as torch.amax does (torch.max(dim) picks one index). A
    NaN in a slice makes its max NaN, and NaN == NaN is False, so that slice gets no gradient.
    """

    def __init__(self, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        return x.max(axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy):
        (x,) = self.inputs
        shape = kept_dims_shape(x.shape, self.axis)
        y = x.data.max(axis=self.axis, keepdims=True)
        mask = (x.data == y).astype(x.dtype)
        share = mask / mask.sum(axis=self.axis, keepdims=True)
        return broadcast_to(reshape(gy, shape), x.shape) * Tensor(share)


class BroadcastTo(Function):
    """y = broadcast_to(x, shape);  gx = sum_to(gy, x.shape)."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        self.x_shape = x.shape
        return get_array_module(x).broadcast_to(x, self.shape)

    def backward(self, gy):
        return sum_to(gy, self.x_shape)


class SumTo(Function):
    """y = x summed down to ``shape`` (the inverse of broadcasting);  gx = broadcast_to(gy, x.shape)."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        self.x_shape = x.shape
        lead = x.ndim - len(self.shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(self.shape) if n == 1 and x.shape[lead + i] != 1
        )
        y = x.sum(axis=axes, keepdims=True)
        return y.reshape(self.shape) if lead else y

    def backward(self, gy):
        return broadcast_to(gy, self.x_shape)


class AsType(Function):
    """y = x cast to ``dtype``;  gx = gy cast back to x's dtype."""

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, gy):
        return astype(gy, self.inputs[0].dtype)


class GetItem(Function):
    """y = x[index];  gx = zeros like x, with gy added at ``index`` (repeated indices accumulate)."""

    def __init__(self, index):
        self.index = index

    def forward(self, x):
        return x[self.index]

    def backward(self, gy):
        (x,) = self.inputs
        return GetItemGrad(self.index, x.shape)(gy)


class GetItemGrad(Function):
    """The backward of GetItem, as a Function so it can be differentiated again (its own backward is x[index])."""

    def __init__(self, index, x_shape):
        self.index, self.x_shape = index, x_shape

    def forward(self, gy):
        xp = get_array_module(gy)
        gx = xp.zeros(self.x_shape, dtype=gy.dtype)
        xp.add.at(gx, self.index, gy)
        return gx

    def backward(self, ggx):
        return getitem(ggx, self.index)


class Stack(Function):
    """y = stack(xs, axis): the inputs side by side along a new axis;  gx_i = gy at index i of that axis."""

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, *xs):
        return get_array_module(xs[0]).stack(xs, axis=self.axis)

    def backward(self, gy):
        axis = self.axis % gy.ndim
        return tuple(getitem(gy, (slice(None),) * axis + (i,)) for i in range(len(self.inputs)))


# -- helpers and factories ---------------------------------------------------------------------------


def kept_dims_shape(shape, axis) -> tuple:
    """The shape of x.sum(axis, keepdims=True), for turning a reduced gradient back into a broadcastable one."""
    axes = normalize_axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def normalize_axes(axis, ndim: int) -> tuple[int, ...]:
    """None (every axis), an int or a sequence of ints, possibly negative -> sorted non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted({a % (ndim or 1) for a in ((axis,) if np.isscalar(axis) else axis)}))


def swap_last(x: Tensor) -> Tensor:
    axes = list(range(x.ndim))
    axes[-2], axes[-1] = axes[-1], axes[-2]
    return transpose(x, tuple(axes))


def add(a, b):
    return Add()(a, b)


def sub(a, b):
    return Sub()(a, b)


def mul(a, b):
    return Mul()(a, b)


def div(a, b):
    return Div()(a, b)


def neg(x):
    return Neg()(x)


def pow(x, c):
    if isinstance(c, Tensor):
        raise TypeError("only a constant exponent is supported: x ** c with c a number")
    return Pow(c)(x)


def exp(x):
    return Exp()(x)


def log(x):
    return Log()(x)


def matmul(a, b):
    return MatMul()(a, b)


def reshape(x, shape):
    return x if as_tensor(x).shape == tuple(shape) else Reshape(shape)(x)


def transpose(x, axes=()):
    return Transpose(axes)(x)


def sum(x, axis=None, keepdims=False):
    x = as_tensor(x)
    if x.ndim == 0:
        axis = None  # NOTE: a 0-d tensor's only axis (0 or -1, as torch allows) sums its one element
    return Sum(tuple(axis) if isinstance(axis, list) else axis, keepdims)(x)


def mean(x, axis=None, keepdims=False):
    """sum / count, where count is the number of elements averaged over (nan for none, as torch)."""
    x = as_tensor(x)
    if x.dtype.kind not in "fc":
        raise TypeError(f"mean: could not infer the output dtype; the input dtype must be floating, got {x.dtype}")
    axes = normalize_axes(axis, x.ndim)
    # NOTE: a 0-d tensor has one element, whichever axis is named (torch accepts dim 0 or -1 there)
    count = int(np.prod([x.shape[a] for a in axes])) if x.ndim else 1
    return sum(x, axes, keepdims) * (1.0 / count if count else float("nan"))


def max(x, axis=None, keepdims=False):
    return Max(axis, keepdims)(x)


def broadcast_to(x, shape):
    return x if as_tensor(x).shape == tuple(shape) else BroadcastTo(shape)(x)


def sum_to(x, shape):
    return x if as_tensor(x).shape == tuple(shape) else SumTo(shape)(x)


def stack(xs, axis: int = 0):
    return Stack(axis)(*xs)


def astype(x, dtype):
    return AsType(np.dtype(dtype))(x)


def getitem(x, index):
    return GetItem(index)(x)
