"""One-hot encoding of integer labels or tokens."""

import numpy as np


def one_hot(indices: np.ndarray, num_classes: int, dtype=np.float32) -> np.ndarray:
    """indices: any shape S of integers in [0, num_classes) -> (*S, num_classes) of 0s and 1s."""
    indices = np.asarray(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected integer indices, got {indices.dtype}")
    if indices.size and (indices.min() < 0 or indices.max() >= num_classes):
        raise ValueError(f"one_hot: indices must lie in [0, {num_classes}), got [{indices.min()}, {indices.max()}]")
    # NOTE: comparing against arange broadcasts to (*S, num_classes) with no scatter and no loop.
    return (indices[..., None] == np.arange(num_classes)).astype(dtype)
