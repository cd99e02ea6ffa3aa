"""Array kernels shared by the hand-written layers and (later) the autograd engine."""

from scratch.kernels.backend import get_array_module
from scratch.kernels.im2col import col2im, conv_output_size, im2col
from scratch.kernels.numerics import log_sigmoid, log_softmax, logsumexp, selu, sigmoid, softplus

__all__ = [
    "col2im",
    "conv_output_size",
    "get_array_module",
    "im2col",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "selu",
    "sigmoid",
    "softplus",
]
