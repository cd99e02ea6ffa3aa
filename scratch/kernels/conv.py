"""The im2col convolution as three array functions: forward, gradient of the input, gradient of the weight.

Shared by the hand-written ``Conv2d`` and the autograd ``conv2d``, so there is one GEMM formulation
to read and to make fast. Notation of ``scratch.kernels.im2col``; x is always batched (N, C, H, W).
With cols = im2col(x) (N*OH*OW, C*KH*KW), W2 = weight.reshape(Cout, C*KH*KW) and
gy2 = gy moved to (N*OH*OW, Cout):
    forward       y2 = cols @ W2.T + bias              -> y (N, Cout, OH, OW)
    grad input    gx = col2im(gy2 @ W2)                (the transposed convolution of gy by W)
    grad weight   gW = (gy2.T @ cols).reshape(weight.shape)
"""

from scratch.kernels.im2col import col2im, conv_output_size, im2col


def conv2d_forward(x, weight, bias, stride, padding):
    """y (N, Cout, OH, OW), and cols, which the weight's gradient reuses."""
    N, _, H, W = x.shape
    Cout, _, KH, KW = weight.shape
    OH, OW = conv_output_size(H, KH, stride[0], padding[0]), conv_output_size(W, KW, stride[1], padding[1])
    cols = im2col(x, (KH, KW), stride, padding)
    y2 = cols @ weight.reshape(Cout, -1).T
    if bias is not None:
        y2 += bias
    return y2.reshape(N, OH, OW, Cout).transpose(0, 3, 1, 2), cols


def rows(gy):
    """gy (N, Cout, OH, OW) -> gy2 (N*OH*OW, Cout), the layout of y2."""
    return gy.transpose(0, 2, 3, 1).reshape(-1, gy.shape[1])


def conv2d_grad_input(gy, weight, x_shape, stride, padding):
    """gx = col2im(gy2 @ W2), of shape ``x_shape``."""
    Cout, _, KH, KW = weight.shape
    return col2im(rows(gy) @ weight.reshape(Cout, -1), x_shape, (KH, KW), stride, padding)


def conv2d_grad_weight(gy, cols, weight_shape):
    """gW = gy2.T @ cols, of shape ``weight_shape`` (Cout, C, KH, KW)."""
    return (rows(gy).T @ cols).reshape(weight_shape)
