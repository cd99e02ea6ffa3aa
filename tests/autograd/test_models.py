"""Whole networks on the autograd engine against their torch twins (``reference.models``).

The two sides share a state_dict: the torch model is built, its parameters and BatchNorm buffers
randomised with a seeded torch generator, and its state_dict loaded into the autograd model. Both
then see the same input and the same loss, L = sum(logits * R) for a fixed random R, and backward.

Agreement, in float64, for each array (logits, each parameter's gradient, the input's gradient, each
buffer after the forward): the normwise relative error max|autograd - torch| / max|torch| is at most
1e-9. Normwise, not elementwise: a gradient entry that is ~0 after many layers of cancellation
carries rounding from the whole network, and only its size relative to the array means anything.
One exception: the bias of a convolution that feeds a train-mode BatchNorm has a gradient of exactly
0 (the batch mean removes the bias), so both sides hold rounding noise only; there both sides must be
at most 1e-9 times max|torch's gradient of that convolution's weight|.
"""

import numpy as np
import pytest
import torch

from reference import models as R
from reference import to_numpy
from scratch.autograd import Tensor, nn
from scratch.autograd import models as A
from scratch_parity.model_parity import biases_with_zero_gradient, randomise, rel_error, share_dropout_masks

REL_TOL = 1e-9

C5L3_SMALL = dict(widths=(4, 8, 8, 8, 4), hidden=(16, 8), image_size=8)
C5L3_SWITCHES = [dict(batch_norm=bn, dropout=dropout) for bn in (True, False) for dropout in (None, "conv", "linear")]


def c5l3_id(switches: dict) -> str:
    return f"c5l3(batch_norm={switches['batch_norm']}, dropout={switches['dropout']})"


# name -> (autograd model, torch model, one input's shape), each model made by f(dtype)
MODELS = {
    "resnet18": (
        lambda dtype: A.resnet18(dtype=dtype),
        lambda dtype: R.resnet18(dtype=dtype),
        (3, 32, 32),
    ),
    "resnet50": (
        lambda dtype: A.resnet50(dtype=dtype),
        lambda dtype: R.resnet50(dtype=dtype),
        (3, 32, 32),
    ),
    **{
        c5l3_id(s): (
            lambda dtype, s=s: A.C5L3(**C5L3_SMALL, **s, dtype=dtype),
            lambda dtype, s=s: R.C5L3(**C5L3_SMALL, **s, dtype=dtype),
            (3, 8, 8),
        )
        for s in C5L3_SWITCHES
    },
}


# -- state_dict layout ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, ours, theirs",
    [
        ("resnet18", A.resnet18, R.resnet18),
        ("resnet50", A.resnet50, R.resnet50),
        *[(c5l3_id(s), lambda s=s: A.C5L3(**s), lambda s=s: R.C5L3(**s)) for s in C5L3_SWITCHES],
    ],
)
def test_state_dict_keys_and_shapes_match_torch(name, ours, theirs):
    """Same keys, in the same order, with the same shapes: one state_dict loads into both."""
    ours_sd, theirs_sd = ours().state_dict(), theirs().state_dict()
    assert list(ours_sd) == list(theirs_sd), f"{name}: state_dict keys differ (autograd vs torch)"
    for key, value in theirs_sd.items():
        assert ours_sd[key].shape == tuple(value.shape), (
            f"{name}: {key} has shape {ours_sd[key].shape} (autograd) but {tuple(value.shape)} (torch)"
        )


def test_torchvision_names_and_the_stride_on_the_bottleneck_3x3():
    sd = R.resnet50().state_dict()
    assert "layer2.0.downsample.0.weight" in sd and "layer1.1.downsample.0.weight" not in sd
    assert "layer1.0.downsample.1.running_var" in sd  # 64 -> 256 channels: a shortcut even at stride 1
    model = A.resnet50()
    assert model.layer2[0].conv1.stride == (1, 1) and model.layer2[0].conv2.stride == (2, 2)
    assert set(A.resnet18().state_dict()) >= {"conv1.weight", "bn1.running_mean", "fc.weight", "fc.bias"}


def test_c5l3_refuses_an_image_size_not_divisible_by_8():
    with pytest.raises(ValueError, match="image_size"):
        A.C5L3(image_size=28)
    with pytest.raises(ValueError, match="image_size"):
        R.C5L3(image_size=28)


# -- whole-model parity ---------------------------------------------------------------------------


def run_both(name: str, training: bool, batch: int, seed: int = 0):
    """Build, share weights, run forward and backward on both sides; return every array to compare."""
    make_ours, make_theirs, shape = MODELS[name]
    theirs = make_theirs(torch.float64)
    randomise(theirs, seed)
    ours = make_ours(np.float64)
    ours.load_state_dict(to_numpy(theirs.state_dict()))
    ours.train(training)
    theirs.train(training)
    share_dropout_masks({"autograd": dict(ours.named_modules()), "torch": dict(theirs.named_modules())}, seed)

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, *shape))
    x_ours, x_theirs = Tensor(x.copy(), requires_grad=True), torch.tensor(x, requires_grad=True)
    logits_ours, logits_theirs = ours(x_ours), theirs(x_theirs)
    weights = rng.standard_normal(logits_theirs.shape)
    (logits_ours * Tensor(weights)).sum().backward()
    (logits_theirs * torch.from_numpy(weights)).sum().backward()

    pairs = {"logits": (logits_ours.data, logits_theirs.detach().numpy())}
    zero = biases_with_zero_gradient(theirs) if training else set()
    pairs["grad of the input"] = (x_ours.grad.data, x_theirs.grad.numpy())
    ours_params = dict(ours.named_parameters())
    for key, p in theirs.named_parameters():
        grad = ours_params[key].grad
        ours_grad = np.full(p.shape, np.nan) if grad is None else grad.data
        if key in zero:  # compared as noise against the weight's gradient (see the module doc)
            weight_key = key.removesuffix("bias") + "weight"
            scale = np.abs(dict(theirs.named_parameters())[weight_key].grad.numpy()).max()
            noise = max(np.abs(ours_grad).max(), np.abs(p.grad.numpy()).max())
            pairs[f"grad of {key} (exactly 0: conv before a train-mode BatchNorm)"] = (noise / scale, 0.0)
        else:
            pairs[f"grad of {key}"] = (ours_grad, p.grad.numpy())
    ours_buffers = dict(ours.named_buffers())
    for key, b in theirs.named_buffers():
        pairs[f"buffer {key}"] = (ours_buffers[key], b.numpy())
    return pairs


# (model, mode, batch): batch 2 at 32x32 for the ResNets, batch 3 at 8x8 for the small C5L3s.
PARITY_CASES = [
    *[(name, mode, 2) for name in ("resnet18", "resnet50") for mode in ("train", "eval")],
    *[(c5l3_id(s), mode, 3) for s in C5L3_SWITCHES for mode in ("train", "eval")],
]


@pytest.mark.parametrize("name, mode, batch", PARITY_CASES)
def test_whole_model_matches_torch_in_float64(name, mode, batch):
    """Logits, every parameter's gradient, the input's gradient and the BatchNorm buffers after the
    forward (moved in train mode, untouched in eval) agree with torch: for each array,
    max|autograd - torch| / max|torch| <= 1e-9 (float64, the same weights, input, loss and masks)."""
    pairs = run_both(name, training=mode == "train", batch=batch)
    failures = []
    for what, (ours, theirs) in pairs.items():
        if np.shape(ours) != np.shape(theirs):
            failures.append(f"{name} {mode}: {what}: shape {np.shape(ours)} (autograd) vs {np.shape(theirs)} (torch)")
            continue
        err = rel_error(ours, theirs)
        if not err <= REL_TOL:
            failures.append(f"{name} {mode}: {what}: rel error {err:.3g} > {REL_TOL:g} (autograd vs torch)")
    assert not failures, f"{len(failures)} of {len(pairs)} arrays differ:\n" + "\n".join(failures[:20])


# -- dtype ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, make",
    [
        ("c5l3", lambda: A.C5L3(**C5L3_SMALL, dropout="conv")),
        ("resnet18", lambda: A.resnet18()),
    ],
)
def test_float32_models_keep_float32(name, make):
    """A float32 model gives float32 logits, parameter gradients, input gradient and buffers."""
    model = make()
    rng = np.random.default_rng(0)
    size = 8 if name == "c5l3" else 32
    x = Tensor(rng.standard_normal((2, 3, size, size)).astype(np.float32), requires_grad=True)
    logits = model(x)
    nn.CrossEntropyLoss()(logits, np.array([1, 7])).backward()
    assert logits.dtype == np.float32, f"{name}: logits are {logits.dtype}"
    assert x.grad.dtype == np.float32, f"{name}: the input's gradient is {x.grad.dtype}"
    for key, p in model.named_parameters():
        assert p.grad is not None, f"{name}: {key} got no gradient"
        assert p.grad.dtype == np.float32, f"{name}: grad of {key} is {p.grad.dtype}"
    for key, b in model.named_buffers():
        if not key.endswith("num_batches_tracked"):
            assert b.dtype == np.float32, f"{name}: buffer {key} is {b.dtype}"
