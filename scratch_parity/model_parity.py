"""Whole-model parity helpers shared by the model tests: weights drawn for torch, masks shared, errors measured."""

import itertools

import numpy as np
import torch

from reference import Dropout as TorchDropout


def randomise(model: torch.nn.Module, seed: int) -> None:
    """Draw every parameter and BatchNorm buffer from a seeded generator (BN weight/bias not just 1/0)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5, generator=g)
                module.bias.normal_(0.0, 0.1, generator=g)
                module.running_mean.normal_(0.0, 0.1, generator=g)
                module.running_var.uniform_(0.5, 2.0, generator=g)
            elif isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
                bound = module.weight[0].numel() ** -0.5  # 1 / sqrt(fan_in), torch's default scale
                module.weight.uniform_(-bound, bound, generator=g)
                if module.bias is not None:
                    module.bias.uniform_(-bound, bound, generator=g)


def share_dropout_masks(modules: dict, seed: int) -> None:
    """Every side's Dropout at the same name draws the same keep-mask: drawn once, then reused.

    ``modules``: side -> {module name: module}, with torch's side under "torch".
    """
    rng, masks = np.random.default_rng(seed), {}

    def mask(name, shape, p):
        if name not in masks:
            masks[name] = rng.random(shape) >= p
        assert masks[name].shape == tuple(shape), f"Dropout {name}: mask asked for shape {tuple(shape)}"
        return masks[name]

    dropouts = [name for name, module in modules["torch"].items() if isinstance(module, TorchDropout)]
    for name in dropouts:
        p = modules["torch"][name].p
        modules["torch"][name].sample_mask = lambda shape, dtype=torch.float32, name=name, p=p: torch.from_numpy(
            mask(name, tuple(shape), p)
        ).to(dtype)
        for side in (side for side in modules if side != "torch"):
            assert type(modules[side][name]).__name__ == "Dropout", f"{side} has no Dropout at {name}"
            modules[side][name].sample_mask = lambda shape, name=name, p=p: mask(name, tuple(shape), p)


def biases_with_zero_gradient(model: torch.nn.Module) -> set[str]:
    """Keys of conv biases that feed a BatchNorm2d directly (in a Sequential): 0 gradient in train mode."""
    keys = set()
    for prefix, module in model.named_modules():
        if isinstance(module, torch.nn.Sequential):
            for (name, layer), (_, after) in itertools.pairwise(module.named_children()):
                conv_with_bias = isinstance(layer, torch.nn.Conv2d) and layer.bias is not None
                if conv_with_bias and isinstance(after, torch.nn.BatchNorm2d):
                    keys.add(f"{prefix}.{name}.bias" if prefix else f"{name}.bias")
    return keys


def rel_error(ours, theirs) -> float:
    """max|ours - theirs| / max|theirs| (the absolute error when theirs is all zeros)."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    if ours.shape != theirs.shape:  # no broadcasting: a wrong shape is an infinite error
        return np.inf
    if ours.size == 0:
        return 0.0
    scale, diff = np.abs(theirs).max(), np.abs(ours - theirs).max()
    return float(diff / scale if scale > 0 else diff)
