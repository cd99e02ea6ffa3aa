"""VGG: the reduced VGG of the seed CNN assignment, on the autograd engine.

Shapes, for x of shape (N, in_channels, S, S) with S = image_size and the default widths (64, 128, 256):
    block 1: conv, conv, max-pool    (N, 64, S/2, S/2)
    block 2: conv, conv, max-pool    (N, 128, S/4, S/4)     (64 -> 128 at 16x16 when S = 32)
    block 3: conv, conv, max-pool    (N, 256, S/8, S/8)
    flatten                          (N, 256 * (S/8)**2)    (a module of its own, outside the Sequentials)
    linear, relu                     (N, hidden)
    linear                           (N, num_classes)
A block, one per width w, is conv 3x3 (padding 1, to w) -> BatchNorm2d (if ``batch_norm``) -> ReLU
-> conv 3x3 (padding 1, w to w) -> BatchNorm2d (if ``batch_norm``) -> ReLU -> 2x2 max-pool.
Each block halves the image, so image_size must be a multiple of 2**len(widths) (8 by default:
8x8 digits work, with in_channels=1).

Parameter names are torch's Sequential indices ("features.0.weight", "classifier.0.weight"), the
same as the torch twin's in ``reference.models.vgg`` and the hand-written one's in ``scratch.manual.models``.
"""

import numpy as np

from scratch.architectures import vgg_layers
from scratch.autograd import nn
from scratch.autograd.nn import Flatten, Module, Sequential


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
        dtype=np.float32,
    ):
        super().__init__()
        features, classifier = vgg_layers(nn, in_channels, num_classes, image_size, widths, hidden, batch_norm, dtype)
        self.features = Sequential(*features)
        self.flatten = Flatten()
        self.classifier = Sequential(*classifier)

    def forward(self, x):
        return self.classifier(self.flatten(self.features(x)))
