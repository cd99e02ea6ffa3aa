"""Inverted dropout, composed of one multiplication by a constant scale."""

from scratch.autograd.engine import Tensor, as_tensor
from scratch.kernels.backend import get_array_module, to_device
from scratch.kernels.dropout import dropout_scale, keep_mask
from scratch.validation import check_dropout_p, check_floating


def dropout(input, p: float = 0.5, training: bool = True, mask=None):
    """training: y = x * keep / (1 - p), keep ~ Bernoulli(1 - p);  else y = x.  gx = gy * keep / (1 - p).

    ``mask`` (a boolean keep-mask of x's shape) replaces the random draw, so a test can inject one.
    NOTE: the mask is a constant of the graph, so backward reuses exactly the forward's mask.
    """
    x = as_tensor(input)
    p = check_dropout_p(p)
    check_floating("dropout", x.data)
    if not training or p == 0.0:
        return x
    keep = to_device(keep_mask(x.shape, p) if mask is None else mask, get_array_module(x.data))
    return x * Tensor(dropout_scale(keep, p, x.dtype))
