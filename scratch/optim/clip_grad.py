"""Gradient clipping by total norm, as torch.nn.utils.clip_grad_norm_."""

import math

from scratch.kernels.backend import get_array_module
from scratch.optim.optimizer import grad_array, is_parameter


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False) -> float:
    """Scale the gradients in place so that their total norm is at most ``max_norm``; return the total norm.

    The total norm is the p-norm (p = ``norm_type``) of all gradients taken as one vector, computed as
    torch computes it, as the norm of the per-parameter norms:

        total = ‖(‖g_1‖_p, ‖g_2‖_p, ...)‖_p          (p = inf: the largest |element|)
        c = max_norm / (total + 1e-6)
        g_i ← c g_i   for every i, if c < 1         (otherwise the gradients are left as they are)

    Parameters whose gradient is None are skipped; a single parameter may be passed alone. The norm
    before clipping is returned (as a float; torch returns a 0-d tensor); it is 0.0 when no parameter
    has a gradient. With ``error_if_nonfinite`` a NaN or infinite total norm raises RuntimeError.
    """
    if is_parameter(parameters):
        parameters = [parameters]
    grads = [g for g in map(grad_array, parameters) if g is not None]
    if not grads:
        return 0.0
    norm_type = float(norm_type)  # torch accepts "inf" too
    xp = get_array_module(grads[0])
    norms = xp.stack([vector_norm(g, norm_type) for g in grads])
    total = float(vector_norm(norms, norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite ({total}), so it "
            "cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, "
            "set `error_if_nonfinite=False`"
        )
    coef = max_norm / (total + 1e-6)
    if coef < 1:  # otherwise the gradients are left untouched (torch multiplies them by exactly 1.0)
        for g in grads:
            g *= coef
    return total


def vector_norm(x, p: float):
    """‖x‖_p of all elements of ``x``, in its dtype: (Σ|x|^p)^(1/p); p = inf the max |x|, p = -inf the min,
    p = 0 the count of non-zeros (as torch.linalg.vector_norm). An empty array has norm 0."""
    xp = get_array_module(x)
    a = xp.abs(x).ravel()
    if a.size == 0:
        return xp.zeros((), dtype=a.dtype)
    if p == math.inf:
        return a.max()
    if p == -math.inf:
        return a.min()
    if p == 0:
        return xp.asarray(xp.count_nonzero(a), dtype=a.dtype)
    if p == 1:
        return a.sum()
    if p == 2:
        return xp.sqrt(xp.dot(a, a))
    return (a**p).sum() ** (1 / p)
