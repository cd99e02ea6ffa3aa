"""Input checks shared by every layer: a clear error naming the shapes at fault, never a wrong answer.

Messages follow torch's wording where torch has one, and shapes print as torch prints them
(``[2, 3, 5, 5]``), so an error reads the same in every column of the suite.
"""

import numpy as np


def fmt_shape(shape) -> str:
    """(2, 3, 5) -> '[2, 3, 5]', the way torch prints a size in its messages."""
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


def as_pair(value, name: str) -> tuple[int, int]:
    """An int or a pair of ints -> (height, width), as torch's ``_pair``."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    return int(pair[0]), int(pair[1])


def check_ndim(layer: str, x, ndims: tuple[int, ...], layout: str, error=RuntimeError) -> None:
    """Raise ``error`` unless ``x.ndim`` is one of ``ndims``; ``layout`` names the axes, e.g. '(N, C, H, W)'."""
    if x.ndim not in ndims:
        expected = " or ".join(f"{d}D" for d in ndims)
        raise error(
            f"{layer}: expected {expected} input {layout}, but got input of size {fmt_shape(x.shape)} ({x.ndim}D)"
        )


def check_floating(layer: str, x, dtype=None) -> None:
    """Raise unless ``x`` is a floating array, of ``dtype`` when one is given (the layer's dtype)."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        kind = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"{layer}: expected a floating-point ndarray input, got {kind}")
    if dtype is not None and x.dtype != dtype:
        raise RuntimeError(
            f"{layer}: input dtype ({x.dtype}) and parameter dtype ({dtype}) should be the same; "
            f"cast one of them, e.g. x.astype(np.{dtype})"
        )
