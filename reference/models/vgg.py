"""VGG: the reduced VGG of the seed CNN assignment, in torch: the twin of
``scratch.autograd.models.vgg``, line for line, with the same module names and state_dict keys.

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
from torch.nn import Flatten, Module, Sequential

import reference
from scratch.architectures import vgg_layers


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
        features, classifier = vgg_layers(
            reference, in_channels, num_classes, image_size, widths, hidden, batch_norm, dtype
        )
        self.features = Sequential(*features)
        self.flatten = Flatten()
        self.classifier = Sequential(*classifier)

    def forward(self, x):
        return self.classifier(self.flatten(self.features(x)))
