"""Sleeps in forward: no CPU spent, so only a wall-clock limit ends it."""

import time

from scratch_parity.base import Module


class ReLU(Module):
    def forward(self, x):
        time.sleep(10**6)

    def backward(self, dout):
        time.sleep(10**6)
