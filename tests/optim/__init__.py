"""What the scratch.optim tests share: parameters of both worlds, and a comparison that explains a failure.

scratch.optim takes the parameters of the hand-written layers (``scratch.manual``) and of the
autograd modules (``scratch.autograd.nn``) alike; every parity check here runs for both, on a
``Linear`` layer whose weights come from a seed. The tests read and set gradients themselves, per
world, rather than through scratch.optim's own helper, so they check that helper too.
"""

import numpy as np
import torch

import scratch.autograd.nn as autograd_nn
import scratch.manual as manual
from scratch.autograd import Tensor
from scratch_parity.checks import Discrepancy, ParityError, discrepancy
from scratch_parity.registry import TOLERANCES, Tolerance

WORLDS = ["scratch.manual", "scratch.autograd.nn"]
IMPL = "scratch.optim"
TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}

# float64: the registry's tolerance. float32: both sides round every operation to float32 (unit
# roundoff u = 6e-8), in different orders (torch fuses some, e.g. addcdiv, and sums in other orders);
# over 20 updates the differences add up, and grow where a parameter comes back near 0 after a larger
# excursion (gradient ascent with maximize=True, momentum). Up to 6e-6 (relative) was seen over 2000
# examples of the thorough profile; 2e-5 (~300 u) leaves room for that.
TOLERANCE = {"float64": TOLERANCES["float64"], "float32": Tolerance(rtol=2e-5, atol=2e-6)}


def make_linear(world: str, in_features: int, out_features: int, bias: bool, dtype: str, seed: int):
    """A Linear layer of ``world`` with weights drawn from ``seed``, and its named parameters."""
    namespace = manual if world == "scratch.manual" else autograd_nn
    layer = namespace.Linear(in_features, out_features, bias, dtype=np.dtype(dtype))
    rng = np.random.default_rng([seed, 0])
    layer.load_state_dict({name: rng.standard_normal(p.shape) for name, p in layer.named_parameters()})
    return layer, list(layer.named_parameters())


def get_grad(world: str, p):
    """The parameter's gradient as an ndarray (a copy), or None."""
    if p.grad is None:
        return None
    return np.array(p.grad if world == "scratch.manual" else p.grad.data)


def set_grad(world: str, p, grad) -> None:
    if grad is None or world == "scratch.manual":
        p.grad = grad
    else:
        p.grad = Tensor(grad)


def torch_twins(params, dtype: str) -> list[torch.Tensor]:
    """Leaf tensors holding copies of the parameters' values: torch's side of a comparison."""
    return [torch.tensor(np.array(p.data), dtype=TORCH_DTYPES[dtype], requires_grad=True) for p in params]


def compare(yours, theirs, tol: Tolerance, what: str, reproduce: str, theirs_name: str = "torch") -> Discrepancy:
    """Discrepancy of ``yours`` against ``theirs``; ParityError naming the worst element and how to reproduce."""
    yours, theirs = np.asarray(yours), np.asarray(theirs)
    if yours.shape != theirs.shape:
        raise ParityError(
            f"{what}: shape {yours.shape} in yours ({IMPL}) but {theirs.shape} in {theirs_name}\n{reproduce}",
            Discrepancy(np.inf, np.inf, (), False),
        )
    d = discrepancy(yours, theirs, tol)
    if not d.ok:
        i = d.worst
        raise ParityError(
            f"{what} differs between yours ({IMPL}) and {theirs_name}\n"
            f"  worst element at index {tuple(map(int, i))}: yours = {yours[i].item()!r}, "
            f"{theirs_name} = {theirs[i].item()!r}\n"
            f"  max abs error {d.max_abs:.3g}, max rel error {d.max_rel:.3g}; "
            f"allowed |yours - {theirs_name}| <= {tol.atol:g} + {tol.rtol:g} * |{theirs_name}|\n{reproduce}",
            d,
        )
    return d


def reproduction(*lines: str) -> str:
    return "Reproduce (paste into python at the repository root):\n" + "\n".join("    " + s for s in lines)
