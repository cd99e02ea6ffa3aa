"""torch.nn's building blocks on the autograd engine, with torch's names, arguments and state_dict keys."""

from scratch.autograd.nn.layers import (
    SELU,
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Flatten,
    LeakyReLU,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from scratch.autograd.nn.losses import CrossEntropyLoss, SigmoidFocalLoss
from scratch.autograd.nn.module import Module, Parameter

__all__ = [
    "SELU",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "LeakyReLU",
    "Linear",
    "MaxPool2d",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SigmoidFocalLoss",
    "Tanh",
]
