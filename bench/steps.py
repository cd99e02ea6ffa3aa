"""Whole training steps, three ways, from one state_dict: what bench/test_steps.py times and takes apart.

A step is the same in all three: forward, cross-entropy loss, backward, ``p.data -= lr * grad`` for
every parameter, then ``zero_grad()``; ``Twin.forward_backward`` is its first half (the loss and the
gradients), ``Twin.update`` the rest, so a check can read a gradient before it is zeroed.

Cases (``BENCH_MODE``, as in bench/conv_cases.py):
    mlp     the MLP of bench/networks.py ("mlp step"): 784 -> 256 -> ReLU -> 10, batch 64
    cnn     its small CNN ("cnn step"): two conv/relu/pool blocks and a linear layer, batch 64 of 1x28x28
    C5L3 3x32x32    the seed course's C5L3 with its default widths, batch 64 of 3x32x32
    C5L3 1x8x8      C5L3 on the 8x8 digits (in_channels=1, image_size=8), default widths, batch 64
In smoke mode the C5L3 cases shrink to widths of 4 to 8, images of 8x8 and batches of 8.

``breakdown`` times each layer's forward and backward inside a step, per implementation:
    scratch.manual    each leaf layer's ``forward`` and ``backward`` (and the loss's), wrapped
    scratch.autograd  each leaf module's forward, wrapped; its backward is the sum of the ``backward``
                      of the engine's Functions that the module's forward recorded (found by walking
                      the graph back from the module's output to the previous module's)
    torch             forward pre-/post-hooks on each leaf module; its backward, prehook to hook on
                      each autograd Node its forward recorded (torch.autograd.graph.Node hooks)
Timers are ``time.perf_counter`` on the CPU (no device, nothing to synchronise). "other" is what the
instrumented step took beyond its ops: the SGD update, zero_grad, the engines' bookkeeping between
ops (gradient accumulation into leaves included), and the timers' own cost.
"""

import functools
import resource
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

import reference
import reference.models
import scratch.autograd.models
import scratch.autograd.nn as autograd_nn
import scratch.manual as manual_nn
import scratch.manual.models
from bench.conv_cases import MODE
from bench.networks import BATCH, CLASSES, LR, NETWORKS
from scratch.autograd import Tensor

IMPLS = ("scratch.manual", "scratch.autograd", "torch")
NAMESPACES = {"scratch.manual": manual_nn, "scratch.autograd": autograd_nn, "torch": reference}
MODELS = {
    "scratch.manual": scratch.manual.models,
    "scratch.autograd": scratch.autograd.models,
    "torch": reference.models,
}
KINDS = {
    "Conv2d": "conv",
    "BatchNorm2d": "batchnorm",
    "ReLU": "relu",
    "MaxPool2d": "maxpool",
    "Linear": "linear",
    "CrossEntropyLoss": "loss",
}
SMOKE = MODE == "smoke"
# untimed steps: the page-fault count's, and the breakdown's (after one warm-up step each)
FAULT_STEPS = 1 if SMOKE else 3
BREAKDOWN_STEPS = 1 if SMOKE else 3

# float32 (eps 6e-8): the three sum in other orders. The loss (a mean of ~2.3s) agrees to a few units
# in the last place. The gradient compared is the first layer's weight's, which has come back through
# every layer; normwise (max|ours - torch| / max|torch|) it agrees to ~1e-6 on the MLP, the CNN and
# C5L3 on 8x8, but on C5L3 3x32x32 the five train-mode BatchNorms' backwards (each subtracts means)
# cost float32 about three digits: each of the three is 3e-3 to 4e-3 from torch's float64 gradient
# (measured), so manual and autograd are 2.6e-3 from torch's float32 one. A wrong backward is off by O(1).
LOSS_RTOL = 1e-5
GRAD_TOL = 2e-2


@dataclass(frozen=True)
class StepCase:
    name: str
    model: str
    input_shape: tuple[int, ...]  # the batch, batch first
    kwargs: tuple[tuple[str, Any], ...] = ()  # the C5L3 constructor's (name, value) pairs

    @property
    def group(self) -> str:
        return f"training step {self.name}"

    def build(self, impl: str):
        if self.model == "C5L3":
            return MODELS[impl].C5L3(**dict(self.kwargs))
        return NETWORKS[f"{self.model} step"][0](NAMESPACES[impl])


def c5l3_case(in_channels: int, image_size: int) -> StepCase:
    if SMOKE:
        kwargs = dict(widths=(4, 8, 8, 8, 4), hidden=(16, 8), image_size=8)
        batch, image_size = 8, 8
    else:
        kwargs, batch = dict(image_size=image_size), BATCH
    shape = (batch, in_channels, image_size, image_size)
    kwargs = tuple(sorted(dict(kwargs, in_channels=in_channels).items()))
    return StepCase(f"C5L3 {in_channels}x{image_size}x{image_size}", "C5L3", shape, kwargs)


CASES = (
    StepCase("mlp", "mlp", NETWORKS["mlp step"][1]),
    StepCase("cnn", "cnn", NETWORKS["cnn step"][1]),
    c5l3_case(3, 32),
    c5l3_case(1, 8),
)


@functools.cache
def problem(case: StepCase) -> tuple[dict, np.ndarray, np.ndarray]:
    """One initial state_dict (torch's default initialisation, as NumPy arrays), a batch and its labels."""
    torch.manual_seed(0)
    state = reference.to_numpy(case.build("torch").state_dict())
    rng = np.random.default_rng(0)
    x = rng.standard_normal(case.input_shape).astype(np.float32)
    return state, x, rng.integers(0, CLASSES, size=case.input_shape[0])


class Twin:
    """One implementation's model, loss and batch, loaded from the case's state_dict."""

    def __init__(self, impl: str, case: StepCase):
        state, x, labels = problem(case)
        self.impl, self.model = impl, case.build(impl)
        self.loss_fn = NAMESPACES[impl].CrossEntropyLoss()
        if impl == "torch":
            self.model.load_state_dict(reference.to_torch(state))
            self.x, self.labels = torch.from_numpy(x), torch.from_numpy(labels)
        else:
            self.model.load_state_dict(state)
            self.x, self.labels = (Tensor(x) if impl == "scratch.autograd" else x), labels

    def forward_backward(self) -> float:
        """The loss, with every parameter's gradient filled in."""
        loss = self.loss_fn(self.model(self.x), self.labels)
        if self.impl == "scratch.manual":
            self.model.backward(self.loss_fn.backward())
            return float(loss)
        loss.backward()
        return loss.item()

    def update(self) -> None:
        """SGD, then zero_grad."""
        if self.impl == "torch":
            with torch.no_grad():
                for p in self.model.parameters():
                    p -= LR * p.grad
        else:
            grad = (lambda p: p.grad) if self.impl == "scratch.manual" else (lambda p: p.grad.data)
            for p in self.model.parameters():
                p.data -= LR * grad(p)
        self.model.zero_grad()

    def step(self) -> float:
        loss = self.forward_backward()
        self.update()
        return loss

    def first_grad(self) -> tuple[str, np.ndarray]:
        """The first parameter's name and gradient (the first layer's weight: through the whole backward)."""
        name, p = next(iter(self.model.named_parameters()))
        grad = {
            "scratch.manual": lambda: p.grad,
            "scratch.autograd": lambda: p.grad.data,
            "torch": lambda: p.grad.numpy(),
        }
        return name, np.array(grad[self.impl](), dtype=np.float64)


def first_answers(twin: Twin) -> tuple[float, str, np.ndarray]:
    """One step of a fresh twin: its loss and first gradient (then the update, so the twin has stepped once)."""
    loss = twin.forward_backward()
    name, grad = twin.first_grad()
    twin.update()
    return loss, name, grad


def disagreement(answers: dict, impl: str) -> str | None:
    """Why ``impl``'s first step differs from torch's, or None when they agree (``answers``: impl -> first_answers)."""
    loss, name, grad = answers[impl]
    loss_t, name_t, grad_t = answers["torch"]
    if name != name_t:
        return f"its first parameter is {name}, torch's {name_t}"
    if not abs(loss - loss_t) <= LOSS_RTOL * abs(loss_t):
        return f"its loss {loss!r} differs from torch's {loss_t!r} (rtol {LOSS_RTOL})"
    error = float(np.max(np.abs(grad - grad_t)) / np.max(np.abs(grad_t)))
    if not error <= GRAD_TOL:
        return f"the gradient of {name} differs from torch's: normwise relative error {error:.2e} > {GRAD_TOL}"
    return None


def minor_faults_per_step(step, steps: int = FAULT_STEPS) -> float:
    """Minor page faults of this process per call of ``step``, after one warm-up call."""
    step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(steps):
        step()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / steps


# -- the per-op breakdown --------------------------------------------------------------------------


def kind_of(module) -> str:
    return KINDS.get(type(module).__name__, "other")


def leaves(model, impl: str) -> list[tuple[str, Any]]:
    """(dotted name, module) of every module without submodules, in forward order."""
    if impl == "scratch.manual":

        def walk(module, prefix):
            kids = module.children()
            if not kids:
                return [(prefix.rstrip(".") or type(module).__name__, module)]
            return [leaf for name, kid in kids.items() for leaf in walk(kid, f"{prefix}{name}.")]

        return walk(model, "")
    return [(name, m) for name, m in model.named_modules() if not list(m.children())]


class OpTimer:
    """Seconds per op name, forward and backward, over one step."""

    def __init__(self):
        self.forward: dict[str, float] = defaultdict(float)
        self.backward: dict[str, float] = defaultdict(float)

    def reset(self) -> None:  # cleared, not replaced: the wrappers hold these dicts
        self.forward.clear()
        self.backward.clear()

    def wrap(self, fn, into: dict, name: str):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                into[name] += time.perf_counter() - start

        return timed


def instrument_manual(twin: Twin, ops, timer: OpTimer) -> None:
    for name, module in ops:
        module.forward = timer.wrap(module.forward, timer.forward, name)
        module.backward = timer.wrap(module.backward, timer.backward, name)


def instrument_autograd(twin: Twin, ops, timer: OpTimer) -> None:
    def claim(output, name):  # every Function recorded since the previous module's output
        todo = [output.creator] if isinstance(output, Tensor) else []
        while todo:
            f = todo.pop()
            if f is None or "_bench_op" in f.__dict__:
                continue
            f._bench_op = name
            f.backward = timer.wrap(f.backward, timer.backward, name)
            todo.extend(x.creator for x in f.inputs)

    for name, module in ops:

        def forward(*args, _fn=module.forward, _name=name, **kwargs):
            start = time.perf_counter()
            out = _fn(*args, **kwargs)
            timer.forward[_name] += time.perf_counter() - start
            claim(out, _name)
            return out

        module.forward = forward


def instrument_torch(twin: Twin, ops, timer: OpTimer, claimed: set) -> None:
    started: dict[str, float] = {}

    def node_timer(name):
        def pre(grad_outputs):
            started[name] = time.perf_counter()

        def post(grad_inputs, grad_outputs):
            timer.backward[name] += time.perf_counter() - started[name]

        return pre, post

    def claim(output, name):
        todo = [output.grad_fn] if isinstance(output, torch.Tensor) else []
        while todo:
            node = todo.pop()
            # AccumulateGrad nodes outlive the step (one per parameter): left to "other", as in autograd
            if node is None or node in claimed or type(node).__name__ == "AccumulateGrad":
                continue
            claimed.add(node)
            pre, post = node_timer(name)
            node.register_prehook(pre)
            node.register_hook(post)
            todo.extend(next_node for next_node, _ in node.next_functions)

    for name, module in ops:

        def before(module, inputs, _name=name):
            started[_name] = time.perf_counter()

        def after(module, inputs, output, _name=name):
            timer.forward[_name] += time.perf_counter() - started[_name]
            claim(output, _name)

        module.register_forward_pre_hook(before)
        module.register_forward_hook(after)


def breakdown_of(twins: dict[str, Twin], steps: int = BREAKDOWN_STEPS) -> dict[str, dict]:
    """impl -> {"step_ms", "ops": [{name, kind, forward_ms, backward_ms}]}: medians over ``steps`` steps.

    The implementations take turns, step by step, in this one process (after one warm-up step each).
    """
    timers, ops, claimed = {}, {}, set()
    for impl, twin in twins.items():
        ops[impl] = [*leaves(twin.model, impl), ("loss", twin.loss_fn)]
        timers[impl] = OpTimer()
        if impl == "scratch.manual":
            instrument_manual(twin, ops[impl], timers[impl])
        elif impl == "scratch.autograd":
            instrument_autograd(twin, ops[impl], timers[impl])
        else:
            instrument_torch(twin, ops[impl], timers[impl], claimed)
        twin.step()
    samples = {impl: [] for impl in twins}
    for _ in range(steps):
        for impl, twin in twins.items():
            timers[impl].reset()
            claimed.clear()
            start = time.perf_counter()
            twin.step()
            total = time.perf_counter() - start
            samples[impl].append((total, dict(timers[impl].forward), dict(timers[impl].backward)))
    out = {}
    for impl, runs in samples.items():
        med = lambda values: 1e3 * float(np.median(values))  # noqa: E731
        rows = [
            dict(
                name=name,
                kind=kind_of(module),
                forward_ms=med([f.get(name, 0.0) for _, f, _ in runs]),
                backward_ms=med([b.get(name, 0.0) for _, _, b in runs]),
            )
            for name, module in ops[impl]
        ]
        out[impl] = dict(step_ms=med([t for t, _, _ in runs]), ops=rows)
    return out


@functools.cache
def breakdown(case: StepCase) -> dict[str, dict]:
    """The breakdown of ``case``'s step, every implementation on fresh twins of its own (not the timed ones)."""
    return breakdown_of({impl: Twin(impl, case) for impl in IMPLS})
