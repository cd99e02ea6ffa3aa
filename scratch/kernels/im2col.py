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
That row layout is the textbook one; max-pooling uses it.

The convolution uses a second layout, the one its matrix products want (``scratch.kernels.conv``):
each window becomes a column, and the batch index is the fastest-moving one,
    xb (C, H, W, N)  ->  cols (C*KH*KW, OH*OW*N),
    cols[(c, kh, kw), (oh, ow, n)] = xb_padded[c, oh*SH + kh, ow*SW + kw, n].
With the batch last, a window's column for one (c, kh, kw) is copied in runs of OW*N consecutive
numbers (stride 1) instead of runs of KW = 3, and col2im's additions run over whole rows: the copies
go at memory speed. ``im2col_batch_last`` and ``col2im_batch_last`` are that pair. On large feature
maps the convolution uses a third layout, one image at a time (``im2col_per_image``, Caffe's):
    x (N, C, H, W)  ->  cols (N, C*KH*KW, OH*OW),
whose products need no transposes at all; ``scratch.kernels.conv`` says which layout when.

All take the array module from their input (NumPy or CuPy). The ``*_loops`` twins and
``col2im_add_at`` at the bottom compute the same things the slow, textbook way; they exist for the
tests and the benchmarks.
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


def im2col_batch_last(xb, kernel_size, stride, padding):
    """Unfold windows into columns, batch last: xb (C, H, W, N) -> cols (C*KH*KW, OH*OW*N)."""
    xp = get_array_module(xb)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    C, H, W, N = xb.shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    if PH or PW:
        padded = xp.zeros((C, H + 2 * PH, W + 2 * PW, N), dtype=xb.dtype)
        padded[:, PH : PH + H, PW : PW + W] = xb
        xb = padded
    xb = xp.ascontiguousarray(xb)
    sC, sH, sW, sN = xb.strides
    # A view (C, KH, KW, OH, OW, N) of the padded input; with SW = 1 its last two axes are one run.
    windows = xp.lib.stride_tricks.as_strided(
        xb, shape=(C, KH, KW, OH, OW, N), strides=(sC, sH, sW, sH * SH, sW * SW, sN)
    )
    return windows.reshape(C * KH * KW, OH * OW * N)


def col2im_batch_last(cols, xb_shape, kernel_size, stride, padding):
    """Fold columns back, summing overlaps: cols (C*KH*KW, OH*OW*N) -> xb (C, H, W, N).

    NOTE: as in ``col2im``, ``+=`` makes overlapping windows add up. Each of the KH*KW additions
    covers a (C, OH, OW, N) block whose rows are contiguous in both arrays when the stride is 1.
    """
    xp = get_array_module(cols)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    C, H, W, N = xb_shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    blocks = cols.reshape(C, KH, KW, OH, OW, N)
    padded = xp.zeros((C, H + 2 * PH, W + 2 * PW, N), dtype=cols.dtype)
    for kh in range(KH):
        for kw in range(KW):
            padded[:, kh : kh + SH * OH : SH, kw : kw + SW * OW : SW] += blocks[:, kh, kw]
    return padded[:, PH : PH + H, PW : PW + W]


def im2col_per_image(x, kernel_size, stride, padding):
    """Unfold each image's windows into columns: x (N, C, H, W) -> cols (N, C*KH*KW, OH*OW).

    cols[n, (c, kh, kw), (oh, ow)] = x_padded[n, c, oh*SH + kh, ow*SW + kw]: the layout of Caffe's
    im2col, one image at a time. Copies run in rows of OW numbers (stride 1).
    """
    xp = get_array_module(x)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    N, C, H, W = x.shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    if PH or PW:
        padded = xp.zeros((N, C, H + 2 * PH, W + 2 * PW), dtype=x.dtype)
        padded[:, :, PH : PH + H, PW : PW + W] = x
        x = padded
    x = xp.ascontiguousarray(x)
    sN, sC, sH, sW = x.strides
    windows = xp.lib.stride_tricks.as_strided(
        x, shape=(N, C, KH, KW, OH, OW), strides=(sN, sC, sH, sW, sH * SH, sW * SW)
    )
    return windows.reshape(N, C * KH * KW, OH * OW)


def col2im_per_image(cols, x_shape, kernel_size, stride, padding):
    """Fold each image's columns back, summing overlaps: cols (N, C*KH*KW, OH*OW) -> x (N, C, H, W).

    NOTE: ``+=``, as in ``col2im``: overlapping windows add up.
    """
    xp = get_array_module(cols)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    N, C, H, W = x_shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    blocks = cols.reshape(N, C, KH, KW, OH, OW)
    padded = xp.zeros((N, C, H + 2 * PH, W + 2 * PW), dtype=cols.dtype)
    for kh in range(KH):
        for kw in range(KW):
            padded[:, :, kh : kh + SH * OH : SH, kw : kw + SW * OW : SW] += blocks[:, :, kh, kw]
    return padded[:, :, PH : PH + H, PW : PW + W]


def col2im_add_at(cols, x_shape, kernel_size, stride, padding):
    """Textbook twin of ``col2im`` (row layout): one ``np.add.at`` scatter with fancy indices.

    ``add.at`` is the unbuffered ``+=`` that sums repeated indices correctly, and it is the way most
    course notes write col2im. It is also 5 to 10 times slower than the loop over kernel offsets in
    ``col2im``, which the benchmark report shows.
    """
    xp = get_array_module(cols)
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    N, C, H, W = x_shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    # The padded-image coordinates of every entry of cols, broadcast to (N*OH*OW, C*KH*KW).
    c = xp.repeat(xp.arange(C), KH * KW)[None, :]
    h = xp.tile(xp.repeat(xp.arange(KH), KW), C)[None, :] + SH * xp.repeat(xp.arange(OH), OW)[:, None]
    w = xp.tile(xp.arange(KW), C * KH)[None, :] + SW * xp.tile(xp.arange(OW), OH)[:, None]
    padded = xp.zeros((N, C, H + 2 * PH, W + 2 * PW), dtype=cols.dtype)
    xp.add.at(padded, (xp.arange(N)[:, None, None], c, h, w), cols.reshape(N, OH * OW, C * KH * KW))
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
