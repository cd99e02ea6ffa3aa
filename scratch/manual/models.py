"""Whole networks from the hand-written layers: MLP, C5L3 and VGG, each with its backward by hand.

Each is the twin of the class of the same name in ``scratch.autograd.models`` and ``reference.models``:
the same constructor, the same submodule names, and so the same state_dict keys, shapes and order
("layers.0.weight" for the MLP, "features.0.weight", "classifier.0.weight" for the CNNs), so one
state_dict loads into all three implementations. See those modules for the shapes layer by layer.

A network here is a chain: ``forward(x)`` runs its parts in order, each caching what it needs, and
``backward(dout)`` runs them in reverse, each turning d(loss)/d(its output) into d(loss)/d(its
input) and adding its parameters' gradients into ``grads``. The chain rule through a network is
nothing more than that reversed loop; Flatten's backward only reshapes dout back to the feature
maps' shape. (A network with branches, such as a ResNet, is where this stops being this simple;
see ``scratch.autograd.models.resnet``.)
"""

import numpy as np

import scratch.manual as manual
from scratch.architectures import c5l3_layers, mlp_layers, vgg_layers
from scratch.manual.container import Sequential
from scratch.manual.flatten import Flatten
from scratch.manual.module import Module


class MLP(Module):
    """x (N, in_features) -> logits (N, num_classes): Linear, activation, ..., Linear.

    ``activation`` between the linear layers: "relu", "tanh", "sigmoid", "leaky_relu" (slope 0.01)
    or "selu"; none after the last. The layers are one Sequential named ``layers``.
    """

    def __init__(
        self,
        in_features: int,
        hidden=(64, 64),
        num_classes: int = 2,
        activation: str = "relu",
        *,
        dtype=np.float32,
    ):
        super().__init__()
        self.layers = Sequential(*mlp_layers(manual, in_features, hidden, num_classes, activation, dtype))

    def children(self) -> dict[str, Module]:
        return {"layers": self.layers}

    def forward(self, x):
        return self.layers.forward(x)

    def backward(self, dout):
        return self.layers.backward(dout)


class _FeaturesClassifier(Module):
    """The CNNs' shape: ``features`` (a Sequential), ``flatten``, ``classifier`` (a Sequential).

    forward:  logits = classifier(flatten(features(x)))
    backward: dx = features.backward(flatten.backward(classifier.backward(dout)))
    """

    features: Sequential
    flatten: Flatten
    classifier: Sequential

    def children(self) -> dict[str, Module]:
        return {"features": self.features, "flatten": self.flatten, "classifier": self.classifier}

    def forward(self, x):
        return self.classifier.forward(self.flatten.forward(self.features.forward(x)))

    def backward(self, dout):
        return self.features.backward(self.flatten.backward(self.classifier.backward(dout)))


class C5L3(_FeaturesClassifier):
    """The seed course's CNN baseline (5 convolutions, 3 linear layers), by hand.

    x (N, in_channels, image_size, image_size) -> logits (N, num_classes). A conv block is conv 3x3
    (padding 1) -> BatchNorm2d (if ``batch_norm``) -> ReLU, then a 2x2 max-pool after convs 1, 2 and 5.
    ``dropout``: None; "conv", a Dropout(p) closing each conv block (after its pool); "linear", a
    Dropout(p) after each hidden linear layer's ReLU. As ``scratch.autograd.models.c5l3.C5L3``.
    """

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
        dtype=np.float32,
    ):
        super().__init__()
        features, classifier = c5l3_layers(
            manual, in_channels, num_classes, image_size, widths, hidden, batch_norm, dropout, p, dtype
        )
        self.features = Sequential(*features)
        self.flatten = Flatten()
        self.classifier = Sequential(*classifier)


class VGG(_FeaturesClassifier):
    """The reduced VGG of the seed CNN assignment, by hand.

    x (N, in_channels, image_size, image_size) -> logits (N, num_classes). Per width w a block:
    conv 3x3 (pad 1) -> BatchNorm2d (if ``batch_norm``) -> ReLU -> conv 3x3 (pad 1) -> BatchNorm2d
    (if ``batch_norm``) -> ReLU -> 2x2 max-pool; then flatten, Linear -> ReLU -> Linear.
    image_size must be a multiple of 2**len(widths). As ``scratch.autograd.models.vgg.VGG``.
    """

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
        features, classifier = vgg_layers(
            manual, in_channels, num_classes, image_size, widths, hidden, batch_norm, dtype
        )
        self.features = Sequential(*features)
        self.flatten = Flatten()
        self.classifier = Sequential(*classifier)
