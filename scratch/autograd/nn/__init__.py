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
from scratch.autograd.nn.rnn import RNN, RNNCell, VanillaRNN

__all__ = [
    "RNN",
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
    "RNNCell",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SigmoidFocalLoss",
    "Tanh",
    "VanillaRNN",
]
