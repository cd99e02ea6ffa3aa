"""``scratch-starter``: write a starter module with every layer of the hand-written contract.

Each class subclasses the hand-written layer of the same name (so its constructor, parameters and
state_dict are given) and leaves ``backward`` to write: it raises NotImplementedError, which the
suite reports as "not implemented", op by op. ``--blank`` leaves ``forward`` open too. The layer's
docstring, with its formulas and shapes, comes along as the assignment's text.

    scratch-starter mylayers.py            then    scratch-check mylayers
"""

import argparse
import inspect
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


def layer_source(name: str, blank: bool) -> str:
    cls = getattr(ours, name)
    doc = textwrap.indent(inspect.getdoc(cls) or "", "    ")
    forward_args = ", ".join(list(inspect.signature(cls.forward).parameters)[1:])
    backward_args = ", ".join(list(inspect.signature(cls.backward).parameters)[1:])
    methods = []
    if blank:
        methods.append(
            f"    def forward(self, {forward_args}):\n"
            f"        # cache what backward needs in self.cache\n"
            f'        raise NotImplementedError("{name}.forward: write it")\n'
        )
    methods.append(
        f"    def backward(self, {backward_args}):\n"
        f"        # return d(loss)/d(input); add parameter gradients with self.accumulate_grad(name, grad)\n"
        f'        raise NotImplementedError("{name}.backward: write it")\n'
    )
    return f'class {name}(ours.{name}):\n    """\n{doc}\n    """\n\n' + "\n".join(methods)


def starter_module(blank: bool = False) -> str:
    header = (
        '"""My layers: the hand-written contract of scratch.manual. Fill in every NotImplementedError,\n'
        "then check them against torch:  scratch-check <this module's name>\n"
        '"""\n\n'
        "import numpy as np  # noqa: F401  (you will need it)\n\n"
        "import scratch.manual as ours\n"
        "from scratch.manual import Sequential  # noqa: F401  (given: it only chains layers)\n\n\n"
    )
    return header + "\n\n".join(layer_source(name, blank) for name in LAYERS)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scratch-starter", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="the module to write, e.g. mylayers.py")
    parser.add_argument("--blank", action="store_true", help="leave forward open too, not only backward")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    args = parser.parse_args(argv)
    path = Path(args.path)
    if path.exists() and not args.force:
        print(f"scratch-starter: {path} exists; pass --force to overwrite it", file=sys.stderr)
        return 2
    path.write_text(starter_module(args.blank))
    print(f"wrote {path}: {len(LAYERS)} layers to complete; then run: scratch-check {path.stem}")
    return 0
