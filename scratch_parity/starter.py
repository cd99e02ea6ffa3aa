"""``scratch-starter``: write a starter module with every layer of the hand-written contract, and no solution.

Each class subclasses ``scratch_parity.base.Module`` (the bookkeeping: params, grads, buffers, modes,
state_dicts) and is given its constructor: torch's signature, and the parameters and buffers with torch's
names, shapes, dtypes and default initialisation. ``forward`` and ``backward`` are both to write: each
raises NotImplementedError, which the suite reports as "not implemented", op by op. The layer's
docstring, with its formulas and shapes, comes along as the assignment's text. The module imports numpy
and scratch_parity.base only, as the grader's sandbox allows. (``--blank``, which once left forward open
too, is still accepted and changes nothing.)

    scratch-starter mylayers.py            then    scratch-check mylayers
"""

import argparse
import inspect
import json
import sys
import textwrap
from pathlib import Path

import scratch.manual as ours

LAYERS = [
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "SELU",
    "Linear",
    "Conv2d",
    "MaxPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Dropout",
    "Flatten",
    "CrossEntropyLoss",
    "SigmoidFocalLoss",
    "RNNCell",
]
"""The layers a student writes (Sequential is given: it only chains them)."""

HEADER = '''"""My layers: the hand-written contract. Write every forward and backward (each raises
NotImplementedError until then), then check them against torch:  scratch-check <this module's name>

The constructors are given: they make the parameters (self.params) and buffers (self.buffers) with
torch's names, shapes and dtypes. scratch_parity.base.Module keeps the rest: self.cache for what forward
saves (self.saved() reads it back), self.accumulate_grad(name, grad) for parameter gradients,
self.training, state_dict and load_state_dict.
"""

import numpy as np

from scratch_parity.base import Module, Sequential  # noqa: F401  (Sequential is given: it only chains layers)


def _pair(value):
    """An int or a pair of ints, as a (height, width) pair."""
    return (int(value), int(value)) if np.ndim(value) == 0 else tuple(int(v) for v in value)


def _uniform(shape, fan_in, dtype):
    """torch's default initialisation of Linear, Conv2d and RNNCell: U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1.0 / np.sqrt(fan_in) if fan_in > 0 else 0.0
    return np.random.uniform(-bound, bound, shape).astype(dtype)
'''

_BATCH_NORM_INIT = """
self.num_features, self.eps, self.momentum = int(num_features), float(eps), momentum
self.affine, self.track_running_stats, self.dtype = affine, track_running_stats, np.dtype(dtype)
if affine:  # the identity until trained
    self.params["weight"] = np.ones(self.num_features, self.dtype)
    self.params["bias"] = np.zeros(self.num_features, self.dtype)
if track_running_stats:
    self.buffers["running_mean"] = np.zeros(self.num_features, self.dtype)
    self.buffers["running_var"] = np.ones(self.num_features, self.dtype)
    self.buffers["num_batches_tracked"] = np.zeros((), np.int64)  # a counter, as torch's
"""

INITS = {
    "LeakyReLU": "self.negative_slope = float(negative_slope)",
    "Linear": """
self.in_features, self.out_features, self.dtype = int(in_features), int(out_features), np.dtype(dtype)
self.params["weight"] = _uniform((self.out_features, self.in_features), self.in_features, self.dtype)
if bias:
    self.params["bias"] = _uniform((self.out_features,), self.in_features, self.dtype)
""",
    "Conv2d": """
self.in_channels, self.out_channels, self.dtype = int(in_channels), int(out_channels), np.dtype(dtype)
self.kernel_size, self.stride, self.padding = _pair(kernel_size), _pair(stride), _pair(padding)
fan_in = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
self.params["weight"] = _uniform((self.out_channels, self.in_channels, *self.kernel_size), fan_in, self.dtype)
if bias:
    self.params["bias"] = _uniform((self.out_channels,), fan_in, self.dtype)
""",
    "MaxPool2d": """
self.kernel_size, self.padding = _pair(kernel_size), _pair(padding)
self.stride = self.kernel_size if stride is None else _pair(stride)
""",
    "BatchNorm1d": _BATCH_NORM_INIT,
    "BatchNorm2d": _BATCH_NORM_INIT,
    "Dropout": """
self.p = float(p)  # yours to write: refuse a p outside [0, 1] with a ValueError that names it
""",
    "Flatten": "self.start_dim, self.end_dim = start_dim, end_dim",
    "CrossEntropyLoss": "self.reduction = reduction",
    "SigmoidFocalLoss": "self.alpha, self.gamma, self.reduction = float(alpha), float(gamma), reduction",
    "RNNCell": """
self.input_size, self.hidden_size, self.dtype = int(input_size), int(hidden_size), np.dtype(dtype)
self.nonlinearity = nonlinearity
H = self.hidden_size
shapes = {"weight_ih": (H, self.input_size), "weight_hh": (H, H)}
if bias:
    shapes.update(bias_ih=(H,), bias_hh=(H,))
for name, shape in shapes.items():
    self.params[name] = _uniform(shape, H, self.dtype)
""",
}
"""The body of each constructor after ``super().__init__()`` (its signature is scratch.manual's), where
Module's is not enough: the parameters and buffers, written from torch's shapes, not from scratch.manual."""

EXTRAS = {
    "SELU": """
alpha = 1.6732632423543772848170429916717
scale = 1.0507009873554804934193349852946
""",
    "Dropout": """
def sample_mask(self, shape):
    \"\"\"A boolean keep-mask of ``shape``, True with probability 1 - p. Draw every mask through it: the
    checker replaces it, to hand your layer the same mask as torch's.\"\"\"
    return np.random.random(shape) >= self.p
""",
}
"""Other members given: SELU's constants and Dropout's ``sample_mask``."""


class _Source(str):
    """A default value as source text: ``np.float32`` (not ``<class 'numpy.float32'>``), ``"mean"``."""

    def __repr__(self) -> str:
        return str(self)


def init_source(cls, body: str) -> str:
    """``__init__`` with scratch.manual's signature: one line, or one parameter a line when too long."""
    params, star = ["self"], False
    for p in inspect.signature(cls).parameters.values():
        if p.kind == p.KEYWORD_ONLY and not star:
            params.append("*")
            star = True
        if isinstance(p.default, type) and p.default.__module__ == "numpy":
            p = p.replace(default=_Source(f"np.{p.default.__name__}"))
        elif isinstance(p.default, str):
            p = p.replace(default=_Source(json.dumps(p.default)))  # "mean", as ruff writes it
        params.append(str(p))
    head = f"def __init__({', '.join(params)}):"
    if len(head) > 116:  # indented in the class, beyond ruff's 120 columns
        head = "def __init__(\n" + "".join(f"    {p},\n" for p in params) + "):"
    return head + "\n" + textwrap.indent(f"super().__init__()\n{textwrap.dedent(body).strip()}", "    ")


HINTS = {
    "forward": "# save in self.cache what backward needs",
    "backward": "# return d(loss)/d(input)",
}


def layer_doc(cls) -> str:
    """The class's docstring, then that of a private base it shares (``_BatchNorm``'s: the formulas)."""
    docs = [c.__dict__.get("__doc__") for c in cls.__mro__ if c is cls or c.__name__.startswith("_")]
    return "\n\n".join(inspect.cleandoc(d) for d in docs if d)


def stub(name: str, method: str, cls) -> str:
    hint = HINTS[method]
    if method == "backward" and "self.params[" in INITS.get(name, ""):
        hint += "; add each parameter's gradient with self.accumulate_grad(name, grad)"
    if method == "forward" and "sample_mask" in EXTRAS.get(name, ""):
        hint += "; draw the keep-mask with self.sample_mask(x.shape)"
    signature = inspect.signature(getattr(cls, method))
    return f'def {method}{signature}:\n    {hint}\n    raise NotImplementedError("{name}.{method}: write it")'


def layer_source(name: str) -> str:
    cls = getattr(ours, name)
    body = [init_source(cls, INITS[name])] if name in INITS else []
    body += [textwrap.dedent(EXTRAS[name]).strip()] if name in EXTRAS else []
    body += [stub(name, method, cls) for method in ("forward", "backward")]
    doc = textwrap.indent(layer_doc(cls), "    ").lstrip()
    doc += "\n    " if "\n" in doc else ""
    return f'class {name}(Module):\n    """{doc}"""\n\n' + textwrap.indent("\n\n".join(body), "    ")


def starter_module(blank: bool = False) -> str:
    """The starter module's text. ``blank`` is ignored (kept for compatibility): forward and backward are
    always both to write, since the kit holds no solution."""
    return HEADER + "\n\n" + "\n\n\n".join(layer_source(name) for name in LAYERS) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scratch-starter", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="the module to write, e.g. mylayers.py")
    parser.add_argument(
        "--blank", action="store_true", help="accepted for compatibility: forward and backward are always both to write"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    args = parser.parse_args(argv)
    path = Path(args.path)
    if path.exists() and not args.force:
        print(f"scratch-starter: {path} exists; pass --force to overwrite it", file=sys.stderr)
        return 2
    path.write_text(starter_module(args.blank))
    print(f"wrote {path}: {len(LAYERS)} layers to complete; then run: scratch-check {path.stem}")
    return 0
