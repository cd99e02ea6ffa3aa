"""The base of every hand-written layer: parameters, gradients, buffers, modes and state_dicts.

A layer keeps three dicts, keyed by torch's names so that weights move freely between worlds:
    params   learnable arrays          e.g. {"weight": (out, in), "bias": (out,)}
    grads    d(loss)/d(param), filled by ``backward``, same keys and shapes as ``params``
    buffers  state that is saved but not learned, e.g. BatchNorm's running_mean
``forward(x)`` caches what ``backward`` needs; ``backward(dout)`` returns dx and adds into ``grads``.

Gradients accumulate across backward calls until ``zero_grad()``, as ``.grad`` does in torch; this
is what lets one layer be reused, e.g. an RNN cell at every time step. Gradients are kept in the
layer's dtype, as torch keeps ``weight.grad`` in the weight's dtype.
NOTE: forward keeps references to its input (no copy), as CS231n's layers do: changing x in place
between forward and backward changes the gradients (torch would raise an error instead).
"""

from collections.abc import Iterator

import numpy as np

from scratch.kernels.backend import to_device
from scratch.state import load_arrays


class Parameter:
    """A view of one parameter of a layer: ``.data`` and ``.grad`` arrays, as an optimizer sees them.

    The arrays stay in the layer's ``params`` and ``grads`` dicts; this object only names them, so an
    optimizer that writes ``p.data -= lr * p.grad`` in place updates the layer itself.
    """

    __slots__ = ("_layer", "name")

    def __init__(self, layer: "Module", name: str):
        self._layer, self.name = layer, name

    @property
    def data(self) -> np.ndarray:
        return self._layer.params[self.name]

    @data.setter
    def data(self, value) -> None:
        self._layer.params[self.name][...] = value

    @property
    def grad(self):
        return self._layer.grads.get(self.name)

    @grad.setter
    def grad(self, value) -> None:
        if value is None:
            self._layer.grads.pop(self.name, None)
        else:
            self._layer.grads[self.name] = value

    @property
    def shape(self) -> tuple:
        return self.data.shape

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, shape={self.shape}, dtype={self.data.dtype})"


class Module:
    """Base class: ``forward``/``backward`` plus the bookkeeping every layer shares.

    Layers with parameters take ``dtype`` (float32 by default) and keep it in ``self.dtype``;
    layers without (activations, pooling, dropout) follow the dtype of their input, as in torch.
    """

    def __init__(self):
        self.cache = None  # what forward saved for backward
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.training = True

    # -- the contract -------------------------------------------------------------------------
    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def saved(self):
        """What the last forward cached; a clear error when backward comes before any forward."""
        if self.cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward: nothing is cached")
        return self.cache

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # -- submodules (containers override this) ------------------------------------------------
    def children(self) -> dict[str, "Module"]:
        """Named submodules; a plain layer has none."""
        return {}

    # -- parameters ---------------------------------------------------------------------------
    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        for name in self.params:
            yield prefix + name, Parameter(self, name)
        for child_name, child in self.children().items():
            yield from child.named_parameters(f"{prefix}{child_name}.")

    def parameters(self) -> Iterator[Parameter]:
        """Objects with ``.data`` and ``.grad``: what an optimizer updates."""
        for _, p in self.named_parameters():
            yield p

    def accumulate_grad(self, name: str, grad: np.ndarray) -> None:
        """grads[name] += grad, creating it on the first backward since ``zero_grad``."""
        if name in self.grads:
            self.grads[name] = self.grads[name] + grad
        else:
            self.grads[name] = grad

    def zero_grad(self) -> None:
        """Forget every gradient (``grad`` becomes None, as torch's ``set_to_none=True``)."""
        self.grads.clear()
        for child in self.children().values():
            child.zero_grad()

    def to(self, xp) -> "Module":
        """Move every parameter, gradient and buffer to the array module ``xp`` (``cupy``; ``numpy`` brings
        them back), in place, as torch's ``module.to(device)``. Returns the module."""
        for store in (self.params, self.grads, self.buffers):
            store.update((name, to_device(array, xp)) for name, array in store.items())
        for child in self.children().values():
            child.to(xp)
        return self

    # -- modes --------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        self.training = mode
        for child in self.children().values():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    # -- state_dict ---------------------------------------------------------------------------
    def state_dict(self, prefix: str = "") -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, keyed as torch keys them ("0.weight", ...)."""
        state = {prefix + k: v.copy() for k, v in {**self.params, **self.buffers}.items()}
        for child_name, child in self.children().items():
            state.update(child.state_dict(f"{prefix}{child_name}."))
        return state

    def load_state_dict(self, state_dict, strict: bool = True) -> None:
        """Copy arrays in by key, keeping each array's own dtype (a float32 layer stays float32).

        Accepts anything array-like per key (NumPy arrays, or torch tensors moved with ``.numpy()``).
        Raises ``RuntimeError`` naming missing or unexpected keys and shape mismatches, as torch does.
        """
        load_arrays(type(self).__name__, self._named_arrays(), state_dict, strict)

    def _named_arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The live arrays behind ``state_dict`` (no copies)."""
        arrays = {prefix + k: v for k, v in {**self.params, **self.buffers}.items()}
        for child_name, child in self.children().items():
            arrays.update(child._named_arrays(f"{prefix}{child_name}."))
        return arrays

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = self.children()
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"  ({name}): {child!r}".replace("\n", "\n  ") for name, child in children.items()]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"
