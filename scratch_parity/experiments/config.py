"""The command line: argparse, then every check that can be made before loading data, into a ``Config``.

Any problem is reported the argparse way (``usage``, then ``scratch-train: error: ...`` on stderr, exit
status 2), never as a traceback. Options that do not apply to the chosen model, data set, optimizer or
schedule are refused rather than silently ignored (``--momentum`` with adam, ``--widths`` with the MLP,
``--gamma`` without a schedule, ...), so a typo in an experiment cannot go unnoticed.
"""

import argparse
import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from scratch_parity.experiments.registry import DATASETS, IMAGES, IMPLS, MODELS, fit_problem

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
DEFAULT_LR = {"sgd": 0.05, "adam": 5e-3, "adamw": 5e-3, "rmsprop": 1e-3}
DEFAULT_MOMENTUM = {"sgd": 0.9, "rmsprop": 0.0}  # the optimizers that take one
SCHEDULES = ("none", "exponential", "step")
DEFAULT_GAMMA = {"exponential": 0.95, "step": 0.5}
DTYPES = ("float32", "float64")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "selu")
DROPOUTS = ("none", "conv", "linear")
DEFAULT_SAMPLES = {"moons": 1000, "circles": 1000, "palindromes": 2000}
# --augment: pad-and-crop by this many pixels; horizontal flips only where the classes survive a mirror.
AUGMENT_PADDING = {"digits": 1, "mnist": 2, "cifar10": 4}
AUGMENT_FLIP = {"digits": 0.0, "mnist": 0.0, "cifar10": 0.5}

EPILOG = """\
models and data:
  mlp       any data set (images and sequences are flattened to vectors)   default data: moons
  c5l3      images whose side is a multiple of 8 (digits, cifar10)         default data: digits
  vgg       images whose side is a multiple of 2**len(widths)              default data: digits
  resnet18  images; autograd and torch only (no hand-written version)      default data: digits
  rnn       palindromes (the last digit of a one-hot digit sequence)       default data: palindromes

All implementations start from the same weights (torch's, built after torch.manual_seed(seed)) and
see the same batches (one seeded order, and augmentation, per epoch). Dropout masks are drawn by each
implementation's own generator, so with dropout the curves differ by that randomness only.
In float64 the curves agree to about 1e-9; in float32 (or through a chaotic stretch of training, a
loss spike) rounding differences grow from step to step and the curves slowly drift apart.

A run writes <results>/<name>/record.json (the config; per implementation and epoch the train and
test loss and accuracy and the wall time), curves.png, per_class.png (images), rnn_grad_norms.png (rnn).

examples:
  scratch-train                                   MLP on moons, all three implementations
  scratch-train --model c5l3 --epochs 3           the CNN on scikit-learn's 8x8 digits
  scratch-train --model rnn --palindrome-length 12 --hidden 64 --clip 1
  scratch-train --model vgg --dataset cifar10 --data-dir ~/data/cifar-10-batches-bin --augment \\
                --impl torch --widths 32,64,128 --hidden 256 --optimizer sgd --schedule step
"""


@dataclass(frozen=True)
class Config:
    impls: tuple[str, ...]  # the implementations that run, in the order given
    skipped: tuple[str, ...]  # asked for, but the model has no such implementation (resnet18: manual)
    model: str
    dataset: str
    data_dir: str | None
    optimizer: str
    lr: float
    momentum: float | None  # None: the optimizer takes none
    weight_decay: float | None  # None: the optimizer's own default (torch's)
    schedule: str
    gamma: float | None
    step_size: int | None
    clip: float | None
    epochs: int
    batch_size: int
    dtype: str
    seed: int
    results: str
    name: str | None
    hidden: tuple[int, ...] | None
    widths: tuple[int, ...] | None
    # the model's own options; None where the model has no such option
    activation: str | None
    batch_norm: bool | None
    dropout: str | None
    dropout_p: float | None
    layers: int | None
    palindrome_length: int | None
    samples: int | None
    augment: bool
    augment_padding: int | None
    augment_flip: float | None
    train_limit: int | None
    test_limit: int | None
    progress: bool | None  # None: progress bars when stderr is a terminal

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}


# -- argument types -------------------------------------------------------------------------------
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _int_list(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",")]
    try:
        return tuple(_positive_int(p) for p in parts)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers, e.g. 64,64; got {text!r}"
        ) from None


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _impls(text: str) -> tuple[str, ...]:
    if text.strip() == "all":
        return IMPLS
    chosen = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in IMPLS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown implementation(s) {', '.join(map(repr, unknown)) or repr(text)}: "
            f"choose 'all' or a comma-separated list of {', '.join(IMPLS)}"
        )
    return tuple(dict.fromkeys(chosen))  # NOTE: the order given, each once


# -- the parser -----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scratch-train",
        description="Train a model on a data set with the hand-written (manual), the autograd and the torch\n"
        "implementations, from identical weights and batches; write a JSON record and plots per run.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lrs = ", ".join(f"{k} {v:g}" for k, v in DEFAULT_LR.items())

    g = p.add_argument_group("what to train")
    g.add_argument(
        "--impl", type=_impls, default=IMPLS, metavar="LIST", help="'all' (default) or some of manual,autograd,torch"
    )
    g.add_argument("--model", choices=tuple(MODELS), default="mlp", help="default: mlp")
    g.add_argument("--dataset", choices=tuple(DATASETS), help="default: the model's own (see below)")
    g.add_argument("--data-dir", metavar="DIR", help="the folder of mnist's idx files or cifar10's binary batches")

    g = p.add_argument_group("optimization")
    g.add_argument("--optimizer", choices=OPTIMIZERS, default="adam", help="default: adam")
    g.add_argument("--lr", type=_number, help=f"learning rate (default: {lrs})")
    g.add_argument("--momentum", type=_number, metavar="M", help="sgd (default 0.9) and rmsprop (default 0) only")
    g.add_argument("--weight-decay", type=_number, metavar="WD", help="default: the optimizer's own (torch's)")
    g.add_argument("--schedule", choices=SCHEDULES, default="none", help="lr per epoch (default: none)")
    g.add_argument("--gamma", type=_number, help="the schedule's factor (default: exponential 0.95, step 0.5)")
    g.add_argument("--step-size", type=_positive_int, metavar="N", help="step: epochs between decays (default 5)")
    g.add_argument("--clip", type=_number, metavar="MAX_NORM", help="clip the gradients' total 2-norm (default: off)")
    g.add_argument("--epochs", type=_positive_int, default=20, metavar="N", help="default: 20")
    g.add_argument("--batch-size", type=_positive_int, default=32, metavar="N", help="default: 32")
    g.add_argument("--dtype", choices=DTYPES, default="float32", help="default: float32")
    g.add_argument("--seed", type=int, default=0, help="weights, data, batch order, dropout (default: 0)")

    g = p.add_argument_group("model size")
    g.add_argument(
        "--hidden",
        type=_int_list,
        metavar="LIST",
        help="mlp: any number (default 64,64); c5l3: two (64,32); vgg: one (64); rnn: one, the state's size (32)",
    )
    g.add_argument(
        "--widths",
        type=_int_list,
        metavar="LIST",
        help="conv widths: c5l3 five (default 8,16,16,16,8); vgg one per block (8,16,32)",
    )
    g.add_argument("--activation", choices=ACTIVATIONS, help="mlp only (default: relu)")
    g.add_argument("--no-batch-norm", dest="batch_norm", action="store_false", help="c5l3, vgg: no BatchNorm2d")
    g.add_argument("--dropout", choices=DROPOUTS, help="c5l3 only: after each conv block or hidden linear layer")
    g.add_argument("--dropout-p", type=_number, metavar="P", help="c5l3's dropout probability (default 0.5)")
    g.add_argument("--layers", type=_positive_int, metavar="N", help="rnn only: stacked RNN layers (default 1)")

    g = p.add_argument_group("data")
    g.add_argument(
        "--palindrome-length",
        type=int,
        metavar="L",
        help="palindromes: digits per sequence, the label being the last (default 8)",
    )
    g.add_argument(
        "--samples",
        type=_positive_int,
        metavar="N",
        help="moons, circles (default 1000), palindromes (2000): samples, split 80/20",
    )
    g.add_argument(
        "--augment", action="store_true", help="images: random translation each epoch (and flips for cifar10)"
    )
    g.add_argument(
        "--augment-padding",
        type=int,
        metavar="PIXELS",
        help="translation range (default: digits 1, mnist 2, cifar10 4)",
    )
    g.add_argument("--train-limit", type=_positive_int, metavar="N", help="train on the first N samples only")
    g.add_argument("--test-limit", type=_positive_int, metavar="N", help="evaluate on the first N samples only")

    g = p.add_argument_group("output")
    g.add_argument("--results", default="results", metavar="DIR", help="default: results/")
    g.add_argument("--name", help="the run's folder in DIR (default: MODEL-DATASET-TIMESTAMP)")
    bars = g.add_mutually_exclusive_group()
    bars.add_argument("--progress", action="store_true", default=None, help="bars even when stderr is no terminal")
    bars.add_argument("--no-progress", dest="progress", action="store_false", help="no bars: a line per epoch")
    return p


# -- checks ---------------------------------------------------------------------------------------
def _refuse(parser, given: bool, option: str, why: str) -> None:
    if given:
        parser.error(f"{option} {why}")


def _check_data_dir(parser, a) -> None:
    info = DATASETS[a.dataset]
    if not info.needs_dir:
        _refuse(parser, a.data_dir is not None, "--data-dir", f"is only used by mnist and cifar10, not {a.dataset!r}")
        return
    if a.data_dir is None:
        parser.error(f"dataset {a.dataset!r} is read from files you already have: give their folder with --data-dir")
    path = Path(a.data_dir).expanduser()
    if not path.exists():
        parser.error(f"--data-dir {a.data_dir!r} does not exist")
    if not path.is_dir():
        parser.error(f"--data-dir {a.data_dir!r} is not a directory")
    if not os.access(path, os.R_OK | os.X_OK):
        parser.error(f"--data-dir {a.data_dir!r} cannot be read")


def _sizes(parser, a, info):
    """--hidden and --widths: the model's defaults, or the given ones checked for count."""
    sizes = {}
    for option, given, default, count in (
        ("--hidden", a.hidden, info.hidden, info.hidden_count),
        ("--widths", a.widths, info.widths, info.widths_count),
    ):
        if default is None:
            _refuse(parser, given is not None, option, f"does not apply to model {a.model!r}")
        elif given is not None and count is not None and len(given) != count:
            parser.error(f"{option} for model {a.model!r} takes {count} value(s), got {len(given)}: {given}")
        sizes[option] = given if given is not None else default
    return sizes["--hidden"], sizes["--widths"]


def _optimization(parser, a):
    lr = DEFAULT_LR[a.optimizer] if a.lr is None else a.lr
    if not lr > 0:
        parser.error(f"--lr must be positive, got {lr}")
    if a.optimizer in DEFAULT_MOMENTUM:
        momentum = DEFAULT_MOMENTUM[a.optimizer] if a.momentum is None else a.momentum
        if not 0 <= momentum < 1:
            parser.error(f"--momentum must lie in [0, 1), got {momentum}")
    else:
        _refuse(parser, a.momentum is not None, "--momentum", f"applies to sgd and rmsprop, not {a.optimizer!r}")
        momentum = None
    if a.weight_decay is not None and a.weight_decay < 0:
        parser.error(f"--weight-decay must be >= 0, got {a.weight_decay}")
    gamma = step_size = None
    if a.schedule == "none":
        _refuse(parser, a.gamma is not None, "--gamma", "needs --schedule exponential or step")
        _refuse(parser, a.step_size is not None, "--step-size", "needs --schedule step")
    else:
        gamma = DEFAULT_GAMMA[a.schedule] if a.gamma is None else a.gamma
        if not 0 < gamma <= 1:
            parser.error(f"--gamma must lie in (0, 1], got {gamma}")
        if a.schedule == "step":
            step_size = 5 if a.step_size is None else a.step_size
        else:
            _refuse(parser, a.step_size is not None, "--step-size", "needs --schedule step")
    if a.clip is not None and not a.clip > 0:
        parser.error(f"--clip must be positive, got {a.clip}")
    return lr, momentum, gamma, step_size


def _model_options(parser, a):
    _refuse(parser, a.activation is not None and a.model != "mlp", "--activation", "applies to the mlp only")
    _refuse(parser, not a.batch_norm and a.model not in ("c5l3", "vgg"), "--no-batch-norm", "applies to c5l3 and vgg")
    _refuse(parser, a.dropout is not None and a.model != "c5l3", "--dropout", "applies to c5l3 only")
    _refuse(parser, a.dropout_p is not None and a.model != "c5l3", "--dropout-p", "applies to c5l3 only")
    _refuse(parser, a.layers is not None and a.model != "rnn", "--layers", "applies to rnn only")
    dropout = None if a.dropout in (None, "none") else a.dropout
    p = 0.5 if a.dropout_p is None else a.dropout_p
    if not 0 <= p < 1:
        parser.error(f"--dropout-p must lie in [0, 1), got {p}")
    _refuse(parser, a.dropout_p is not None and dropout is None, "--dropout-p", "needs --dropout conv or linear")
    mlp, cnn, rnn = a.model == "mlp", a.model in ("c5l3", "vgg"), a.model == "rnn"
    return (
        (a.activation or "relu") if mlp else None,
        a.batch_norm if cnn else None,
        dropout,
        p if dropout else None,
        (a.layers or 1) if rnn else None,
    )


def _data_options(parser, a):
    info = DATASETS[a.dataset]
    _refuse(parser, a.samples is not None and not info.generated, "--samples", f"does not apply to {a.dataset!r}")
    if a.dataset == "palindromes":
        length = 8 if a.palindrome_length is None else a.palindrome_length
        if length < 2:
            parser.error(f"--palindrome-length must be at least 2 (an input digit and the label), got {length}")
    else:
        _refuse(parser, a.palindrome_length is not None, "--palindrome-length", "applies to palindromes only")
        length = None
    samples = a.samples if a.samples is not None else DEFAULT_SAMPLES.get(a.dataset)
    if samples is not None and samples < 10:
        parser.error(f"--samples must be at least 10 (the 80/20 split needs both parts), got {samples}")
    padding = flip = None
    if a.augment:
        if info.kind != IMAGES:
            parser.error(f"--augment applies to images (digits, mnist, cifar10), not {a.dataset!r}")
        padding = AUGMENT_PADDING[a.dataset] if a.augment_padding is None else a.augment_padding
        if padding < 0:
            parser.error(f"--augment-padding must be >= 0, got {padding}")
        flip = AUGMENT_FLIP[a.dataset]
    else:
        _refuse(parser, a.augment_padding is not None, "--augment-padding", "needs --augment")
    return length, samples, padding, flip


def _impls_for_model(parser, a) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the implementations to run, those asked for that the model lacks); an error when none is left."""
    info = MODELS[a.model]
    missing = tuple(impl for impl in a.impl if impl not in info.impls)
    if missing and len(missing) == len(a.impl):
        parser.error(
            f"model {a.model!r} has no {' or '.join(missing)} implementation (it is written for "
            f"{' and '.join(info.impls)} only); choose --impl among {', '.join(info.impls)}"
        )
    return tuple(impl for impl in a.impl if impl in info.impls), missing


def parse_args(argv=None, parser: argparse.ArgumentParser | None = None) -> Config:
    """Parse and check ``argv`` (default: sys.argv[1:]); exit with status 2 and a message on any problem."""
    parser = parser or build_parser()
    a = parser.parse_args(argv)
    a.dataset = a.dataset or MODELS[a.model].default_dataset
    problem = fit_problem(a.model, a.dataset, None)
    if problem:
        parser.error(problem)
    hidden, widths = _sizes(parser, a, MODELS[a.model])
    problem = fit_problem(a.model, a.dataset, DATASETS[a.dataset].shape, widths)
    if problem:
        parser.error(problem)
    _check_data_dir(parser, a)
    lr, momentum, gamma, step_size = _optimization(parser, a)
    activation, batch_norm, dropout, dropout_p, layers = _model_options(parser, a)
    length, samples, padding, flip = _data_options(parser, a)
    if a.seed < 0:
        parser.error(f"--seed must be >= 0, got {a.seed}")
    impls, skipped = _impls_for_model(parser, a)
    if a.name is not None and (not a.name.strip() or os.sep in a.name or a.name in (".", "..")):
        parser.error(f"--name must be a plain folder name, got {a.name!r}")
    return Config(
        impls=impls,
        skipped=skipped,
        model=a.model,
        dataset=a.dataset,
        data_dir=a.data_dir,
        optimizer=a.optimizer,
        lr=lr,
        momentum=momentum,
        weight_decay=a.weight_decay,
        schedule=a.schedule,
        gamma=gamma,
        step_size=step_size,
        clip=a.clip,
        epochs=a.epochs,
        batch_size=a.batch_size,
        dtype=a.dtype,
        seed=a.seed,
        results=a.results,
        name=a.name,
        hidden=hidden,
        widths=widths,
        activation=activation,
        batch_norm=batch_norm,
        dropout=dropout,
        dropout_p=dropout_p,
        layers=layers,
        palindrome_length=length,
        samples=samples,
        augment=a.augment,
        augment_padding=padding,
        augment_flip=flip,
        train_limit=a.train_limit,
        test_limit=a.test_limit,
        progress=a.progress,
    )
