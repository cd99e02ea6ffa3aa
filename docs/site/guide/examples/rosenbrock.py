"""The scratch optimizers and torch.optim, from one start on the Rosenbrock function, step for step.

f(x, y) = (1 - x)**2 + 100 (y - x**2)**2 has its minimum f = 0 at (1, 1), at the end of a long,
curved, flat-bottomed valley: a classic test of how an update rule copes with bad conditioning.
Both sides get the same gradient (written out below); only the update rules differ in origin.
"""

import numpy as np
import torch

import scratch.optim

START = (-1.5, 2.0)
STEPS = 600

# name: (optimizer class name, keyword arguments), the same for scratch.optim and torch.optim
SETTINGS = {
    "SGD, momentum 0.9": ("SGD", dict(lr=1e-3, momentum=0.9)),
    "SGD, Nesterov 0.9": ("SGD", dict(lr=1e-3, momentum=0.9, nesterov=True)),
    "Adam": ("Adam", dict(lr=0.1)),
    "AdamW, weight decay 0.1": ("AdamW", dict(lr=0.1, weight_decay=0.1)),
    "RMSprop": ("RMSprop", dict(lr=0.005)),
}


def rosenbrock_grad(p):
    """(df/dx, df/dy) at p = (x, y), for either a NumPy array or a torch tensor."""
    x, y = p[0], p[1]
    return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]


class Point:
    """The least an optimizer accepts: ``.data`` (updated in place) and ``.grad``."""

    def __init__(self, xy):
        self.data = np.array(xy, dtype=np.float64)
        self.grad = None


def run_scratch(name, kwargs, steps=STEPS):
    """The path (steps + 1, 2) of a scratch.optim optimizer."""
    p = Point(START)
    opt = getattr(scratch.optim, name)([p], **kwargs)
    path = [p.data.copy()]
    for _ in range(steps):
        p.grad = np.array(rosenbrock_grad(p.data))
        opt.step()
        path.append(p.data.copy())
    return np.array(path)


def run_torch(name, kwargs, steps=STEPS):
    """The path (steps + 1, 2) of the torch.optim optimizer of that name and settings."""
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, name)([p], **kwargs)
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        with torch.no_grad():
            p.grad = torch.stack(rosenbrock_grad(p))
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)
