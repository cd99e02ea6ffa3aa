"""Input checks shared by every layer: a clear error naming the shapes at fault, never a wrong answer.

Messages follow torch's wording where torch has one, and shapes print as torch prints them
(``[2, 3, 5, 5]``), so an error reads the same in every column of the suite.
"""

import numpy as np

from scratch.kernels.backend import is_array


def fmt_shape(shape) -> str:
    """(2, 3, 5) -> '[2, 3, 5]', the way torch prints a size in its messages."""
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


def as_pair(value, name: str) -> tuple[int, int]:
    """An int or a pair of ints -> (height, width), as torch's ``_pair``."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    return int(pair[0]), int(pair[1])


def check_ndim(layer: str, x, ndims: tuple[int, ...], layout: str, error=RuntimeError) -> None:
    """Raise ``error`` unless ``x.ndim`` is one of ``ndims``; ``layout`` names the axes, e.g. '(N, C, H, W)'."""
    if x.ndim not in ndims:
        expected = " or ".join(f"{d}D" for d in ndims)
        raise error(
            f"{layer}: expected {expected} input {layout}, but got input of size {fmt_shape(x.shape)} ({x.ndim}D)"
        )


def check_floating(layer: str, x, dtype=None) -> None:
    """Raise unless ``x`` is a floating array, of ``dtype`` when one is given (the layer's dtype)."""
    if not is_array(x) or x.dtype.kind != "f":
        kind = x.dtype if is_array(x) else type(x).__name__
        raise TypeError(f"{layer}: expected a floating-point ndarray input, got {kind}")
    if dtype is not None and x.dtype != dtype:
        raise RuntimeError(
            f"{layer}: input dtype ({x.dtype}) and parameter dtype ({dtype}) should be the same; "
            f"cast one of them, e.g. x.astype(np.{dtype})"
        )


def normalize_dim(dim: int, ndim: int) -> int:
    """A possibly negative axis -> its index; IndexError when out of range, worded as torch words it."""
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})")
    return dim % rank


# -- convolution and pooling -----------------------------------------------------------------------


def check_window_args(layer: str, kernel_size, stride, padding) -> None:
    """Kernel and stride positive, padding non-negative (pairs, as ``as_pair`` returns them)."""
    if min(kernel_size) < 1 or min(stride) < 1 or min(padding) < 0:
        raise ValueError(
            f"{layer}: kernel_size and stride must be positive and padding non-negative, got "
            f"kernel_size={kernel_size}, stride={stride}, padding={padding}"
        )


def check_window_fits(layer: str, x_shape, kernel_size, padding) -> None:
    """Raise if a KH x KW window does not fit once inside the padded H x W input."""
    (KH, KW), (PH, PW) = kernel_size, padding
    H, W = x_shape[-2] + 2 * PH, x_shape[-1] + 2 * PW
    if KH > H or KW > W:
        raise RuntimeError(
            f"{layer}: calculated padded input size per channel: ({H} x {W}). Kernel size: "
            f"({KH} x {KW}). Kernel size can't be greater than actual input size "
            f"(input of size {fmt_shape(x_shape)}, padding {padding})"
        )


def check_conv_input(layer: str, x, weight_shape, padding) -> None:
    """x is (N, C, H, W) or (C, H, W), with the weight's C, and large enough for one window."""
    check_ndim(layer, x, (3, 4), "(N, C, H, W) or unbatched (C, H, W)")
    in_channels = weight_shape[1]
    if x.shape[-3] != in_channels:
        raise RuntimeError(
            f"{layer}: weight of size {fmt_shape(weight_shape)}, expected input{fmt_shape(x.shape)} to have "
            f"{in_channels} channels, but got {x.shape[-3]} channels instead"
        )
    check_window_fits(layer, x.shape, tuple(weight_shape[2:]), padding)


def check_pool_padding(layer: str, kernel_size, padding) -> None:
    (KH, KW), (PH, PW) = kernel_size, padding
    if 2 * PH > KH or 2 * PW > KW:
        raise RuntimeError(
            f"{layer}: pad should be at most half of effective kernel size, but got "
            f"padding={padding} and kernel_size={kernel_size}"
        )


def check_pool_output(layer: str, x_shape, out_size, kernel_size, stride, padding) -> None:
    if min(out_size) < 1:
        raise RuntimeError(
            f"{layer}: given input size {fmt_shape(x_shape)}, calculated output size "
            f"({out_size[0]}x{out_size[1]}) is too small (kernel_size={kernel_size}, stride={stride}, "
            f"padding={padding})"
        )


# -- normalization, dropout ----------------------------------------------------------------------


def check_batch_norm_input(layer: str, x, ndims, layout: str, num_features: int, batch_stats: bool) -> None:
    check_ndim(layer, x, ndims, layout, error=ValueError)
    if x.shape[1] != num_features:
        raise RuntimeError(
            f"{layer}: input of size {fmt_shape(x.shape)} has {x.shape[1]} channels, but num_features={num_features}"
        )
    if batch_stats and x.size // x.shape[1] <= 1:
        raise ValueError(
            f"{layer}: expected more than 1 value per channel when training (or without running "
            f"statistics), got input size {fmt_shape(x.shape)}"
        )


def check_dropout_p(p: float) -> float:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


# -- losses -------------------------------------------------------------------------------------------

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction!r} is not a valid value for reduction; expected one of {REDUCTIONS}")
    return reduction


def loss_shape(input_shape) -> tuple:
    """Cross-entropy's target (and per-term loss) shape: the input's shape without the class axis 1."""
    return tuple(input_shape[:1]) + tuple(input_shape[2:]) if len(input_shape) > 1 else ()


def check_class_targets(layer: str, input_shape, target) -> None:
    """Integer class indices in [0, C), shaped as the input without its class axis."""
    if target.dtype.kind not in "iu":
        raise RuntimeError(f"{layer}: expected target of class indices (an integer dtype), got {target.dtype}")
    if len(input_shape) == 0 or target.shape != loss_shape(input_shape):
        raise ValueError(
            f"{layer}: expected target of size {fmt_shape(loss_shape(input_shape))} for input "
            f"of size {fmt_shape(input_shape)}, got target of size {fmt_shape(target.shape)}"
        )
    C = input_shape[1] if len(input_shape) > 1 else input_shape[0]
    bad = (target < 0) | (target >= C)
    if bad.any():
        raise IndexError(f"{layer}: target {target[bad].reshape(-1)[0]} is out of bounds for {C} classes")


def check_same_shape_target(layer: str, input_shape, target_shape) -> None:
    if tuple(target_shape) != tuple(input_shape):
        raise ValueError(
            f"{layer}: target size ({fmt_shape(target_shape)}) must be the same as input size "
            f"({fmt_shape(input_shape)})"
        )


def check_linear_input(layer: str, x, weight_shape) -> None:
    """x is (*, in_features), with in_features = weight_shape[1]."""
    if x.ndim == 0 or x.shape[-1] != weight_shape[1]:
        raise RuntimeError(
            f"{layer}: input of size {fmt_shape(x.shape)} cannot be multiplied with weight of size "
            f"{fmt_shape(weight_shape)}: the last dimension must be in_features={weight_shape[1]}"
        )


def conv_window(layer: str, kernel_size, stride, padding) -> tuple:
    """(kernel_size, stride, padding) as (height, width) pairs, checked: a convolution's window."""
    window = as_pair(kernel_size, "kernel_size"), as_pair(stride, "stride"), as_pair(padding, "padding")
    check_window_args(layer, *window)
    return window


def pool_window(layer: str, kernel_size, stride, padding) -> tuple:
    """The same for pooling: ``stride`` defaults to the kernel, and padding is at most half the kernel."""
    window = conv_window(layer, kernel_size, kernel_size if stride is None else stride, padding)
    check_pool_padding(layer, window[0], window[2])
    return window


def float_dtype(dtype) -> np.dtype:
    """A layer's parameter dtype: float32 by default, as in torch; any floating NumPy dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating type, such as np.float32 or np.float64, got {dtype}")
    return dtype


# -- recurrent layers ---------------------------------------------------------------------------------


def check_nonlinearity(layer: str, nonlinearity: str) -> str:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{layer}: unknown nonlinearity {nonlinearity!r}; expected 'tanh' or 'relu'")
    return nonlinearity


def check_rnn_cell_input(x_shape, h_shape, input_size: int, hidden_size: int) -> None:
    """x (N, I) or (I,); h (N, H) or (H,), as torch.nn.RNNCell takes them."""
    if len(x_shape) not in (1, 2):
        raise ValueError(
            f"RNNCell: Expected input to be 1D or 2D, got {len(x_shape)}D input of size {fmt_shape(x_shape)}"
        )
    if x_shape[-1] != input_size:
        raise RuntimeError(f"RNNCell: input has inconsistent input_size: got {x_shape[-1]} expected {input_size}")
    if h_shape is None:
        return
    if len(h_shape) != len(x_shape) or h_shape[:-1] != x_shape[:-1]:
        raise RuntimeError(
            f"RNNCell: input of size {fmt_shape(x_shape)} and hidden state of size {fmt_shape(h_shape)} "
            "must have the same batch size"
        )
    if h_shape[-1] != hidden_size:
        raise RuntimeError(f"RNNCell: hidden0 has inconsistent hidden_size: got {h_shape[-1]}, expected {hidden_size}")


def check_rnn_input(x_shape, h_shape, input_size: int, expected_h_shape) -> None:
    """x (L, N, I) (or (N, L, I) when batch_first, already moved) or unbatched (L, I); h (layers, N, H)."""
    if len(x_shape) not in (2, 3):
        raise ValueError(f"RNN: Expected input to be 2D or 3D, got input of size {fmt_shape(x_shape)}")
    if x_shape[-1] != input_size:
        raise RuntimeError(f"RNN: input.size(-1) must be equal to input_size. Expected {input_size}, got {x_shape[-1]}")
    if h_shape is not None and tuple(h_shape) != tuple(expected_h_shape):
        raise RuntimeError(f"RNN: Expected hidden size {tuple(expected_h_shape)}, got {fmt_shape(h_shape)}")


def check_bias(layer: str, bias, out_features: int, dtype) -> None:
    """bias is None, or a vector of ``out_features`` values in the weight's dtype."""
    if bias is None:
        return
    if bias.shape != (out_features,):
        raise RuntimeError(
            f"{layer}: expected bias to be 1-dimensional with {out_features} elements, got bias of size "
            f"{fmt_shape(bias.shape)}"
        )
    if bias.dtype != dtype:
        raise RuntimeError(f"{layer}: bias dtype ({bias.dtype}) and weight dtype ({dtype}) should be the same")
