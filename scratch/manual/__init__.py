"""Hand-written layers: ``forward(x)`` caches, ``backward(dout)`` returns dx and fills ``grads``.

Every class has the name, constructor arguments, parameter names and layouts of its torch twin in
``reference``, so one state_dict (as NumPy arrays) loads into both.
"""

from scratch.manual.activations import SELU, LeakyReLU, ReLU, Sigmoid, Tanh
from scratch.manual.batchnorm import BatchNorm1d, BatchNorm2d
from scratch.manual.container import Sequential
from scratch.manual.conv import Conv2d
from scratch.manual.dropout import Dropout
from scratch.manual.flatten import Flatten
from scratch.manual.linear import Linear
from scratch.manual.losses import CrossEntropyLoss, SigmoidFocalLoss
from scratch.manual.module import Module, Parameter
from scratch.manual.pooling import MaxPool2d
from scratch.manual.rnn import RNN, RNNCell, VanillaRNN

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
