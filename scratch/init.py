"""The parameters and buffers of layers that have them: torch's names, shapes and default initialisation.

Shared by the hand-written layers and the autograd modules, so both start from the same recipe.
torch.nn.Linear and Conv2d draw weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), where
fan_in = in_features, or in_channels * KH * KW (kaiming_uniform_ with a=sqrt(5) reduces to that).
The draws come from ``scratch.random``, not torch's stream: identical weights across
implementations come from loading one state_dict.
"""

import numpy as np

from scratch.random import default_generator


def uniform_fan_in(shape: tuple[int, ...], fan_in: int, dtype) -> np.ndarray:
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) of ``shape``, in ``dtype``."""
    bound = 1.0 / np.sqrt(fan_in) if fan_in > 0 else 0.0
    return default_generator().uniform(-bound, bound, size=shape).astype(dtype)


def linear_parameters(in_features: int, out_features: int, bias: bool, dtype) -> dict[str, np.ndarray]:
    """weight (out_features, in_features) and bias (out_features,)."""
    params = {"weight": uniform_fan_in((out_features, in_features), in_features, dtype)}
    if bias:
        params["bias"] = uniform_fan_in((out_features,), in_features, dtype)
    return params


def conv2d_parameters(in_channels: int, out_channels: int, kernel_size, bias: bool, dtype) -> dict[str, np.ndarray]:
    """weight (out_channels, in_channels, KH, KW) and bias (out_channels,)."""
    fan_in = in_channels * kernel_size[0] * kernel_size[1]
    params = {"weight": uniform_fan_in((out_channels, in_channels, *kernel_size), fan_in, dtype)}
    if bias:
        params["bias"] = uniform_fan_in((out_channels,), fan_in, dtype)
    return params


def batch_norm_parameters(num_features: int, affine: bool, dtype) -> dict[str, np.ndarray]:
    """weight = 1 and bias = 0, (num_features,) each: the identity until trained."""
    if not affine:
        return {}
    return {"weight": np.ones(num_features, dtype), "bias": np.zeros(num_features, dtype)}


def batch_norm_buffers(num_features: int, track_running_stats: bool, dtype) -> dict[str, np.ndarray]:
    """running_mean = 0, running_var = 1 and the counter num_batches_tracked (int64, as torch's)."""
    if not track_running_stats:
        return {}
    return {
        "running_mean": np.zeros(num_features, dtype),
        "running_var": np.ones(num_features, dtype),
        "num_batches_tracked": np.zeros((), np.int64),
    }


def rnn_parameters(input_size: int, hidden_size: int, bias: bool, dtype, suffix: str = "") -> dict[str, np.ndarray]:
    """weight_ih (H, I), weight_hh (H, H), bias_ih and bias_hh (H,), all U(-1/sqrt(H), 1/sqrt(H)) as in torch.

    ``suffix`` names the layer of a stacked RNN, as torch does: "_l0", "_l1", ...
    """
    shapes = {"weight_ih": (hidden_size, input_size), "weight_hh": (hidden_size, hidden_size)}
    if bias:
        shapes.update(bias_ih=(hidden_size,), bias_hh=(hidden_size,))
    return {name + suffix: uniform_fan_in(shape, hidden_size, dtype) for name, shape in shapes.items()}
