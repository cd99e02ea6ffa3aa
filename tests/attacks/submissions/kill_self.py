"""Sends itself SIGKILL in forward."""

import signal

from scratch_parity.base import Module


class ReLU(Module):
    def forward(self, x):
        signal.raise_signal(signal.SIGKILL)

    def backward(self, dout):
        signal.raise_signal(signal.SIGKILL)
