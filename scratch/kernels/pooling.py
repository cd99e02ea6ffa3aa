"""Max-pooling as array functions through im2col, shared by the hand-written and the autograd layer.

Every (n, c) plane is pooled alike, so x (*, H, W) is viewed as planes (P, 1, H, W), P = N*C, and
im2col turns each KH x KW window into a row of cols (P*OH*OW, KH*KW) (notation of
``scratch.kernels.im2col``). Padding is -inf, so a padded cell never wins.
    forward   argmax = index of each row's max;  y = cols[row, argmax[row]]
    backward  gx = col2im of a cols-shaped zero array holding gy at (row, argmax[row])
    gather    the adjoint of backward: gy = ggx's value at each window's argmax (the double backward)
NOTE: at ties, ``argmax`` picks the first maximum in the window's row-major order, as torch's CPU kernel.
"""

import numpy as np

from scratch.kernels.backend import get_array_module
from scratch.kernels.im2col import col2im, conv_output_size, im2col


def pool_output_size(x_shape, kernel_size, stride, padding) -> tuple[int, int]:
    """(OH, OW) of a pooling window sliding over the last two axes of ``x_shape``."""
    (H, W), (KH, KW), (SH, SW), (PH, PW) = x_shape[-2:], kernel_size, stride, padding
    return conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)


def max_pool2d_forward(x, kernel_size, stride, padding):
    """y (*, OH, OW) and argmax (P*OH*OW,), the winning position inside each window."""
    *lead, H, W = x.shape
    OH, OW = pool_output_size(x.shape, kernel_size, stride, padding)
    cols = im2col(x.reshape(-1, 1, H, W), kernel_size, stride, padding, pad_value=-np.inf)
    argmax = get_array_module(x).argmax(cols, axis=1)
    y = cols[_rows(cols.shape[0], x), argmax]
    return y.reshape(*lead, OH, OW), argmax


def max_pool2d_backward(gy, argmax, x_shape, kernel_size, stride, padding):
    """gx of shape ``x_shape``: each gy added to the input position that won its window.

    NOTE: where windows overlap, one position can win several windows; col2im's ``+=`` sums them.
    """
    xp = get_array_module(gy)
    H, W = x_shape[-2:]
    planes = (int(np.prod(x_shape[:-2])), 1, H, W)
    dcols = xp.zeros((argmax.shape[0], kernel_size[0] * kernel_size[1]), dtype=gy.dtype)
    dcols[_rows(argmax.shape[0], gy), argmax] = gy.reshape(-1)
    return col2im(dcols, planes, kernel_size, stride, padding).reshape(x_shape)


def max_pool2d_gather(gx, argmax, kernel_size, stride, padding):
    """The adjoint of ``max_pool2d_backward``: each window's value of gx at its argmax, (*, OH, OW)."""
    *lead, H, W = gx.shape
    OH, OW = pool_output_size(gx.shape, kernel_size, stride, padding)
    cols = im2col(gx.reshape(-1, 1, H, W), kernel_size, stride, padding)
    return cols[_rows(cols.shape[0], gx), argmax].reshape(*lead, OH, OW)


def _rows(n: int, like):
    return get_array_module(like).arange(n)
