"""Image augmentation in NumPy, as in the seed: random horizontal flip and random translation by
pad-and-crop, one random decision per image.

Drawing the decisions (``draw_augmentation``) is separate from applying them
(``apply_augmentation``), so the torch twin in ``reference.augment`` can apply the very same
decisions and the two pipelines see identical images.

Conventions: images are (N, C, H, W). ``offsets[i] = (dy, dx)`` is the top-left corner of the
H x W crop inside the image zero-padded by ``padding`` on every side, each in [0, 2 * padding];
(padding, padding) is the identity, and the content moves by (padding - dy, padding - dx) pixels
(down, right). The crop comes first, then the flip (torchvision's RandomCrop, RandomHorizontalFlip order).
"""

import numpy as np

from scratch.random import default_generator


def check_decisions(images_shape, flips, offsets, padding: int) -> None:
    """images (N, C, H, W), flips (N,) bool, offsets (N, 2) integers in [0, 2 * padding]; else ValueError."""
    if len(images_shape) != 4:
        raise ValueError(f"augmentation: expected images (N, C, H, W), got shape {tuple(images_shape)}")
    if not isinstance(padding, (int, np.integer)) or padding < 0:
        raise ValueError(f"augmentation: padding must be a non-negative integer, got {padding!r}")
    n = images_shape[0]
    if tuple(flips.shape) != (n,):
        raise ValueError(f"augmentation: flips must have shape ({n},), got {tuple(flips.shape)}")
    if tuple(offsets.shape) != (n, 2):
        raise ValueError(f"augmentation: offsets must have shape ({n}, 2), got {tuple(offsets.shape)}")
    if n and (offsets.min() < 0 or offsets.max() > 2 * padding):
        raise ValueError(f"augmentation: offsets must lie in [0, {2 * padding}] for padding {padding}")


def draw_augmentation(
    n: int, rng: np.random.Generator | None = None, padding: int = 4, p_flip: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """The random decisions for ``n`` images: flips (n,) bool, True with probability ``p_flip``, and
    offsets (n, 2) int64, each uniform in [0, 2 * padding]. Flips are drawn first, then offsets.
    ``rng=None`` draws from ``scratch.random``'s generator."""
    rng = default_generator() if rng is None else rng
    flips = rng.random(n) < p_flip
    offsets = rng.integers(0, 2 * padding + 1, size=(n, 2), dtype=np.int64)
    return flips, offsets


def hflip(images: np.ndarray, flips: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> a copy with the images where ``flips`` is True mirrored left-right (along W)."""
    out = images.copy()
    out[flips] = images[flips][..., ::-1]
    return out


def translate(images: np.ndarray, offsets: np.ndarray, padding: int) -> np.ndarray:
    """(N, C, H, W) -> (N, C, H, W): pad each image with ``padding`` zeros on every side, then crop
    H x W with its top-left corner at ``offsets[i] = (dy, dx)`` of the padded image."""
    N, C, H, W = images.shape
    p = int(padding)
    padded = np.pad(images, ((0, 0), (0, 0), (p, p), (p, p)))
    rows = offsets[:, 0, None] + np.arange(H)  # (N, H): the padded rows each crop keeps
    cols = offsets[:, 1, None] + np.arange(W)  # (N, W)
    # NOTE: one gather for all images: the four index arrays broadcast to (N, C, H, W).
    return padded[
        np.arange(N)[:, None, None, None],
        np.arange(C)[None, :, None, None],
        rows[:, None, :, None],
        cols[:, None, None, :],
    ]


def apply_augmentation(images: np.ndarray, flips: np.ndarray, offsets: np.ndarray, padding: int) -> np.ndarray:
    """Translate each image by its pad-and-crop offset, then flip those marked: (N, C, H, W) -> same
    shape and dtype, a new array (``images`` is left alone)."""
    flips, offsets = np.asarray(flips, dtype=bool), np.asarray(offsets)
    check_decisions(images.shape, flips, offsets, padding)
    return hflip(translate(images, offsets, padding), flips)


def augment(images: np.ndarray, rng: np.random.Generator | None = None, padding: int = 4, p_flip: float = 0.5):
    """Draw the decisions for a batch and apply them: (N, C, H, W) -> (N, C, H, W)."""
    flips, offsets = draw_augmentation(len(images), rng, padding, p_flip)
    return apply_augmentation(images, flips, offsets, padding)
