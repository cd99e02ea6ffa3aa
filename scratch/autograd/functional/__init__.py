"""Differentiable functions with torch.nn.functional's names and signatures
(arguments scratch does not support, such as cross_entropy's weight, are left out; what follows
them is keyword-only, so a call written for torch never binds an argument to the wrong name).

Each op is a Function (forward on arrays, backward on Tensors, so it can be differentiated again)
or a short composition of them, whose backward then comes from the recorded graph. The array work
(im2col, stable formulas, running statistics) is shared with the hand-written layers through
``scratch.kernels``.
"""

from scratch.autograd.functional.activations import leaky_relu, logsigmoid, relu, selu, sigmoid, tanh
from scratch.autograd.functional.batchnorm import batch_norm
from scratch.autograd.functional.conv import conv2d
from scratch.autograd.functional.dropout import dropout
from scratch.autograd.functional.flatten import flatten
from scratch.autograd.functional.linear import linear
from scratch.autograd.functional.losses import cross_entropy, log_softmax, sigmoid_focal_loss, softmax
from scratch.autograd.functional.pooling import max_pool2d
from scratch.autograd.functional.rnn import rnn_cell

__all__ = [
    "batch_norm",
    "conv2d",
    "cross_entropy",
    "dropout",
    "flatten",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool2d",
    "relu",
    "rnn_cell",
    "selu",
    "sigmoid",
    "sigmoid_focal_loss",
    "softmax",
    "tanh",
]
