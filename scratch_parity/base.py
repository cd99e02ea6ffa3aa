"""The base class of a student's layers: the bookkeeping that the checker relies on, and no layer.

Standalone on purpose (the standard library and NumPy only): the grader copies this file alone next to a
student's module, where nothing else of the project may be imported.

The contract of a layer, as ``scratch-check`` calls it:
    layer = Linear(3, 4, dtype=np.float64)      the constructor fills ``params`` and ``buffers``
    layer.load_state_dict(state)                torch's keys; every array keeps its own dtype
    layer.train(mode)                           ``training``: True in training, False in eval
    y = layer(x)   (= layer.forward(x))         caches in ``self.cache`` what backward needs
    dx = layer.backward(dout)                   returns d(loss)/d(input) (a tuple for several inputs)
                                                and adds d(loss)/d(param) with ``accumulate_grad``
    layer.named_parameters()                    (name, p) with ``p.data`` and ``p.grad``
    layer.state_dict()                          copies of the parameters and buffers, torch's keys
The three dicts are keyed by torch's names, so one state_dict loads into both worlds:
    params   learnable arrays, e.g. {"weight": (out, in), "bias": (out,)}
    grads    d(loss)/d(param), same keys and shapes; gradients add up over backward calls until
             ``zero_grad()``, as ``.grad`` does in torch
    buffers  saved but not learned, e.g. BatchNorm's running_mean and num_batches_tracked
"""

from collections.abc import Iterator

import numpy as np


class Parameter:
    """One parameter of a layer as an optimizer sees it: ``.data`` and ``.grad``, views of the layer's dicts."""

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
        """The accumulated gradient, or None before any backward (or after ``zero_grad``)."""
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
    """A layer: write ``forward`` and ``backward``; parameters, gradients, modes and state_dicts are kept here."""

    def __init__(self):
        self.cache = None  # what forward saved for backward
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.training = True

    def forward(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__}.forward: write it")

    def backward(self, dout):
        raise NotImplementedError(f"{type(self).__name__}.backward: write it")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def saved(self):
        """``self.cache``, with a clear error when backward comes before any forward."""
        if self.cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward: nothing is cached")
        return self.cache

    def children(self) -> dict[str, "Module"]:
        """Named submodules (a container's layers, "0", "1", ...); a plain layer has none."""
        return {}

    # -- parameters and gradients -------------------------------------------------------------
    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        for name in self.params:
            yield prefix + name, Parameter(self, name)
        for child_name, child in self.children().items():
            yield from child.named_parameters(f"{prefix}{child_name}.")

    def parameters(self) -> Iterator[Parameter]:
        for _, p in self.named_parameters():
            yield p

    def accumulate_grad(self, name: str, grad: np.ndarray) -> None:
        """grads[name] += grad, creating it on the first backward since ``zero_grad``."""
        if name not in self.params:
            raise KeyError(f"{type(self).__name__} has no parameter {name!r} (it has {sorted(self.params)})")
        self.grads[name] = self.grads[name] + grad if name in self.grads else grad

    def zero_grad(self) -> None:
        """Forget every gradient: ``.grad`` becomes None, as with torch's ``set_to_none=True``."""
        self.grads.clear()
        for child in self.children().values():
            child.zero_grad()

    # -- modes --------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        self.training = mode
        for child in self.children().values():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    # -- state_dict ---------------------------------------------------------------------------
    def _named_arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The live parameters and buffers, keyed as torch keys them ("weight", "0.running_mean", ...)."""
        arrays = {prefix + k: v for k, v in {**self.params, **self.buffers}.items()}
        for child_name, child in self.children().items():
            arrays.update(child._named_arrays(f"{prefix}{child_name}."))
        return arrays

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer."""
        return {k: v.copy() for k, v in self._named_arrays().items()}

    def load_state_dict(self, state_dict, strict: bool = True) -> None:
        """Copy arrays in, in place, by key; each live array keeps its dtype (a float32 layer stays float32).

        Raises ``RuntimeError`` naming missing or unexpected keys (``strict``), shape mismatches, and
        fractional values for an integer counter (num_batches_tracked takes 3.0, not 2.5), as torch's
        wording does; nothing is copied unless every check passes.
        """
        own, given = self._named_arrays(), dict(state_dict)
        problems = []
        if strict:
            if missing := [k for k in own if k not in given]:
                problems.append(f"Missing key(s) in state_dict: {', '.join(map(repr, missing))}.")
            if unexpected := [k for k in given if k not in own]:
                problems.append(f"Unexpected key(s) in state_dict: {', '.join(map(repr, unexpected))}.")
        values = {k: np.asarray(given[k]) for k in own if k in given}
        for key, value in values.items():
            target = own[key]
            if value.shape != target.shape:
                problems.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} from "
                    f"checkpoint, the shape in current model is {target.shape}."
                )
            elif target.dtype.kind in "iu" and value.dtype.kind not in "biu" and not _whole(value):
                problems.append(f"{key} is a counter ({target.dtype}); refusing {value}: not a whole number.")
        if problems:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(problems))
        for key, value in values.items():
            own[key][...] = value


def _whole(value: np.ndarray) -> bool:
    """Whether every element is a finite whole number (checked before a cast, which would truncate)."""
    return value.dtype.kind == "f" and bool(np.all(np.isfinite(value) & (value == np.round(value))))


class Sequential(Module):
    """forward: x -> layer_0 -> layer_1 -> ... ;  backward: the chain rule, in reverse order.

    Given, not to write: it only chains. Layers are named "0", "1", ..., so the state_dict keys read
    "0.weight", "1.running_mean", as in torch.
    """

    def __init__(self, *layers: Module):
        super().__init__()
        self.layers = list(layers)

    def children(self) -> dict[str, Module]:
        return {str(i): layer for i, layer in enumerate(self.layers)}

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)
