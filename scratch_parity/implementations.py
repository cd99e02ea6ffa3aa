"""Adapters that run any implementation of a registry op the same way.

An implementation is a module exposing the registry's class names. Its *contract* says how a
gradient comes out of it:
  - ``ManualContract``: the hand-written style of scratch.manual: ``forward(*inputs)`` then
    ``backward(dout) -> dx``, with parameters' gradients in ``named_parameters()``'s ``.grad``;
  - ``AutogradContract``: modules of the autograd engine (scratch.autograd.nn): called on Tensors,
    gradients from ``out.backward(dout)`` into the inputs' and parameters' ``.grad``;
  - ``TorchContract``: torch modules, whose gradients come from ``out.backward(dout)``.
A runner holds one built layer, its inputs, and ``arrays``: the live arrays of every differentiable
input and parameter, so finite differences can nudge them in place.

The scratch contracts take an array module ``xp``: with ``cupy`` (``pytest --device=cupy``) the layer
and its inputs are moved to the GPU with ``.to(xp)``, the upstream gradient follows them there, and
every result comes back to the host for the comparison with torch.
"""

import functools
import importlib
from dataclasses import dataclass

import numpy as np
import pytest
import torch

import reference
from scratch.autograd import Tensor, no_grad
from scratch.kernels.backend import to_device
from scratch_parity.registry import OpSpec
from scratch_parity.sample import TORCH_DTYPES, Sample, build
from scratch_parity.strategies import Config


@dataclass
class Result:
    output: np.ndarray
    grads: dict[str, np.ndarray]  # "input" and parameter names ("weight", "0.bias", ...)
    state: dict[str, np.ndarray]  # state_dict after one forward (running statistics move)
    backward_error: Exception | None = None  # what backward raised, if it did: the forward is still checked

    def require_backward(self) -> None:
        """For a gradient check: "not implemented" (a skip) for a backward not written yet; the backward's
        own exception, raised again here, for one that crashed."""
        if isinstance(self.backward_error, NotImplementedError):
            pytest.skip(f"not implemented: {self.backward_error}")
        if self.backward_error is not None:
            raise self.backward_error


def skip_if_not_implemented(method):
    """A layer that raises NotImplementedError (a starter kit's backward) skips the check as "not implemented".

    NOTE: a skip here, inside the hypothesis test, ends it at once; a failure would be shrunk first.
    """

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except NotImplementedError as e:
            pytest.skip(f"not implemented: {e}")

    return wrapper


def input_names(spec: OpSpec) -> list[str]:
    return ["input" if i == 0 else f"input{i}" for i in spec.differentiable]


class Contract:
    """An implementation module, seen through one contract. Subclasses build a runner."""

    contract = ""

    def __init__(self, module, label: str | None = None, xp=np):
        self.module = module
        self.label = label or module.__name__
        self.xp = xp

    def on_device(self, layer, inputs):
        """The layer and its inputs moved to ``xp``'s device (nothing moves for NumPy)."""
        if self.xp is np:
            return layer, inputs
        if not hasattr(layer, "to"):
            raise TypeError(f"{self.label}.{type(layer).__name__} has no .to(xp): it cannot be moved to a device")
        return layer.to(self.xp), [to_device(a, self.xp) for a in inputs]

    def has(self, name: str) -> bool:
        """Whether the implementation defines ``name`` (a registry op's class, or "RNN")."""
        return hasattr(self.module, name)

    def provides(self, spec: OpSpec) -> bool:
        return spec.build is not None or self.has(spec.name)

    def runner(self, spec: OpSpec, sample: Sample, masks=None):
        """A built layer with the sample's state, mode and inputs; ``masks``: the keep-masks it hands out, in
        order (default: the sample's mask, for every call)."""
        raise NotImplementedError

    bad_input_dtype = np.float64

    def bad_inputs(self, case) -> list:
        return list(case.inputs())

    def bad_input_error(self, spec: OpSpec, case) -> BaseException | None:
        """What building the layer and calling it on ``case``'s inputs raised, or None.

        A case of stage "init" must raise while the layer is built; "either", while it is built or called;
        "forward", while it is called, the layer itself building without complaint (else BuildRaised).
        """
        inputs = self.bad_inputs(case)
        try:
            config = Config(kwargs=case.kwargs, shape=())
            layer = build(spec, self.module, config, dtype=self.bad_input_dtype).train(case.training)
        except Exception as e:
            return e if case.stage in ("init", "either") else BuildRaised(e)
        if case.stage == "init":
            return None
        try:
            layer(*inputs)
        except Exception as e:
            return e
        return None

    def run(self, spec: OpSpec, sample: Sample) -> Result:
        """One forward, the state after it, and one backward with the sample's upstream gradient."""
        return self.runner(spec, sample).run(sample.dout)


class BuildRaised(Exception):
    """A layer that refused to be built where only calling it on the bad input should raise."""

    def __init__(self, error: BaseException):
        super().__init__(f"building the layer raised {type(error).__name__}: {error}")
        self.error = error


def raised_as(error: BaseException | None, expected: type) -> bool:
    """Whether ``error`` is an ``expected`` (in a runner process: an exception class of that name in its MRO)."""
    return isinstance(error, expected) or expected.__name__ in getattr(error, "types", ())


def mask_queue(masks):
    """A ``sample_mask`` that hands out ``masks`` in order, then refuses."""
    queue = iter(masks)

    def sample_mask(shape, *args, **kwargs):
        mask = next(queue, None)
        if mask is None:
            raise RuntimeError("the layer asked for more keep-masks than the check hands out")
        return mask

    return sample_mask


def numpy_layer(spec: OpSpec, module, sample: Sample, masks=None):
    """The sample's layer from a NumPy-based ``module``: its state loaded, its mode set, its masks injected."""
    layer = build(spec, module, sample.config, dtype=np.dtype(sample.dtype))
    layer.load_state_dict(sample.state)
    layer.train(sample.config.training)
    if masks is not None:
        layer.sample_mask = mask_queue(masks)
    elif sample.mask is not None:
        layer.sample_mask = lambda shape: sample.mask
    return layer


class ManualContract(Contract):
    """Layers with a hand-written ``backward``."""

    contract = "manual"

    def runner(self, spec: OpSpec, sample: Sample, masks=None) -> "ManualRunner":
        layer = numpy_layer(spec, self.module, sample, masks)
        layer, inputs = self.on_device(layer, [a.copy() for a in sample.inputs])
        return ManualRunner(spec, layer, inputs, self.xp)

    def run_sequence(self, problem) -> dict:
        """The whole-sequence RNN (``scratch_parity.sequence.Problem``) with this module's RNN."""
        return problem.run_manual(self.module)


class ManualRunner:
    def __init__(self, spec, layer, inputs, xp=np):
        self.layer, self.inputs, self.xp = layer, inputs, xp
        self.input_names = input_names(spec)
        self.arrays = dict(zip(self.input_names, (inputs[i] for i in spec.differentiable), strict=True))
        self.arrays.update((name, p.data) for name, p in layer.named_parameters())

    @skip_if_not_implemented
    def forward(self) -> np.ndarray:
        return host(self.layer.forward(*self.inputs))

    def state_dict(self) -> dict:
        return host_dict(self.layer.state_dict())

    def run(self, make_dout) -> Result:
        out = self.forward()
        state = host_dict(self.layer.state_dict())
        try:
            # dx, or a tuple: one per differentiable input
            dxs = self.layer.backward(to_device(make_dout(out.shape), self.xp))
        except Exception as e:  # a starter kit's or a buggy backward: the forward can still be checked
            return Result(out, {}, state, backward_error=e)
        grads = dict(zip(self.input_names, dxs if isinstance(dxs, tuple) else (dxs,), strict=True))
        grads.update((name, p.grad) for name, p in self.layer.named_parameters())
        return Result(out, host_dict(grads), state)


class AutogradContract(Contract):
    """Modules of a define-by-run engine with torch's interface, on NumPy-backed Tensors."""

    contract = "autograd"

    def runner(self, spec: OpSpec, sample: Sample, masks=None) -> "AutogradRunner":
        layer = numpy_layer(spec, self.module, sample, masks)
        layer, inputs = self.on_device(layer, [a.copy() for a in sample.inputs])
        return AutogradRunner(spec, layer, inputs, self.xp)

    def run_sequence(self, problem) -> dict:
        return problem.run_autograd(self.module)


class AutogradRunner:
    def __init__(self, spec, layer, inputs, xp=np):
        self.layer, self.inputs, self.xp = layer, inputs, xp
        # Tensors share the input arrays: finite differences nudge them in place.
        self.tensors = [Tensor(a, requires_grad=i in spec.differentiable) for i, a in enumerate(inputs)]
        self.input_names = input_names(spec)
        self.differentiable = [self.tensors[i] for i in spec.differentiable]
        self.arrays = {n: t.data for n, t in zip(self.input_names, self.differentiable, strict=True)}
        self.arrays.update((name, p.data) for name, p in layer.named_parameters())

    @skip_if_not_implemented
    def forward(self) -> np.ndarray:
        with no_grad():
            return host(self.layer(*self.tensors).data)

    def state_dict(self) -> dict:
        return host_dict(self.layer.state_dict())

    @skip_if_not_implemented
    def run(self, make_dout) -> Result:
        out = self.layer(*self.tensors)
        state = host_dict(self.layer.state_dict())
        out.backward(Tensor(to_device(make_dout(out.shape), self.xp)))
        grads = {n: _grad_array(t) for n, t in zip(self.input_names, self.differentiable, strict=True)}
        grads.update((name, _grad_array(p)) for name, p in self.layer.named_parameters())
        return Result(host(out.data), host_dict(grads), state)


def _grad_array(t):
    return None if t.grad is None else t.grad.data


def host(a):
    """``a`` as a NumPy array (from a device, or a scalar), None as None."""
    return None if a is None else np.asarray(to_device(a, np))


def host_dict(arrays: dict) -> dict:
    return {k: host(v) for k, v in arrays.items()}


class TorchContract(Contract):
    """torch.nn modules: gradients by autograd."""

    contract = "torch"

    bad_input_dtype = torch.float64

    def bad_inputs(self, case) -> list:
        return [torch.from_numpy(a) for a in case.inputs()]

    def runner(self, spec: OpSpec, sample: Sample, masks=None) -> "TorchRunner":
        layer = build(spec, self.module, sample.config, dtype=TORCH_DTYPES[sample.dtype])
        layer.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in sample.state.items()})
        layer.train(sample.config.training)
        if masks is not None:
            queue = mask_queue(masks)
            layer.sample_mask = lambda shape, dtype=torch.float32: torch.from_numpy(queue(shape)).to(dtype)
        elif sample.mask is not None:
            layer.sample_mask = lambda shape, dtype=torch.float32: torch.from_numpy(sample.mask).to(dtype)
        tensors = [torch.from_numpy(a.copy()) for a in sample.inputs]
        for i in spec.differentiable:
            tensors[i].requires_grad_(True)
        return TorchRunner(spec, layer, tensors)


class TorchRunner:
    def __init__(self, spec, layer, tensors):
        self.layer, self.tensors = layer, tensors
        self.input_names = input_names(spec)
        differentiable = [tensors[i] for i in spec.differentiable]
        # .numpy() of a detached tensor shares its memory: nudging the array nudges the tensor.
        self.arrays = {n: t.detach().numpy() for n, t in zip(self.input_names, differentiable, strict=True)}
        self.arrays.update((name, p.detach().numpy()) for name, p in layer.named_parameters())
        self.differentiable = differentiable

    def forward(self) -> np.ndarray:
        with torch.no_grad():
            return self.layer(*self.tensors).numpy()

    def run(self, make_dout) -> Result:
        out = self.layer(*self.tensors)
        state = reference.to_numpy(self.layer.state_dict())
        out.backward(torch.from_numpy(make_dout(tuple(out.shape))))
        grads = {n: _numpy_or_none(t.grad) for n, t in zip(self.input_names, self.differentiable, strict=True)}
        grads.update((name, _numpy_or_none(p.grad)) for name, p in self.layer.named_parameters())
        return Result(out.detach().numpy(), grads, state)


def _numpy_or_none(t):
    return None if t is None else t.numpy()


def load_module(path: str):
    """The object behind an import path: ``mypkg.layers``, or ``mypkg.zoo:name`` for an attribute of a module
    (a namespace of classes, such as one of the bug zoo's)."""
    module_path, _, attribute = path.partition(":")
    module = importlib.import_module(module_path)
    return getattr(module, attribute) if attribute else module


def implementation(path: str = "scratch.manual", contract: str = "manual", xp=np):
    """An implementation by import path and contract: ``implementation("mypkg.layers")``; ``xp`` its device."""
    contracts = {"manual": ManualContract, "autograd": AutogradContract, "torch": TorchContract}
    if contract not in contracts:
        raise ValueError(f"unknown contract {contract!r}; expected one of {sorted(contracts)}")
    return contracts[contract](load_module(path), label=path, xp=xp)


TORCH = TorchContract(reference, label="reference")
BUILT_IN = {"manual": ("scratch.manual", "manual"), "autograd": ("scratch.autograd.nn", "autograd")}
"""The implementations checked by default: the hand-written layers and the autograd engine."""


def implementations_under_test(path: str | None, contract: str = "manual") -> dict[str, tuple[str, str]]:
    """label -> (import path, contract): ``path`` under the label "yours" if given, else the built-in ones."""
    return {"yours": (path, contract)} if path else BUILT_IN
