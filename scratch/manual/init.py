"""Default weight initialisation, with torch's distributions (not its random stream).

torch.nn.Linear and Conv2d draw weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), where
fan_in = in_features, or in_channels * KH * KW (kaiming_uniform_ with a=sqrt(5) reduces to that).
"""

import numpy as np

from scratch.random import default_generator


def uniform_fan_in(shape: tuple[int, ...], fan_in: int, dtype) -> np.ndarray:
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) of ``shape``, in ``dtype``."""
    bound = 1.0 / np.sqrt(fan_in) if fan_in > 0 else 0.0
    return default_generator().uniform(-bound, bound, size=shape).astype(dtype)
