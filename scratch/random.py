"""One seedable random generator for everything in ``scratch`` (weight init, dropout masks).

``manual_seed(s)`` plays the role of ``torch.manual_seed(s)``: it makes runs repeatable. The streams
differ from torch's, so identical weights across implementations come from loading one state_dict.
"""

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the generator that ``scratch`` draws from, and return it."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator() -> np.random.Generator:
    """The generator in use (changes after each ``manual_seed``)."""
    return _generator
