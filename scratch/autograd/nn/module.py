"""Module and Parameter for the autograd engine, with torch.nn.Module's bookkeeping.

Assigning a Parameter or a Module to an attribute registers it, as in torch, so
``self.conv1 = Conv2d(...)`` is all a network needs for ``named_parameters()`` to yield
"conv1.weight" and ``state_dict()`` to hold "conv1.weight" and "bn1.running_mean": the keys torch
uses, so one state_dict loads into the torch, the hand-written and the autograd versions.
Buffers (``register_buffer``) are plain arrays: state that is saved but not learned.
"""

from collections.abc import Iterator

import numpy as np

from scratch.autograd.engine import Tensor
from scratch.state import load_arrays


class Parameter(Tensor):
    """A leaf Tensor that requires grad and that a Module registers when it is assigned."""

    __slots__ = ()

    def __init__(self, data):
        super().__init__(data, requires_grad=True)


class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        self.training = True

    def forward(self, *args, **kwargs):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # -- registration ---------------------------------------------------------------------------
    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, Parameter):
            registry = self._parameters
        elif isinstance(value, Module):
            registry = self._modules
        elif name in self._buffers:
            registry = self._buffers
        else:  # a plain attribute, e.g. ``self.bias = None``: it unregisters what had that name
            self._parameters.pop(name, None)
            self._modules.pop(name, None)
            object.__setattr__(self, name, value)
            return
        self.__dict__.pop(name, None)
        registry[name] = value

    def __getattr__(self, name: str):  # called only when ordinary lookup fails
        for registry in ("_parameters", "_modules", "_buffers"):
            found = self.__dict__.get(registry, {})
            if name in found:
                return found[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def register_buffer(self, name: str, array) -> None:
        self._buffers[name] = array

    def add_module(self, name: str, module: "Module") -> None:
        self._modules[name] = module

    # -- traversal ------------------------------------------------------------------------------
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Module"]]:
        yield prefix.rstrip("."), self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}{name}.")

    def children(self) -> Iterator["Module"]:
        yield from self._modules.values()

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        for module_prefix, module in self.named_modules(prefix):
            dot = f"{module_prefix}." if module_prefix else ""
            for name, p in module._parameters.items():
                yield dot + name, p

    def parameters(self) -> Iterator[Parameter]:
        for _, p in self.named_parameters():
            yield p

    def named_buffers(self) -> Iterator[tuple[str, np.ndarray]]:
        for module_prefix, module in self.named_modules():
            dot = f"{module_prefix}." if module_prefix else ""
            for name, b in module._buffers.items():
                yield dot + name, b

    # -- modes and gradients --------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        for _, module in self.named_modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def zero_grad(self) -> None:
        """Every parameter's ``grad`` becomes None (torch's ``set_to_none=True``)."""
        for p in self.parameters():
            p.grad = None

    # -- state_dict -----------------------------------------------------------------------------
    def _named_arrays(self) -> dict:
        """The live arrays behind ``state_dict``, parameters then buffers per module, as torch orders them."""
        arrays = {}
        for module_prefix, module in self.named_modules():
            dot = f"{module_prefix}." if module_prefix else ""
            arrays.update((dot + name, p.data) for name, p in module._parameters.items())
            arrays.update((dot + name, b) for name, b in module._buffers.items())
        return arrays

    def state_dict(self) -> dict:
        """Copies of every parameter and buffer, keyed as torch keys them ("layer1.0.conv1.weight", ...)."""
        return {k: v.copy() for k, v in self._named_arrays().items()}

    def load_state_dict(self, state_dict, strict: bool = True) -> None:
        """Copy arrays in by key, in place, keeping dtypes; errors as torch's (see ``scratch.state``)."""
        load_arrays(type(self).__name__, self._named_arrays(), state_dict, strict)

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        if not self._modules:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"  ({name}): {child!r}".replace("\n", "\n  ") for name, child in self._modules.items()]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"
