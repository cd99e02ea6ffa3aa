"""MLP: a multilayer perceptron (the seed course's first assignment), written in torch independently
of ``scratch`` (no shared recipe), so the three-way layout test compares independent builds; the
module names and state_dict keys are those of ``scratch.autograd.models.mlp``.

Shapes, for x of shape (N, in_features) and hidden = (h_1, ..., h_k):
    linear, activation    (N, h_1)
    ...
    linear, activation    (N, h_k)
    linear                (N, num_classes)      (logits: no activation after the last layer)
``activation`` names the nonlinearity between the linear layers: "relu", "tanh", "sigmoid",
"leaky_relu" (slope 0.01, torch's default) or "selu". hidden=() gives logistic regression.
The layers are one Sequential named ``layers``: keys "layers.0.weight", "layers.0.bias", ...
"""

import torch
from torch.nn import SELU, LeakyReLU, Linear, Module, ReLU, Sequential, Sigmoid, Tanh

ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "leaky_relu": LeakyReLU, "selu": SELU}


class MLP(Module):
    """x (N, in_features) -> logits (N, num_classes); see the module doc."""

    def __init__(
        self,
        in_features: int,
        hidden=(64, 64),
        num_classes: int = 2,
        activation: str = "relu",
        *,
        dtype=torch.float32,
    ):
        super().__init__()
        sizes = (in_features, *hidden, num_classes)
        if any(int(size) != size or size <= 0 for size in sizes):
            raise ValueError(f"MLP: in_features, hidden and num_classes must be positive integers, got {sizes}")
        if activation not in tuple(ACTIVATIONS):
            raise ValueError(f"MLP: activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        layers, size = [], in_features
        for width in hidden:
            layers += [Linear(size, width, dtype=dtype), ACTIVATIONS[activation]()]
            size = width
        self.layers = Sequential(*layers, Linear(size, num_classes, dtype=dtype))

    def forward(self, x):
        return self.layers(x)
