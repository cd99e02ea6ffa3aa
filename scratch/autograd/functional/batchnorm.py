"""Batch normalization, composed of Tensor ops: its backward comes from the recorded graph."""

from scratch.autograd.engine import Tensor, as_tensor
from scratch.kernels.normalization import update_running_stats


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1), as torch.nn.functional.batch_norm.

    training: mean and var are the batch's, over every axis but 1 (var biased), and the running
    arrays, if given, move in place by ``momentum`` towards them (with the unbiased variance, as
    torch does). Otherwise the running arrays are used, as constants. ``weight`` and ``bias`` are
    each optional. Compare the hand-written BatchNorm, whose backward is derived on paper: here the
    same dx comes out of the graph of mean, subtract, square, mean, sqrt, divide.
    """
    x = as_tensor(input)
    axes = (0, *range(2, x.ndim))  # every axis but the channels
    shape = (1, -1) + (1,) * (x.ndim - 2)  # a (C,) vector, broadcastable against x
    if training:
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        if running_mean is not None:  # arrays only: the statistics are not part of the graph
            n = x.size // x.shape[1]
            update_running_stats(running_mean, running_var, mean.data.reshape(-1), var.data.reshape(-1), n, momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm: running_mean and running_var must be defined in evaluation mode")
        centered = x - Tensor(running_mean.reshape(shape))
        var = Tensor(running_var.reshape(shape))
    y = centered / (var + eps) ** 0.5
    if weight is not None:
        y = y * as_tensor(weight).reshape(shape)
    if bias is not None:
        y = y + as_tensor(bias).reshape(shape)
    return y
