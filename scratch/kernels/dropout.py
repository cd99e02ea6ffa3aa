"""Inverted dropout's mask and scale, shared by the hand-written and the autograd layer."""

from scratch.kernels.backend import get_array_module
from scratch.random import default_generator


def keep_mask(shape, p: float):
    """A boolean keep-mask, True with probability 1 - p, from ``scratch.random``'s generator."""
    return default_generator().random(shape) >= p


def dropout_scale(keep, p: float, dtype):
    """keep / (1 - p) in ``dtype``: the factor that multiplies x. All zeros for p == 1 (no division by 0).

    NOTE: (keep / (1 - p)) is formed first and then multiplies x: the same rounding as torch.
    """
    xp = get_array_module(keep)
    if p == 1.0:
        return xp.zeros(keep.shape, dtype)
    return keep.astype(dtype) / (1 - p)
