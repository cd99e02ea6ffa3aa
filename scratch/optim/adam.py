"""Adam and AdamW, as torch.optim.Adam and torch.optim.AdamW: one update rule, two kinds of weight decay."""

import math

from scratch.kernels.backend import get_array_module
from scratch.optim.optimizer import Optimizer, check_non_negative


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with lr γ, betas (β1, β2), eps ε, weight decay λ (torch's documented algorithm).

    For each parameter θ with gradient g, at its t-th step (t = 1, 2, ...):

        g ← -g                                      if maximize
        θ ← θ (1 - γ λ)                             if decoupled_weight_decay   (AdamW)
        g ← g + λ θ                                 otherwise, if λ ≠ 0         (an L2 penalty)
        m ← β1 m + (1 - β1) g                       state "exp_avg",        from 0
        v ← β2 v + (1 - β2) g²                      state "exp_avg_sq",     from 0
        v_max ← max(v_max, v)                       state "max_exp_avg_sq", from 0, if amsgrad
        m̂ ← m / (1 - β1^t)
        v̂ ← v_max / (1 - β2^t) if amsgrad, else v / (1 - β2^t)
        θ ← θ - γ m̂ / (√v̂ + ε)

    State per parameter: "step" (t), "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with amsgrad.
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        maximize=False,
        decoupled_weight_decay=False,
    ):
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def check_hyper_parameters(self, group: dict) -> None:
        check_non_negative(self._name, "learning rate", "lr", group["lr"])
        check_non_negative(self._name, "epsilon value", "eps", group["eps"])
        betas = group["betas"] = tuple(group["betas"])
        if len(betas) != 2:
            raise ValueError(f"{self._name}: betas must be a pair (beta1, beta2), got {betas}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(
                    f"{self._name}: Invalid beta parameter at index {i}: {beta} (betas[{i}] must lie in [0, 1))"
                )
        check_non_negative(self._name, "weight_decay value", "weight_decay", group["weight_decay"])

    def update(self, param, grad, state: dict, group: dict) -> None:
        xp = get_array_module(param)
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(param)
            state["exp_avg_sq"] = xp.zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros_like(param)
        state["step"] += 1
        t = state["step"]

        g = -grad if group["maximize"] else grad
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                # NOTE AdamW: the decay shrinks θ directly, before the step, by γλ: it does not pass through
                # m and v, so it is not divided by √v̂ as an L2 term in g would be (Loshchilov & Hutter).
                param *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * param  # a new array: the caller's gradient is never written

        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * (g * g)
        if group["amsgrad"]:
            # NOTE amsgrad: the running maximum is kept of the raw v, before the bias correction; the
            # maximum is then corrected by the current step's 1 - β2^t, as torch does.
            v_max = state["max_exp_avg_sq"]
            xp.maximum(v_max, v, out=v_max)
            v = v_max

        # NOTE bias correction: m and v start at 0, so early on they are biased toward 0 by the factors
        # 1 - β^t; dividing those out makes m̂ = g and v̂ = g² at t = 1. ε is added after the
        # correction (to √v̂), and γ / (1 - β1^t) is folded into one step size, as in torch.
        denom = xp.sqrt(v) / math.sqrt(1 - beta2**t) + eps
        param -= (lr / (1 - beta1**t)) * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as torch.optim.AdamW.

    The update is Adam's with ``decoupled_weight_decay=True``: before each step θ ← θ (1 - γ λ), and λ
    never enters the gradient. The default λ is 1e-2 (Adam's is 0).
    """

    def __init__(
        self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False
    ):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True)
