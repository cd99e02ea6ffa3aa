"""RMSprop, plain or centered, with optional momentum, as torch.optim.RMSprop."""

from scratch.kernels.backend import get_array_module
from scratch.optim.optimizer import Optimizer, check_non_negative


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e) with lr γ, alpha α, eps ε, momentum μ, weight decay λ (torch's algorithm).

    For each parameter θ with gradient g, at each step:

        g ← -g                              if maximize
        g ← g + λ θ                         if λ ≠ 0        (an L2 penalty)
        v ← α v + (1 - α) g²                state "square_avg", from 0
        if centered:
            ḡ ← α ḡ + (1 - α) g             state "grad_avg", from 0
            d ← √(v - ḡ²) + ε
        else:
            d ← √v + ε
        if μ > 0:
            b ← μ b + g / d                 state "momentum_buffer", from 0
            θ ← θ - γ b
        else:
            θ ← θ - γ g / d

    State per parameter: "step" (counted, as torch counts it, though the rule never reads it),
    "square_avg", "momentum_buffer" when μ > 0, "grad_avg" when centered.
    NOTE: unlike Adam there is no bias correction: v starts at 0, so the first steps are large
    (at t = 1, d = √(1 - α) |g|: a step of γ / √(1 - α), ten times γ for α = 0.99).
    """

    def __init__(
        self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *, maximize=False
    ):
        defaults = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def check_hyper_parameters(self, group: dict) -> None:
        check_non_negative(self._name, "learning rate", "lr", group["lr"])
        check_non_negative(self._name, "epsilon value", "eps", group["eps"])
        check_non_negative(self._name, "momentum value", "momentum", group["momentum"])
        check_non_negative(self._name, "weight_decay value", "weight_decay", group["weight_decay"])
        check_non_negative(self._name, "alpha value", "alpha", group["alpha"])

    def update(self, param, grad, state: dict, group: dict) -> None:
        xp = get_array_module(param)
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = xp.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = xp.zeros_like(param)
        state["step"] += 1

        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * param  # a new array: the caller's gradient is never written
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * (g * g)
        if group["centered"]:
            # NOTE centered: v - ḡ² estimates the variance of g, not its raw second moment, so a gradient
            # that keeps its sign (small variance) gets a larger step. v - ḡ² >= 0 in exact arithmetic.
            g_avg = state["grad_avg"]
            g_avg *= alpha
            g_avg += (1 - alpha) * g
            d = xp.sqrt(v - g_avg * g_avg) + eps
        else:
            d = xp.sqrt(v) + eps
        if momentum > 0:
            # NOTE: this buffer starts at 0 and accumulates the normalised step g / d (SGD's starts at g).
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += g / d
            param -= lr * buf
        else:
            param -= lr * (g / d)
