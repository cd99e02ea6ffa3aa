"""The im2col convolution as three array functions: forward, gradient of the input, gradient of the weight.

Shared by the hand-written ``Conv2d`` and the autograd ``conv2d``, so there is one GEMM formulation
to read and to make fast. Notation of ``scratch.kernels.im2col``; x is always batched (N, C, H, W),
W2 = weight.reshape(Cout, C*KH*KW), and P = OH*OW output positions per image.

Two layouts, each the faster one for some shapes (the benchmark report shows both sides):

per image, when P >= ``PER_IMAGE_MIN_POSITIONS`` (large feature maps; e.g. 32x32): cols =
im2col_per_image(x) (N, C*KH*KW, P), and gy3 = gy viewed as (N, Cout, P), no copy:
    forward       y3[n] = W2 @ cols[n] + bias[:, None]     (N, Cout, P): already y's layout
    grad input    gx = col2im_per_image(W2.T @ gy3)
    grad weight   gW = sum over n of gy3[n] @ cols[n].T
Each image's product is large enough to run at full speed, and nothing is transposed.

batch last, otherwise (small maps, where per-image products would be small): xb = x moved to
(C, H, W, N), cols = im2col_batch_last(xb) (C*KH*KW, P*N), gy2 = gy moved to (Cout, P*N):
    forward       y2 = W2 @ cols + bias[:, None]           (Cout, P*N) -> y (N, Cout, OH, OW)
    grad input    gx = col2im_batch_last(W2.T @ gy2)
    grad weight   gW = gy2 @ cols.T
Each product is one large matrix multiplication; the price is moving the batch axis last and back
(``batch_last``, ``batch_first``: a transpose of an activation-sized array each), cheap on small maps.
Either way the products (BLAS's GEMM) are where the time should go, and gx is the transposed
convolution of gy by W.

Memory: cols holds KH*KW copies of the input. When it would exceed ``MAX_COLS_BYTES`` (256 MiB by
default; set it, or use ``cols_memory_cap``), the batch is processed in chunks and the forward keeps
no cols for the backward, which remakes them chunk by chunk.
"""

import contextlib
import math

from scratch.kernels.backend import get_array_module
from scratch.kernels.im2col import (
    col2im_batch_last,
    col2im_per_image,
    conv_output_size,
    im2col_batch_last,
    im2col_per_image,
)

MAX_COLS_BYTES = 256 * 2**20
PER_IMAGE_MIN_POSITIONS = 1024


@contextlib.contextmanager
def cols_memory_cap(nbytes: int):
    """Temporarily set ``MAX_COLS_BYTES``, the largest im2col buffer made at once."""
    global MAX_COLS_BYTES
    previous, MAX_COLS_BYTES = MAX_COLS_BYTES, int(nbytes)
    try:
        yield
    finally:
        MAX_COLS_BYTES = previous


def batch_last(a):
    """(N, C, H, W) -> (C, H, W, N), contiguous: the transpose of a (N, C*H*W) matrix."""
    xp = get_array_module(a)
    # NOTE: sizes spelled out, not -1: an empty batch (N = 0) leaves -1 undefined
    return xp.ascontiguousarray(a.reshape(a.shape[0], math.prod(a.shape[1:])).T).reshape(*a.shape[1:], a.shape[0])


def batch_first(ab):
    """(C, H, W, N) -> (N, C, H, W), contiguous: the inverse of ``batch_last``."""
    xp = get_array_module(ab)
    matrix = ab.reshape(math.prod(ab.shape[:-1]), ab.shape[-1])
    return xp.ascontiguousarray(matrix.T).reshape(ab.shape[-1], *ab.shape[:-1])


def batch_chunks(x_shape, kernel_size, stride, padding, itemsize) -> list[slice]:
    """Slices of the batch whose im2col buffers each fit in ``MAX_COLS_BYTES`` (at least one image each)."""
    N, C, H, W = x_shape
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    per_image = C * KH * KW * conv_output_size(H, KH, SH, PH) * conv_output_size(W, KW, SW, PW) * itemsize
    step = max(1, min(N, MAX_COLS_BYTES // max(per_image, 1)))
    return [slice(start, min(start + step, N)) for start in range(0, max(N, 1), step)]  # one, empty, for N = 0


def per_image(out_hw) -> bool:
    """Whether the per-image layout is used for an output of (OH, OW) positions per image."""
    return out_hw[0] * out_hw[1] >= PER_IMAGE_MIN_POSITIONS


def conv2d_forward(x, weight, bias, stride, padding):
    """y (N, Cout, OH, OW), and cols for the weight's gradient (None when the batch was chunked)."""
    xp = get_array_module(x)
    N, _, H, W = x.shape
    Cout, _, KH, KW = weight.shape
    OH, OW = conv_output_size(H, KH, stride[0], padding[0]), conv_output_size(W, KW, stride[1], padding[1])
    W2 = weight.reshape(Cout, -1)
    chunks = batch_chunks(x.shape, (KH, KW), stride, padding, x.itemsize)
    y = xp.empty((N, Cout, OH, OW), dtype=x.dtype) if len(chunks) > 1 else None
    for chunk in chunks:
        x_chunk = x[chunk]
        n = x_chunk.shape[0]
        if per_image((OH, OW)):
            cols = im2col_per_image(x_chunk, (KH, KW), stride, padding)
            y3 = W2 @ cols  # (Cout, K) @ (n, K, P) -> (n, Cout, P), one product per image
            if bias is not None:
                y3 += bias[:, None]
            y_chunk = y3.reshape(n, Cout, OH, OW)
        else:
            cols = im2col_batch_last(batch_last(x_chunk), (KH, KW), stride, padding)
            y2 = W2 @ cols
            if bias is not None:
                y2 += bias[:, None]
            y_chunk = batch_first(y2.reshape(Cout, OH, OW, n))
        if y is None:
            return y_chunk, cols
        y[chunk] = y_chunk
    return y, None


def conv2d_grad_input(gy, weight, x_shape, stride, padding):
    """gx = col2im(W2.T @ gy), of shape ``x_shape``, in the layout ``per_image`` picks."""
    xp = get_array_module(gy)
    Cout, C, KH, KW = weight.shape
    W2t = weight.reshape(Cout, -1).T
    chunks = batch_chunks(x_shape, (KH, KW), stride, padding, gy.itemsize)
    gx = xp.empty(x_shape, dtype=gy.dtype) if len(chunks) > 1 else None
    for chunk in chunks:
        gy_chunk = gy[chunk]
        n = gy_chunk.shape[0]
        if per_image(gy.shape[2:]):
            gx_chunk = col2im_per_image(
                W2t @ gy_chunk.reshape(n, Cout, gy.shape[2] * gy.shape[3]), (n, *x_shape[1:]), (KH, KW), stride, padding
            )
        else:
            gy2 = batch_last(gy_chunk).reshape(Cout, -1)
            gxb = col2im_batch_last(W2t @ gy2, (C, *x_shape[2:], n), (KH, KW), stride, padding)
            gx_chunk = batch_first(gxb)
        if gx is None:
            return gx_chunk
        gx[chunk] = gx_chunk
    return gx


def conv2d_grad_weight(gy, x, kernel_size, stride, padding, cols=None):
    """gW = gy @ cols.T summed over the batch, of shape (Cout, C, KH, KW); ``cols`` from the forward, or remade."""
    Cout, C = gy.shape[1], x.shape[1]
    chunks = [slice(None)] if cols is not None else batch_chunks(x.shape, kernel_size, stride, padding, x.itemsize)
    gW2 = get_array_module(gy).zeros((Cout, C * kernel_size[0] * kernel_size[1]), dtype=gy.dtype)
    for chunk in chunks:
        gy_chunk = gy[chunk]
        if per_image(gy.shape[2:]):
            chunk_cols = cols if cols is not None else im2col_per_image(x[chunk], kernel_size, stride, padding)
            gy3 = gy_chunk.reshape(gy_chunk.shape[0], Cout, gy.shape[2] * gy.shape[3])
            terms = (gy3[i] @ chunk_cols[i].T for i in range(gy3.shape[0]))  # one product per image
        else:
            chunk_cols = (
                cols if cols is not None else im2col_batch_last(batch_last(x[chunk]), kernel_size, stride, padding)
            )
            terms = (batch_last(gy_chunk).reshape(Cout, -1) @ chunk_cols.T,)
        for term in terms:
            gW2 += term
    return gW2.reshape(Cout, C, *kernel_size)


# -- the textbook twin: one window at a time ----------------------------------------------------------


def conv2d_forward_naive(x, weight, bias, stride, padding):
    """Slow twin of ``conv2d_forward``: y[n, :, oh, ow] = W2 @ window(n, oh, ow) + bias, window by window."""
    xp = get_array_module(x)
    N, _, H, W = x.shape
    Cout, _, KH, KW = weight.shape
    (SH, SW), (PH, PW) = stride, padding
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    padded = xp.pad(x, ((0, 0), (0, 0), (PH, PH), (PW, PW)))
    W2 = weight.reshape(Cout, -1)
    y = xp.empty((N, Cout, OH, OW), dtype=x.dtype)
    for n in range(N):
        for oh in range(OH):
            for ow in range(OW):
                window = padded[n, :, oh * SH : oh * SH + KH, ow * SW : ow * SW + KW]
                y[n, :, oh, ow] = W2 @ window.reshape(-1) + (0 if bias is None else bias)
    return y


def conv2d_backward_naive(gy, x, weight, stride, padding):
    """Slow twin of the backward: (dx, dW, db), each window's share added in turn.

    dW += outer(gy[n, :, oh, ow], window);  dwindow += (W2.T @ gy[n, :, oh, ow]) reshaped to (C, KH, KW).
    NOTE: ``+=`` on the padded dx: overlapping windows add up, as in col2im.
    """
    xp = get_array_module(x)
    N, C, H, W = x.shape
    Cout, _, KH, KW = weight.shape
    (SH, SW), (PH, PW) = stride, padding
    padded = xp.pad(x, ((0, 0), (0, 0), (PH, PH), (PW, PW)))
    W2 = weight.reshape(Cout, -1)
    dpadded, dW2 = xp.zeros_like(padded), xp.zeros_like(W2)
    for n in range(N):
        for oh in range(gy.shape[2]):
            for ow in range(gy.shape[3]):
                rows, columns = slice(oh * SH, oh * SH + KH), slice(ow * SW, ow * SW + KW)
                g = gy[n, :, oh, ow]
                dW2 += xp.outer(g, padded[n, :, rows, columns].reshape(-1))
                dpadded[n, :, rows, columns] += (W2.T @ g).reshape(C, KH, KW)
    return dpadded[:, :, PH : PH + H, PW : PW + W], dW2.reshape(weight.shape), gy.sum(axis=(0, 2, 3))
