"""Control: an honest ReLU written on the base class. It earns full marks."""

import numpy as np

from scratch_parity.base import Module


class ReLU(Module):
    def forward(self, x):
        self.cache = x
        return np.maximum(x, 0).astype(x.dtype)

    def backward(self, dout):
        return dout * (self.cache > 0)
