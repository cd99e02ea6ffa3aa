"""The base of every optimizer: parameter groups, per-parameter state, ``zero_grad`` and state_dicts.

An optimizer updates *parameters*: any objects with ``.data``, an array it updates in place, and
``.grad``, the gradient or None. Both worlds of this suite qualify:

    scratch.manual      ``layer.parameters()`` yields views whose ``.data`` and ``.grad`` are the
                        layer's own arrays (``params[name]``, ``grads[name]``)
    scratch.autograd    a ``Parameter`` is a Tensor: ``.data`` an array, ``.grad`` a Tensor or None

so there is one code path: ``grad_array`` reads either kind of gradient as an array, and every
optimizer's ``update`` works on arrays only. Parameters whose gradient is None are skipped, as in torch.

The layout is torch.optim's:

    param_groups   [{"params": [p, ...], "lr": ..., <the optimizer's other hyper-parameters>}, ...]
    state          {p: {"step": ..., "exp_avg": array, ...}}, made at a parameter's first update
    state_dict()   {"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]}

where a parameter's index counts through the groups in order. Schedulers change ``group["lr"]``.
"""

import copy

import numpy as np

from scratch.kernels.backend import get_array_module
from scratch.validation import fmt_shape


def is_parameter(obj) -> bool:
    """One parameter (``.data`` and ``.grad``), as opposed to an iterable of them."""
    return hasattr(obj, "data") and hasattr(obj, "grad")


def grad_array(p):
    """``p.grad`` as an array, whichever world ``p`` comes from; None when there is no gradient.

    A hand-written layer's gradient is an ndarray already; an autograd gradient is a Tensor holding
    its array in ``.data``. NOTE: test for an array first: an ndarray has a ``.data`` attribute too
    (a memoryview of its buffer), and a CuPy array one (a device pointer).
    """
    g = p.grad
    if g is None or isinstance(g, np.ndarray) or get_array_module(g) is not np:
        return g
    return g.data


def check_non_negative(owner: str, what: str, name: str, value) -> None:
    """torch's check of a hyper-parameter that must be >= 0, worded as torch words it.

    NOTE: ``not value >= 0`` refuses NaN as well (torch's SGD lets a NaN learning rate through).
    """
    if not value >= 0:
        raise ValueError(f"{owner}: Invalid {what}: {value} ({name} must be >= 0)")


class Optimizer:
    """Holds the parameter groups and the per-parameter state; subclasses write one parameter's ``update``."""

    def __init__(self, params, defaults: dict):
        self.defaults = dict(defaults)
        self.state: dict = {}  # parameter -> its state; parameters hash by identity, as torch's do
        self.param_groups: list[dict] = []
        if is_parameter(params) or isinstance(params, np.ndarray):
            raise TypeError(
                f"{self._name}: params argument given to the optimizer should be an iterable of parameters "
                f"or dicts, but got one {type(params).__name__}; pass a list, e.g. [p] or model.parameters()"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    # -- what a subclass writes -------------------------------------------------------------------
    def check_hyper_parameters(self, group: dict) -> None:
        """Raise ValueError for a bad hyper-parameter of ``group`` (and normalise, e.g. betas to a tuple)."""

    def update(self, param, grad, state: dict, group: dict) -> None:
        """Update one parameter's array ``param`` in place, from ``grad`` (never written) and ``state``.

        ``state`` starts empty at a parameter's first update; what the update stores there is the
        parameter's state, under torch's names.
        """
        raise NotImplementedError

    # -- parameter groups -------------------------------------------------------------------------
    def add_param_group(self, param_group: dict) -> None:
        """Add a group: ``{"params": [...], <hyper-parameters>}``; missing hyper-parameters take the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}: a parameter group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if is_parameter(params):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                f"{self._name}: optimizer parameters need to be organized in ordered collections, but the "
                "ordering of parameters in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        for p in params:
            self._check_parameter(p)
        group = {**self.defaults, **param_group, "params": params}
        self.check_hyper_parameters(group)

        seen = {id(p.data) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if id(p.data) in seen:
                # NOTE: torch refuses this across groups and only warns within one; a parameter listed
                # twice would be stepped twice per step, so here both are refused.
                raise ValueError(
                    f"{self._name}: some parameters appear in more than one parameter group "
                    f"(or twice in one): parameter {i} of group {len(self.param_groups)}, {p!r}"
                )
            seen.add(id(p.data))
        self.param_groups.append(group)

    def _check_parameter(self, p) -> None:
        data = getattr(p, "data", None)
        if not hasattr(p, "grad") or not hasattr(data, "dtype") or not hasattr(data, "shape"):
            raise TypeError(
                f"{self._name}: can only optimize objects with .data (an array) and .grad, "
                f"but one of the params is {type(p).__name__}"
            )
        if data.dtype.kind != "f":
            raise TypeError(f"{self._name}: can only optimize floating-point parameters, got one of dtype {data.dtype}")
        if not getattr(p, "is_leaf", True):
            raise ValueError(f"{self._name}: can't optimize a non-leaf Tensor")

    # -- a step -----------------------------------------------------------------------------------
    def step(self, closure=None):
        """Update every parameter that has a gradient; ``closure`` (re-evaluating the loss) is called first.

        A gradient of another dtype is cast to the parameter's (torch refuses such a gradient outright).
        """
        loss = None if closure is None else closure()
        index = 0
        for group in self.param_groups:
            for p in group["params"]:
                grad = grad_array(p)
                if grad is not None:
                    param = p.data
                    if grad.shape != param.shape:
                        raise RuntimeError(
                            f"{self._name}: the gradient of parameter {index} has shape {fmt_shape(grad.shape)}, "
                            f"but the parameter has shape {fmt_shape(param.shape)}"
                        )
                    state = self.state.get(p, {})
                    self.update(param, grad.astype(param.dtype, copy=False), state, group)
                    if state:  # an optimizer without state (SGD without momentum) keeps none, as torch
                        self.state[p] = state
                index += 1
        return loss

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Every gradient becomes None (torch's default), or, with ``set_to_none=False``, zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                else:
                    g = grad_array(p)
                    if g is not None:
                        g[...] = 0

    # -- state_dict -------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """torch's layout, parameters replaced by their indices; arrays are copies."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: {k: _copied(v) for k, v in s.items()} for p, s in self.state.items()}
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Take the state and the hyper-parameters of ``state_dict`` (this suite's or torch's, as arrays).

        Arrays are copied into this optimizer's parameters' dtype; "step" becomes an int. The groups
        must match in number and size, as in torch; nothing changes unless every check passes.
        """
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{self._name}: loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)}, the optimizer has {len(self.param_groups)})"
            )
        params = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    f"{self._name}: loaded state dict contains a parameter group that doesn't match the size of "
                    f"optimizer's group: group {i} has {len(saved['params'])} parameters there, "
                    f"{len(group['params'])} here"
                )
            params.update(zip(saved["params"], group["params"], strict=True))
        state = {}
        for key, values in state_dict["state"].items():
            if int(key) not in params:
                raise ValueError(f"{self._name}: the state dict holds state for parameter {key}, which no group lists")
            p = params[int(key)]
            state[p] = {name: self._loaded(name, value, p.data, key) for name, value in values.items()}
        groups = []
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            # hyper-parameters a state_dict lacks (saved by an older version) take this optimizer's defaults
            new = {**self.defaults, **{k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}}
            new["params"] = group["params"]
            self.check_hyper_parameters(new)
            groups.append(new)
        self.state, self.param_groups = state, groups

    def _loaded(self, name: str, value, param, key):
        if name == "step":
            return int(value)
        if value is None:
            return None
        array = get_array_module(param).asarray(value)
        if array.shape != param.shape:
            raise ValueError(
                f"{self._name}: state[{key}][{name!r}] has shape {fmt_shape(array.shape)}, but parameter {key} "
                f"has shape {fmt_shape(param.shape)}"
            )
        return array.astype(param.dtype)  # a copy, even in the same dtype

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in group.items() if k != "params"]
        return "\n".join([*lines, ")"])


def _copied(value):
    return value.copy() if hasattr(value, "copy") else value
