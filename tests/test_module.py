"""The layer protocol of scratch.manual: parameters, state_dict, modes, dtype, gradient accumulation."""

import subprocess
import sys

import numpy as np
import pytest
import torch

import reference
import scratch.manual as nn
from scratch.random import manual_seed


def small_net(ns, **dtype):
    return ns.Sequential(
        ns.Conv2d(2, 3, 3, padding=1, **dtype),
        ns.BatchNorm2d(3, **dtype),
        ns.ReLU(),
        ns.Flatten(),
        ns.Linear(3 * 4 * 4, 2, **dtype),
        ns.BatchNorm1d(2, **dtype),
    )


def test_state_dict_keys_are_torchs():
    ours, theirs = small_net(nn).state_dict(), small_net(reference).state_dict()
    assert list(ours) == list(theirs)
    for key in ours:
        assert ours[key].shape == tuple(theirs[key].shape), key


def test_a_torch_state_dict_loads_and_gives_torchs_output():
    torch.manual_seed(0)
    theirs = small_net(reference, dtype=torch.float64).eval()
    ours = small_net(nn, dtype=np.float64).eval()
    ours.load_state_dict(reference.to_numpy(theirs.state_dict()))
    x = np.random.default_rng(0).standard_normal((2, 2, 4, 4))
    np.testing.assert_allclose(ours(x), theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-10, atol=1e-12)
    back = small_net(reference, dtype=torch.float64).eval()
    back.load_state_dict(reference.to_torch(ours.state_dict()))  # and the other way
    np.testing.assert_allclose(back(torch.from_numpy(x)).detach().numpy(), ours(x), rtol=1e-10, atol=1e-12)


def test_load_state_dict_keeps_the_layers_dtype():
    layer = nn.Linear(3, 2)  # float32 by default, as in torch
    layer.load_state_dict({"weight": np.ones((2, 3)), "bias": np.zeros(2)})  # float64 arrays
    assert layer.params["weight"].dtype == np.float32 and layer.params["bias"].dtype == np.float32


def test_load_state_dict_names_missing_unexpected_and_misshapen_keys():
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r"Missing key\(s\).*'bias'"):
        layer.load_state_dict({"weight": np.ones((2, 3))})
    with pytest.raises(RuntimeError, match=r"Unexpected key\(s\).*'extra'"):
        layer.load_state_dict({"weight": np.ones((2, 3)), "bias": np.zeros(2), "extra": np.zeros(1)})
    with pytest.raises(RuntimeError, match=r"size mismatch for weight.*\(3, 2\).*\(2, 3\)"):
        layer.load_state_dict({"weight": np.ones((3, 2)), "bias": np.zeros(2)})
    assert np.all(layer.params["weight"] != 1), "a refused load must leave the layer untouched"


def test_parameters_are_live_views_for_optimizers():
    net = small_net(nn, dtype=np.float64)
    names = [name for name, _ in net.named_parameters()]
    assert names == [name for name, _ in small_net(reference).named_parameters()]
    x = np.random.default_rng(1).standard_normal((3, 2, 4, 4))
    net.backward(np.ones_like(net(x)))
    layers = {f"{i}.{k}": layer for i, layer in enumerate(net.layers) for k in layer.params}
    for name, p in net.named_parameters():
        assert p.grad is not None and p.grad.shape == p.data.shape
        owner, key = layers[name], name.split(".")[1]
        before = owner.params[key].copy()
        p.data -= 0.1 * p.grad  # what an SGD step does, through the Parameter
        np.testing.assert_array_equal(owner.params[key], before - 0.1 * owner.grads[key])  # seen by the layer


def test_gradients_accumulate_until_zero_grad():
    layer = nn.Linear(3, 2, dtype=np.float64)
    x, dout = np.ones((4, 3)), np.ones((4, 2))
    layer(x)
    layer.backward(dout)
    once = layer.grads["weight"].copy()
    layer(x)
    layer.backward(dout)
    np.testing.assert_array_equal(layer.grads["weight"], 2 * once)
    layer.zero_grad()
    assert all(p.grad is None for p in layer.parameters())


def test_train_and_eval_reach_every_layer():
    net = small_net(nn)
    net.eval()
    assert not any(layer.training for layer in net.layers)
    net.train()
    assert all(layer.training for layer in net.layers)


def test_default_init_has_torchs_bounds():
    manual_seed(0)
    for layer, fan_in in [(nn.Linear(50, 40), 50), (nn.Conv2d(4, 8, (3, 2)), 24)]:
        bound = 1 / np.sqrt(fan_in)
        for name, p in layer.params.items():
            assert np.abs(p).max() <= bound, name
            assert np.abs(p).max() > 0.8 * bound, f"{name} should fill U(-{bound:.3f}, {bound:.3f})"


def test_wrong_input_dtype_is_refused_not_cast():
    with pytest.raises(RuntimeError, match=r"float32.*float64|float64.*float32"):
        nn.Conv2d(1, 1, 2)(np.zeros((1, 1, 3, 3)))  # float64 input, float32 layer
    with pytest.raises(TypeError, match="floating"):
        nn.ReLU()(np.zeros((2, 2), dtype=np.int64))


def test_unbatched_inputs_work_as_in_torch():
    conv, pool = nn.Conv2d(2, 3, 2, dtype=np.float64), nn.MaxPool2d(2)
    x = np.random.default_rng(0).standard_normal((2, 5, 5))
    y = conv(x)
    assert y.shape == (3, 4, 4)
    assert conv.backward(np.ones_like(y)).shape == x.shape
    z = pool(x)
    assert z.shape == (2, 2, 2) and pool.backward(np.ones_like(z)).shape == x.shape


def test_gradients_keep_the_layers_dtype_whatever_dout_is():
    for layer, x in [
        (nn.Linear(3, 2), np.ones((4, 3), np.float32)),
        (nn.Conv2d(1, 2, 2), np.ones((1, 1, 3, 3), np.float32)),
    ]:
        out = layer(x)
        dx = layer.backward(np.ones(out.shape, np.float64))
        assert dx.dtype == np.float32 and all(g.dtype == np.float32 for g in layer.grads.values())


@pytest.mark.parametrize(
    "make", [lambda: nn.Linear(2, 2), lambda: nn.ReLU(), lambda: nn.Dropout(), lambda: nn.Flatten()]
)
def test_backward_before_forward_is_a_clear_error(make):
    with pytest.raises(RuntimeError, match="backward called before forward"):
        make().backward(np.ones((2, 2), np.float32))


def test_reduced_losses_take_a_scalar_dout():
    loss = nn.CrossEntropyLoss()
    loss(np.zeros((3, 2)), np.array([0, 1, 0]))
    with pytest.raises(ValueError, match=r"scalar.*\[3\]"):
        loss.backward(np.ones(3))  # would silently act as per-sample weights


def test_constructor_arguments_are_torchs():
    """bias and dtype are keyword-only where torch has other arguments in those positions."""
    with pytest.raises(TypeError):
        nn.Conv2d(1, 1, 3, 1, 0, False)  # torch's sixth positional is dilation
    with pytest.raises(TypeError):
        nn.Linear(2, 2, True, np.float64)  # torch's fourth positional is device


def test_flatten_zero_size_batch():
    assert nn.Flatten()(np.zeros((0, 3, 4))).shape == (0, 12)


def test_counters_refuse_float_values():
    with pytest.raises(RuntimeError, match="num_batches_tracked"):
        nn.BatchNorm1d(2).load_state_dict(
            {
                "weight": np.ones(2),
                "bias": np.zeros(2),
                "running_mean": np.zeros(2),
                "running_var": np.ones(2),
                "num_batches_tracked": np.array(2.7),
            }
        )


def test_scratch_never_imports_torch():
    code = (
        "import sys, scratch, scratch.manual, scratch.kernels, scratch.autograd.ops, scratch.autograd.nn, "
        "scratch.autograd.functional, scratch.autograd.models, scratch.data; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
