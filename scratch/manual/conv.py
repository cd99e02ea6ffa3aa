"""2-D convolution (cross-correlation, as in every framework) through im2col."""

import numpy as np

from scratch.init import conv2d_parameters
from scratch.kernels.backend import get_array_module
from scratch.kernels.conv import conv2d_forward, conv2d_grad_input, conv2d_grad_weight
from scratch.manual.module import Module
from scratch.validation import check_conv_input, check_floating, conv_window, float_dtype


class Conv2d(Module):
    """out[n, o] = bias[o] + sum_c weight[o, c] (*) x[n, c], with stride and zero padding.

    Shapes (notation of ``scratch.kernels.im2col``):
        x (N, C, H, W) or unbatched (C, H, W); weight (Cout, C, KH, KW); bias (Cout,)
        out (N, Cout, OH, OW),  OH = (H + 2*PH - KH) // SH + 1,  OW = (W + 2*PW - KW) // SW + 1
    As matrices, with cols = im2col(x) (C*KH*KW, OH*OW*N), one column per window, and
    W2 = weight.reshape(Cout, C*KH*KW) (the array code is in ``scratch.kernels.conv``, shared with
    the autograd conv2d):
        forward   out2 = W2 @ cols + bias[:, None]          (Cout, OH*OW*N)
        backward  dW2 = dout2 @ cols.T;  dbias = dout2.sum(1);  dx = col2im(W2.T @ dout2)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        *,
        bias: bool = True,
        dtype=np.float32,
    ):
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size, self.stride, self.padding = conv_window("Conv2d", kernel_size, stride, padding)
        self.dtype = float_dtype(dtype)
        self.params.update(conv2d_parameters(self.in_channels, self.out_channels, self.kernel_size, bias, self.dtype))

    def _check_input(self, x) -> None:
        check_floating("Conv2d", x, self.dtype)
        check_conv_input("Conv2d", x, self.params["weight"].shape, self.padding)

    def forward(self, x):
        self._check_input(x)
        unbatched = x.ndim == 3
        if unbatched:
            x = x[None]
        out, cols = conv2d_forward(x, self.params["weight"], self.params.get("bias"), self.stride, self.padding)
        # NOTE: cols is None when the batch was too large to unfold at once; backward remakes it from x.
        self.cache = (x, cols, unbatched)
        return out[0] if unbatched else out

    def backward(self, dout):
        x, cols, unbatched = self.saved()
        dout = get_array_module(x).asarray(dout, dtype=self.dtype)
        if unbatched:
            dout = dout[None]
        weight = self.params["weight"]
        self.accumulate_grad("weight", conv2d_grad_weight(dout, x, self.kernel_size, self.stride, self.padding, cols))
        if "bias" in self.params:
            self.accumulate_grad("bias", dout.sum(axis=(0, 2, 3)))
        dx = conv2d_grad_input(dout, weight, x.shape, self.stride, self.padding)
        return dx[0] if unbatched else dx

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, bias={'bias' in self.params}"
        )
