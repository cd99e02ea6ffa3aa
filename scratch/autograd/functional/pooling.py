"""2-D max-pooling as one Function, on the im2col kernels the hand-written MaxPool2d uses."""

from scratch.autograd.engine import Function, as_tensor
from scratch.kernels.pooling import max_pool2d_backward, max_pool2d_forward, max_pool2d_gather, pool_output_size
from scratch.validation import check_floating, check_ndim, check_pool_output, pool_window


class MaxPool2d(Function):
    """y[.., oh, ow] = max of x over the window at (oh*SH - PH, ow*SW - PW);  x (*, H, W) -> y (*, OH, OW).

    gx: each gy goes to the position that won its window (summed where windows overlap).
    NOTE: ties go to the first maximum in the window's row-major order, as in torch's CPU kernel.
    """

    def __init__(self, kernel_size, stride, padding):
        self.window = (kernel_size, stride, padding)

    def forward(self, x):
        y, self.argmax = max_pool2d_forward(x, *self.window)
        return y

    def backward(self, gy):
        return MaxPool2dGrad(self.argmax, self.inputs[0].shape, self.window)(gy)


class MaxPool2dGrad(Function):
    """gx = gy scattered to each window's argmax (shape x_shape). Linear in gy; its backward gathers
    ggx at the same argmax positions, so max-pooling can be differentiated twice."""

    def __init__(self, argmax, x_shape, window):
        self.argmax, self.x_shape, self.window = argmax, x_shape, window

    def forward(self, gy):
        return max_pool2d_backward(gy, self.argmax, self.x_shape, *self.window)

    def backward(self, ggx):
        return MaxPool2dGather(self.argmax, self.window)(ggx)


class MaxPool2dGather(Function):
    """y = x at each window's (fixed) argmax: the adjoint of MaxPool2dGrad, whose backward it calls."""

    def __init__(self, argmax, window):
        self.argmax, self.window = argmax, window

    def forward(self, x):
        self.x_shape = x.shape
        return max_pool2d_gather(x, self.argmax, *self.window)

    def backward(self, gy):
        return MaxPool2dGrad(self.argmax, self.x_shape, self.window)(gy)


def max_pool2d(input, kernel_size, stride=None, padding=0):
    """torch.nn.functional.max_pool2d without dilation, ceil_mode or return_indices; -inf padding."""
    x = as_tensor(input)
    window = pool_window("max_pool2d", kernel_size, stride, padding)
    check_floating("max_pool2d", x.data)
    check_ndim("max_pool2d", x.data, (3, 4), "(N, C, H, W) or unbatched (C, H, W)")
    check_pool_output("max_pool2d", x.shape, pool_output_size(x.shape, *window), *window)
    return MaxPool2d(*window)(x)
