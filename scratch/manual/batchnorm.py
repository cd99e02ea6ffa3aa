"""Batch normalization (Ioffe & Szegedy, 2015) with torch's running-statistics rules."""

import numpy as np

from scratch.init import batch_norm_buffers, batch_norm_parameters
from scratch.kernels.backend import get_array_module
from scratch.kernels.normalization import momentum_factor, update_running_stats
from scratch.manual.module import Module
from scratch.validation import check_batch_norm_input, check_floating, float_dtype


class _BatchNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1).

    Statistics are taken over every axis but the channel axis; call that count n.
      training: mean and var are the batch's (var biased, divided by n), and the running
        statistics move towards them:  running = (1 - momentum) * running + momentum * batch,
        with the *unbiased* batch variance (times n / (n - 1)) for running_var, as torch does.
        momentum=None gives the cumulative average (momentum = 1 / num_batches_tracked).
      eval: running_mean and running_var are used, and nothing is updated.
    Backward, with xhat = (x - mean) / sqrt(var + eps) and dxhat = dout * weight:
      batch statistics:  dx = (n * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)) / (n * std)
      running ones:      dx = dxhat / std                  (the statistics are constants there)
      dweight = sum(dout * xhat),  dbias = sum(dout)         (sums over all axes but channels)
    NOTE: eps sits inside the square root in the forward, so std = sqrt(var + eps) in every
    backward formula too; using sqrt(var) there is a classic bug that the tests catch.
    """

    ndims: tuple[int, ...] = ()
    layout = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype=np.float32,
    ):
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.dtype = float_dtype(dtype)
        self.params.update(batch_norm_parameters(self.num_features, affine, self.dtype))
        self.buffers.update(batch_norm_buffers(self.num_features, track_running_stats, self.dtype))

    def _check_input(self, x) -> None:
        name = type(self).__name__
        check_floating(name, x, self.dtype)
        check_batch_norm_input(name, x, self.ndims, self.layout, self.num_features, self._uses_batch_stats())

    def forward(self, x):
        self._check_input(x)
        axes = (0, *range(2, x.ndim))  # every axis but the channels
        shape = (1, -1) + (1,) * (x.ndim - 2)  # broadcasts a (C,) vector against x
        use_batch_stats = self._uses_batch_stats()
        if use_batch_stats:
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            if self.training and self.track_running_stats:
                self._update_running_stats(mean, var, n=x.size // x.shape[1])
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
        std = get_array_module(x).sqrt(var + self.eps).reshape(shape)
        xhat = (x - mean.reshape(shape)) / std
        self.cache = (xhat, std, axes, shape, use_batch_stats)
        if not self.affine:
            return xhat
        return xhat * self.params["weight"].reshape(shape) + self.params["bias"].reshape(shape)

    def _uses_batch_stats(self) -> bool:
        """Batch statistics in training, and always when there are no running ones to use."""
        return self.training or not self.track_running_stats

    def _update_running_stats(self, mean, var, n: int) -> None:
        self.buffers["num_batches_tracked"] += 1
        factor = momentum_factor(self.momentum, int(self.buffers["num_batches_tracked"]))
        update_running_stats(self.buffers["running_mean"], self.buffers["running_var"], mean, var, n, factor)

    def backward(self, dout):
        xhat, std, axes, shape, use_batch_stats = self.saved()
        dout = get_array_module(xhat).asarray(dout, dtype=self.dtype)
        if self.affine:
            self.accumulate_grad("weight", (dout * xhat).sum(axis=axes))
            self.accumulate_grad("bias", dout.sum(axis=axes))
            dxhat = dout * self.params["weight"].reshape(shape)
        else:
            dxhat = dout
        if not use_batch_stats:
            return dxhat / std
        n = dout.size // dout.shape[1]
        sum_dxhat = dxhat.sum(axis=axes, keepdims=True)
        sum_dxhat_xhat = (dxhat * xhat).sum(axis=axes, keepdims=True)
        return (n * dxhat - sum_dxhat - xhat * sum_dxhat_xhat) / (n * std)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) inputs: statistics per channel over N (and L)."""

    ndims = (2, 3)
    layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) inputs: statistics per channel over N, H and W."""

    ndims = (4,)
    layout = "(N, C, H, W)"
