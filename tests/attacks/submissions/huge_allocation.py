"""Allocates 6 GiB in forward."""

import numpy as np

from scratch_parity.base import Module


class ReLU(Module):
    def forward(self, x):
        self.buffer = np.ones(6 * 2**30 // 8)
        return np.maximum(x, 0)

    def backward(self, dout):
        self.buffer = np.ones(6 * 2**30 // 8)
        return dout
