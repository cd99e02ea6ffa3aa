"""The PyTorch twin of every piece of ``scratch``: same names, constructor arguments, parameter
names and layouts, so one state_dict loads into every implementation.

Where torch already has the layer, the twin *is* torch's layer. Two are written here: ``Dropout``
(torch's own rule, with the mask drawn in one overridable method so tests can inject it) and
``SigmoidFocalLoss`` (torchvision's formula, so torchvision is not needed).
"""

from torch.nn import (
    RNN,
    SELU,
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    CrossEntropyLoss,
    Flatten,
    LeakyReLU,
    Linear,
    MaxPool2d,
    ReLU,
    RNNCell,
    Sequential,
    Sigmoid,
    Tanh,
)

from reference.convert import to_numpy, to_torch
from reference.dropout import Dropout
from reference.losses import SigmoidFocalLoss, sigmoid_focal_loss
from reference.rnn import VanillaRNN, rnn_cell

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
    "RNNCell",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SigmoidFocalLoss",
    "Tanh",
    "VanillaRNN",
    "rnn_cell",
    "sigmoid_focal_loss",
    "to_numpy",
    "to_torch",
]
