"""What does the autograd engine cost? One SGD training step, timed three ways, plus one tiny op.

Groups (pytest-benchmark shows each group as one table):
    "mlp step"  784 -> 256 -> ReLU -> 10, softmax cross-entropy, batch 64, float32
    "cnn step"  conv(1->8) relu pool conv(8->16) relu pool flatten linear(784->10), batch 64 of 1x28x28
    "x*x"       y = x * x on a one-element float64 tensor that requires grad (the graph is recorded)
Implementations:
    scratch.manual    forward, loss forward, loss backward, model backward: every gradient by hand
    scratch.autograd  forward, loss, loss.backward(): the engine records the graph and walks it back
    torch             the same step in torch on the CPU
A step is the same in all three: forward, loss, backward, ``p.data -= lr * grad`` for every parameter,
then ``zero_grad()``. All three start from one state_dict (torch's default initialisation), and
before anything is timed each test checks that the first two steps give the same losses (so the
gradients and the update agree too): the timings compare equal work.
NOTE: the models keep training on one batch while they are timed. The work per step does not depend
on the weights' values, only on the shapes.
NOTE: the hand-written backward always returns dx, so its step also computes the gradient of the
input batch (for the MLP a 64x256 @ 256x784 product, as large as the first layer's forward), which
autograd and torch skip since the input does not require grad.
Threads: bench/conftest.py runs everything on one thread unless BENCH_THREADS says otherwise.

    .venv/bin/pytest bench/test_engine_overhead.py --benchmark-only -p no:xdist
"""

import functools
import operator

import numpy as np
import pytest
import torch

import reference
import scratch.autograd.nn as autograd_nn
import scratch.manual as manual_nn
from bench.networks import BATCH, CLASSES, LR, NETWORKS
from scratch.autograd import Tensor

IMPLS = ["scratch.manual", "scratch.autograd", "torch"]
# float32 has a relative precision of 6e-8; the three sum in different orders, through a few layers,
# so their losses agree to a few units in the last place, far inside this tolerance.
RTOL = 1e-5


def problem(group):
    """The network builder, one initial state_dict (NumPy arrays), inputs and integer labels."""
    build, input_shape = NETWORKS[group]
    torch.manual_seed(0)
    state = reference.to_numpy(build(reference).state_dict())
    rng = np.random.default_rng(0)
    x = rng.standard_normal(input_shape).astype(np.float32)
    labels = rng.integers(0, CLASSES, size=BATCH)
    return build, state, x, labels


def manual_step(build, state, x, labels):
    model = build(manual_nn)
    model.load_state_dict(state)
    loss_fn = manual_nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(model(x), labels)
        model.backward(loss_fn.backward())
        for p in model.parameters():
            p.data -= LR * p.grad
        model.zero_grad()
        return float(loss)

    return step


def autograd_step(build, state, x, labels):
    model = build(autograd_nn)
    model.load_state_dict(state)
    loss_fn, tx = autograd_nn.CrossEntropyLoss(), Tensor(x)

    def step():
        loss = loss_fn(model(tx), labels)
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad.data
        model.zero_grad()
        return loss.item()

    return step


def torch_step(build, state, x, labels):
    model = build(reference)
    model.load_state_dict(reference.to_torch(state))
    loss_fn, tx, tlabels = reference.CrossEntropyLoss(), torch.from_numpy(x), torch.from_numpy(labels)

    def step():
        loss = loss_fn(model(tx), tlabels)
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= LR * p.grad
        model.zero_grad()
        return loss.item()

    return step


STEPS = {"scratch.manual": manual_step, "scratch.autograd": autograd_step, "torch": torch_step}


@functools.cache
def first_losses(group) -> dict[str, tuple[float, float]]:
    """The losses of the first two steps of every implementation, each from a fresh model."""
    losses = {}
    for impl, make_step in STEPS.items():
        step = make_step(*problem(group))
        losses[impl] = (step(), step())
    return losses


@pytest.mark.parametrize("group", list(NETWORKS))
@pytest.mark.parametrize("impl", IMPLS)
def test_training_step(benchmark, impl, group):
    losses = first_losses(group)
    for other in IMPLS:  # not timed: the three do the same work, step for step
        np.testing.assert_allclose(losses[other], losses["torch"], rtol=RTOL, err_msg=f"{group}: {other} vs torch")
    step = STEPS[impl](*problem(group))
    np.testing.assert_allclose(step(), losses[impl][0], rtol=RTOL)  # the step timed is the step checked

    benchmark.group = group
    benchmark.extra_info.update(impl=impl, group=group, batch=BATCH, dtype="float32")
    benchmark(step)


@pytest.mark.parametrize("impl", ["scratch.autograd", "torch"])
def test_mul_overhead(benchmark, impl):
    """The cost of recording one op: creating the output and its node in the graph, for almost no math."""
    value = np.array([1.5])  # float64
    x = torch.tensor(value, requires_grad=True) if impl == "torch" else Tensor(value, requires_grad=True)
    y = x * x
    assert y.requires_grad and not y.is_leaf, "the graph must be recorded, or there is no overhead to time"
    y.backward(torch.ones_like(y) if impl == "torch" else None)
    np.testing.assert_allclose(np.asarray(y.detach().numpy()), [2.25], rtol=0)
    np.testing.assert_allclose(np.asarray(x.grad.numpy()), [3.0], rtol=0)  # d(x*x)/dx = 2x
    x.grad = None

    benchmark.group = "x*x"
    benchmark.extra_info.update(impl=impl, group="x*x", dtype="float64")
    benchmark(operator.mul, x, x)
