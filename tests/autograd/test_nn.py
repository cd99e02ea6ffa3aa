"""scratch.autograd.nn's Module protocol against torch.nn's: registration, state_dict, modes, dtype, gradients."""

import numpy as np
import pytest
import torch

import reference
import scratch.autograd.nn as nn
from scratch.autograd import Tensor
from scratch.random import manual_seed


def small_net(ns, **dtype):
    return ns.Sequential(
        ns.Conv2d(2, 3, 3, padding=1, **dtype),
        ns.BatchNorm2d(3, **dtype),
        ns.ReLU(),
        ns.Sequential(ns.MaxPool2d(2), ns.Flatten()),
        ns.Linear(3 * 2 * 2, 4, bias=False, **dtype),
        ns.BatchNorm1d(4, affine=False, **dtype),
        ns.Dropout(0.5),
        ns.Linear(4, 2, **dtype),
    )


def test_registration_gives_torchs_keys_order_and_shapes():
    ours, theirs = small_net(nn), small_net(reference)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    ours_state, theirs_state = ours.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(theirs_state)
    for key, value in ours_state.items():
        assert value.shape == tuple(theirs_state[key].shape), key


def test_a_torch_state_dict_loads_and_gives_torchs_output_and_gradients():
    torch.manual_seed(0)
    theirs = small_net(reference, dtype=torch.float64).eval()
    ours = small_net(nn, dtype=np.float64).eval()
    ours.load_state_dict(reference.to_numpy(theirs.state_dict()))
    a = np.random.default_rng(0).standard_normal((2, 2, 4, 4))
    x, tx = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, tout = ours(x), theirs(tx)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    tout.sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


def test_state_dict_holds_copies_and_load_keeps_dtype_and_identity():
    layer = nn.Linear(3, 2)  # float32 by default, as in torch
    weight = layer.weight.data
    layer.state_dict()["weight"][...] = 7  # a copy: the layer is untouched
    assert not np.any(layer.weight.data == 7)
    layer.load_state_dict({"weight": np.ones((2, 3)), "bias": np.zeros(2)})  # float64 values
    assert layer.weight.data is weight and weight.dtype == np.float32 and np.all(weight == 1)


def test_load_state_dict_names_missing_unexpected_and_misshapen_keys():
    net = small_net(nn)
    state = net.state_dict()
    with pytest.raises(RuntimeError, match=r"Missing key\(s\).*'1.running_var'"):
        net.load_state_dict({k: v for k, v in state.items() if k != "1.running_var"})
    with pytest.raises(RuntimeError, match=r"Unexpected key\(s\).*'extra'"):
        net.load_state_dict({**state, "extra": np.zeros(1)})
    with pytest.raises(RuntimeError, match=r"size mismatch for 0.weight"):
        net.load_state_dict({**state, "0.weight": np.zeros((3, 2, 2, 2))})
    net.load_state_dict({"7.bias": np.full(2, 5.0)}, strict=False)
    assert np.all(net[7].bias.data == 5)


def test_parameters_are_leaf_tensors_an_optimizer_can_update_in_place():
    net = small_net(nn, dtype=np.float64)
    x = Tensor(np.random.default_rng(1).standard_normal((3, 2, 4, 4)))
    net(x).sum().backward()
    for name, p in net.named_parameters():
        assert p.is_leaf and p.requires_grad and p.grad is not None and p.grad.shape == p.shape, name
        before = p.data.copy()
        p.data -= 0.1 * p.grad.data  # an SGD step
        np.testing.assert_array_equal(net.state_dict()[name], before - 0.1 * p.grad.data)


def test_gradients_accumulate_until_zero_grad():
    layer = nn.Linear(3, 2, dtype=np.float64)
    x = Tensor(np.ones((4, 3)))
    layer(x).sum().backward()
    once = layer.weight.grad.data.copy()
    layer(x).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.data, 2 * once)
    layer.zero_grad()
    assert all(p.grad is None for p in layer.parameters())


def test_train_and_eval_reach_every_module():
    net = small_net(nn)
    net.eval()
    assert not any(m.training for _, m in net.named_modules())
    net.train()
    assert all(m.training for _, m in net.named_modules())


def test_default_init_has_torchs_bounds():
    manual_seed(0)
    for layer, fan_in in [(nn.Linear(50, 40), 50), (nn.Conv2d(4, 8, (3, 2)), 24)]:
        bound = 1 / np.sqrt(fan_in)
        for name, p in layer.named_parameters():
            assert np.abs(p.data).max() <= bound, name
            assert np.abs(p.data).max() > 0.8 * bound, f"{name} should fill U(-{bound:.3f}, {bound:.3f})"


def test_a_float32_network_stays_float32_through_its_backward():
    """The dtype trap of DeZero's one-hot labels: here the loss's constants take the logits' dtype."""
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    x = Tensor(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32), requires_grad=True)
    loss = nn.CrossEntropyLoss()(net(x), np.array([0, 2, 1, 1, 0]))
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in net.parameters())


def test_a_grad_of_another_dtype_is_refused_not_mixed_in():
    y = nn.Linear(2, 2)(Tensor(np.ones((1, 2), np.float32)))
    with pytest.raises(RuntimeError, match=r"float64.*float32"):
        y.backward(np.ones((1, 2)))


def test_wrong_input_dtype_is_refused_not_cast():
    with pytest.raises(RuntimeError, match=r"float64.*float32"):
        nn.Conv2d(1, 1, 2)(np.zeros((1, 1, 3, 3)))  # float64 input, float32 layer
    with pytest.raises(TypeError, match="floating"):
        nn.ReLU()(np.zeros((2, 2), dtype=np.int64))


def test_unbatched_inputs_work_as_in_torch():
    conv, pool = nn.Conv2d(2, 3, 2, dtype=np.float64), nn.MaxPool2d(2)
    x = Tensor(np.random.default_rng(0).standard_normal((2, 5, 5)), requires_grad=True)
    y = conv(x)
    assert y.shape == (3, 4, 4)
    (y.sum() + pool(x).sum()).backward()
    assert x.grad.shape == x.shape and pool(x).shape == (2, 2, 2)


def test_dropout_masks_through_its_hook_and_backward_reuses_the_mask():
    manual_seed(0)
    drop = nn.Dropout(0.5)
    x = Tensor(np.ones(10_000), requires_grad=True)
    y = drop(x)
    assert 0.45 < np.mean(y.data == 0) < 0.55 and set(np.unique(y.data)) == {0.0, 2.0}
    y.backward(np.ones(10_000))
    np.testing.assert_array_equal(x.grad.data, y.data)
    assert drop.eval()(x) is x


def test_a_parameter_name_keeps_its_kind_as_in_torch():
    layer = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="parameter 'weight'"):
        layer.weight = Tensor(np.ones((3, 2), np.float32), requires_grad=True)  # not a Parameter
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"], "a refused assignment changes nothing"
    layer.bias = None  # allowed: the layer has no bias now
    assert [n for n, _ in layer.named_parameters()] == ["weight"] and layer.bias is None
    net = nn.Sequential(nn.Linear(2, 2))
    net.extra = nn.Linear(2, 2)
    net.extra = nn.Parameter(np.ones(2))  # a module replaced by a parameter: registered once, as a parameter
    assert [n for n, _ in net.named_parameters()] == ["extra", "0.weight", "0.bias"]


def test_buffers_none_and_clashes():
    bn = nn.BatchNorm1d(2)
    bn.running_mean = None
    assert "running_mean" not in bn.state_dict() and "running_mean" not in dict(bn.named_buffers())
    with pytest.raises(KeyError, match="weight"):
        bn.register_buffer("weight", np.zeros(2))


def test_tied_weights_are_one_parameter_but_two_state_dict_keys_as_in_torch():
    shared = nn.Linear(2, 2)
    ours = nn.Sequential(shared, nn.ReLU(), shared)
    tshared = reference.Linear(2, 2)
    theirs = reference.Sequential(tshared, reference.ReLU(), tshared)
    assert len(list(ours.parameters())) == len(list(theirs.parameters())) == 2  # an optimizer steps each once
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_batch_norm_statistics_and_eval_output_match_torch():
    ours, theirs = nn.BatchNorm1d(2, dtype=np.float64), reference.BatchNorm1d(2, dtype=torch.float64)
    rng = np.random.default_rng(0)
    for _ in range(2):
        x = rng.standard_normal((5, 2)) * 3 + 1
        ours(x)
        theirs(torch.from_numpy(x))
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((4, 2))
    np.testing.assert_allclose(ours(x).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-12)
    for key, value in reference.to_numpy(theirs.state_dict()).items():
        np.testing.assert_allclose(ours.state_dict()[key], value, rtol=1e-12, err_msg=key)
