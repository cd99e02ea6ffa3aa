"""Layers of scratch.autograd.nn: parameters and modes here, the math in ``scratch.autograd.functional``.

Constructors take torch.nn's arguments, parameter names, shapes and default initialisation
(U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for Linear and Conv2d), with ``dtype`` float32 by default.
"""

import numpy as np

from scratch.autograd import functional as F
from scratch.autograd.engine import as_tensor
from scratch.autograd.nn.module import Module, Parameter
from scratch.init import batch_norm_buffers, batch_norm_parameters, conv2d_parameters, linear_parameters
from scratch.kernels.dropout import keep_mask
from scratch.kernels.normalization import momentum_factor
from scratch.validation import (
    check_batch_norm_input,
    check_dropout_p,
    check_floating,
    conv_window,
    float_dtype,
    pool_window,
)


class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


class ReLU(Module):
    def forward(self, x):
        return F.relu(x)


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class SELU(Module):
    def forward(self, x):
        return F.selu(x)


class Linear(Module):
    """y = x @ weight.T + bias;  weight (out_features, in_features), bias (out_features,)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *, dtype=np.float32):
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.bias = None  # replaced when there is one
        for name, array in linear_parameters(self.in_features, self.out_features, bias, float_dtype(dtype)).items():
            setattr(self, name, Parameter(array))

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Conv2d(Module):
    """out = conv2d(x, weight) + bias;  weight (out_channels, in_channels, KH, KW), bias (out_channels,)."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        *,
        bias: bool = True,
        dtype=np.float32,
    ):
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size, self.stride, self.padding = conv_window("Conv2d", kernel_size, stride, padding)
        self.bias = None  # replaced when there is one
        params = conv2d_parameters(self.in_channels, self.out_channels, self.kernel_size, bias, float_dtype(dtype))
        for name, array in params.items():
            setattr(self, name, Parameter(array))

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}, bias={self.bias is not None}"
        )


class MaxPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = pool_window("MaxPool2d", kernel_size, stride, padding)

    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _BatchNorm(Module):
    """Per-channel normalisation with learned weight and bias and running statistics, as torch.nn.BatchNorm."""

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
        dtype = float_dtype(dtype)
        self.weight = self.bias = None  # replaced when affine
        for name, array in batch_norm_parameters(self.num_features, affine, dtype).items():
            setattr(self, name, Parameter(array))
        for name, array in batch_norm_buffers(self.num_features, track_running_stats, dtype).items():
            self.register_buffer(name, array)

    def forward(self, x):
        batch_stats = self.training or not self.track_running_stats
        name, x = type(self).__name__, as_tensor(x)
        own = self.weight if self.affine else getattr(self, "running_mean", None)  # what fixes the dtype
        check_floating(name, x.data, None if own is None else own.dtype)
        check_batch_norm_input(name, x.data, self.ndims, self.layout, self.num_features, batch_stats)
        factor = 0.0
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            factor = momentum_factor(self.momentum, int(self.num_batches_tracked))
        running = (self.running_mean, self.running_var) if self.track_running_stats else (None, None)
        return F.batch_norm(x, *running, self.weight, self.bias, batch_stats, factor, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    ndims = (2, 3)
    layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    ndims = (4,)
    layout = "(N, C, H, W)"


class Dropout(Module):
    """Inverted dropout; ``sample_mask`` is the one place randomness enters, so a test can inject a mask."""

    def __init__(self, p: float = 0.5):
        super().__init__()
        self.p = check_dropout_p(p)

    def sample_mask(self, shape):
        return keep_mask(shape, self.p)

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return F.dropout(x, self.p, training=False)
        return F.dropout(x, self.p, training=True, mask=self.sample_mask(x.shape))

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Flatten(Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return F.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Sequential(Module):
    """x -> layer 0 -> layer 1 -> ...; layers are named "0", "1", ..., as in torch."""

    def __init__(self, *layers: Module):
        super().__init__()
        for i, layer in enumerate(layers):
            self.add_module(str(i), layer)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x

    def __getitem__(self, index):
        """A layer, or for a slice a Sequential of those layers (sharing them), as in torch."""
        layers = list(self._modules.values())
        return Sequential(*layers[index]) if isinstance(index, slice) else layers[index]

    def __len__(self) -> int:
        return len(self._modules)
