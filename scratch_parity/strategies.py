"""Hypothesis strategies: small shapes and only valid layer configurations.

Every strategy draws a ``Config``: the constructor keyword arguments of a layer and the shape of
its input, plus the mode. Arrays themselves come from a seed (see ``scratch_parity.sample``), so a failure
reproduces from a few printed numbers. Notation as in ``scratch.kernels.im2col``.
"""

import math
from dataclasses import dataclass, field

from hypothesis import strategies as st

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
batch_sizes = st.integers(1, 3)
channels = st.integers(1, 3)


@dataclass(frozen=True)
class Config:
    """What an op is built with and called on. ``extra`` holds op-specific choices (e.g. soft targets)."""

    kwargs: dict
    shape: tuple[int, ...]
    training: bool = True
    extra: dict = field(default_factory=dict)


def shapes(min_dims: int = 1, max_dims: int = 4, max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    return st.lists(st.integers(1, max_side), min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def pairs(draw, low: int, high: int) -> tuple[int, int]:
    """(height, width) values, square or not."""
    h = draw(st.integers(low, high))
    return (h, h) if draw(st.booleans()) else (h, draw(st.integers(low, high)))


@st.composite
def spatial_sizes(draw, kernel, padding, extra: int = 4) -> tuple[int, int]:
    """H, W such that a KH x KW window fits the padded input at least once: H + 2*PH >= KH."""
    return tuple(
        draw(st.integers(max(1, k - 2 * p), max(1, k - 2 * p) + extra)) for k, p in zip(kernel, padding, strict=True)
    )


@st.composite
def activation_configs(draw, kwargs_strategy=None) -> Config:
    kwargs = draw(kwargs_strategy) if kwargs_strategy is not None else {}
    return Config(kwargs=kwargs, shape=draw(shapes()))


@st.composite
def linear_configs(draw) -> Config:
    in_features, out_features = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    lead = draw(shapes(min_dims=0, max_dims=2, max_side=3))  # Linear takes any leading axes
    kwargs = dict(in_features=in_features, out_features=out_features, bias=draw(st.booleans()))
    return Config(kwargs=kwargs, shape=(*lead, in_features))


def maybe_unbatched(draw, shape: tuple, unbatched: bool) -> tuple:
    """(N, C, H, W), or (C, H, W) when unbatched input is allowed and drawn (torch accepts both)."""
    return shape[1:] if unbatched and draw(st.booleans()) else shape


@st.composite
def conv_configs(draw, unbatched: bool = False) -> Config:
    """Valid Conv2d configurations: any kernel 1..4 (non-square too), stride 1..3, padding 0..2."""
    kernel = draw(pairs(1, 4))
    stride = draw(pairs(1, 3))
    padding = draw(pairs(0, 2))
    H, W = draw(spatial_sizes(kernel, padding))
    C = draw(channels)
    kwargs = dict(
        in_channels=C,
        out_channels=draw(st.integers(1, 4)),
        kernel_size=kernel,
        stride=stride,
        padding=padding,
        bias=draw(st.booleans()),
    )
    return Config(kwargs=kwargs, shape=maybe_unbatched(draw, (draw(batch_sizes), C, H, W), unbatched))


@st.composite
def pool_configs(draw, unbatched: bool = False) -> Config:
    """Valid MaxPool2d configurations; stride < kernel (overlapping windows) is drawn as often as not.

    torch requires padding <= kernel // 2 on each axis, and stride defaults to the kernel.
    """
    kernel = draw(pairs(1, 3))
    overlapping = draw(st.booleans())
    if overlapping and max(kernel) > 1:
        stride = tuple(draw(st.integers(1, max(1, k - 1))) for k in kernel)
    else:
        stride = draw(st.none() | pairs(1, 3))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    H, W = draw(spatial_sizes(kernel, padding))
    shape = maybe_unbatched(draw, (draw(batch_sizes), draw(channels), H, W), unbatched)
    return Config(kwargs=dict(kernel_size=kernel, stride=stride, padding=padding), shape=shape)


@st.composite
def batchnorm_configs(draw, ndims: tuple[int, ...]) -> Config:
    """BatchNorm over (N, C, *spatial); training draws need more than one value per channel."""
    ndim = draw(st.sampled_from(ndims))
    training = draw(st.booleans())
    C = draw(channels)
    kwargs = dict(
        num_features=C,
        eps=draw(st.sampled_from([1e-5, 1e-3, 0.1])),
        momentum=draw(st.sampled_from([0.1, 0.5, None])),
        affine=draw(st.booleans()),
        track_running_stats=draw(st.booleans()),
    )
    N = draw(st.integers(1, 4))
    spatial = draw(shapes(ndim - 2, ndim - 2, max_side=3))
    batch_stats = training or not kwargs["track_running_stats"]
    if batch_stats and N * math.prod(spatial) == 1:
        N = 2  # batch statistics of one value per channel are refused (an error case of its own)
    shape = (N, C, *spatial)
    return Config(kwargs=kwargs, shape=shape, training=training)


@st.composite
def dropout_configs(draw) -> Config:
    p = draw(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]) | st.floats(0.0, 1.0))
    return Config(kwargs=dict(p=p), shape=draw(shapes()), training=draw(st.booleans()))


@st.composite
def flatten_configs(draw) -> Config:
    shape = draw(shapes(min_dims=1, max_dims=4))
    ndim = len(shape)
    start = draw(st.integers(-ndim, ndim - 1))
    end = draw(st.integers(start % ndim, ndim - 1))
    if draw(st.booleans()):
        end -= ndim  # the same axis, counted from the end
    return Config(kwargs=dict(start_dim=start, end_dim=end), shape=shape)


REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


@st.composite
def cross_entropy_configs(draw) -> Config:
    """Logits (N, C), (N, C, d1) or unbatched (C,), with integer class targets."""
    C = draw(st.integers(1, 5))
    layout = draw(st.sampled_from(["NC", "NCd", "C"]))
    N = draw(batch_sizes)
    shape = {"NC": (N, C), "NCd": (N, C, draw(st.integers(1, 3))), "C": (C,)}[layout]
    return Config(kwargs=dict(reduction=draw(REDUCTIONS)), shape=shape)


@st.composite
def focal_configs(draw) -> Config:
    kwargs = dict(
        alpha=draw(st.sampled_from([0.25, 0.5, 0.9, -1.0])),
        gamma=draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5])),
        reduction=draw(REDUCTIONS),
    )
    soft = draw(st.booleans())  # targets in {0, 1}, or soft labels in [0, 1]
    return Config(kwargs=kwargs, shape=draw(shapes(max_dims=3)), extra=dict(soft_targets=soft))


@st.composite
def sequential_configs(draw) -> Config:
    """Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d -> Flatten -> Linear, sizes drawn to fit."""
    C, hidden = draw(channels), draw(st.integers(1, 3))
    H, W = draw(st.integers(4, 6)), draw(st.integers(4, 6))
    # conv 3x3, padding 1 keeps H x W; pool 2x2 stride 2 halves it
    features = hidden * (H // 2) * (W // 2)
    kwargs = dict(in_channels=C, hidden=hidden, features=features, out_features=draw(st.integers(1, 3)))
    return Config(kwargs=kwargs, shape=(draw(st.integers(2, 3)), C, H, W), training=draw(st.booleans()))


@st.composite
def rnn_cell_configs(draw) -> Config:
    """RNNCell(input_size, hidden_size, bias, nonlinearity) on x (N, I) or unbatched (I,); h is (N, H) or (H,)."""
    input_size, hidden_size = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    kwargs = dict(
        input_size=input_size,
        hidden_size=hidden_size,
        bias=draw(st.booleans()),
        nonlinearity=draw(st.sampled_from(["tanh", "relu"])),
    )
    shape = (input_size,) if draw(st.booleans()) else (draw(batch_sizes), input_size)
    return Config(kwargs=kwargs, shape=shape)
