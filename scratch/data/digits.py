"""scikit-learn's handwritten digits: 1797 images of 8x8 pixels, shipped inside the package (no download)."""

import numpy as np

from scratch.data.split import Split, split_arrays


def digits(seed: int = 0) -> Split:
    """``sklearn.datasets.load_digits``, split 80/20 by a permutation seeded with ``seed``.

    x: (N, 1, 8, 8) float32 in [0, 1] (the raw pixels are integers 0..16, divided by 16, exactly),
    y: (N,) int64 in [0, 9]; 1438 training and 359 test images. The default image data set: small
    enough to train a CNN on in seconds with every implementation.
    """
    from sklearn.datasets import load_digits  # NOTE: imported here so `import scratch.data` stays light

    data = load_digits()
    x = (data.images / 16.0).astype(np.float32)[:, None]  # (N, 8, 8) -> (N, C=1, 8, 8)
    return split_arrays(x, data.target, name="digits", num_classes=10, seed=seed)
