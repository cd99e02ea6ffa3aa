"""Optimizers, learning-rate schedules and gradient clipping with torch.optim's rules, for both worlds.

One implementation serves the hand-written layers (``scratch.manual``: ``layer.parameters()``) and the
autograd modules (``scratch.autograd.nn``: ``model.parameters()``): an optimizer takes any objects
with ``.data`` (an array, updated in place) and ``.grad``, as ``scratch.optim.optimizer`` explains.

    opt = Adam(model.parameters(), lr=1e-3)
    sched = StepLR(opt, step_size=10, gamma=0.5)
    for epoch in range(epochs):
        for x, y in batches:
            opt.zero_grad()
            ...  # forward and backward fill every parameter's .grad
            clip_grad_norm_(model.parameters(), max_norm=1.0)
            opt.step()
        sched.step()
"""

from scratch.optim import lr_scheduler
from scratch.optim.adam import Adam, AdamW
from scratch.optim.clip_grad import clip_grad_norm_
from scratch.optim.lr_scheduler import ExponentialLR, LRScheduler, StepLR
from scratch.optim.optimizer import Optimizer
from scratch.optim.rmsprop import RMSprop
from scratch.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "ExponentialLR",
    "LRScheduler",
    "Optimizer",
    "RMSprop",
    "StepLR",
    "clip_grad_norm_",
    "lr_scheduler",
]
