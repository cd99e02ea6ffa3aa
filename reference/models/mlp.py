"""MLP: a multilayer perceptron (the seed course's first assignment), in torch: the twin of
``scratch.autograd.models.mlp``, line for line, with the same module names and state_dict keys.

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
from torch.nn import Module, Sequential

import reference
from scratch.architectures import mlp_layers


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
        self.layers = Sequential(*mlp_layers(reference, in_features, hidden, num_classes, activation, dtype))

    def forward(self, x):
        return self.layers(x)
