"""Stochastic gradient descent, with momentum and Nesterov momentum, as torch.optim.SGD."""

from scratch.optim.optimizer import Optimizer, check_non_negative


class SGD(Optimizer):
    """SGD with lr γ, momentum μ, dampening τ, weight decay λ (torch's documented algorithm).

    For each parameter θ with gradient g, at its t-th step:

        g ← -g                               if maximize
        g ← g + λ θ                          if λ ≠ 0      (an L2 penalty, added to the gradient)
        if μ ≠ 0:
            b ← g                            if t = 1      (state "momentum_buffer")
            b ← μ b + (1 - τ) g              if t > 1
            g ← g + μ b                      if nesterov
            g ← b                            otherwise
        θ ← θ - γ g

    State per parameter: "momentum_buffer" (b), only when μ ≠ 0; without momentum SGD keeps none.
    Nesterov momentum needs μ > 0 and τ = 0, as in torch.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False):
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def check_hyper_parameters(self, group: dict) -> None:
        check_non_negative(self._name, "learning rate", "lr", group["lr"])
        check_non_negative(self._name, "momentum value", "momentum", group["momentum"])
        check_non_negative(self._name, "weight_decay value", "weight_decay", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"{self._name}: Nesterov momentum requires a momentum and zero dampening, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def update(self, param, grad, state: dict, group: dict) -> None:
        lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
        g = -grad if group["maximize"] else grad
        if weight_decay != 0:
            g = g + weight_decay * param  # a new array: the caller's gradient is never written
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # NOTE: the first step copies g into the buffer, undamped: b_1 = g, not (1 - τ) g.
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * g
            # NOTE: Nesterov looks ahead along the buffer: the step is g + μ b (the gradient plus the
            # next momentum step), where plain momentum steps along b alone.
            g = g + momentum * buf if group["nesterov"] else buf
        param -= lr * g
