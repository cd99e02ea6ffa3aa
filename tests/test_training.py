"""End to end: one MLP trained three ways from the same weights, and the loss curves agree.

A hand-written MLP with scratch.optim, an autograd MLP with scratch.optim, and a torch MLP with
torch.optim start from one state_dict and take 50 full-batch steps on make_moons (float64), with an
exponential learning-rate schedule and gradient-norm clipping. Every step's loss must agree with
torch's to 1e-9 (relative): the forward, the backward, the clipping, the optimizer and the schedule
of both scratch columns, all at once.
"""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_moons

import reference
import scratch.autograd.nn as autograd_nn
import scratch.manual as manual_nn
import scratch.optim
from scratch.autograd import Tensor

STEPS, RTOL = 50, 1e-9
OPTIMIZERS = {
    "SGD": dict(lr=0.5, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "Adam": dict(lr=0.02, betas=(0.9, 0.99), weight_decay=1e-3, amsgrad=True),
    "AdamW": dict(lr=0.02, weight_decay=0.1),
    "RMSprop": dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True),
}


def mlp(nn, **dtype):
    return nn.Sequential(
        nn.Linear(2, 16, **dtype), nn.Tanh(), nn.Linear(16, 16, **dtype), nn.ReLU(), nn.Linear(16, 2, **dtype)
    )


def torch_curve(model, x, y, name):
    opt = getattr(torch.optim, name)(model.parameters(), **OPTIMIZERS[name])
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.97)
    loss_fn, losses = torch.nn.CrossEntropyLoss(), []
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
    return losses


def scratch_curve(model, x, y, name, backward):
    opt = getattr(scratch.optim, name)(model.parameters(), **OPTIMIZERS[name])
    sched = scratch.optim.ExponentialLR(opt, gamma=0.97)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        losses.append(backward(model, x, y))
        scratch.optim.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        sched.step()
    return losses


def manual_step(model, x, y):
    loss_fn = manual_nn.CrossEntropyLoss()
    loss = loss_fn(model(x), y)
    model.backward(loss_fn.backward())
    return float(loss)


def autograd_step(model, x, y):
    loss = autograd_nn.CrossEntropyLoss()(model(Tensor(x)), y)
    loss.backward()
    return loss.item()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_three_mlps_train_identically_on_moons(name):
    x, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    torch.manual_seed(0)
    theirs = mlp(reference, dtype=torch.float64)
    state = reference.to_numpy(theirs.state_dict())
    manual, autograd = mlp(manual_nn, dtype=np.float64), mlp(autograd_nn, dtype=np.float64)
    manual.load_state_dict(state)
    autograd.load_state_dict(state)
    expected = torch_curve(theirs, x, y, name)
    assert expected[-1] < 0.8 * expected[0], "the torch run itself should learn something"
    for label, model, step in (("scratch.manual", manual, manual_step), ("scratch.autograd", autograd, autograd_step)):
        curve = scratch_curve(model, x, y, name, step)
        np.testing.assert_allclose(curve, expected, rtol=RTOL, err_msg=f"{name}: loss per step, {label} vs torch")
