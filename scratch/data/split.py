"""A data set already split into train and test parts, and the seeded 80/20 split that makes one."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Split:
    """Train and test arrays plus what a model needs to know about them.

    x_train: (N_train, *input_shape) float;  y_train: (N_train,) int64 class indices
    x_test:  (N_test, *input_shape) float;   y_test:  (N_test,) int64
    name: the data set's name; num_classes: labels lie in [0, num_classes).
    ``input_shape`` is one sample's shape, e.g. (2,) for moons, (1, 8, 8) for digits, (9, 10) for
    palindromes of length 10. Unpacks as ``x_train, y_train, x_test, y_test = split``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str
    num_classes: int

    def __post_init__(self):
        for part, x, y in (("train", self.x_train, self.y_train), ("test", self.x_test, self.y_test)):
            if y.ndim != 1 or y.dtype != np.int64:
                raise TypeError(f"Split {self.name!r}: y_{part} must be a 1-D int64 array, got {y.dtype} {y.shape}")
            if len(x) != len(y):
                raise ValueError(f"Split {self.name!r}: x_{part} has {len(x)} samples but y_{part} has {len(y)}")
            if len(y) and (y.min() < 0 or y.max() >= self.num_classes):
                raise ValueError(f"Split {self.name!r}: y_{part} has labels outside [0, {self.num_classes})")
        if self.x_train.shape[1:] != self.x_test.shape[1:]:
            raise ValueError(
                f"Split {self.name!r}: train samples are {self.x_train.shape[1:]} but test samples "
                f"are {self.x_test.shape[1:]}"
            )

    @property
    def input_shape(self) -> tuple[int, ...]:
        """One sample's shape (without the batch axis)."""
        return tuple(self.x_train.shape[1:])

    @property
    def num_train(self) -> int:
        return len(self.y_train)

    @property
    def num_test(self) -> int:
        return len(self.y_test)

    def __iter__(self):
        yield from (self.x_train, self.y_train, self.x_test, self.y_test)

    def __repr__(self) -> str:
        return (
            f"Split(name={self.name!r}, num_classes={self.num_classes}, input_shape={self.input_shape}, "
            f"num_train={self.num_train}, num_test={self.num_test}, dtype={self.x_train.dtype})"
        )


def split_arrays(
    x: np.ndarray,
    y: np.ndarray,
    *,
    name: str,
    num_classes: int | None = None,
    test_fraction: float = 0.2,
    seed: int | np.random.Generator | None = 0,
) -> Split:
    """Shuffle (x, y) with a seeded permutation and cut it into train and test parts.

    x: (N, ...), y: (N,) integer labels. The test part has ``round(test_fraction * N)`` samples (at
    least 1 and at most N - 1): the first ones of ``np.random.default_rng(seed).permutation(N)``, the
    rest are the training part, both kept in permuted order. ``seed`` may also be a Generator,
    which is then advanced. ``num_classes`` defaults to ``max(y) + 1``.
    """
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"split_arrays: labels must be integers, got {y.dtype}")
    y = y.astype(np.int64)
    n = len(y)
    if len(x) != n:
        raise ValueError(f"split_arrays: x has {len(x)} samples but y has {n}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"split_arrays: test_fraction must lie in (0, 1), got {test_fraction}")
    if n < 2:
        raise ValueError(f"split_arrays: need at least 2 samples to split, got {n}")
    n_test = min(max(round(test_fraction * n), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    classes = int(y.max()) + 1 if num_classes is None else num_classes
    return Split(x[train], y[train], x[test], y[test], name=name, num_classes=classes)
