"""softmax and log_softmax as Functions; the losses composed from them, so their backward is the graph's."""

from scratch.autograd.engine import Function, Tensor, as_tensor
from scratch.autograd.functional.activations import logsigmoid, sigmoid
from scratch.kernels.backend import get_array_module
from scratch.kernels.numerics import log_softmax as stable_log_softmax
from scratch.kernels.reduction import reduce
from scratch.validation import check_class_targets, check_floating, check_reduction, check_same_shape_target


class Softmax(Function):
    """y = exp(x - logsumexp(x)) along ``axis``;  gx = y * (gy - sum(gy * y)), the sum along ``axis``."""

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        return get_array_module(x).exp(stable_log_softmax(x, axis=self.axis))

    def backward(self, gy):
        # NOTE: y is recomputed from x (a Function keeps its inputs, not its output), so that the
        # backward is itself a graph in x: differentiable again.
        y = softmax(self.inputs[0], self.axis)
        return y * (gy - (gy * y).sum(axis=self.axis, keepdims=True))


class LogSoftmax(Function):
    """y = x - logsumexp(x) along ``axis`` (shifted by the max: no overflow);  gx = gy - softmax(x) * sum(gy)."""

    def __init__(self, axis: int):
        self.axis = axis

    def forward(self, x):
        return stable_log_softmax(x, axis=self.axis)

    def backward(self, gy):
        return gy - softmax(self.inputs[0], self.axis) * gy.sum(axis=self.axis, keepdims=True)


def softmax(input, dim: int):
    x = as_tensor(input)
    check_floating("softmax", x.data)
    return Softmax(dim)(x)


def log_softmax(input, dim: int):
    x = as_tensor(input)
    check_floating("log_softmax", x.data)
    return LogSoftmax(dim)(x)


def cross_entropy(input, target, *, reduction: str = "mean"):
    """loss_i = -log_softmax(z_i)[t_i] = logsumexp(z_i) - z_i[t_i], then reduced.

    input (N, C), (N, C, d1, ...) or unbatched (C,) logits; target integer class indices of the
    input's shape without the class axis. The target class is picked by indexing (GetItem), whose
    backward scatters into zeros of the input's dtype, so a float32 loss keeps float32 gradients. The
    graph gives d loss_i / d z_i = softmax(z_i) - onehot(t_i).
    NOTE: not a product with a one-hot matrix: a logit of -inf would give -inf * 0 = nan there.
    """
    z = as_tensor(input)
    check_reduction(reduction)
    check_floating("cross_entropy", z.data)
    t = get_array_module(z.data).asarray(target.data if isinstance(target, Tensor) else target)
    check_class_targets("cross_entropy", z.shape, t)
    logp = log_softmax(z, 1 if z.ndim > 1 else 0)
    return reduce(-logp[target_index(t)], reduction)


def target_index(t) -> tuple:
    """The index that picks logp[n, t[n, d...], d...] for every n and d: t's own grid, with t on axis 1."""
    if t.ndim == 0:
        return (t,)
    grid = get_array_module(t).indices(t.shape, sparse=True)
    return (grid[0], t, *grid[1:])


def sigmoid_focal_loss(inputs, targets, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"):
    """Focal loss (Lin et al., 2017), with torchvision.ops.sigmoid_focal_loss's signature.

    With s = sigmoid(x) and targets t in [0, 1]:
        ce = -(t log s + (1 - t) log(1 - s)),  log s = logsigmoid(x), log(1 - s) = logsigmoid(-x)
        q  = s (1 - t) + sigmoid(-x) t         (1 - p_t, with no 1 - s that would cancel)
        loss = alpha_t * ce * q**gamma,        alpha_t = alpha t + (1 - alpha)(1 - t), or 1 if alpha < 0
    NOTE: for gamma == 0 the modulator q**0 is the constant 1, even where q == 0 (a Pow there would
    form 0 * q**-1 in its backward).
    """
    x = as_tensor(inputs)
    alpha, gamma = float(alpha), float(gamma)  # Python floats: a NumPy float64 would upcast float32
    check_reduction(reduction)
    check_floating("sigmoid_focal_loss", x.data)
    t_data = targets.data if isinstance(targets, Tensor) else targets
    check_same_shape_target("sigmoid_focal_loss", x.shape, get_array_module(x.data).shape(t_data))
    t = Tensor(get_array_module(x.data).asarray(t_data, dtype=x.dtype))
    ce = -(t * logsigmoid(x) + (1 - t) * logsigmoid(-x))
    q = sigmoid(x) * (1 - t) + sigmoid(-x) * t
    loss = ce * q**gamma if gamma != 0 else ce
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return reduce(loss, reduction)
