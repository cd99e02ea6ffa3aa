"""The batches of one epoch, the same for every implementation.

Epoch e (0-based) draws everything from one generator, ``np.random.default_rng([seed, e])``: first the
permutation of the training set, then, batch by batch, the augmentation decisions (flips and
pad-and-crop offsets, when augmenting). So each implementation, asking for epoch e in turn, gets the
very same arrays, and the order differs from one epoch to the next.
"""

from collections.abc import Iterator

import numpy as np

from scratch.data import augment, batches


def num_batches(n: int, batch_size: int) -> int:
    return -(-n // batch_size)


def epoch_batches(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    seed: int,
    epoch: int,
    augment_padding: int | None = None,
    augment_flip: float = 0.0,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Epoch ``epoch``'s mini-batches (x_batch, y_batch), augmented when ``augment_padding`` is not None."""
    rng = np.random.default_rng([seed, epoch])
    for xb, yb in batches(x, y, batch_size, shuffle=True, seed=rng):
        if augment_padding is not None:
            xb = augment(xb, rng, padding=augment_padding, p_flip=augment_flip)
        yield xb, yb
