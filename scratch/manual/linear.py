"""Fully connected layer."""

import numpy as np

from scratch.init import linear_parameters
from scratch.kernels.backend import get_array_module
from scratch.manual.module import Module
from scratch.validation import check_floating, check_linear_input, float_dtype


class Linear(Module):
    """y = x @ weight.T + bias.

    Shapes: x (*, in_features) -> y (*, out_features); weight (out_features, in_features);
    bias (out_features,). Any number of leading axes, as in torch.
    Backward, with x and dout flattened to 2-D (M, in) and (M, out):
        dx = dout @ weight          dweight = dout.T @ x          dbias = dout.sum(axis=0)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *, dtype=np.float32):
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.dtype = float_dtype(dtype)
        self.params.update(linear_parameters(self.in_features, self.out_features, bias, self.dtype))

    def forward(self, x):
        check_floating("Linear", x, self.dtype)
        check_linear_input("Linear", x, self.params["weight"].shape)
        self.cache = x
        y = x @ self.params["weight"].T
        if "bias" in self.params:
            y = y + self.params["bias"]
        return y

    def backward(self, dout):
        x = self.saved()
        dout = get_array_module(x).asarray(dout, dtype=self.dtype)
        x2, dout2 = x.reshape(-1, self.in_features), dout.reshape(-1, self.out_features)
        self.accumulate_grad("weight", dout2.T @ x2)
        if "bias" in self.params:
            self.accumulate_grad("bias", dout2.sum(axis=0))
        return dout @ self.params["weight"]

    def extra_repr(self) -> str:
        bias = "bias" in self.params
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={bias}"
