"""Inverted dropout: zero each element with probability p, scale the survivors by 1 / (1 - p)."""

from scratch.kernels.backend import get_array_module, to_device
from scratch.kernels.dropout import dropout_scale, keep_mask
from scratch.manual.module import Module
from scratch.validation import check_dropout_p, check_floating


class Dropout(Module):
    """training: y = x * keep / (1 - p), keep ~ Bernoulli(1 - p) drawn once per forward;
    eval (or p == 0): y = x.  Backward: dx = dout * keep / (1 - p), with the *same* mask.

    The expectation of y equals x, so nothing needs rescaling at test time.
    NOTE: the mask is drawn in forward and reused in backward; a fresh mask in backward is a classic
    bug. p == 1 drops everything (y = 0 * x), as torch does, rather than dividing by zero.
    ``sample_mask`` is the one place randomness enters, so a test can inject a mask.
    """

    def __init__(self, p: float = 0.5):
        super().__init__()
        self.p = check_dropout_p(p)

    def sample_mask(self, shape):
        """A boolean keep-mask, True with probability 1 - p."""
        return keep_mask(shape, self.p)

    def forward(self, x):
        check_floating("Dropout", x)
        if not self.training or self.p == 0.0:
            self.cache = (None,)  # identity: backward passes dout through
            return x
        # NOTE: the mask is drawn on the host (one stream for every device), then moved to x's device
        scale = dropout_scale(to_device(self.sample_mask(x.shape), get_array_module(x)), self.p, x.dtype)
        self.cache = (scale,)
        return x * scale

    def backward(self, dout):
        (scale,) = self.saved()
        return dout if scale is None else dout * scale

    def extra_repr(self) -> str:
        return f"p={self.p}"
