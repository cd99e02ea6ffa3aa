"""What can be trained on what: the models and data sets the CLI knows, and the builders of both.

Data sets come in three kinds, and each model takes some of them:

    kind        data sets                    sample shape        models
    points      moons, circles               (2,)                mlp
    images      digits, mnist, cifar10       (C, H, W)           mlp (flattened), c5l3, vgg, resnet18
    sequences   palindromes                  (L - 1, 10)         rnn, mlp (flattened)

The MLP takes every data set: each sample is flattened to one vector (an image of C x H x W becomes
C*H*W features; a palindrome's (L - 1) x 10 one-hot digits become one vector: a baseline that sees the
whole sequence at once, where the RNN reads it digit by digit). The CNNs need images whose side their
max-pools divide (c5l3: a multiple of 8; vgg: of 2**len(widths); so mnist's 28x28 fits neither c5l3
nor the 3-block vgg); the RNN needs sequences (an image is not read as a sequence of rows here).

Nothing here imports torch at module level: the CLI checks its arguments against these tables before
anything heavy is imported.
"""

from dataclasses import dataclass

import numpy as np

IMPLS = ("manual", "autograd", "torch")
POINTS, IMAGES, SEQUENCES = "points", "images", "sequences"


@dataclass(frozen=True)
class DatasetInfo:
    kind: str
    needs_dir: bool = False
    generated: bool = False  # made from a seed (--samples applies)
    shape: tuple[int, ...] | None = None  # one sample's shape, where it is known before loading


@dataclass(frozen=True)
class ModelInfo:
    kinds: tuple[str, ...]  # the data kinds it takes
    impls: tuple[str, ...]  # the implementations that have it
    default_dataset: str
    hidden: tuple[int, ...] | None  # default --hidden (None: the option does not apply)
    widths: tuple[int, ...] | None  # default --widths (None: the option does not apply)
    hidden_count: int | None = None  # how many --hidden values it takes (None: any number)
    widths_count: int | None = None


DATASETS = {
    "moons": DatasetInfo(POINTS, generated=True, shape=(2,)),
    "circles": DatasetInfo(POINTS, generated=True, shape=(2,)),
    "digits": DatasetInfo(IMAGES, shape=(1, 8, 8)),
    "palindromes": DatasetInfo(SEQUENCES, generated=True),
    "mnist": DatasetInfo(IMAGES, needs_dir=True, shape=(1, 28, 28)),
    "cifar10": DatasetInfo(IMAGES, needs_dir=True, shape=(3, 32, 32)),
}

# The CLI's default sizes are small (the classes' own defaults are CIFAR-sized): a few epochs of any of
# them on digits take seconds to a minute with every implementation.
MODELS = {
    "mlp": ModelInfo((POINTS, IMAGES, SEQUENCES), IMPLS, "moons", hidden=(64, 64), widths=None),
    "c5l3": ModelInfo(
        (IMAGES,), IMPLS, "digits", hidden=(64, 32), widths=(8, 16, 16, 16, 8), hidden_count=2, widths_count=5
    ),
    "vgg": ModelInfo((IMAGES,), IMPLS, "digits", hidden=(64,), widths=(8, 16, 32), hidden_count=1),
    "resnet18": ModelInfo((IMAGES,), ("autograd", "torch"), "digits", hidden=None, widths=None),
    "rnn": ModelInfo((SEQUENCES,), IMPLS, "palindromes", hidden=(32,), widths=None, hidden_count=1),
}

DIGIT_NAMES = tuple(str(d) for d in range(10))


def fit_problem(model: str, dataset: str, shape: tuple[int, ...] | None, widths=None) -> str | None:
    """Why ``model`` cannot train on ``dataset`` (samples of ``shape``), or None when it can."""
    info, data = MODELS[model], DATASETS[dataset]
    if data.kind not in info.kinds:
        takes = " or ".join(info.kinds)
        examples = ", ".join(name for name, d in DATASETS.items() if d.kind in info.kinds)
        return f"model {model!r} takes {takes} ({examples}), but {dataset!r} holds {data.kind}"
    if shape is None or data.kind != IMAGES:
        return None
    _, height, width = shape
    if model == "c5l3" and (height % 8 or width % 8):
        return (
            f"model 'c5l3' needs images whose side is a multiple of 8 (three 2x2 max-pools), but {dataset!r} "
            f"images are {height}x{width}"
        )
    if model == "vgg":
        pools = 2 ** len(widths)
        if height % pools or width % pools:
            return (
                f"model 'vgg' with {len(widths)} blocks needs images whose side is a multiple of {pools} "
                f"(one 2x2 max-pool per block), but {dataset!r} images are {height}x{width}: "
                f"use fewer --widths"
            )
    if model in ("c5l3", "vgg") and height != width:
        return f"model {model!r} takes square images, but {dataset!r} images are {height}x{width}"
    return None


def class_names(dataset: str, num_classes: int) -> list[str]:
    if dataset == "cifar10":
        from scratch.data import CIFAR10_CLASSES

        return list(CIFAR10_CLASSES)
    return [str(c) for c in range(num_classes)]


# -- data -----------------------------------------------------------------------------------------
def load_dataset(cfg):
    """The data set: loaded, cast to the run's dtype, cut to --train-limit / --test-limit (see ``for_model``)."""
    import scratch.data as data

    name = cfg.dataset
    if name in ("moons", "circles"):
        split = getattr(data, name)(n_samples=cfg.samples, seed=cfg.seed)
    elif name == "palindromes":
        split = data.palindromes(cfg.palindrome_length, n_samples=cfg.samples, seed=cfg.seed)
    elif name == "digits":
        split = data.digits(seed=cfg.seed)
    elif name == "mnist":
        split = data.load_mnist(cfg.data_dir)
    else:
        split = data.load_cifar10(cfg.data_dir)
    x_train, y_train, x_test, y_test = split
    if cfg.train_limit is not None:
        x_train, y_train = x_train[: cfg.train_limit], y_train[: cfg.train_limit]
    if cfg.test_limit is not None:
        x_test, y_test = x_test[: cfg.test_limit], y_test[: cfg.test_limit]
    dtype = np.dtype(cfg.dtype)
    x_train, x_test = x_train.astype(dtype, copy=False), x_test.astype(dtype, copy=False)
    return data.Split(x_train, y_train, x_test, y_test, name=split.name, num_classes=split.num_classes)


def for_model(split, model: str):
    """The split as ``model`` takes it: flattened to (N, features) for the MLP, unchanged otherwise."""
    if model != "mlp" or split.x_train.ndim == 2:
        return split
    from scratch.data import Split

    x_train, x_test = split.x_train.reshape(split.num_train, -1), split.x_test.reshape(split.num_test, -1)
    return Split(x_train, split.y_train, x_test, split.y_test, name=split.name, num_classes=split.num_classes)


# -- models ---------------------------------------------------------------------------------------
def model_kwargs(cfg, input_shape: tuple[int, ...], num_classes: int) -> dict:
    """The constructor arguments (without dtype), the same for the three implementations."""
    if cfg.model == "mlp":
        return dict(
            in_features=int(np.prod(input_shape)),
            hidden=tuple(cfg.hidden),
            num_classes=num_classes,
            activation=cfg.activation,
        )
    if cfg.model == "rnn":
        return dict(
            input_size=input_shape[-1], hidden_size=cfg.hidden[0], num_classes=num_classes, num_layers=cfg.layers
        )
    if cfg.model == "resnet18":
        return dict(num_classes=num_classes, in_channels=input_shape[0])
    common = dict(
        in_channels=input_shape[0],
        num_classes=num_classes,
        image_size=input_shape[1],
        widths=tuple(cfg.widths),
        batch_norm=cfg.batch_norm,
    )
    if cfg.model == "vgg":
        return dict(common, hidden=cfg.hidden[0])
    kwargs = dict(common, hidden=tuple(cfg.hidden), dropout=cfg.dropout)
    return kwargs if cfg.dropout is None else dict(kwargs, p=cfg.dropout_p)


def _constructor(impl: str, model: str):
    if impl == "torch":
        import reference
        import reference.models as models

        rnn = reference.VanillaRNN
    elif impl == "autograd":
        import scratch.autograd.models as models
        import scratch.autograd.nn

        rnn = scratch.autograd.nn.VanillaRNN
    else:
        import scratch.manual
        import scratch.manual.models as models

        rnn = scratch.manual.VanillaRNN
    if model == "rnn":
        return rnn
    if model == "resnet18":
        if impl == "manual":
            raise ValueError("resnet18 has no hand-written (manual) version")
        return models.resnet18
    return {"mlp": models.MLP, "c5l3": models.C5L3, "vgg": models.VGG}[model]


def build_model(impl: str, cfg, input_shape: tuple[int, ...], num_classes: int):
    """A fresh model of ``impl`` in the run's dtype (its own initial weights: load the shared ones next)."""
    if impl == "torch":
        import torch

        dtype = getattr(torch, cfg.dtype)
    else:
        dtype = np.dtype(cfg.dtype).type
    return _constructor(impl, cfg.model)(**model_kwargs(cfg, input_shape, num_classes), dtype=dtype)


def initial_state(cfg, input_shape: tuple[int, ...], num_classes: int) -> dict[str, np.ndarray]:
    """The shared initial weights: torch's model built after ``torch.manual_seed(seed)``, as NumPy arrays."""
    import torch

    from reference import to_numpy

    torch.manual_seed(cfg.seed)
    return to_numpy(build_model("torch", cfg, input_shape, num_classes).state_dict())


def build_models(cfg, impls, input_shape: tuple[int, ...], num_classes: int) -> tuple[dict, dict[str, np.ndarray]]:
    """impl -> its model, every one loaded with the same initial state_dict; and that state_dict."""
    state = initial_state(cfg, input_shape, num_classes)
    models = {}
    for impl in impls:
        model = build_model(impl, cfg, input_shape, num_classes)
        if impl == "torch":
            from reference import to_torch

            model.load_state_dict(to_torch(state))
        else:
            model.load_state_dict(state)
        models[impl] = model
    return models, state


def count_parameters(state: dict[str, np.ndarray]) -> int:
    """Learnable values: the state_dict's floating arrays minus BatchNorm's running statistics."""
    return int(
        sum(v.size for k, v in state.items() if v.dtype.kind == "f" and not k.endswith(("running_mean", "running_var")))
    )
