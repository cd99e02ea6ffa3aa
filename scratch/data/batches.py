"""Mini-batches over (x, y): every sample exactly once per epoch, in an order fixed by a seed."""

from collections.abc import Iterator

import numpy as np

from scratch.random import default_generator


def _generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    # NOTE: no seed means scratch's global generator, so scratch.random.manual_seed makes runs
    # repeatable, as torch.manual_seed does for a DataLoader without a generator.
    return default_generator() if seed is None else np.random.default_rng(seed)


def batches(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of mini-batches: yields (x_batch, y_batch) of shapes (B, ...) and (B,).

    The order is ``permutation(N)`` drawn from ``default_rng(seed)`` (or from ``seed`` itself when it
    is a Generator, which then advances; or from ``scratch.random``'s generator when it is None), or
    0..N-1 when ``shuffle`` is False. Every batch has ``batch_size`` samples except the last, which
    has the remainder, or is dropped when ``drop_last`` is True. The batches are copies.
    """
    if len(x) != len(y):
        raise ValueError(f"batches: x has {len(x)} samples but y has {len(y)}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be a positive integer, got {batch_size!r}")
    n = len(y)
    order = _generator(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        index = order[start : start + batch_size]
        yield x[index], y[index]


class BatchLoader:
    """Mini-batches over several epochs: ``for xb, yb in loader`` runs one epoch.

    One Generator, ``default_rng(seed)``, is made at construction and draws each epoch's
    permutation in turn, so epochs differ from one another while the whole sequence of epochs is
    fixed by the seed (``seed=None``: drawn from ``scratch.random``'s generator at each epoch).
    """

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        batch_size: int,
        shuffle: bool = True,
        seed: int | np.random.Generator | None = None,
        drop_last: bool = False,
    ):
        if len(x) != len(y):
            raise ValueError(f"BatchLoader: x has {len(x)} samples but y has {len(y)}")
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"BatchLoader: batch_size must be a positive integer, got {batch_size!r}")
        self.x, self.y, self.batch_size = x, y, int(batch_size)
        self.shuffle, self.drop_last = shuffle, drop_last
        self._rng = None if seed is None else np.random.default_rng(seed)

    def __len__(self) -> int:
        """Batches per epoch."""
        n = len(self.y)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        return batches(self.x, self.y, self.batch_size, self.shuffle, self._rng, self.drop_last)
