"""VGG: the reduced VGG of the seed CNN assignment, written in torch independently of ``scratch``
(no shared recipe), so the three-way layout test compares independent builds; the module names and
state_dict keys are those of ``scratch.autograd.models.vgg``.

Shapes, for x of shape (N, in_channels, S, S) with S = image_size and the default widths (64, 128, 256):
    block 1: conv, conv, max-pool    (N, 64, S/2, S/2)
    block 2: conv, conv, max-pool    (N, 128, S/4, S/4)     (64 -> 128 at 16x16 when S = 32)
    block 3: conv, conv, max-pool    (N, 256, S/8, S/8)
    flatten                          (N, 256 * (S/8)**2)    (a module of its own, outside the Sequentials)
    linear, relu                     (N, hidden)
    linear                           (N, num_classes)
A block, one per width w, is conv 3x3 (padding 1, to w) -> BatchNorm2d (if ``batch_norm``) -> ReLU
-> conv 3x3 (padding 1, w to w) -> BatchNorm2d (if ``batch_norm``) -> ReLU -> 2x2 max-pool.
Each block halves the image, so image_size must be a multiple of 2**len(widths) (8 by default).
"""

import torch
from torch.nn import BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential


class VGG(Module):
    """x (N, in_channels, image_size, image_size) -> logits (N, num_classes); see the module doc."""

    def __init__(
        self,
        in_channels: int = 3,
        num_classes: int = 10,
        image_size: int = 32,
        widths=(64, 128, 256),
        hidden: int = 512,
        batch_norm: bool = True,
        *,
        dtype=torch.float32,
    ):
        super().__init__()
        if len(widths) == 0:
            raise ValueError("VGG: widths must give at least one block width, got ()")
        pools = 2 ** len(widths)
        if image_size <= 0 or image_size % pools:
            raise ValueError(
                f"VGG: image_size must be a positive multiple of {pools} ({len(widths)} 2x2 max-pools), "
                f"got {image_size}"
            )
        if hidden <= 0:
            raise ValueError(f"VGG: hidden must be a positive size, got {hidden}")

        features, channels = [], in_channels
        for width in widths:
            for _ in range(2):
                features.append(Conv2d(channels, width, 3, padding=1, dtype=dtype))
                if batch_norm:
                    features.append(BatchNorm2d(width, dtype=dtype))
                features.append(ReLU())
                channels = width
            features.append(MaxPool2d(2))

        side = image_size // pools
        self.features = Sequential(*features)
        self.flatten = Flatten()
        self.classifier = Sequential(
            Linear(channels * side * side, hidden, dtype=dtype),
            ReLU(),
            Linear(hidden, num_classes, dtype=dtype),
        )

    def forward(self, x):
        return self.classifier(self.flatten(self.features(x)))
