"""The array-module switch: NumPy for NumPy arrays, CuPy for CuPy arrays.

A kernel starts with ``xp = get_array_module(x)`` and then calls ``xp.zeros``, ``xp.pad`` and so on,
so the same code runs on the CPU and, when CuPy is installed, on the GPU. CuPy is never imported
unless it is installed, and never required.
"""

import numpy as np


def get_array_module(*arrays):
    """Return ``cupy`` if any argument is a CuPy array, else ``numpy``."""
    for a in arrays:
        if type(a).__module__.startswith("cupy"):
            import cupy

            return cupy
    return np
