"""C5L3: the seed course's CNN baseline (5 convolutions, 3 linear layers), in torch: the twin of
``scratch.autograd.models.c5l3``, line for line, with the same module names and state_dict keys.

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
from torch.nn import Flatten, Module, Sequential

import reference
from scratch.architectures import c5l3_layers


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
        features, classifier = c5l3_layers(
            reference, in_channels, num_classes, image_size, widths, hidden, batch_norm, dropout, p, dtype
        )
        self.features = Sequential(*features)
        self.flatten = Flatten()
        self.classifier = Sequential(*classifier)

    def forward(self, x):
        return self.classifier(self.flatten(self.features(x)))
