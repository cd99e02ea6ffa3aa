"""scratch.autograd.functional against torch.nn.functional: values, gradients and second derivatives."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis.extra import numpy as hnp

import scratch.autograd.functional as AF
from scratch.autograd import Tensor
from scratch_parity.registry import TOLERANCES
from scratch_parity.strategies import SEEDS

TOL = TOLERANCES["float64"]
ACTIVATIONS = {
    "sigmoid": (AF.sigmoid, torch.sigmoid),
    "tanh": (AF.tanh, torch.tanh),
    "relu": (AF.relu, F.relu),
    "leaky_relu": (lambda x: AF.leaky_relu(x, 0.2), lambda x: F.leaky_relu(x, 0.2)),
    "selu": (AF.selu, F.selu),
}


def inputs(seed, shape):
    """Normal values with some exact zeros (where ReLU-like derivatives switch)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3
    return np.where(rng.random(shape) < 0.2, 0.0, x), rng.standard_normal(shape)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), seed=SEEDS)
def test_activation_value_gradient_and_second_derivative(name, shape, seed):
    ours_f, torch_f = ACTIVATIONS[name]
    a, dout = inputs(seed, shape)
    x, tx = Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = ours_f(x), torch_f(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=TOL.rtol, atol=TOL.atol, err_msg="forward")
    y.backward(dout, create_graph=True)
    (tgx,) = torch.autograd.grad(ty, tx, torch.from_numpy(dout), create_graph=True)
    np.testing.assert_allclose(x.grad.data, tgx.detach().numpy(), rtol=TOL.rtol, atol=TOL.atol, err_msg="dx")
    gx = x.grad
    x.zero_grad()
    if gx.requires_grad:  # piecewise-linear activations give gy * constant: no graph, zero curvature
        gx.sum().backward()
    second = torch.autograd.grad(tgx.sum(), tx, allow_unused=True)[0] if tgx.requires_grad else None
    expected = np.zeros(shape) if second is None else second.numpy()
    got = np.zeros(shape) if x.grad is None else x.grad.data
    np.testing.assert_allclose(got, expected, rtol=TOL.rtol, atol=TOL.atol, err_msg="second derivative")


def test_sigmoid_is_stable_at_extremes():
    x = Tensor(np.array([-1e4, -800.0, 0.0, 800.0, 1e4]), requires_grad=True)
    y = AF.sigmoid(x)
    y.backward(np.ones(5))
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(x.grad.data))
    np.testing.assert_array_equal(y.data[[0, 2, 4]], [0.0, 0.5, 1.0])
