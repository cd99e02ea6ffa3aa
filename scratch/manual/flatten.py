"""Flatten a range of axes into one."""

import math

from scratch.manual.module import Module
from scratch.validation import normalize_dim


class Flatten(Module):
    """y = x.reshape(*x.shape[:start_dim], -1, *x.shape[end_dim + 1:]);  dx = dout.reshape(x.shape).

    Defaults flatten everything but the batch axis: (N, C, H, W) -> (N, C*H*W), as torch.nn.Flatten.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        start, end = (normalize_dim(d, x.ndim) for d in (self.start_dim, self.end_dim))
        if start > end:
            raise RuntimeError(f"Flatten: start_dim ({self.start_dim}) cannot come after end_dim ({self.end_dim})")
        self.cache = x.shape
        # math.prod, not -1: a zero-size axis elsewhere would make -1 ambiguous
        return x.reshape(*x.shape[:start], math.prod(x.shape[start : end + 1]), *x.shape[end + 1 :])

    def backward(self, dout):
        return dout.reshape(self.saved())

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
