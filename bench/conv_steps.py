"""The convolution steps that the benchmarks time: one case's inputs and torch's answers, and a step per implementation.

``Problem(case)`` makes a case's inputs and torch's answers once; ``make_step(impl, problem, backward)``
returns ``(step, answers)``: a callable that runs one forward (and backward) of that implementation,
and its answers, which ``Problem.check`` holds to torch's before anything is timed.
"""

import numpy as np
import pytest
import torch

import reference
import scratch.autograd.functional as F
import scratch.manual as manual
from bench.conv_cases import ConvCase
from scratch.autograd import Tensor, no_grad
from scratch.kernels import conv as kernels

CPU_IMPLS = ["scratch.manual", "scratch.autograd", "torch"]
GPU_IMPLS = ["cupy", "torch-cuda"]
# float32 sums of up to C*KH*KW = 4608 products (and N*OH*OW = 4096 for dW), in different orders on
# each side: the differences are rounding, a few 1e-6 of the largest value.
RTOL, ATOL_SCALE = 1e-4, 1e-4


def case_id(case: ConvCase) -> str:
    return f"{case.role}:{case.name}".replace(" ", "_")


class Problem:
    """One case's inputs and torch's answers, made once per case and shared by its benchmarks."""

    def __init__(self, case: ConvCase):
        rng = np.random.default_rng(0)
        self.case, self.stride, self.padding = case, (case.stride,) * 2, (case.padding,) * 2
        self.torch_layer = reference.Conv2d(case.C, case.Cout, case.kernel, stride=case.stride, padding=case.padding)
        self.state = {k: v.detach().numpy().copy() for k, v in self.torch_layer.state_dict().items()}
        self.x = rng.standard_normal((case.N, case.C, case.H, case.W)).astype(np.float32)
        self.gy = rng.standard_normal((case.N, case.Cout, *case.out_hw)).astype(np.float32)
        tx = torch.from_numpy(self.x).requires_grad_(True)
        y = self.torch_layer(tx)
        y.backward(torch.from_numpy(self.gy))
        self.expected = {
            "y": y.detach().numpy(),
            "dx": tx.grad.numpy(),
            "dW": self.torch_layer.weight.grad.numpy().copy(),
            "db": self.torch_layer.bias.grad.numpy().copy(),
        }
        self.torch_layer.zero_grad()

    def check(self, impl: str, got: dict) -> None:
        """Refuse to time an implementation whose answers are not torch's."""
        for name, value in got.items():
            want = self.expected[name]
            atol = ATOL_SCALE * float(np.abs(want).max())
            if value.shape != want.shape or not np.allclose(value, want, rtol=RTOL, atol=atol):
                err = np.abs(value - want).max() if value.shape == want.shape else "shape"
                pytest.fail(
                    f"not timing {impl} on {self.case.name}: its {name} differs from torch's "
                    f"(shape {value.shape} vs {want.shape}; largest difference {err}; atol {atol:.2g})"
                )


_PROBLEMS: dict[ConvCase, Problem] = {}


def problem(case: ConvCase) -> Problem:
    if case not in _PROBLEMS:
        _PROBLEMS.clear()  # one case's arrays at a time: the large cases hold a few hundred MB
        _PROBLEMS[case] = Problem(case)
    return _PROBLEMS[case]


# -- the timed calls, one maker per implementation: (problem, with_backward) -> (step, answers) ----------


def manual_step(p: Problem, backward: bool):
    c = p.case
    layer = manual.Conv2d(c.C, c.Cout, c.kernel, stride=c.stride, padding=c.padding)
    layer.load_state_dict(p.state)

    def step():
        y = layer(p.x)
        return (y, layer.backward(p.gy)) if backward else (y, None)

    y, dx = step()
    answers = {"y": y}
    if backward:
        answers.update(dx=dx, dW=layer.grads["weight"], db=layer.grads["bias"])
    return step, answers


def autograd_step(p: Problem, backward: bool):
    weight, bias = Tensor(p.state["weight"], requires_grad=True), Tensor(p.state["bias"], requires_grad=True)
    x = Tensor(p.x, requires_grad=True)

    def step():
        if not backward:
            with no_grad():
                return F.conv2d(x, weight, bias, stride=p.stride, padding=p.padding)
        y = F.conv2d(x, weight, bias, stride=p.stride, padding=p.padding)
        y.backward(p.gy)
        return y

    y = step()
    answers = {"y": y.data}
    if backward:
        answers.update(dx=x.grad.data, dW=weight.grad.data, db=bias.grad.data)
    return step, answers


def torch_step(p: Problem, backward: bool, device: str = "cpu"):
    layer = p.torch_layer.to(device)
    tx = torch.from_numpy(p.x).to(device).requires_grad_(backward)
    tgy = torch.from_numpy(p.gy).to(device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def step():
        if backward:
            y = layer(tx)
            y.backward(tgy)
        else:
            with torch.no_grad():
                y = layer(tx)
        sync()
        return y

    y = step()
    answers = {"y": y.detach().cpu().numpy()}
    if backward:
        answers.update(dx=tx.grad.cpu().numpy(), dW=layer.weight.grad.cpu().numpy(), db=layer.bias.grad.cpu().numpy())
    return step, answers


def naive_step(p: Problem, backward: bool):
    def step():
        y = kernels.conv2d_forward_naive(p.x, p.state["weight"], p.state["bias"], p.stride, p.padding)
        if not backward:
            return y, None
        return y, kernels.conv2d_backward_naive(p.gy, p.x, p.state["weight"], p.stride, p.padding)

    y, grads = step()
    answers = {"y": y}
    if backward:
        answers.update(zip(("dx", "dW", "db"), grads, strict=True))
    return step, answers


def cupy_step(p: Problem, backward: bool, xp=None):
    """The kernels on CuPy arrays (``xp``: another array module with CuPy's API, for the tests)."""
    if xp is None:
        xp = pytest.importorskip("cupy", reason="cupy is not installed: the GPU benchmarks need a CUDA GPU and CuPy")
    sync = xp.cuda.Device().synchronize if hasattr(xp, "cuda") else (lambda: None)
    x, gy = xp.asarray(p.x), xp.asarray(p.gy)
    weight, bias = xp.asarray(p.state["weight"]), xp.asarray(p.state["bias"])
    kernel_size = (p.case.kernel,) * 2

    def step():
        y, cols = kernels.conv2d_forward(x, weight, bias, p.stride, p.padding)
        grads = None
        if backward:
            dW = kernels.conv2d_grad_weight(gy, x, kernel_size, p.stride, p.padding, cols)
            dx = kernels.conv2d_grad_input(gy, weight, x.shape, p.stride, p.padding)
            grads = (dx, dW, gy.sum(axis=(0, 2, 3)))
        sync()
        return y, grads

    y, grads = step()
    answers = {"y": xp.asnumpy(y)}
    if backward:
        answers.update(zip(("dx", "dW", "db"), (xp.asnumpy(g) for g in grads), strict=True))
    return step, answers


def make_step(impl: str, p: Problem, backward: bool):
    if impl in GPU_IMPLS:
        if not torch.cuda.is_available():
            pytest.skip("no CUDA GPU here: the GPU benchmarks (cupy, torch-cuda) are still to be measured")
        # TF32 would round the products' inputs to 10 bits of mantissa: off, so both sides compute in fp32
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    makers = {
        "scratch.manual": manual_step,
        "scratch.autograd": autograd_step,
        "torch": torch_step,
        "naive loops": naive_step,
        "cupy": cupy_step,
        "torch-cuda": lambda p, b: torch_step(p, b, "cuda"),
    }
    return makers[impl](p, backward)
