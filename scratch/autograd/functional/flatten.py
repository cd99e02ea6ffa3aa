"""Flatten a range of axes into one: a reshape, so its backward is a reshape back."""

import math

from scratch.autograd.engine import as_tensor
from scratch.autograd.ops import reshape
from scratch.validation import normalize_dim


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    """y = x.reshape(*x.shape[:start], prod(x.shape[start:end + 1]), *x.shape[end + 1:]), as torch.flatten."""
    x = as_tensor(input)
    start, end = normalize_dim(start_dim, x.ndim), normalize_dim(end_dim, x.ndim)
    if start > end:
        raise RuntimeError(f"flatten: start_dim ({start_dim}) cannot come after end_dim ({end_dim})")
    # math.prod, not -1: a zero-size axis elsewhere would make -1 ambiguous
    return reshape(x, (*x.shape[:start], math.prod(x.shape[start : end + 1]), *x.shape[end + 1 :]))
