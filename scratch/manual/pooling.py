"""2-D max-pooling through im2col: each window becomes a row, and the max of a row is its output."""

from scratch.kernels.pooling import max_pool2d_backward, max_pool2d_forward, pool_output_size
from scratch.manual.module import Module
from scratch.validation import check_floating, check_ndim, check_pool_output, pool_window


class MaxPool2d(Module):
    """out[n, c, oh, ow] = max over the KH x KW window at (oh*SH - PH, ow*SW - PW) of x[n, c].

    Shapes: x (N, C, H, W) or (C, H, W) -> out (N, C, OH, OW), OH = (H + 2*PH - KH) // SH + 1.
    ``stride`` defaults to ``kernel_size``; padding is -inf, so a padded cell never wins.
    (The array code is in ``scratch.kernels.pooling``, shared with the autograd max_pool2d.)
    Backward: dout[n, c, oh, ow] goes to the position of that window's max, and where windows
    overlap (stride < kernel) one input position collects the sum over every window it won.
    NOTE: at ties the first maximum in the window's row-major scan order wins, as in torch's CPU
    kernel, and NaN counts as the maximum (it propagates), as in torch. Two degenerate cases route
    the gradient differently from torch: a window holding several NaNs (here the first, in torch
    the last) and a padded window whose real values are all -inf (here it may pick a padded cell,
    whose gradient is dropped; torch picks the first real cell).
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = pool_window("MaxPool2d", kernel_size, stride, padding)

    def forward(self, x):
        check_floating("MaxPool2d", x)
        check_ndim("MaxPool2d", x, (3, 4), "(N, C, H, W) or unbatched (C, H, W)")
        window = (self.kernel_size, self.stride, self.padding)
        check_pool_output("MaxPool2d", x.shape, pool_output_size(x.shape, *window), *window)
        out, argmax = max_pool2d_forward(x, *window)
        self.cache = (x.shape, argmax)
        return out

    def backward(self, dout):
        x_shape, argmax = self.saved()
        return max_pool2d_backward(dout, argmax, x_shape, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
