"""A naive sigmoid that overflows at |x| = 1000, with NumPy's overflow error switched off to hide it."""

import numpy as np

from scratch_parity.base import Module


class Sigmoid(Module):
    def forward(self, x):
        np.seterr(over="ignore")
        self.s = 1 / (1 + np.exp(-x))
        return self.s

    def backward(self, dout):
        with np.errstate(over="ignore", invalid="ignore"):
            return dout * self.s * (1 - self.s)
