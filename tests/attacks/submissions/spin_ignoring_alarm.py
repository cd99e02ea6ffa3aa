"""Ignores SIGALRM and spins in forward: a per-test alarm cannot stop it."""

import signal

from scratch_parity.base import Module

signal.signal(signal.SIGALRM, signal.SIG_IGN)


class ReLU(Module):
    def forward(self, x):
        while True:
            pass

    def backward(self, dout):
        while True:
            pass
