"""A stand-in GPU for the tests: arrays on a "device" that refuse silent trips to and from the host.

Code that is meant to run on CuPy arrays is tested here without a GPU. ``FakeDeviceArray`` keeps
the rules of CuPy's arrays that code written for NumPy breaks most often:
    np.asarray(device_array)       TypeError: no implicit copy to the host;
    a ufunc or NumPy function mixing device and host arrays (e.g. np.where(x > 0, dout, 0) with a
                                   device x and a host dout), TypeError;
    NumPy functions and ufuncs called on device arrays run on the device (NEP 18 and NEP 13
                                   dispatch, as CuPy implements them) and return device arrays;
    host -> device only through ``xp.asarray(host)`` or ``device[...] = host``.
The arithmetic itself is NumPy's. (Operators go through the ufuncs, so ``a ** 0.5`` is
``np.power`` here where an ndarray takes a ``sqrt`` shortcut: results may differ from the host's in
the last bit, as a GPU's math library's do.)

``fake_device.xp`` is the array module (``get_array_module`` returns it for these arrays once
``register()`` has run), with ``asnumpy`` as CuPy has it.
"""

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from scratch.kernels.backend import register_array_module, unregister_array_module

HOST_IN_ALLOWED = {"asarray", "array"}  # the explicit host -> device copies


class HostDeviceMixError(TypeError):
    pass


class FakeDeviceArray(NDArrayOperatorsMixin):
    __slots__ = ("_a",)

    def __init__(self, array: np.ndarray):
        self._a = array

    # -- the rules ---------------------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed (FakeDeviceArray, as CuPy's)")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if "out" in kwargs:
            kwargs["out"] = tuple(_device_only(o) for o in kwargs["out"])
        result = getattr(ufunc, method)(*(_device_only(i) for i in inputs), **kwargs)
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        return _wrap(func(*_map(_device_only, args), **_map(_device_only, kwargs)))

    # -- the ndarray interface, delegated ----------------------------------------------------------
    def __getattr__(self, name):
        if name.startswith("__"):  # NumPy looks for __array_interface__ and friends: never the host's
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if callable(attr):
            return lambda *args, **kwargs: _wrap(attr(*_map(_device_only, args), **_map(_device_only, kwargs)))
        return _wrap(attr)

    def __getitem__(self, key):
        return _wrap(self._a[_map(_index, key)])

    def __setitem__(self, key, value):
        self._a[_map(_index, key)] = value._a if isinstance(value, FakeDeviceArray) else value

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(row) for row in self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __bool__(self):
        return bool(self._a)

    def __repr__(self):
        return f"FakeDeviceArray({self._a!r})"

    def get(self) -> np.ndarray:
        return self._a.copy()


def _wrap(result):
    if isinstance(result, np.ndarray):
        return FakeDeviceArray(result)
    if isinstance(result, np.generic):  # CuPy's reductions give 0-d device arrays, not host scalars
        return FakeDeviceArray(np.asarray(result))
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    return result


def _device_only(x):
    """Unwrap a device array; a host array (other than a 0-d one or a scalar) is an error, as in CuPy."""
    if isinstance(x, FakeDeviceArray):
        return x._a
    if isinstance(x, np.ndarray) and x.ndim > 0:
        raise HostDeviceMixError(f"a host array of shape {x.shape} was mixed with device arrays")
    if isinstance(x, list | tuple):
        return type(x)(_device_only(v) for v in x)
    return x


def _index(x):
    return x._a if isinstance(x, FakeDeviceArray) else x


def _map(fn, value):
    if isinstance(value, dict):
        return {k: fn(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(fn(v) for v in value)
    return fn(value)


class _Namespace:
    """NumPy's functions (and sub-namespaces) working on device arrays."""

    def __init__(self, namespace):
        self._ns = namespace

    def __getattr__(self, name):
        attr = getattr(self._ns, name)
        if isinstance(attr, type) or (not callable(attr) and not hasattr(attr, "__dict__")):
            return attr  # dtypes, constants
        if isinstance(attr, np.ufunc):
            return _Ufunc(attr)
        if not callable(attr):
            return _Namespace(attr)  # np.lib, np.linalg, ...
        unwrap = _index if name in HOST_IN_ALLOWED else _device_only

        def on_device(*args, **kwargs):
            result = attr(*_map(unwrap, args), **_map(unwrap, kwargs))
            if name in HOST_IN_ALLOWED and isinstance(result, np.ndarray) and not isinstance(args[0], FakeDeviceArray):
                result = result.copy()  # a host -> device copy never aliases the host array
            return _wrap(result)

        return on_device


class _Ufunc:
    def __init__(self, ufunc):
        self._u = ufunc

    def __call__(self, *args, **kwargs):
        return _wrap(self._u(*_map(_device_only, args), **_map(_device_only, kwargs)))

    def __getattr__(self, name):
        method = getattr(self._u, name)
        return lambda *args, **kwargs: _wrap(method(*_map(_device_only, args), **_map(_device_only, kwargs)))


class FakeDeviceModule(_Namespace):
    ndarray = FakeDeviceArray

    def __init__(self):
        super().__init__(np)
        self.lib = _Namespace(np.lib)
        self.lib.stride_tricks = _Namespace(np.lib.stride_tricks)

    @staticmethod
    def asnumpy(a) -> np.ndarray:
        return a.get() if isinstance(a, FakeDeviceArray) else np.asarray(a)


xp = FakeDeviceModule()


def register() -> None:
    register_array_module(FakeDeviceArray, xp)


def unregister() -> None:
    unregister_array_module(FakeDeviceArray)
