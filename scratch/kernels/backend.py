"""The array-module switch: NumPy for NumPy arrays, CuPy for CuPy arrays.

A kernel starts with ``xp = get_array_module(x)`` and then calls ``xp.zeros``, ``xp.pad`` and so on,
so the same code runs on the CPU and, when CuPy is installed, on the GPU. CuPy is never imported
unless it is installed, and never required. Arrays only move between devices when asked to
(``to_device``, or a module's ``to``): like CuPy itself, nothing here copies to the host behind
the caller's back.

Other array libraries with NumPy's API plug in with ``register_array_module`` (the tests use this
to run every op on a stand-in device that refuses silent host copies, where no GPU is at hand).
"""

import numpy as np

_REGISTERED: list[tuple[type, object]] = []


def register_array_module(array_type: type, module) -> None:
    """Arrays of ``array_type`` are computed on by ``module`` (which has NumPy's API)."""
    _REGISTERED.append((array_type, module))


def unregister_array_module(array_type: type) -> None:
    _REGISTERED[:] = [(t, m) for t, m in _REGISTERED if t is not array_type]


def get_array_module(*arrays):
    """Return the array module of the first device array among ``arrays`` (``cupy``, ...), else ``numpy``."""
    for a in arrays:
        for array_type, module in _REGISTERED:
            if isinstance(a, array_type):
                return module
        if type(a).__module__.startswith("cupy"):
            import cupy

            return cupy
    return np


def is_array(a) -> bool:
    """A NumPy array, or an array of a device module (CuPy's or a registered one)."""
    return isinstance(a, np.ndarray) or get_array_module(a) is not np


def to_device(a, xp):
    """``a`` as an array of module ``xp`` (``numpy`` brings it back to the host). Scalars and None pass."""
    if a is None or np.isscalar(a):
        return a
    source = get_array_module(a)
    if xp is np:
        return np.asarray(a) if source is np else source.asnumpy(a)
    return a if source is xp else xp.asarray(a)
