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
from scratch.kernels.backend import is_array, to_device
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
        """Parameters and Modules are registered; a name keeps its kind, as torch.nn.Module's do."""
        params, modules, buffers = self._parameters, self._modules, self._buffers
        if isinstance(value, Parameter):
            self._forget(name)
            params[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            modules[name] = value
        elif name in params or name in modules:
            if value is not None:  # e.g. a plain Tensor or array where a Parameter was: refused, not dropped
                kind = "parameter" if name in params else "child module"
                raise TypeError(f"cannot assign {type(value).__name__} as {kind} {name!r} (expected one, or None)")
            self._forget(name)
            object.__setattr__(self, name, None)
        elif name in buffers:
            if value is not None and not is_array(value):
                raise TypeError(f"cannot assign {type(value).__name__} as buffer {name!r} (an array or None expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        for registry in (self.__dict__, self._parameters, self._modules, self._buffers):
            registry.pop(name, None)

    def __getattr__(self, name: str):  # called only when ordinary lookup fails
        for registry in ("_parameters", "_modules", "_buffers"):
            found = self.__dict__.get(registry, {})
            if name in found:
                return found[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def register_buffer(self, name: str, array) -> None:
        """State that is saved in state_dict but not learned (an array, or None for "none yet")."""
        if name in self._parameters or name in self._modules or (name in self.__dict__ and name not in self._buffers):
            raise KeyError(f"attribute {name!r} already exists")
        if array is not None and not is_array(array):
            raise TypeError(f"cannot assign {type(array).__name__} as buffer {name!r} (an array or None expected)")
        self._buffers[name] = array

    def add_module(self, name: str, module: "Module") -> None:
        setattr(self, name, module)

    # -- traversal ------------------------------------------------------------------------------
    def named_modules(self, prefix: str = "", memo: set | None = None) -> Iterator[tuple[str, "Module"]]:
        """This module and every descendant, each once (a module used twice is listed at its first name)."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix.rstrip("."), self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}{name}.", memo)

    def children(self) -> Iterator["Module"]:
        yield from self._modules.values()

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Each parameter once, even when shared (tied weights), so an optimizer updates it once per step."""
        seen = set()
        for module_prefix, module in self.named_modules(prefix):
            dot = f"{module_prefix}." if module_prefix else ""
            for name, p in module._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield dot + name, p

    def parameters(self) -> Iterator[Parameter]:
        for _, p in self.named_parameters():
            yield p

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        for module_prefix, module in self.named_modules(prefix):
            dot = f"{module_prefix}." if module_prefix else ""
            for name, b in module._buffers.items():
                if b is not None:
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

    def to(self, xp) -> "Module":
        """Move every parameter (with its grad) and buffer to the array module ``xp`` (``cupy``; ``numpy``
        brings them back), in place, as torch's ``module.to(device)``. Returns the module."""
        for _, module in self.named_modules():
            for p in module._parameters.values():
                if p is None:
                    continue
                p.data = to_device(p.data, xp)
                if p.grad is not None:
                    p.grad.data = to_device(p.grad.data, xp)
            module._buffers.update((name, to_device(b, xp)) for name, b in module._buffers.items())
        return self

    # -- state_dict -----------------------------------------------------------------------------
    def _named_arrays(self, prefix: str = "") -> dict:
        """The live arrays behind ``state_dict``, parameters then buffers per module, as torch orders them.

        Unlike ``named_parameters``, a shared module or parameter appears under every name, as in torch.
        """
        arrays = {prefix + name: p.data for name, p in self._parameters.items()}
        arrays.update((prefix + name, b) for name, b in self._buffers.items() if b is not None)
        for name, child in self._modules.items():
            arrays.update(child._named_arrays(f"{prefix}{name}."))
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
