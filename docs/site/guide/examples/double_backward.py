"""Second derivatives with ``create_graph=True``: a Hessian-vector product of the Rosenbrock function."""

import numpy as np
import torch

from scratch.autograd import Tensor


def rosenbrock(p):
    """f(x, y) = (1 - x)**2 + 100 (y - x**2)**2 at p = (x, y): our Tensors or torch's."""
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def hessian_vector_product(f, point, v):
    """(gradient, H v) of f at ``point``: two backward passes, the first one recorded."""
    p = Tensor(np.array(point), requires_grad=True)
    f(p).backward(create_graph=True)  # p.grad = g(p), a Tensor with a graph of its own
    g = p.grad
    p.zero_grad()  # p.grad is about to receive the second derivative
    (g * Tensor(np.array(v))).sum().backward()  # d(g . v)/dp = H v, since v is a constant
    return g.data, p.grad.data


def rosenbrock_hessian(x, y):
    """The Hessian of f, derived on paper."""
    return np.array([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]])


if __name__ == "__main__":
    point, v = (-1.5, 2.0), (1.0, -2.0)
    g, hv = hessian_vector_product(rosenbrock, point, v)
    print("gradient g     ", g)
    print("H v, ours      ", hv)
    print("H v, on paper  ", rosenbrock_hessian(*point) @ np.array(v))
    tp = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(rosenbrock(tp), tp, create_graph=True)
    (thv,) = torch.autograd.grad(tg @ torch.tensor(v, dtype=torch.float64), tp)
    print("H v, torch     ", thv.numpy())
