"""Fully connected layer as one Function."""

from scratch.autograd.engine import Function, as_tensor
from scratch.autograd.ops import matmul, reshape, sum, transpose
from scratch.validation import check_bias, check_floating, check_linear_input


class Linear(Function):
    """y = x @ W.T + b,  x (*, in), W (out, in), b (out,) -> y (*, out).

    With x and gy flattened to x2 (M, in) and gy2 (M, out):
        gx = gy @ W,   gW = gy2.T @ x2,   gb = gy2.sum(0)
    (written with Tensor ops, so the backward can itself be differentiated).
    """

    def forward(self, x, weight, bias=None):
        y = x @ weight.T
        return y if bias is None else y + bias

    def backward(self, gy):
        x, weight = self.inputs[:2]
        out_features, in_features = weight.shape
        gy2 = reshape(gy, (-1, out_features))
        # NOTE: a gradient nobody asked for is not computed, e.g. gx of a network's input (torch skips it too)
        gx = reshape(matmul(gy2, weight), x.shape) if x.requires_grad else None
        gw = matmul(transpose(gy2), reshape(x, (-1, in_features))) if weight.requires_grad else None
        return (gx, gw) if len(self.inputs) == 2 else (gx, gw, sum(gy2, axis=0))


def linear(input, weight, bias=None):
    """torch.nn.functional.linear: input (*, in_features), weight (out_features, in_features), bias (out_features,)."""
    x, weight = as_tensor(input), as_tensor(weight)
    bias = None if bias is None else as_tensor(bias)
    check_floating("linear", x.data, weight.dtype)
    check_linear_input("linear", x.data, weight.shape)
    check_bias("linear", None if bias is None else bias.data, weight.shape[0], weight.dtype)
    return Linear()(x, weight) if bias is None else Linear()(x, weight, bias)
