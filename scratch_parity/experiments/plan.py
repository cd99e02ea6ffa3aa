"""What ``scratch-reproduce`` runs: every ``scratch-train`` run of each part, full size (``FULL``) and tiny (``QUICK``).

Each run is an ``Experiment``: its ``scratch-train`` options (the record's argv, what the report prints)
and the ``Config`` that ``experiments.config.parse_args`` makes of them, once, when the plan is built, so
a bad option in the plan fails at import, the CLI's way, before anything trains.
"""

import shlex
from dataclasses import dataclass

from scratch_parity.experiments.config import Config, build_parser, parse_args

PARTS = ("mlp", "c5l3", "rnn", "timing")
MLP_DATASETS = ("moons", "circles")
C5L3_IMPLS = ("torch", "autograd", "manual")
RNN_IMPL = "manual"
LENGTHS = (5, 8, 10, 12, 15, 20)


@dataclass(frozen=True)
class Setting:
    key: str
    title: str
    options: str  # scratch-train options added to the part's common ones
    extra: bool = False  # not one of the course's settings


C5L3_SETTINGS = (
    Setting("baseline", "baseline: SGD + momentum, BatchNorm, no dropout", "--optimizer sgd --lr 0.05 --momentum 0.9"),
    Setting("adam", "Adam instead of SGD", "--optimizer adam --lr 0.005"),
    Setting("no-bn", "without BatchNorm", "--optimizer sgd --lr 0.05 --momentum 0.9 --no-batch-norm"),
    Setting(
        "dropout-conv",
        "dropout (p 0.2) after each conv block",
        "--optimizer sgd --lr 0.05 --momentum 0.9 --dropout conv --dropout-p 0.2",
    ),
    Setting(
        "dropout-linear",
        "dropout (p 0.2) after each hidden linear layer",
        "--optimizer sgd --lr 0.05 --momentum 0.9 --dropout linear --dropout-p 0.2",
    ),
    Setting(
        "augment",
        "augmentation: random 1-pixel pad-and-crop translation",
        "--optimizer sgd --lr 0.05 --momentum 0.9 --augment",
    ),
    Setting("no-bn-adam", "extra: without BatchNorm, with Adam", "--optimizer adam --lr 0.005 --no-batch-norm", True),
)


@dataclass(frozen=True)
class Experiment:
    """One scratch-train run of the plan: its options as typed and the checked Config they give."""

    part: str
    key: str  # what the part varies: the data set (mlp), the setting (c5l3), the length (rnn), the model (timing)
    label: str  # the run in the progress lines
    argv: tuple[str, ...]  # scratch-train's options, --seed included (the record's argv)
    config: Config

    @property
    def options(self) -> str:
        return shlex.join(self.argv)


@dataclass(frozen=True)
class Plan:
    """What runs: each part's experiments, and the options common to a part's runs (as the report gives them)."""

    quick: bool
    seeds: tuple[int, ...]
    mlp: str  # the part's common options: without --dataset, --seed, --palindrome-length, --impl
    c5l3: str
    rnn: str
    experiments: dict[str, tuple[Experiment, ...]]  # part -> its runs in order; timing: one per model, all three
    mlp_datasets: tuple[str, ...] = MLP_DATASETS
    c5l3_impls: tuple[str, ...] = C5L3_IMPLS
    rnn_impl: str = RNN_IMPL
    lengths: tuple[int, ...] = LENGTHS


def make_plan(quick: bool, seeds: tuple[int, ...], mlp: str, c5l3: str, rnn: str, timing: dict[str, str]) -> Plan:
    """The plan of these options (``timing``: model -> the options of its run, --seed included), every run checked."""
    parser = build_parser()

    def experiment(part: str, key: str | int, label: str, options: str) -> Experiment:
        argv = tuple(shlex.split(options))
        return Experiment(part, str(key), label, argv, parse_args(list(argv), parser))

    experiments = {
        "mlp": tuple(
            experiment("mlp", d, f"{d} seed {s}", f"{mlp} --dataset {d} --seed {s}")
            for d in MLP_DATASETS
            for s in seeds
        ),
        "c5l3": tuple(
            experiment(
                "c5l3", c.key, f"{c.key} seed {s}", f"{c5l3} {c.options} --impl {','.join(C5L3_IMPLS)} --seed {s}"
            )
            for c in C5L3_SETTINGS
            for s in seeds
        ),
        "rnn": tuple(
            experiment("rnn", n, f"length {n} seed {s}", f"{rnn} --palindrome-length {n} --impl {RNN_IMPL} --seed {s}")
            for n in LENGTHS
            for s in seeds
        ),
        "timing": tuple(
            experiment("timing", model, f"{model}, all three", f"{options} --impl all")
            for model, options in timing.items()
        ),
    }
    return Plan(quick, seeds, mlp, c5l3, rnn, experiments)


_MLP = "--model mlp --hidden 32,32 --optimizer adam --lr 0.005 --schedule exponential --gamma 0.95 --batch-size 32"
_C5L3 = "--model c5l3 --dataset digits --widths 16,32,32,32,32 --hidden 64,32 --schedule exponential --gamma 0.9"
_RNN = "--model rnn --hidden 64 --optimizer adam --lr 0.002 --schedule exponential --gamma 0.95 --clip 1 --samples 5000"
FULL = make_plan(
    quick=False,
    seeds=(0, 1, 2),
    mlp=f"{_MLP} --epochs 60 --dtype float64 --samples 1000",
    c5l3=f"{_C5L3} --epochs 20 --batch-size 32",
    rnn=f"{_RNN} --epochs 30 --batch-size 32",
    timing={
        "mlp": f"{_MLP} --epochs 10 --dtype float64 --samples 1000 --dataset moons --seed 0",
        "c5l3": f"{_C5L3} --epochs 3 --batch-size 32 {C5L3_SETTINGS[0].options} --seed 0",
        "rnn": f"{_RNN} --epochs 3 --batch-size 32 --palindrome-length 10 --seed 0",
    },
)
_TINY_RNN = "--model rnn --hidden 8 --optimizer adam --lr 0.002 --clip 1 --samples 60 --epochs 2 --batch-size 16"
QUICK = make_plan(
    quick=True,
    seeds=(0, 1),
    mlp="--model mlp --hidden 8,8 --optimizer adam --lr 0.005 --epochs 2 --dtype float64 --samples 100",
    c5l3="--model c5l3 --dataset digits --widths 2,3,3,3,2 --hidden 8,8 --epochs 1 --batch-size 16 "
    "--train-limit 48 --test-limit 40",
    rnn=_TINY_RNN,
    timing={
        "mlp": "--model mlp --hidden 8,8 --epochs 2 --dtype float64 --samples 100 --dataset moons --seed 0",
        "c5l3": "--model c5l3 --widths 2,3,3,3,2 --hidden 8,8 --epochs 1 --batch-size 16 --train-limit 48 "
        "--test-limit 40 --optimizer sgd --seed 0",
        "rnn": f"{_TINY_RNN} --palindrome-length 10 --seed 0",
    },
)
