"""The op registry: one entry per op, read by the parity tests and the parity report.

An entry (``OpSpec``, in the spirit of PyTorch's OpInfo) says how to draw valid configurations,
how to make inputs from a seed, which forward arguments get gradients, the tolerances per dtype,
the known divergences from torch and why, and the bad inputs that must raise. It names the op, not
an implementation: any module exposing a class of that name plugs in (see ``scratch_parity.implementations``).
Adding an op means adding an entry here, not a test file.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

from scratch_parity import strategies as S
from scratch_parity.strategies import Config


@dataclass(frozen=True)
class Tolerance:
    """|yours - torch| <= atol + rtol * |torch|, element by element."""

    rtol: float
    atol: float


# float64: both sides compute the same formula in double precision, so only rounding separates them.
# float32: rounding of sums of up to ~50 terms of size ~1 (conv windows, batch-norm statistics).
TOLERANCES = {"float64": Tolerance(rtol=1e-10, atol=1e-12), "float32": Tolerance(rtol=1e-4, atol=1e-5)}
# Central differences in float64 with step h = 1e-6: truncation error ~ h**2 * f''' ~ 1e-12 and
# rounding error ~ eps * |loss| / h ~ 1e-9, so agreement to about 1e-7 is what the method allows.
FD_STEP = 1e-6
FD_TOLERANCE = Tolerance(rtol=1e-6, atol=1e-7)


@dataclass(frozen=True)
class ErrorInput:
    """A bad input that both torch and an implementation must refuse with ``error``.

    ``match`` is a regex that the implementation's message must contain (torch's own wording is not
    checked, only its exception type): it names the shapes or values at fault.
    """

    why: str
    kwargs: dict
    inputs: Callable[[], tuple]
    error: type[Exception]
    match: str
    training: bool = True
    stage: str = "forward"
    """Where the error must come from: "forward" (the layer builds fine), "init", or "either"
    (torch refuses a MaxPool2d padding at forward, scratch already at construction)."""


@dataclass(frozen=True)
class OpSpec:
    name: str
    configs: st.SearchStrategy[Config]
    make_inputs: Callable[[np.random.Generator, Config, bool], tuple]
    """(rng, config, smooth) -> the forward's positional arguments, floats in float64.
    ``smooth=True`` asks for inputs away from kinks and ties, for finite differences."""
    differentiable: tuple[int, ...] = (0,)
    tolerances: dict = field(default_factory=lambda: TOLERANCES)
    divergences: tuple[str, ...] = ()
    errors: tuple[ErrorInput, ...] = ()
    random_mask: bool = False
    """Dropout-like: a keep-mask is drawn from the seed and injected into both sides."""
    build: Callable | None = None
    """(namespace, config, **dtype) -> layer, when the layer is not just ``namespace.<name>(**kwargs)``."""

    def __repr__(self) -> str:  # pytest ids and hypothesis reports show the name only
        return f"OpSpec({self.name!r})"


# -- input makers: (rng, config, smooth) -> forward arguments -------------------------------------


def normal(rng, config, smooth):
    return (rng.standard_normal(config.shape) * 2,)


def normal_with_kinks(rng, config, smooth):
    """Normal values, some exactly 0 (where ReLU-like derivatives switch); for finite differences,
    every value is moved at least 0.01 away from 0, far beyond the step h."""
    x = rng.standard_normal(config.shape) * 2
    if smooth:
        return (np.where(x >= 0, x + 0.01, x - 0.01),)
    return (np.where(rng.random(config.shape) < 0.2, 0.0, x),)


def pool_inputs(rng, config, smooth):
    """Half the time small integers, so windows hold ties; distinct values (0.1 apart) for FD."""
    size = int(np.prod(config.shape))
    if smooth:
        return ((rng.permutation(size) * 0.1 + rng.uniform(-1, 1)).reshape(config.shape),)
    if rng.random() < 0.5:
        return (rng.integers(-2, 3, size=config.shape).astype(np.float64),)
    return (rng.standard_normal(config.shape),)


def shifted_normal(rng, config, smooth):
    """Per-channel offset and scale, so batch norm has a mean and a variance to remove.

    Each channel's values are standardised before the scale is applied, so its spread is never tiny
    next to its offset. Otherwise, with two nearly equal values (say 3.2913 and 3.2960), the batch
    variance is ill-conditioned: float32 loses ~1e-4 of it to cancellation in x - mean, on both
    sides, and a float32 comparison would measure the input's conditioning, not the layer (float64
    compares such inputs fine). Here |offset| / scale stays below ~20.
    """
    shape = config.shape
    axes = (0, *range(2, len(shape)))
    channel = (1, shape[1]) + (1,) * (len(shape) - 2)
    z = rng.standard_normal(shape)
    z = (z - z.mean(axis=axes, keepdims=True)) / np.maximum(z.std(axis=axes, keepdims=True), 1e-3)
    return (z * rng.uniform(0.5, 3, channel) + rng.normal(0, 3, channel),)


def logits_and_classes(rng, config, smooth):
    shape = config.shape
    target_shape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    classes = shape[1] if len(shape) > 1 else shape[0]
    return rng.standard_normal(shape) * 3, rng.integers(0, classes, size=target_shape)


def logits_and_binary_targets(rng, config, smooth):
    x = rng.standard_normal(config.shape) * 3
    if config.extra.get("soft_targets"):
        return x, rng.random(config.shape)
    return x, rng.integers(0, 2, size=config.shape).astype(np.float64)


def input_and_hidden(rng, config, smooth):
    """x of the config's shape and h of the same batch shape with hidden_size features."""
    h_shape = (*config.shape[:-1], config.kwargs["hidden_size"])
    return rng.standard_normal(config.shape), rng.standard_normal(h_shape) * 0.5


def build_sequential(nn, config, **dtype):
    """Conv2d(3x3, pad 1) -> BatchNorm2d -> ReLU -> MaxPool2d(2) -> Flatten -> Linear."""
    k = config.kwargs
    return nn.Sequential(
        nn.Conv2d(k["in_channels"], k["hidden"], 3, padding=1, **dtype),
        nn.BatchNorm2d(k["hidden"], **dtype),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(k["features"], k["out_features"], **dtype),
    )


def arrays(*shapes):
    """Error inputs: float64 zeros-and-ones of the given shapes, built when the test runs."""
    return lambda: tuple(np.linspace(-1, 1, int(np.prod(s))).reshape(s) for s in shapes)


INTEGER_INPUTS = (
    "Integer inputs raise TypeError in scratch; torch computes on them (promoting or not), but a "
    "hand-written backward of an integer array has no meaning."
)


# -- the registry ----------------------------------------------------------------------------------

OPS_LIST = [
    OpSpec("Sigmoid", S.activation_configs(), normal, divergences=(INTEGER_INPUTS,)),
    OpSpec("Tanh", S.activation_configs(), normal, divergences=(INTEGER_INPUTS,)),
    OpSpec("ReLU", S.activation_configs(), normal_with_kinks, divergences=(INTEGER_INPUTS,)),
    OpSpec(
        "LeakyReLU",
        S.activation_configs(st.fixed_dictionaries({"negative_slope": st.sampled_from([0.01, 0.2, 1.5, -0.3])})),
        normal_with_kinks,
        divergences=(INTEGER_INPUTS,),
    ),
    OpSpec("SELU", S.activation_configs(), normal_with_kinks, divergences=(INTEGER_INPUTS,)),
    OpSpec(
        "Linear",
        S.linear_configs(),
        normal,
        errors=(
            ErrorInput(
                "in_features mismatch",
                dict(in_features=3, out_features=4),
                arrays((2, 5)),
                RuntimeError,
                r"\[2, 5\].*\[4, 3\]",
            ),
            ErrorInput(
                "0-D input",
                dict(in_features=3, out_features=4),
                lambda: (np.array(1.0),),
                RuntimeError,
                r"\[\]",
            ),
        ),
    ),
    OpSpec(
        "Conv2d",
        S.conv_configs(unbatched=True),
        normal,
        divergences=("No dilation, groups or padding modes (padding='same' and the like): scratch raises TypeError.",),
        errors=(
            ErrorInput(
                "wrong ndim (5-D input)",
                dict(in_channels=3, out_channels=4, kernel_size=3),
                arrays((1, 2, 3, 5, 5)),
                RuntimeError,
                r"\[1, 2, 3, 5, 5\]",
            ),
            ErrorInput(
                "channel mismatch",
                dict(in_channels=3, out_channels=4, kernel_size=3),
                arrays((2, 5, 6, 6)),
                RuntimeError,
                r"\[2, 5, 6, 6\].*3 channels.*5 channels",
            ),
            ErrorInput(
                "kernel larger than the padded input",
                dict(in_channels=3, out_channels=4, kernel_size=5, padding=1),
                arrays((2, 3, 2, 2)),
                RuntimeError,
                r"\(4 x 4\).*\(5 x 5\)",
            ),
        ),
    ),
    OpSpec(
        "MaxPool2d",
        S.pool_configs(unbatched=True),
        pool_inputs,
        divergences=(
            "Ties: both route the gradient to the first maximum in the window's row-major order (torch's "
            "CPU kernel); torch on CUDA may pick another, and finite differences are undefined at a tie, "
            "so FD inputs are drawn without ties.",
            "No dilation, ceil_mode or return_indices: scratch raises TypeError.",
        ),
        errors=(
            ErrorInput("wrong ndim (2-D input)", dict(kernel_size=2), arrays((2, 3)), RuntimeError, r"\[2, 3\]"),
            ErrorInput(
                "kernel larger than the padded input",
                dict(kernel_size=3),
                arrays((2, 3, 2, 2)),
                RuntimeError,
                r"\[2, 3, 2, 2\]",
            ),
            ErrorInput(
                "padding more than half the kernel",
                dict(kernel_size=2, padding=2),
                arrays((2, 3, 8, 8)),
                RuntimeError,
                r"padding=\(2, 2\)",
                stage="either",
            ),
        ),
    ),
    OpSpec(
        "BatchNorm1d",
        S.batchnorm_configs(ndims=(2, 3)),
        shifted_normal,
        errors=(
            ErrorInput(
                "wrong ndim (4-D input)",
                dict(num_features=3),
                arrays((2, 3, 2, 2)),
                ValueError,
                r"\[2, 3, 2, 2\]",
            ),
            ErrorInput("channel mismatch", dict(num_features=3), arrays((4, 5)), RuntimeError, r"\[4, 5\]"),
            ErrorInput(
                "one value per channel in training",
                dict(num_features=3),
                arrays((1, 3)),
                ValueError,
                r"\[1, 3\]",
            ),
        ),
    ),
    OpSpec(
        "BatchNorm2d",
        S.batchnorm_configs(ndims=(4,)),
        shifted_normal,
        errors=(
            ErrorInput("wrong ndim (3-D input)", dict(num_features=3), arrays((2, 3, 2)), ValueError, r"\[2, 3, 2\]"),
            ErrorInput(
                "channel mismatch",
                dict(num_features=3),
                arrays((2, 4, 2, 2)),
                RuntimeError,
                r"\[2, 4, 2, 2\]",
            ),
            ErrorInput(
                "one value per channel in training",
                dict(num_features=3),
                arrays((1, 3, 1, 1)),
                ValueError,
                r"\[1, 3, 1, 1\]",
            ),
        ),
    ),
    OpSpec(
        "Dropout",
        S.dropout_configs(),
        normal,
        random_mask=True,
        divergences=(
            "Randomness: the two sides draw from different generators, so parity runs inject one keep-mask "
            "into both; the drop rate and the 1/(1-p) scaling are tested separately, as statistics.",
        ),
        errors=(ErrorInput("p outside [0, 1]", dict(p=1.5), arrays((2, 3)), ValueError, r"1\.5", stage="init"),),
    ),
    OpSpec(
        "Flatten",
        S.flatten_configs(),
        normal,
        errors=(ErrorInput("start_dim out of range", dict(start_dim=3), arrays((2, 3)), IndexError, r"got 3"),),
    ),
    OpSpec(
        "CrossEntropyLoss",
        S.cross_entropy_configs(),
        logits_and_classes,
        divergences=("Class-index targets only: no probability targets, weight, ignore_index or label_smoothing.",),
        errors=(
            ErrorInput(
                "target out of range",
                {},
                lambda: (np.zeros((2, 3)), np.array([0, 3])),
                IndexError,
                r"target 3 .*3 classes",
            ),
            ErrorInput(
                "batch size mismatch",
                {},
                lambda: (np.zeros((2, 3)), np.array([0, 1, 2])),
                ValueError,
                r"\[2\].*\[2, 3\].*\[3\]",
            ),
            ErrorInput(
                "float targets",
                {},
                lambda: (np.zeros((2, 3)), np.array([0.0, 1.0])),
                RuntimeError,
                r"float64",
            ),
        ),
    ),
    OpSpec(
        "SigmoidFocalLoss",
        S.focal_configs(),
        logits_and_binary_targets,
        errors=(
            ErrorInput(
                "target shape mismatch",
                {},
                lambda: (np.zeros((2, 3)), np.zeros((2, 4))),
                ValueError,
                r"\[2, 4\].*\[2, 3\]",
            ),
        ),
    ),
    OpSpec("Sequential", S.sequential_configs(), normal, build=build_sequential),
    OpSpec(
        "RNNCell",
        S.rnn_cell_configs(),
        input_and_hidden,
        differentiable=(0, 1),  # the input and the previous hidden state
        errors=(
            ErrorInput(
                "input_size mismatch",
                dict(input_size=3, hidden_size=4),
                arrays((2, 5), (2, 4)),
                RuntimeError,
                r"got 5 expected 3",
            ),
            ErrorInput(
                "hidden_size mismatch",
                dict(input_size=3, hidden_size=4),
                arrays((2, 3), (2, 5)),
                RuntimeError,
                r"got 5, expected 4",
            ),
            ErrorInput(
                "batch size mismatch",
                dict(input_size=3, hidden_size=4),
                arrays((2, 3), (3, 4)),
                RuntimeError,
                r"\[2, 3\].*\[3, 4\]",
            ),
            ErrorInput(
                "3-D input",
                dict(input_size=3, hidden_size=4),
                arrays((1, 2, 3)),
                ValueError,
                r"\[1, 2, 3\]",
            ),
        ),
    ),
]

OPS = {spec.name: spec for spec in OPS_LIST}


OTHER_DIVERGENCES = {
    "SGD, Adam, AdamW, RMSprop": (
        "Stricter than torch on purpose: a NaN learning rate, a parameter listed twice in one group, and a bad "
        "hyper-parameter in any group (not only the defaults) are refused; a gradient of another dtype is cast to "
        "the parameter's (torch refuses it). No foreach, fused, capturable or differentiable options.",
    ),
    "StepLR, ExponentialLR": ("StepLR(step_size=0) fails at construction (torch later); no step(epoch).",),
    "clip_grad_norm_": ("Returns a Python float, not a 0-d tensor.",),
    "RNN": ("One direction, no dropout between layers, no packed sequences.",),
}
"""Documented differences of what lives outside the layer registry (tests/optim, tests/test_rnn.py)."""
