"""im2col and col2im: a convolution becomes one matrix product.

Notation (used the same way in every layer, test and doc):
    N  batch size                 C  channels            H, W    input height and width
    KH, KW  kernel height, width  SH, SW  strides        PH, PW  zero padding (each side)
    OH = (H + 2*PH - KH) // SH + 1                       OW = (W + 2*PW - KW) // SW + 1

``im2col`` copies every KH x KW window of the padded input into one row:
    x (N, C, H, W)  ->  cols (N*OH*OW, C*KH*KW),
    cols[(n, oh, ow), (c, kh, kw)] = x_padded[n, c, oh*SH + kh, ow*SW + kw].
``col2im`` is its adjoint (the transpose of the same linear map): it adds every row back into the
window it came from, so where windows overlap the contributions accumulate:
    <im2col(x), cols> == <x, col2im(cols)>   for every x and cols.

Both take the array module from their input (NumPy or CuPy). The ``*_loops`` twins at the bottom
compute the same thing with plain Python loops; they are slow on purpose and exist for the tests.
"""

from scratch.kernels.backend import get_array_module


def conv_output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """Output length along one axis: (size + 2*padding - kernel) // stride + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def im2col(x, kernel_size, stride, padding, pad_value=0.0):
    """Unfold windows into rows: x (N, C, H, W) -> cols (N*OH*OW, C*KH*KW).

    ``kernel_size``, ``stride`` and ``padding`` are (height, width) pairs. ``pad_value`` fills the
    border: 0 for convolution, -inf for max-pooling (a padded cell must never win the max).
    """
    xp = get_array_module(x)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    N, C, H, W = x.shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    if PH or PW:
        x = xp.pad(x, ((0, 0), (0, 0), (PH, PH), (PW, PW)), constant_values=pad_value)
    x = xp.ascontiguousarray(x)
    sN, sC, sH, sW = x.strides
    # A view (N, OH, OW, C, KH, KW) of the padded input: no copy until the reshape below.
    windows = xp.lib.stride_tricks.as_strided(
        x, shape=(N, OH, OW, C, KH, KW), strides=(sN, sH * SH, sW * SW, sC, sH, sW)
    )
    return windows.reshape(N * OH * OW, C * KH * KW)


def col2im(cols, x_shape, kernel_size, stride, padding):
    """Fold rows back into an image, summing overlaps: cols (N*OH*OW, C*KH*KW) -> x (N, C, H, W).

    One strided slice-add per kernel offset (KH*KW of them), each adding a whole (N, C, OH, OW)
    block. NOTE: the ``+=`` is what makes overlapping windows (stride < kernel) correct; an ``=``
    would keep only the last window's contribution.
    """
    xp = get_array_module(cols)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    N, C, H, W = x_shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    blocks = cols.reshape(N, OH, OW, C, KH, KW).transpose(0, 3, 4, 5, 1, 2)  # (N, C, KH, KW, OH, OW)
    padded = xp.zeros((N, C, H + 2 * PH, W + 2 * PW), dtype=cols.dtype)
    for kh in range(KH):
        for kw in range(KW):
            padded[:, :, kh : kh + SH * OH : SH, kw : kw + SW * OW : SW] += blocks[:, :, kh, kw]
    return padded[:, :, PH : PH + H, PW : PW + W]


def im2col_loops(x, kernel_size, stride, padding, pad_value=0.0):
    """Slow twin of ``im2col``: the definition, one element at a time."""
    xp = get_array_module(x)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    N, C, H, W = x.shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    cols = xp.empty((N * OH * OW, C * KH * KW), dtype=x.dtype)
    for n in range(N):
        for oh in range(OH):
            for ow in range(OW):
                row = (n * OH + oh) * OW + ow
                for c in range(C):
                    for kh in range(KH):
                        for kw in range(KW):
                            h, w = oh * SH + kh - PH, ow * SW + kw - PW
                            inside = 0 <= h < H and 0 <= w < W
                            cols[row, (c * KH + kh) * KW + kw] = x[n, c, h, w] if inside else pad_value
    return cols


def col2im_loops(cols, x_shape, kernel_size, stride, padding):
    """Slow twin of ``col2im``: every entry of ``cols`` added to the pixel it was copied from."""
    xp = get_array_module(cols)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    N, C, H, W = x_shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    x = xp.zeros(x_shape, dtype=cols.dtype)
    for n in range(N):
        for oh in range(OH):
            for ow in range(OW):
                row = (n * OH + oh) * OW + ow
                for c in range(C):
                    for kh in range(KH):
                        for kw in range(KW):
                            h, w = oh * SH + kh - PH, ow * SW + kw - PW
                            if 0 <= h < H and 0 <= w < W:
                                x[n, c, h, w] += cols[row, (c * KH + kh) * KW + kw]
    return x
