"""MLP, C5L3 and VGG three ways: by hand (``scratch.manual.models``), on the autograd engine
(``scratch.autograd.models``) and in torch (``reference.models``).

Layout: the three have the same state_dict keys, in the same order, with the same shapes.

Parity, in float64: the torch model is built, its parameters and BatchNorm buffers randomised with a
seeded torch generator, and its state_dict loaded into the other two. All three see the same input,
the same Dropout keep-masks (drawn once per layer and injected through each Dropout's
``sample_mask``) and the same loss L = sum(logits * R) for a fixed random R, so d(L)/d(logits) = R
is what the hand-written backward is given. For each array (logits, the input's gradient, each
parameter's gradient, each buffer after the forward), each of manual and autograd must agree with
torch: the normwise relative error max|ours - torch| / max|torch| is at most 1e-9.
One exception, as in ``tests/autograd/test_models.py``: the bias of a convolution that feeds a
train-mode BatchNorm has a gradient of exactly 0 (the batch mean removes the bias), so every side
holds rounding noise only; there each side must be at most 1e-9 times max|torch's gradient of that
convolution's weight|.

dtype: a float32 model stays float32 through forward and backward, in every implementation.
"""

import numpy as np
import pytest
import torch

import reference.models
import scratch.autograd.models
import scratch.manual.models
from reference import to_numpy
from scratch.autograd import Tensor
from scratch_parity.model_parity import biases_with_zero_gradient, randomise, rel_error, share_dropout_masks

REL_TOL = 1e-9
SIDES = {"manual": scratch.manual.models, "autograd": scratch.autograd.models, "torch": reference.models}
TORCH_DTYPES = {np.float32: torch.float32, np.float64: torch.float64}

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "selu")
MLP_SMALL = dict(in_features=5, hidden=(7, 6), num_classes=3)
C5L3_SMALL = dict(widths=(3, 4, 4, 4, 3), hidden=(8, 6), image_size=8, num_classes=4)
C5L3_SWITCHES = [dict(batch_norm=bn, dropout=dropout) for bn in (True, False) for dropout in (None, "conv", "linear")]
VGG_SMALL = dict(in_channels=1, num_classes=10, image_size=8, widths=(3, 4, 4), hidden=6)  # 8x8 digits

# name -> (class name, constructor arguments, one input's shape)
MODELS = {
    **{f"mlp(activation={a})": ("MLP", dict(**MLP_SMALL, activation=a), (5,)) for a in ACTIVATIONS},
    **{
        f"c5l3(batch_norm={s['batch_norm']}, dropout={s['dropout']})": ("C5L3", dict(**C5L3_SMALL, **s), (3, 8, 8))
        for s in C5L3_SWITCHES
    },
    **{f"vgg(batch_norm={bn})": ("VGG", dict(**VGG_SMALL, batch_norm=bn), (1, 8, 8)) for bn in (True, False)},
}
# The default-size models, for the layout check only (no forward).
DEFAULTS = {
    "mlp(defaults, in_features=4)": ("MLP", dict(in_features=4)),
    "c5l3(defaults)": ("C5L3", {}),
    "c5l3(defaults, batch_norm=False, dropout=conv)": ("C5L3", dict(batch_norm=False, dropout="conv")),
    "vgg(defaults)": ("VGG", {}),
    "vgg(defaults, batch_norm=False)": ("VGG", dict(batch_norm=False)),
}


def build(side: str, cls: str, kwargs: dict, dtype=np.float64):
    dtype = TORCH_DTYPES[dtype] if side == "torch" else dtype
    return getattr(SIDES[side], cls)(**kwargs, dtype=dtype)


def manual_named_modules(module, prefix: str = ""):
    """(name, module) for a hand-written model and every descendant, named as torch names them."""
    yield prefix, module
    for name, child in module.children().items():
        yield from manual_named_modules(child, f"{prefix}.{name}" if prefix else name)


def named_modules(side: str, model) -> dict:
    return dict(manual_named_modules(model) if side == "manual" else model.named_modules())


# -- state_dict layout ----------------------------------------------------------------------------
LAYOUT_CASES = {**{name: (cls, kwargs) for name, (cls, kwargs, _) in MODELS.items()}, **DEFAULTS}


@pytest.mark.parametrize("name", LAYOUT_CASES)
def test_state_dict_keys_order_and_shapes_agree_three_ways(name):
    """One state_dict loads into all three: the same keys, in the same order, with the same shapes."""
    cls, kwargs = LAYOUT_CASES[name]
    dicts = {side: build(side, cls, kwargs, np.float32).state_dict() for side in SIDES}
    theirs = {key: tuple(value.shape) for key, value in dicts["torch"].items()}
    for side in ("manual", "autograd"):
        ours = {key: tuple(np.shape(value)) for key, value in dicts[side].items()}
        assert list(ours) == list(theirs), (
            f"{name}: state_dict keys differ ({side} vs torch)\n  {side}: {list(ours)}\n  torch: {list(theirs)}"
        )
        for key, shape in theirs.items():
            assert ours[key] == shape, f"{name}: {key} has shape {ours[key]} ({side}) but {shape} (torch)"


def test_the_keys_are_the_named_sequentials():
    sd = scratch.manual.models.MLP(4, hidden=(3,)).state_dict()
    assert list(sd) == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]
    sd = scratch.manual.models.VGG(widths=(2,), image_size=2, hidden=3).state_dict()
    assert list(sd)[:3] == ["features.0.weight", "features.0.bias", "features.1.weight"]
    assert sd["classifier.0.weight"].shape == (3, 2) and sd["classifier.2.weight"].shape == (10, 3)


def test_default_vgg_has_the_benchmark_layer_64_to_128_at_16x16():
    """With the defaults, a 3x3 convolution takes 64 channels to 128 on 16x16 feature maps."""
    model, seen = reference.models.VGG(), []
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            module.register_forward_hook(lambda m, args, _: seen.append((m.in_channels, m.out_channels, args[0].shape)))
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 32, 32)).shape == (1, 10)
    assert (64, 128, (1, 64, 16, 16)) in seen, seen


@pytest.mark.parametrize("side", list(SIDES))
def test_an_image_size_the_pools_cannot_divide_is_refused(side):
    for cls, kwargs in [("C5L3", dict(image_size=28)), ("VGG", dict(image_size=12)), ("VGG", dict(image_size=0))]:
        with pytest.raises(ValueError, match="image_size"):
            build(side, cls, kwargs)
    with pytest.raises(ValueError, match="activation"):
        build(side, "MLP", dict(in_features=4, activation="gelu"))


# -- float64 parity -------------------------------------------------------------------------------


def forward_backward(side: str, model, x: np.ndarray, weights: np.ndarray) -> dict:
    """Logits, the input's gradient, every parameter's gradient (None if missing) and the state after."""
    if side == "torch":
        xt = torch.tensor(x, requires_grad=True)
        logits = model(xt)
        (logits * torch.from_numpy(weights)).sum().backward()
        grads = {k: None if p.grad is None else p.grad.numpy() for k, p in model.named_parameters()}
        return dict(logits=logits.detach().numpy(), dx=xt.grad.numpy(), grads=grads, state=to_numpy(model.state_dict()))
    if side == "autograd":
        xt = Tensor(x.copy(), requires_grad=True)
        logits = model(xt)
        (logits * Tensor(weights)).sum().backward()
        grads = {k: None if p.grad is None else p.grad.data for k, p in model.named_parameters()}
        return dict(logits=logits.data, dx=xt.grad.data, grads=grads, state=model.state_dict())
    logits = model.forward(x.copy())
    dx = model.backward(weights.copy())  # d(sum(logits * R)) / d(logits) = R
    grads = {k: p.grad for k, p in model.named_parameters()}
    return dict(logits=logits, dx=dx, grads=grads, state=model.state_dict())


def run_three(name: str, training: bool, batch: int = 3, seed: int = 0) -> dict:
    """Build, share weights and masks, run forward and backward on each side; return each side's results."""
    cls, kwargs, shape = MODELS[name]
    models = {"torch": build("torch", cls, kwargs)}
    randomise(models["torch"], seed)
    state = to_numpy(models["torch"].state_dict())
    for side in ("manual", "autograd"):
        models[side] = build(side, cls, kwargs)
        models[side].load_state_dict(state)
    for model in models.values():
        model.train(training)
    share_dropout_masks({side: named_modules(side, model) for side, model in models.items()}, seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, *shape))
    weights = rng.standard_normal((batch, kwargs["num_classes"]))
    results = {side: forward_backward(side, model, x, weights) for side, model in models.items()}
    results["zero"] = biases_with_zero_gradient(models["torch"]) if training else set()
    return results


def compare(name: str, mode: str, side: str, ours: dict, theirs: dict, zero: set[str]) -> list[str]:
    """Every disagreement between ``side`` (ours) and torch (theirs), one line each."""
    where = f"{name} {mode}"
    pairs = {"logits": (ours["logits"], theirs["logits"]), "grad of the input": (ours["dx"], theirs["dx"])}
    failures = []
    for key, grad in theirs["grads"].items():
        mine = ours["grads"].get(key)
        if mine is None:
            failures.append(f"{where}: grad of {key}: missing in {side} (torch has one)")
        elif key in zero:  # compared as noise against the weight's gradient (see the module doc)
            scale = np.abs(theirs["grads"][key.removesuffix("bias") + "weight"]).max()
            noise = max(np.abs(mine).max(), np.abs(grad).max())
            pairs[f"grad of {key} (exactly 0: conv before a train-mode BatchNorm)"] = (noise / scale, 0.0)
        else:
            pairs[f"grad of {key}"] = (mine, grad)
    for key, buffer in theirs["state"].items():
        if key not in theirs["grads"]:
            pairs[f"buffer {key}"] = (ours["state"][key], buffer)
    for what, (mine, expected) in pairs.items():
        if np.shape(mine) != np.shape(expected):
            failures.append(f"{where}: {what}: shape {np.shape(mine)} ({side}) vs {np.shape(expected)} (torch)")
            continue
        err = rel_error(mine, expected)
        if not err <= REL_TOL:
            failures.append(f"{where}: {what}: rel error {err:.3g} > {REL_TOL:g} ({side} vs torch)")
    return failures


PARITY_CASES = [(name, mode) for name in MODELS for mode in ("train", "eval")]


@pytest.mark.parametrize("name, mode", PARITY_CASES)
def test_manual_and_autograd_match_torch_in_float64(name, mode):
    """Logits, the input's gradient, every parameter's gradient and the buffers after the forward
    agree with torch, for the hand-written and the autograd model: normwise relative error <= 1e-9."""
    results = run_three(name, training=mode == "train")
    failures = []
    for side in ("manual", "autograd"):
        failures += compare(name, mode, side, results[side], results["torch"], results["zero"])
    assert not failures, f"{len(failures)} disagreements:\n" + "\n".join(failures[:20])


def test_the_injected_masks_drop_something():
    """The dropout cases test dropout: the masks zero some logits' inputs, the same on every side."""
    with_dropout = run_three("c5l3(batch_norm=False, dropout=linear)", training=True)
    without = run_three("c5l3(batch_norm=False, dropout=None)", training=True)
    assert rel_error(with_dropout["torch"]["logits"], without["torch"]["logits"]) > 1e-3


# -- dtype ----------------------------------------------------------------------------------------
FLOAT32_CASES = ["mlp(activation=selu)", "c5l3(batch_norm=True, dropout=conv)", "vgg(batch_norm=True)"]


@pytest.mark.parametrize("side", list(SIDES))
@pytest.mark.parametrize("name", FLOAT32_CASES)
def test_float32_models_stay_float32_through_backward(name, side):
    """A float32 model gives float32 logits, input gradient, parameter gradients and buffers."""
    cls, kwargs, shape = MODELS[name]
    model = build(side, cls, kwargs, np.float32)
    model.train()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, *shape)).astype(np.float32)
    weights = rng.standard_normal((2, kwargs["num_classes"])).astype(np.float32)
    out = forward_backward(side, model, x, weights)
    assert out["logits"].dtype == np.float32, f"{name} ({side}): logits are {out['logits'].dtype}"
    assert out["dx"].dtype == np.float32, f"{name} ({side}): the input's gradient is {out['dx'].dtype}"
    for key, grad in out["grads"].items():
        assert grad is not None, f"{name} ({side}): {key} got no gradient"
        assert grad.dtype == np.float32, f"{name} ({side}): grad of {key} is {grad.dtype}"
    for key, value in out["state"].items():
        if not key.endswith("num_batches_tracked"):
            assert value.dtype == np.float32, f"{name} ({side}): {key} is {value.dtype}"
