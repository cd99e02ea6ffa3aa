"""Details of the hand-written layers that the parity suite does not reach (each found by mutation testing:
mutmut left a mutant alive until this test): dtype refusals, errors naming the layer, defaults, keyword
arguments, non-strict loading, the RNN cell without a hidden state, the focal loss at alpha = 0."""

import numpy as np
import pytest

import scratch.manual as nn


@pytest.mark.parametrize(
    "make, x",
    [
        (lambda: nn.Linear(3, 2), np.zeros((2, 3))),
        (lambda: nn.BatchNorm1d(3), np.zeros((2, 3))),
        (lambda: nn.BatchNorm2d(3), np.zeros((2, 3, 2, 2))),
        (lambda: nn.RNNCell(3, 2), np.zeros((2, 3))),
        (lambda: nn.RNN(3, 2), np.zeros((4, 2, 3))),
    ],
)
def test_every_parametrized_layer_refuses_a_float64_input(make, x):
    layer = make()
    with pytest.raises(RuntimeError, match=rf"{type(layer).__name__}: input dtype \(float64\).*\(float32\)"):
        layer(x)


@pytest.mark.parametrize(
    "make, x, name",
    [
        (lambda: nn.Linear(3, 2), np.zeros((2, 5), np.float32), "Linear"),
        (lambda: nn.Conv2d(3, 2, 2), np.zeros((1, 4, 3, 3), np.float32), "Conv2d"),
        (lambda: nn.MaxPool2d(2), np.zeros((2, 3), np.float32), "MaxPool2d"),
        (lambda: nn.BatchNorm2d(3), np.zeros((2, 3, 2), np.float32), "BatchNorm2d"),
        (lambda: nn.Dropout(), np.zeros(2, np.int64), "Dropout"),
        (lambda: nn.ReLU(), np.zeros(2, np.int64), "ReLU"),
        (lambda: nn.RNN(3, 2), np.zeros((2, 3), np.int64), "RNN"),
        (lambda: nn.RNNCell(3, 2), np.zeros((2, 3), np.int64), "RNNCell"),
    ],
)
def test_errors_name_the_layer(make, x, name):
    with pytest.raises((RuntimeError, ValueError, TypeError), match=rf"^{name}: "):
        make()(x)


def test_maxpool_wrong_ndim_names_the_layout():
    with pytest.raises(RuntimeError, match=r"\(N, C, H, W\) or unbatched \(C, H, W\)"):
        nn.MaxPool2d(2)(np.zeros((2, 3), np.float32))


def test_rnn_cell_defaults_zero_hidden_state_and_bias():
    assert nn.RNNCell(3, 2)(np.zeros((4, 3), np.float32)).dtype == np.float32  # float32 by default
    # The values in float64: in float32 the kernel's order of summation differs from the formula's
    # here by a few ulps, more than rtol=1e-6 for outputs near 0 (for about 6% of weight draws).
    cell = nn.RNNCell(3, 2, dtype=np.float64)
    assert {"bias_ih", "bias_hh"} <= set(cell.params)
    x = np.random.default_rng(0).standard_normal((4, 3))
    h = cell(x)
    expected = np.tanh(x @ cell.params["weight_ih"].T + cell.params["bias_ih"] + cell.params["bias_hh"])
    assert h.shape == (4, 2)
    np.testing.assert_allclose(h, expected, rtol=1e-6)
    np.testing.assert_allclose(cell(x, hx=np.zeros((4, 2))), h)
    h1 = cell(x[0])  # unbatched, no hx
    assert h1.shape == (2,)


def test_rnn_backward_gives_float32_gradients_for_float64_douts():
    rnn = nn.RNN(3, 2)
    x = np.ones((4, 2, 3), np.float32)
    out, _ = rnn(x)
    dx, dh0 = rnn.backward(np.ones(out.shape, np.float64))
    assert dx.dtype == np.float32 and dh0.dtype == np.float32
    assert all(g.dtype == np.float32 for g in rnn.grads.values())


def test_vanilla_rnn_defaults_and_dtype():
    model = nn.VanillaRNN(3, 4, 2)
    assert model.rnn.num_layers == 1
    assert all(p.data.dtype == np.float32 for p in model.parameters())
    logits = model(np.ones((2, 5, 3), np.float32))
    assert logits.dtype == np.float32
    assert model.backward(np.ones_like(logits)).dtype == np.float32


def test_hidden_grad_norms_before_backward_is_an_error():
    with pytest.raises(RuntimeError, match=r"^RNN\.hidden_grad_norms: call backward first$"):
        nn.RNN(3, 2).hidden_grad_norms()


def test_rnn_num_layers_error_message():
    with pytest.raises(ValueError, match="num_layers must be at least 1, got 0"):
        nn.RNN(3, 2, num_layers=0)


def test_layers_take_keyword_arguments_through_call():
    rnn = nn.RNN(3, 2)
    x = np.ones((4, 2, 3), np.float32)
    out, _ = rnn(x, hx=np.ones((1, 2, 2), np.float32))
    ref, _ = rnn.forward(x, np.ones((1, 2, 2), np.float32))
    np.testing.assert_array_equal(out, ref)


def test_eval_sets_training_to_false_exactly():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout())
    assert net.eval().training is False
    assert all(layer.training is False for layer in net.layers)


def test_load_state_dict_non_strict_ignores_missing_and_unexpected_keys():
    layer = nn.Linear(2, 3)
    layer.load_state_dict({"weight": np.ones((3, 2)), "extra": np.zeros(1)}, strict=False)
    np.testing.assert_array_equal(layer.params["weight"], np.ones((3, 2)))


def test_load_state_dict_errors_name_the_module():
    with pytest.raises(RuntimeError, match=r"Linear"):
        nn.Linear(2, 3).load_state_dict({"weight": np.ones((3, 2))})


def test_backward_before_forward_names_the_layer():
    with pytest.raises(RuntimeError, match=r"^Linear\.backward called before forward"):
        nn.Linear(2, 2).backward(np.ones((2, 2), np.float32))


def test_flatten_start_after_end_message():
    with pytest.raises(RuntimeError, match=r"start_dim \(2\) cannot come after end_dim \(1\)"):
        nn.Flatten(2, 1)(np.zeros((2, 3, 4), np.float32))


def test_focal_loss_defaults_are_torchvisions():
    loss = nn.SigmoidFocalLoss()
    assert (loss.alpha, loss.gamma, loss.reduction) == (0.25, 2.0, "none")


def test_focal_loss_alpha_zero_weights_only_negatives():
    x = np.array([0.3, -1.2], np.float32)
    t = np.array([1.0, 0.0], np.float32)
    out = nn.SigmoidFocalLoss(alpha=0.0)(x, t)
    assert out[0] == 0.0 and out[1] > 0.0  # alpha_t = 1 - t, as in torchvision's ``alpha >= 0``


def test_focal_loss_backward_default_dout_is_one():
    x, t = np.array([0.3, -1.2], np.float32), np.array([1.0, 0.0], np.float32)
    a, b = nn.SigmoidFocalLoss(), nn.SigmoidFocalLoss(reduction="sum")
    a(x, t)
    b(x, t)
    np.testing.assert_array_equal(b.backward(), b.backward(1.0))
    np.testing.assert_array_equal(a.backward(np.ones(2, np.float32)), b.backward(1.0))


def test_loss_backward_size_error_names_both_shapes():
    loss = nn.SigmoidFocalLoss()
    loss(np.zeros(3, np.float32), np.zeros(3, np.float32))
    with pytest.raises(ValueError, match=r"dout of size \[2\] must match the loss, \[3\]"):
        loss.backward(np.ones(2, np.float32))
