"""Behaviour that only mutation testing showed untested (`make mutation`, tools/mutation.py), checked
against torch, the reference twins or the layers' documented contract: errors naming the layer or
function, reprs, torch's defaults, the engine's reflected operators and op factories, the RNN cell
without a hidden state, and dtypes kept."""

import numpy as np
import pytest
import torch

import reference
import reference.models
import scratch.autograd.functional as F
import scratch.autograd.models as autograd_models
import scratch.autograd.nn as A
import scratch.autograd.ops as ops
import scratch.manual as M
import scratch.manual.models as manual_models
from reference.losses import sigmoid_focal_loss as torch_focal_loss
from scratch.autograd import Tensor, enable_grad, is_grad_enabled, no_grad
from scratch_parity.registry import OPS_LIST, TOLERANCES
from scratch_parity.sample import Config, build

TOL = TOLERANCES["float64"]


def close(ours, theirs, what=""):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    ours = ours.data if isinstance(ours, Tensor) else ours
    np.testing.assert_allclose(ours, theirs, rtol=TOL.rtol, atol=TOL.atol, err_msg=what)


def leaf(a):
    """The same float64 values as a scratch leaf and a torch leaf."""
    a = np.asarray(a, np.float64)
    return Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)


# --- errors name the layer (hand-written: its class) or the function (autograd: torch.nn.functional's name) ---

# Which name each registry error names, per implementation; None: torch's own wording, no name.
MANUAL_NAMES = {"Dropout": None, "Flatten": None}
AUTOGRAD_NAMES = {
    "Linear": "linear",
    "Conv2d": "conv2d",
    "MaxPool2d": "max_pool2d",
    "CrossEntropyLoss": "cross_entropy",
}
AUTOGRAD_NAMES |= {"SigmoidFocalLoss": "sigmoid_focal_loss", "Dropout": None, "Flatten": None}
ERROR_CASES = [
    pytest.param(module, names, spec, case, id=f"{module.__name__}-{spec.name}-{case.why}")
    for module, names in [(M, MANUAL_NAMES), (A, AUTOGRAD_NAMES)]
    for spec in OPS_LIST
    for case in spec.errors
    if names.get(spec.name, spec.name) is not None
]


@pytest.mark.parametrize("module, names, spec, case", ERROR_CASES)
def test_registry_errors_start_with_the_name_of_the_layer_or_function(module, names, spec, case):
    name = names.get(spec.name, spec.name)  # Dropout's and Flatten's messages are torch's own, nameless
    if case.why.startswith("padding more than half"):
        name = "MaxPool2d"  # refused by the module's constructor, in both implementations
    with pytest.raises(case.error) as info:
        build(spec, module, Config(kwargs=case.kwargs, shape=()), dtype=np.float64).train(case.training)(*case.inputs())
    assert str(info.value).startswith(f"{name}: "), f"expected the message to start with {name!r}: {info.value}"


INTS = np.arange(6).reshape(2, 3)
FLOAT64 = np.zeros((2, 3))
NAMED_ERRORS = [
    ("leaky_relu", TypeError, lambda: F.leaky_relu(INTS)),
    ("logsigmoid", TypeError, lambda: F.logsigmoid(INTS)),
    ("selu", TypeError, lambda: F.selu(INTS)),
    ("dropout", TypeError, lambda: F.dropout(INTS, 0.5)),
    ("sigmoid_focal_loss", TypeError, lambda: F.sigmoid_focal_loss(INTS, FLOAT64)),
    ("SigmoidFocalLoss", TypeError, lambda: M.SigmoidFocalLoss()(INTS, FLOAT64)),
    ("RNNCell", ValueError, lambda: M.RNNCell(3, 2, nonlinearity="gelu")),
    ("RNNCell", ValueError, lambda: A.RNNCell(3, 2, nonlinearity="gelu")),
    ("RNN", ValueError, lambda: M.RNN(3, 2, nonlinearity="gelu")),
    ("RNN", ValueError, lambda: A.RNN(3, 2, nonlinearity="gelu")),
    ("RNNCell", RuntimeError, lambda: A.RNNCell(3, 2)(FLOAT64)),  # float64 input, float32 weights
    ("RNNCell", TypeError, lambda: A.RNNCell(3, 2)(INTS)),
    ("RNN", RuntimeError, lambda: A.RNN(3, 2)(np.zeros((4, 2, 3)))),
    ("RNN", ValueError, lambda: A.RNN(3, 2, num_layers=0)),
    ("sigmoid", TypeError, lambda: F.sigmoid(INTS)),
    ("relu", TypeError, lambda: F.relu(INTS)),
    ("Conv2d", ValueError, lambda: A.Conv2d(1, 1, 0)),
    ("tanh", TypeError, lambda: F.tanh(INTS)),
    ("softmax", TypeError, lambda: F.softmax(INTS, 1)),
    ("log_softmax", TypeError, lambda: F.log_softmax(INTS, 1)),
    ("cross_entropy", TypeError, lambda: F.cross_entropy(INTS, np.array([0, 1]))),
    ("CrossEntropyLoss", TypeError, lambda: M.CrossEntropyLoss()(INTS, np.array([0, 1]))),
    ("MaxPool2d", TypeError, lambda: M.MaxPool2d(2)(np.zeros((1, 1, 2, 2), np.int64))),
    ("MaxPool2d", ValueError, lambda: M.MaxPool2d(0)),
    ("Conv2d", TypeError, lambda: M.Conv2d(1, 1, 2)(np.zeros((1, 1, 2, 2), np.int64))),
    ("Conv2d", ValueError, lambda: M.Conv2d(1, 1, 0)),
    ("MaxPool2d", ValueError, lambda: A.MaxPool2d(0)),
    ("BatchNorm1d", TypeError, lambda: A.BatchNorm1d(3)(INTS)),
    ("BatchNorm1d", RuntimeError, lambda: A.BatchNorm1d(3, track_running_stats=False)(FLOAT64)),
    ("max_pool2d", ValueError, lambda: F.max_pool2d(np.zeros((1, 1, 2, 2)), 0)),
    ("max_pool2d", TypeError, lambda: F.max_pool2d(np.zeros((1, 1, 2, 2), np.int64), 2)),
    ("conv2d", ValueError, lambda: F.conv2d(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 2, 2)), stride=0)),
    ("conv2d", TypeError, lambda: F.conv2d(np.zeros((1, 1, 3, 3), np.int64), np.zeros((1, 1, 2, 2)))),
    ("conv2d", RuntimeError, lambda: F.conv2d(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 2, 2)), np.zeros(2))),
    ("flatten", RuntimeError, lambda: F.flatten(np.zeros((2, 3, 4)), 2, 1)),
    ("batch_norm", RuntimeError, lambda: F.batch_norm(FLOAT64, None, np.ones(3))),
    ("batch_norm", RuntimeError, lambda: F.batch_norm(FLOAT64, np.zeros(3), None)),
]


@pytest.mark.parametrize("name, error, call", NAMED_ERRORS, ids=[f"{n}-{e.__name__}" for n, e, _ in NAMED_ERRORS])
def test_refusals_name_the_layer_or_function(name, error, call):
    with pytest.raises(error, match=rf"^{name}: "):
        call()


@pytest.mark.parametrize("ns", [M, A], ids=["manual", "autograd"])
def test_wrong_ndim_messages_name_the_expected_layout_in_torchs_words(ns):
    with pytest.raises(ValueError) as info:
        ns.BatchNorm1d(3)(np.zeros((2, 3, 2, 2), np.float32))
    expected = "BatchNorm1d: expected 2D or 3D input (N, C) or (N, C, L), but got input of size [2, 3, 2, 2] (4D)"
    assert str(info.value) == expected
    with pytest.raises(RuntimeError) as info:
        ns.MaxPool2d(2)(np.zeros((2, 3), np.float32))
    name = "MaxPool2d" if ns is M else "max_pool2d"
    expected = f"{name}: expected 3D or 4D input (N, C, H, W) or unbatched (C, H, W), but got input of size [2, 3] (2D)"
    assert str(info.value) == expected


def test_rnn_backward_refuses_a_doutput_of_the_wrong_size_naming_it():
    rnn = M.RNN(3, 2)
    rnn(np.zeros((4, 1, 3), np.float32))
    with pytest.raises(ValueError, match=r"^RNN\.backward: doutput of size \[4, 1, 5\] does not match"):
        rnn.backward(np.zeros((4, 1, 5), np.float32))


# --- reprs: torch's, where torch prints the same arguments ---

TWINS = [
    ("Linear", (3, 2), {}),
    ("Linear", (3, 2), {"bias": False}),
    ("Conv2d", (3, 2, 2), {"stride": 2, "padding": 1, "bias": False}),
    ("ReLU", (), {}),
    ("LeakyReLU", (0.2,), {}),
    ("Flatten", (), {}),
]


@pytest.mark.parametrize("ns", [M, A], ids=["manual", "autograd"])
@pytest.mark.parametrize("name, args, kwargs", TWINS, ids=[f"{n}{a}{k}" for n, a, k in TWINS])
def test_repr_is_torchs(ns, name, args, kwargs):
    assert repr(getattr(ns, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


@pytest.mark.parametrize("ns", [M, A], ids=["manual", "autograd"])
def test_repr_of_nested_modules_is_torchs(ns):
    def net(n):
        return n.Sequential(n.Linear(2, 3), n.ReLU(), n.Sequential(n.Linear(3, 1), n.Sequential(n.Tanh())))

    assert repr(net(ns)) == repr(net(torch.nn))


@pytest.mark.parametrize("ns", [M, A], ids=["manual", "autograd"])
def test_repr_prints_every_argument_where_torch_leaves_defaults_out(ns):
    assert repr(ns.Conv2d(3, 2, 2)) == "Conv2d(3, 2, kernel_size=(2, 2), stride=(1, 1), padding=(0, 0), bias=True)"


def test_repr_of_the_hand_written_rnn_cell():
    assert repr(M.RNNCell(3, 2)) == "RNNCell(3, 2, bias=True, nonlinearity='tanh')"
    assert repr(M.RNNCell(3, 2, bias=False, nonlinearity="relu")) == "RNNCell(3, 2, bias=False, nonlinearity='relu')"


def test_repr_of_a_tensor():
    assert repr(Tensor(np.array([1.0, 2.0]))) == "Tensor([1. 2.])"
    assert repr(Tensor(np.array([0.5]), requires_grad=True)) == "Tensor([0.5], requires_grad=True)"
    assert repr(Tensor(np.eye(2))) == "Tensor([[1. 0.]\n        [0. 1.]])"  # rows aligned under "Tensor(["


@pytest.mark.parametrize("name", ["C5L3", "VGG"])
def test_cnn_children_are_named_as_in_the_reference(name):
    ours = getattr(manual_models, name)(num_classes=10)
    theirs = getattr(reference.models, name)(num_classes=10)
    assert list(ours.children()) == [n for n, _ in theirs.named_children()]


# --- torch's defaults ---


def test_leaky_relu_default_slope_is_torchs():
    x, xt = leaf([-2.0, -0.5, 0.5])
    close(F.leaky_relu(x), torch.nn.functional.leaky_relu(xt))


def test_dropout_defaults_are_torchs_p_half_in_training():
    x = np.ones(4000)
    y = F.dropout(x).data  # no mask given: drawn here
    assert y.shape == x.shape and set(np.unique(y)) <= {0.0, 2.0}, "kept values scale by 1 / (1 - 0.5)"
    assert 0.45 < np.mean(y == 2.0) < 0.55, np.mean(y == 2.0)


def test_dropout_with_p_draws_a_fresh_mask_of_the_input_shape():
    x = np.ones((50, 40))
    y = F.dropout(x, 0.25, training=True).data
    assert y.shape == x.shape and set(np.unique(y)) <= {0.0, 4 / 3}
    assert 0.7 < np.mean(y > 0) < 0.8


def test_focal_loss_defaults_are_torchvisions():
    x = np.array([[0.3, -1.2, 2.0], [1.5, -0.1, 0.0]])
    t = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    expected = torch_focal_loss(torch.tensor(x), torch.tensor(t))
    close(F.sigmoid_focal_loss(Tensor(x), Tensor(t)), expected)
    close(A.SigmoidFocalLoss()(Tensor(x), Tensor(t)), expected)
    close(F.sigmoid_focal_loss(Tensor(x), t.tolist()), expected, "targets as a nested list")


def test_cross_entropy_takes_class_indices_as_a_list_too():
    z = np.array([[0.3, -1.2, 2.0], [1.5, -0.1, 0.0]])
    expected = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor([2, 0]))
    close(F.cross_entropy(Tensor(z), [2, 0]), expected)
    close(F.cross_entropy(Tensor(z), np.array([2, 0])), expected)


def test_focal_loss_keeps_the_input_dtype_for_float64_targets():
    x = np.array([0.3, -1.2], np.float32)
    t = np.array([1.0, 0.0])
    assert F.sigmoid_focal_loss(Tensor(x), t).dtype == np.float32
    assert M.SigmoidFocalLoss()(x, t).dtype == np.float32


@pytest.mark.parametrize("ns", [M, A], ids=["manual", "autograd"])
def test_module_defaults_are_torchs(ns):
    assert ns.Dropout().p == torch.nn.Dropout().p
    assert ns.RNN(3, 2).batch_first == torch.nn.RNN(3, 2).batch_first


def test_rnn_cell_function_defaults_to_tanh_as_torch():
    torch.manual_seed(0)
    cell = torch.nn.RNNCell(3, 2, dtype=torch.float64)
    x, h = np.random.default_rng(7).standard_normal((2, 4, 3)), np.random.default_rng(8).standard_normal((4, 2))
    weights = [Tensor(p.detach().numpy()) for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]
    close(F.rnn_cell(Tensor(x[0]), Tensor(h), *weights), cell(torch.tensor(x[0]), torch.tensor(h)))


@pytest.mark.parametrize("reduction", ["none", "sum"])
def test_focal_loss_gamma_zero_has_torchs_gradient_where_the_modulator_base_is_zero(reduction):
    """q = 0 where sigmoid(x) underflows to 0 with t = 0: q**0 is 1, and its derivative 0, not 0 * q**-1."""
    x, xt = leaf([-800.0, 3.0, -0.5])
    t = np.array([0.0, 1.0, 1.0])
    kwargs = dict(alpha=0.25, gamma=0.0, reduction=reduction)
    y, yt = F.sigmoid_focal_loss(x, t, **kwargs), torch_focal_loss(xt, torch.tensor(t), **kwargs)
    close(y, yt)
    y.backward(np.ones(y.shape))
    yt.backward(torch.ones(yt.shape, dtype=torch.float64))
    close(x.grad, xt.grad)


def test_focal_loss_alpha_zero_is_torchvisions():
    x = np.array([0.3, -1.2, 2.0])
    t = np.array([1.0, 0.0, 0.0])
    expected = torch_focal_loss(torch.tensor(x), torch.tensor(t), alpha=0.0)
    close(F.sigmoid_focal_loss(Tensor(x), t, alpha=0.0), expected)
    close(M.SigmoidFocalLoss(alpha=0.0)(x, t), expected)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_stack_along_any_axis_is_torchs(axis):
    rng = np.random.default_rng(9)
    (a, at), (b, bt) = leaf(rng.standard_normal((2, 3))), leaf(rng.standard_normal((2, 3)))
    y, yt = ops.stack([a, b], axis=axis), torch.stack([at, bt], dim=axis)
    close(y, yt)
    dout = rng.standard_normal(yt.shape)
    y.backward(dout)
    yt.backward(torch.tensor(dout))
    close(a.grad, at.grad)
    close(b.grad, bt.grad)


def test_functional_defaults_are_torchs():
    x = np.random.default_rng(10).standard_normal((2, 3, 4, 4))
    w = np.random.default_rng(11).standard_normal((2, 3, 2, 2))
    xt, wt = torch.tensor(x), torch.tensor(w)
    close(F.conv2d(Tensor(x), Tensor(w)), torch.nn.functional.conv2d(xt, wt))
    close(F.max_pool2d(Tensor(x), 2), torch.nn.functional.max_pool2d(xt, 2))
    close(F.flatten(Tensor(x)), torch.flatten(xt))
    mean, var = np.array([0.1, -0.2, 0.3]), np.array([1.5, 0.5, 2.0])
    close(F.batch_norm(Tensor(x), mean, var), torch.nn.functional.batch_norm(xt, torch.tensor(mean), torch.tensor(var)))


def test_functional_batch_norm_updates_running_stats_with_torchs_default_momentum():
    x = np.random.default_rng(12).standard_normal((4, 3))
    ours = [np.zeros(3), np.ones(3)]
    theirs = [torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)]
    F.batch_norm(Tensor(x), *ours, training=True)
    torch.nn.functional.batch_norm(torch.tensor(x), *theirs, training=True)
    close(ours[0], theirs[0], "running_mean")
    close(ours[1], theirs[1], "running_var")


def test_batch_norm_errors_in_eval_without_running_stats_as_torch():
    for mean, var in [(None, np.ones(3)), (np.zeros(3), None)]:
        with pytest.raises(RuntimeError):
            torch.nn.functional.batch_norm(
                torch.zeros(2, 3), *[None if a is None else torch.tensor(a) for a in (mean, var)]
            )
        with pytest.raises(
            RuntimeError, match=r"^batch_norm: running_mean and running_var must be defined in evaluation mode$"
        ):
            F.batch_norm(FLOAT64, mean, var)


def test_named_buffers_of_a_root_module_are_named_as_in_torch():
    assert [n for n, _ in A.BatchNorm1d(3).named_buffers()] == [n for n, _ in torch.nn.BatchNorm1d(3).named_buffers()]
    net = A.Sequential(A.BatchNorm1d(3))
    assert [n for n, _ in net.named_buffers()] == [
        n for n, _ in torch.nn.Sequential(torch.nn.BatchNorm1d(3)).named_buffers()
    ]


def state_dict_layout(state):
    return {k: (tuple(v.shape), str(v.dtype).removeprefix("torch.")) for k, v in state.items()}


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (
            lambda: autograd_models.resnet18(num_classes=7, dtype=np.float64),
            lambda: reference.models.resnet18(7, dtype=torch.float64),
        ),
        (
            lambda: autograd_models.resnet50(num_classes=7, dtype=np.float64),
            lambda: reference.models.resnet50(7, dtype=torch.float64),
        ),
        (
            lambda: autograd_models.ResNet(autograd_models.BasicBlock, [1, 1, 1, 1]),
            lambda: reference.models.ResNet(reference.models.BasicBlock, [1, 1, 1, 1]),
        ),
        (autograd_models.resnet50, reference.models.resnet50),
    ],
    ids=["resnet18-float64", "resnet50-float64", "ResNet-defaults", "resnet50-defaults"],
)
def test_resnet_state_dict_has_the_references_keys_shapes_and_dtypes(ours, theirs):
    assert state_dict_layout(ours().state_dict()) == state_dict_layout(theirs().state_dict())


def test_rnn_cell_has_biases_by_default():
    assert A.RNNCell(3, 2).bias_ih is not None and A.RNNCell(3, 2).bias_hh is not None
    assert A.RNNCell(3, 2, bias=False).bias_ih is None


def test_vanilla_rnn_defaults_are_the_references():
    ours, theirs = A.VanillaRNN(3, 4, 2), reference.VanillaRNN(3, 4, 2)
    assert ours.rnn.num_layers == theirs.rnn.num_layers
    wide = A.VanillaRNN(3, 4, 2, dtype=np.float64)
    assert all(p.dtype == np.float64 for p in wide.parameters())


def test_max_default_drops_the_axis_as_torch():
    x, xt = leaf(np.arange(6.0).reshape(2, 3))
    assert ops.max(x, axis=1).shape == tuple(torch.amax(xt, dim=1).shape)
    assert x.max(axis=1, keepdims=True).shape == tuple(torch.amax(xt, dim=1, keepdim=True).shape)


def test_eval_sets_training_to_false_exactly():
    net = A.Sequential(A.Linear(2, 2), A.Dropout())
    assert net.eval().training is False and all(m.training is False for m in net)


def test_sequential_slice_is_a_sequential_as_in_torch():
    net = A.Sequential(A.Linear(2, 3), A.ReLU(), A.Linear(3, 1))
    head = net[0:2]
    assert isinstance(head, A.Sequential) and isinstance(torch.nn.Sequential(torch.nn.ReLU())[0:1], torch.nn.Sequential)
    x = Tensor(np.ones((4, 2), np.float32))
    np.testing.assert_array_equal(head(x).data, net[1](net[0](x)).data)


# --- the engine: reflected operators, op factories, detach, enable_grad, casts and broadcasts ---

REFLECTED = {
    "radd": lambda a, b: 2.5 + b,
    "rsub": lambda a, b: 2.5 - b,
    "rmul": lambda a, b: 2.5 * b,
    "rtruediv": lambda a, b: 2.5 / b,
    "rmatmul": lambda a, b: a @ b,  # a: an ndarray, b: the Tensor
    "add": lambda a, b: (ops.add if isinstance(b, Tensor) else torch.add)(b, b * b),
    "sub": lambda a, b: (ops.sub if isinstance(b, Tensor) else torch.sub)(b, b * b),
    "mul": lambda a, b: (ops.mul if isinstance(b, Tensor) else torch.mul)(b, b + 1),
    "div": lambda a, b: (ops.div if isinstance(b, Tensor) else torch.div)(b, b * b + 1),
    "neg": lambda a, b: ops.neg(b) if isinstance(b, Tensor) else torch.neg(b),
}


@pytest.mark.parametrize("op", list(REFLECTED))
def test_reflected_operators_and_op_factories_match_torch(op):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 3))
    x, xt = leaf(rng.uniform(0.5, 2.0, (3, 3)))
    y, yt = REFLECTED[op](a, x), REFLECTED[op](torch.tensor(a), xt)
    close(y, yt, op)
    dout = rng.standard_normal(yt.shape)
    y.backward(dout)
    yt.backward(torch.tensor(dout))
    close(x.grad, xt.grad, op + " gradient")


def test_detach_shares_the_values_and_leaves_the_graph():
    x, xt = leaf([1.0, 2.0])
    d, dt = (x * 3).detach(), (xt * 3).detach()
    close(d, dt)
    assert d.requires_grad is dt.requires_grad is False and d.is_leaf


def test_enable_grad_records_inside_no_grad():
    x, xt = leaf([1.0, 2.0])
    with no_grad(), enable_grad():
        assert is_grad_enabled()
        y = (x * x).sum()
    with torch.no_grad(), torch.enable_grad():
        yt = (xt * xt).sum()
    y.backward()
    yt.backward()
    close(x.grad, xt.grad)
    assert is_grad_enabled()


@pytest.mark.parametrize("axes", [(), (1, 0), ((1, 0),)], ids=["reversed", "ints", "tuple"])
def test_transpose_takes_numpys_forms(axes):
    x, xt = leaf(np.arange(6.0).reshape(2, 3))
    y = x.transpose(*axes)
    close(y, xt.T)
    y.backward(np.arange(6.0).reshape(3, 2))
    close(x.grad, np.arange(6.0).reshape(3, 2).T)


def test_astype_backward_casts_the_gradient_back_as_torch():
    x, xt = leaf([1.0, 2.0, 3.0])
    y, yt = ops.astype(x, np.float32) * 2, xt.to(torch.float32) * 2
    assert y.dtype == np.float32
    y.backward(np.ones(3, np.float32))
    yt.backward(torch.ones(3))
    assert x.grad.dtype == np.float64 and xt.grad.dtype == torch.float64
    close(x.grad, xt.grad)


def test_broadcast_to_backward_sums_as_torch():
    x, xt = leaf([[1.0], [2.0]])
    y, yt = ops.broadcast_to(x, (3, 2, 4)), torch.broadcast_to(xt, (3, 2, 4))
    close(y, yt)
    dout = np.random.default_rng(2).standard_normal((3, 2, 4))
    y.backward(dout)
    yt.backward(torch.tensor(dout))
    close(x.grad, xt.grad)


# --- the RNN cell without a hidden state, and unbatched ---


@pytest.mark.parametrize("shape", [(4, 3), (3,)], ids=["batched", "unbatched"])
def test_autograd_rnn_cell_without_hx_is_torchs(shape):
    torch.manual_seed(0)
    theirs = torch.nn.RNNCell(3, 2, dtype=torch.float64)
    ours = A.RNNCell(3, 2, dtype=np.float64)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x, xt = leaf(np.random.default_rng(3).standard_normal(shape))
    h, ht = ours(x), theirs(xt)
    close(h, ht)
    h.backward(np.ones(h.shape))
    ht.backward(torch.ones(ht.shape, dtype=torch.float64))
    close(x.grad, xt.grad)
    assert ours(Tensor(x.data.astype(np.float32).astype(np.float64))).dtype == np.float64


def test_hand_written_rnn_cell_unbatched_backward_is_torchs():
    torch.manual_seed(0)
    theirs = torch.nn.RNNCell(3, 2, dtype=torch.float64)
    ours = M.RNNCell(3, 2, dtype=np.float64)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x, xt = leaf(np.random.default_rng(4).standard_normal(3))
    h0 = np.random.default_rng(5).standard_normal(2)
    h0t = torch.tensor(h0, requires_grad=True)
    close(ours(x.data, h0), theirs(xt, h0t))
    dx, dh = ours.backward(np.array([0.5, -1.0]))
    theirs(xt, h0t).backward(torch.tensor([0.5, -1.0], dtype=torch.float64))
    assert dx.shape == (3,) and dh.shape == (2,)
    close(dx, xt.grad)
    close(dh, h0t.grad)
    for name, p in theirs.named_parameters():
        close(ours.grads[name], p.grad, name)


def test_max_pool2d_third_derivative_is_torchs():
    """The gradient of max-pooling's double backward (a gather at the argmax), with respect to its own input."""
    rng = np.random.default_rng(6)
    arrays = [rng.permutation(2 * 1 * 5 * 5).reshape(2, 1, 5, 5) * 0.1, rng.standard_normal((2, 1, 3, 3))]
    (x, xt), (gy, gyt) = leaf(arrays[0]), leaf(arrays[1])
    v, vt = leaf(rng.standard_normal(x.shape))
    w = rng.standard_normal(gy.shape)
    (F.max_pool2d(x, 3, 2, 1) * gy).sum().backward(create_graph=True)
    (gxt,) = torch.autograd.grad((torch.nn.functional.max_pool2d(xt, 3, 2, 1) * gyt).sum(), xt, create_graph=True)
    gy.zero_grad()
    (x.grad * v).sum().backward(create_graph=True)
    (ggyt,) = torch.autograd.grad((gxt * vt).sum(), gyt, create_graph=True)
    close(gy.grad, ggyt, "second derivative")
    v.zero_grad()
    (gy.grad * Tensor(w)).sum().backward()
    (gvt,) = torch.autograd.grad((ggyt * torch.tensor(w)).sum(), vt)
    close(v.grad, gvt, "third derivative")


# --- the engine's backward: errors, gradients given to leaves, graph order ---


def test_tensor_refuses_a_tensor_and_converts_sequences():
    with pytest.raises(TypeError, match=r"^Tensor\(data\) takes an array, not a Tensor$"):
        Tensor(Tensor(np.zeros(2)))
    t = Tensor([1.0, 2.0])
    assert isinstance(t.data, np.ndarray) and t.data.tolist() == [1.0, 2.0]


def test_backward_errors_are_torchs_or_name_the_shapes():
    with pytest.raises(RuntimeError) as theirs:
        torch.zeros(2).sum().backward()
    with pytest.raises(RuntimeError) as ours:
        Tensor(np.zeros(2)).sum().backward()
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2,\)"):
        Tensor(np.zeros(2), requires_grad=True).backward(np.ones(3))
    x = Tensor(np.ones(2), requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(
        RuntimeError, match=r"^Trying to backward through the graph a second time: .*Pass retain_graph=True"
    ):
        y.backward()
    with pytest.raises(RuntimeError, match=r"to the first backward if you need a second\.$"):
        y.backward()


def test_leaf_backward_takes_an_array_and_keeps_its_own_copy_as_torch():
    x, xt = leaf([1.0, 2.0])
    g, gt = np.array([0.5, -1.0]), torch.tensor([0.5, -1.0], dtype=torch.float64)
    x.backward(g)
    xt.backward(gt)
    g[0], gt[0] = 7.0, 7.0
    close(x.grad, xt.grad)


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")  # torch's, on purpose
def test_leaf_backward_with_create_graph_keeps_the_graph_of_the_gradient_as_torch():
    x, xt = leaf([0.0, 0.0])
    g, gt = leaf([1.0, 1.0])
    x.backward(g, create_graph=True)
    xt.backward(gt, create_graph=True)
    (x.grad * 2).sum().backward()
    (xt.grad * 2).sum().backward()
    close(g.grad, gt.grad)


GRAPHS = {
    "passes dout through (x + 1)": lambda a, b: (a + 1.0) + b * 0.5,
    "one gy to both inputs (a + b)": lambda a, b: a + b,
    "one inner gy to both inputs ((a + b) * 2)": lambda a, b: (a + b) * 2.0,
    "views (reshape)": lambda a, b: a.reshape(3, 2) + b.reshape(3, 2),
    "a read-only broadcast (sum)": lambda a, b: (a + b).sum(),
}


@pytest.mark.parametrize("graph", list(GRAPHS))
def test_each_leaf_gets_its_own_writable_gradient(graph):
    """The NOTE in engine.backward: an optimizer updates .grad in place, so no leaf's gradient may be a view,
    read-only, shared with another leaf, or the caller's dout."""
    rng = np.random.default_rng(13)
    (a, at), (b, bt) = leaf(rng.standard_normal((2, 3))), leaf(rng.standard_normal((2, 3)))
    y, yt = GRAPHS[graph](a, b), GRAPHS[graph](at, bt)
    dout = rng.standard_normal(yt.shape)
    y.backward(dout)
    yt.backward(torch.tensor(dout))
    for ours, theirs in [(a, at), (b, bt)]:
        close(ours.grad, theirs.grad, graph)
        g = ours.grad.data
        assert g.flags.writeable and g.flags.owndata, graph
        assert not np.shares_memory(g, dout), graph
    assert not np.shares_memory(a.grad.data, b.grad.data), graph


def test_constants_get_no_gradient_as_in_torch():
    x, xt = leaf([1.0, 2.0])
    c, ct = Tensor(np.array([3.0, 4.0])), torch.tensor([3.0, 4.0], dtype=torch.float64)
    (x * c).sum().backward()
    (xt * ct).sum().backward()
    assert c.grad is None and ct.grad is None
    close(x.grad, xt.grad)


def test_ops_on_plain_arrays_give_constant_tensors():
    y = ops.exp(np.array([0.0, 1.0]))
    assert isinstance(y, Tensor) and not y.requires_grad
    close(y, np.exp([0.0, 1.0]))


def test_relu_and_leaky_relu_at_infinities_are_torchs():
    x = np.array([-np.inf, -1.0, 0.0, 2.0, np.inf])
    close(F.relu(Tensor(x)), torch.relu(torch.tensor(x)))
    for slope in (1.0, 0.3):
        close(F.leaky_relu(Tensor(x), slope), torch.nn.functional.leaky_relu(torch.tensor(x), slope), str(slope))


def test_sum_and_mean_defaults_and_axis_forms_are_torchs():
    x, xt = leaf(np.arange(6.0).reshape(2, 3))
    for ours, theirs in [
        (ops.sum(x, axis=1), xt.sum(dim=1)),
        (ops.mean(x, axis=1), xt.mean(dim=1)),
        (ops.sum(x, axis=[0, 1]), xt.sum(dim=[0, 1])),
        (ops.sum(x, axis=(0, 1), keepdims=True), xt.sum(dim=(0, 1), keepdim=True)),
    ]:
        assert ours.shape == tuple(theirs.shape)
        close(ours, theirs)
    s, st = leaf(3.0)
    y, yt = ops.sum(s, axis=-1), st.sum(dim=-1)  # a 0-d tensor takes dim 0 and -1, as in torch
    close(y, yt)
    y.backward()
    yt.backward()
    close(s.grad, st.grad)


def test_pow_takes_only_a_constant_exponent():
    with pytest.raises(TypeError, match=r"^only a constant exponent is supported: x \*\* c with c a number$"):
        ops.pow(Tensor(np.ones(2)), Tensor(np.ones(2)))


def test_matmul_refuses_operands_under_two_dimensions_naming_the_shapes():
    for a, b in [(np.ones(3), np.ones((3, 2))), (np.ones((2, 3)), np.ones(3))]:
        with pytest.raises(RuntimeError, match=r"at least 2 dimensions.*\(.*\) and \(.*\)"):
            ops.matmul(Tensor(a), Tensor(b))


def test_linear_function_errors_name_it():
    w = np.zeros((2, 3), np.float32)
    with pytest.raises(RuntimeError, match=r"^linear: input dtype \(float64\)"):
        F.linear(np.zeros((4, 3)), w)
    with pytest.raises(TypeError, match=r"^linear: "):
        F.linear(np.zeros((4, 3), np.int64), w)
    with pytest.raises(RuntimeError, match=r"^linear: expected bias"):
        F.linear(np.zeros((4, 3), np.float32), w, np.zeros(5, np.float32))


# --- modules: attribute errors, buffers, shared submodules, copies, keyword arguments ---


def test_missing_attribute_message_is_torchs():
    with pytest.raises(AttributeError) as ours:
        A.Linear(2, 3).foo  # noqa: B018
    with pytest.raises(AttributeError) as theirs:
        torch.nn.Linear(2, 3).foo  # noqa: B018
    assert str(ours.value) == str(theirs.value)


def test_register_buffer_follows_torchs_rules():
    for ns, make in [(A, np.zeros), (torch.nn, torch.zeros)]:
        m = ns.Linear(2, 3)
        with pytest.raises(KeyError, match="attribute 'training' already exists"):
            m.register_buffer("training", make(1))
        with pytest.raises(KeyError, match="attribute 'weight' already exists"):
            m.register_buffer("weight", make(1))
        m.register_buffer("b", make(1))
        m.register_buffer("b", make(2))  # registering an existing buffer again replaces it
        assert m.b.shape[0] == 2
        with pytest.raises(TypeError, match=r"cannot assign '?list'? .*buffer 'c'"):
            m.register_buffer("c", [1, 2])


def test_shared_modules_and_parameters_are_listed_once_as_in_torch():
    def net(n):
        shared = n.Linear(2, 2)
        return n.Sequential(shared, n.ReLU(), shared)

    ours, theirs = net(A), net(torch.nn)
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_tied_parameters_and_any_child_name_are_listed_as_in_torch():
    def net(n):
        first, second = n.Linear(2, 2), n.Linear(2, 2)
        second.weight = first.weight  # tied: one parameter under two modules
        model = n.Sequential(first, second)
        model.add_module("headX", n.Linear(2, 1))  # a name ending in a letter the mutants strip
        return model

    ours, theirs = net(A), net(torch.nn)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]


def test_transpose_and_reshape_forms_numpy_takes():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(ops.transpose(x, None).data, np.transpose(x.data, None))
    one = Tensor(np.array([5.0]))
    assert ops.reshape(one, ()).shape == tuple(torch.reshape(torch.tensor([5.0]), ()).shape) == ()


def test_a_module_deep_copies():
    import copy

    m = A.Linear(2, 3)
    c = copy.deepcopy(m)
    np.testing.assert_array_equal(c.weight.data, m.weight.data)
    assert c.weight is not m.weight


def test_load_state_dict_errors_name_the_module():
    with pytest.raises(RuntimeError, match=r"Linear"):
        A.Linear(2, 3).load_state_dict({"weight": np.ones((3, 2), np.float32)})


def test_modules_pass_keyword_arguments_to_forward():
    cell = A.RNNCell(3, 2)
    x, h = Tensor(np.ones((4, 3), np.float32)), Tensor(np.full((4, 2), 0.5, np.float32))
    np.testing.assert_array_equal(cell(x, hx=h).data, cell(x, h).data)


def test_float32_layers_without_hidden_state_stay_float32_as_torch():
    x = np.ones((4, 3), np.float32)
    assert A.RNNCell(3, 2)(x).dtype == np.float32 == torch.nn.RNNCell(3, 2)(torch.ones(4, 3)).detach().numpy().dtype
    out, h = A.RNN(3, 2)(np.ones((5, 4, 3), np.float32))
    assert out.dtype == h.dtype == np.float32
    assert all(p.dtype == np.float32 for p in A.VanillaRNN(3, 4, 2).parameters())  # the default dtype


def test_to_moves_every_parameter_and_gradient_to_the_device():
    from scratch_parity import fake_device

    fake_device.register()
    try:
        cell = A.RNNCell(3, 2, bias=False)
        net = A.Sequential(A.Linear(2, 3), cell)
        x = np.ones((4, 2), np.float32)
        net(x).sum().backward()
        expected = {name: p.grad.data.copy() for name, p in net.named_parameters()}
        net.to(fake_device.xp)
        for name, p in net.named_parameters():
            assert isinstance(p.data, fake_device.FakeDeviceArray), name
            assert isinstance(p.grad.data, fake_device.FakeDeviceArray), name
            np.testing.assert_array_equal(fake_device.xp.asnumpy(p.grad.data), expected[name], err_msg=name)
    finally:
        fake_device.unregister()


@pytest.mark.parametrize(
    "make, x",
    [
        (lambda: M.Linear(3, 2), np.ones((4, 3), np.float32)),
        (lambda: M.Conv2d(2, 3, 2), np.ones((2, 2, 4, 4), np.float32)),
        (lambda: M.BatchNorm1d(3), np.arange(12, dtype=np.float32).reshape(4, 3)),
        (lambda: M.RNNCell(3, 2), np.ones((4, 3), np.float32)),
    ],
    ids=["Linear", "Conv2d", "BatchNorm1d", "RNNCell"],
)
def test_hand_written_float32_layers_give_float32_gradients_for_float64_douts(make, x):
    layer = make()
    y = layer(x)
    dx = layer.backward(np.ones(y.shape, np.float64))
    dx = dx[0] if isinstance(dx, tuple) else dx
    assert dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.grads.values())
