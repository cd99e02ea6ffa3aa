"""C5L3: the seed course's CNN baseline (5 convolutions, 3 linear layers), written in torch
independently of ``scratch`` (no shared recipe), so the three-way layout test compares independent
builds; the module names and state_dict keys are those of ``scratch.autograd.models.c5l3``.

Shapes, for x of shape (N, in_channels, S, S) with S = image_size and the default widths:
    conv block 1 + max-pool    (N, 128, S/2, S/2)
    conv block 2 + max-pool    (N, 256, S/4, S/4)
    conv block 3               (N, 512, S/4, S/4)
    conv block 4               (N, 512, S/4, S/4)
    conv block 5 + max-pool    (N, 256, S/8, S/8)
    flatten                    (N, 256 * (S/8)**2)       (a module of its own, outside the Sequentials)
    linear, relu               (N, 1024)
    linear, relu               (N, 512)
    linear                     (N, num_classes)
A conv block is conv 3x3 (padding 1) -> BatchNorm2d (if ``batch_norm``) -> ReLU, then the 2x2
max-pool where there is one. ``dropout``: None; "conv", a Dropout(p) closing each conv block (after
its pool); "linear", a Dropout(p) after each hidden linear layer's ReLU. Dropout is
``reference.Dropout`` (torch's, with a mask a test can inject).
"""

import torch
from torch.nn import BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential

from reference import Dropout

POOL_AFTER = (0, 1, 4)  # the 2x2 max-pools follow conv blocks 1, 2 and 5 (0-based)


class C5L3(Module):
    """x (N, in_channels, image_size, image_size) -> logits (N, num_classes); see the module doc."""

    def __init__(
        self,
        in_channels: int = 3,
        num_classes: int = 10,
        image_size: int = 32,
        widths=(128, 256, 512, 512, 256),
        hidden=(1024, 512),
        batch_norm: bool = True,
        dropout: str | None = None,
        p: float = 0.5,
        *,
        dtype=torch.float32,
    ):
        super().__init__()
        if image_size <= 0 or image_size % 8:
            raise ValueError(
                f"C5L3: image_size must be a positive multiple of 8 (three 2x2 max-pools), got {image_size}"
            )
        if len(widths) != 5:
            raise ValueError(f"C5L3: widths must give 5 conv widths, got {tuple(widths)}")
        if len(hidden) != 2:
            raise ValueError(f"C5L3: hidden must give 2 hidden sizes, got {tuple(hidden)}")
        if dropout not in (None, "conv", "linear"):
            raise ValueError(f"C5L3: dropout must be None, 'conv' or 'linear', got {dropout!r}")

        features, channels = [], in_channels
        for i, width in enumerate(widths):
            features.append(Conv2d(channels, width, 3, padding=1, dtype=dtype))
            if batch_norm:
                features.append(BatchNorm2d(width, dtype=dtype))
            features.append(ReLU())
            if i in POOL_AFTER:
                features.append(MaxPool2d(2))
            if dropout == "conv":
                features.append(Dropout(p))
            channels = width

        side = image_size // 8
        classifier, size = [], channels * side * side
        for width in hidden:
            classifier += [Linear(size, width, dtype=dtype), ReLU()]
            if dropout == "linear":
                classifier.append(Dropout(p))
            size = width

        self.features = Sequential(*features)
        self.flatten = Flatten()
        self.classifier = Sequential(*classifier, Linear(size, num_classes, dtype=dtype))

    def forward(self, x):
        return self.classifier(self.flatten(self.features(x)))
