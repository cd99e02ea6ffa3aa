"""Ends its own process in forward (os._exit(0)): an op that vanishes used to shrink the denominator."""

import os

from scratch_parity.base import Module


class ReLU(Module):
    def forward(self, x):
        os._exit(0)

    def backward(self, dout):
        os._exit(0)
