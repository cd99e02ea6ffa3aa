"""2-D convolution as one Function, on the im2col kernels the hand-written Conv2d uses.

Its backward is made of two more Functions, the gradients with respect to the input and to the
weight. Each of the three is linear in each of its arguments, and each one's backward is made of
the other two, so conv2d can be differentiated any number of times (Chainer's and DeZero's design).
Notation of ``scratch.kernels.im2col``.
"""

from scratch.autograd.engine import Function, as_tensor
from scratch.autograd.ops import reshape
from scratch.kernels.conv import conv2d_forward, conv2d_grad_input, conv2d_grad_weight
from scratch.validation import check_bias, check_conv_input, check_floating, conv_window


class Conv2d(Function):
    """y = conv2d(x, W) + b:  x (N, C, H, W), W (Cout, C, KH, KW), b (Cout,) -> y (N, Cout, OH, OW).

    gx = Conv2dGradInput(gy, W)     = col2im(W2.T @ gy2)
    gW = Conv2dGradWeight(x, gy)    = gy2 @ im2col(x).T
    gb = gy.sum over N, OH, OW
    """

    def __init__(self, stride, padding):
        self.stride, self.padding = stride, padding

    def forward(self, x, weight, bias=None):
        y, self.cols = conv2d_forward(x, weight, bias, self.stride, self.padding)
        return y

    def backward(self, gy):
        x, weight = self.inputs[:2]
        # NOTE: a gradient nobody asked for is not computed: gx of a network's input costs a col2im
        gx = Conv2dGradInput(self.stride, self.padding, x.shape)(gy, weight) if x.requires_grad else None
        gw = None
        if weight.requires_grad:
            gw = Conv2dGradWeight(self.stride, self.padding, weight.shape[2:], self.cols)(x, gy)
        self.cols = None
        return (gx, gw) if len(self.inputs) == 2 else (gx, gw, gy.sum(axis=(0, 2, 3)))


class Conv2dGradInput(Function):
    """gx = col2im(W2.T @ gy2), the transposed convolution of gy by W (shape x_shape).

    Linear in gy and in W:  g(gy) = conv2d(ggx, W),  g(W) = Conv2dGradWeight(ggx, gy).
    """

    def __init__(self, stride, padding, x_shape):
        self.stride, self.padding, self.x_shape = stride, padding, x_shape

    def forward(self, gy, weight):
        return conv2d_grad_input(gy, weight, self.x_shape, self.stride, self.padding)

    def backward(self, ggx):
        gy, weight = self.inputs
        g_weight = Conv2dGradWeight(self.stride, self.padding, weight.shape[2:])(ggx, gy)
        return Conv2d(self.stride, self.padding)(ggx, weight), g_weight


class Conv2dGradWeight(Function):
    """gW = gy2 @ im2col(x).T, reshaped to (Cout, C, KH, KW).

    Linear in x and in gy:  g(x) = Conv2dGradInput(gy, ggW),  g(gy) = conv2d(x, ggW).
    ``cols`` is im2col(x) when the forward already made it (the first backward, unless the batch was
    too large to keep it); else it is remade.
    NOTE: the kernel size is passed in: with a stride above 1, several kernel sizes give the same
    output size, so it cannot be recovered from the shapes of x and gy.
    """

    def __init__(self, stride, padding, kernel_size, cols=None):
        self.stride, self.padding, self.kernel_size, self.cols = stride, padding, tuple(kernel_size), cols

    def forward(self, x, gy):
        cols, self.cols = self.cols, None  # used once: im2col(x) can be large, and a second backward remakes it
        return conv2d_grad_weight(gy, x, self.kernel_size, self.stride, self.padding, cols)

    def backward(self, ggw):
        x, gy = self.inputs
        gx = Conv2dGradInput(self.stride, self.padding, x.shape)(gy, ggw)
        return gx, Conv2d(self.stride, self.padding)(x, ggw)


def conv2d(input, weight, bias=None, stride=1, padding=0):
    """torch.nn.functional.conv2d without dilation or groups; input (N, C, H, W) or unbatched (C, H, W)."""
    x, weight = as_tensor(input), as_tensor(weight)
    _, stride, padding = conv_window("conv2d", tuple(weight.shape[2:]), stride, padding)
    check_floating("conv2d", x.data, weight.dtype)
    check_conv_input("conv2d", x.data, weight.shape, padding)
    check_bias("conv2d", None if bias is None else as_tensor(bias).data, weight.shape[0], weight.dtype)
    unbatched = x.ndim == 3
    if unbatched:
        x = reshape(x, (1, *x.shape))
    args = (x, weight) if bias is None else (x, weight, as_tensor(bias))
    y = Conv2d(stride, padding)(*args)
    return reshape(y, y.shape[1:]) if unbatched else y
