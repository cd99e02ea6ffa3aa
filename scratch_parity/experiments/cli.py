"""The ``scratch-train`` command: parse, load the data, build identical models, train each implementation,
then write the record, the plots and a summary. ``scratch-train --help`` lists every option.

Problems with the arguments or the data (an unknown model, a model that does not fit the data, a
missing data folder or file) end with a message and exit status 2, argparse's way, before any training.
"""

import sys
import time

from scratch_parity.experiments.config import Config, build_parser, parse_args
from scratch_parity.experiments.registry import DATASETS, fit_problem

RNN_NORM_SAMPLES = 256  # test sequences in the batch whose gradient norms are plotted


def _load(cfg: Config, parser):
    """The data set as loaded (its own sample shape) and as the model takes it (flattened for the MLP)."""
    from scratch_parity.experiments.registry import for_model, load_dataset

    try:
        split = load_dataset(cfg)
    except (OSError, ValueError) as error:
        parser.error(f"cannot load {cfg.dataset!r}: {error}")
    if split.num_train == 0 or split.num_test == 0:
        parser.error(f"{cfg.dataset!r} has {split.num_train} training and {split.num_test} test samples")
    problem = fit_problem(cfg.model, cfg.dataset, split.input_shape, cfg.widths)
    if problem:
        parser.error(problem)
    return split.input_shape, for_model(split, cfg.model)


def _rnn_grad_norms(cfg: Config, initial: dict, trained: dict, source: str, split) -> dict:
    from scratch_parity.experiments.diagnostics import rnn_hidden_grad_norms

    x, y = split.x_test[:RNN_NORM_SAMPLES], split.y_test[:RNN_NORM_SAMPLES]
    return {
        "source": source,
        "num_samples": len(y),
        "initial": rnn_hidden_grad_norms(cfg, initial, x, y, split.num_classes).tolist(),
        "trained": rnn_hidden_grad_norms(cfg, trained, x, y, split.num_classes).tolist(),
    }


def train_record(cfg: Config, parser=None, argv=None, name: str = "", quiet: bool = False) -> dict:
    """Load the data, build the models from one state_dict, train every implementation of ``cfg``: the record.

    Nothing is written (``record["plots"]`` is empty): ``run`` adds the folder, the plots and the file;
    ``scratch-reproduce`` calls this directly. ``quiet``: no header line and, without progress bars, no
    epoch lines. Problems with the data end through ``parser.error`` (exit status 2).
    """
    parser = parser or build_parser()
    for impl in cfg.skipped:
        print(f"scratch-train: note: {cfg.model} has no {impl} implementation; skipping {impl}", file=sys.stderr)
    data_shape, split = _load(cfg, parser)

    from scratch_parity.experiments.records import build_record
    from scratch_parity.experiments.registry import build_models, class_names, count_parameters, model_kwargs
    from scratch_parity.experiments.runners import make_trainer
    from scratch_parity.experiments.training import train_implementation

    try:
        models, initial = build_models(cfg, cfg.impls, split.input_shape, split.num_classes)
    except ValueError as error:
        parser.error(f"cannot build {cfg.model!r} for {cfg.dataset!r}: {error}")
    if not quiet:
        print(
            f"scratch-train: {cfg.model} ({count_parameters(initial):,} parameters) on {split.name} "
            f"({split.num_train} train / {split.num_test} test), {', '.join(cfg.impls)}, {cfg.epochs} epoch(s)",
            flush=True,
        )

    entries, trainers = {}, {}
    for impl in cfg.impls:
        trainers[impl] = make_trainer(impl, models[impl], cfg, split.num_classes)
        entries[impl] = train_implementation(cfg, trainers[impl], split, cfg.progress, quiet=quiet)

    norms = None
    if cfg.model == "rnn":
        source = "manual" if "manual" in trainers else cfg.impls[0]
        norms = _rnn_grad_norms(cfg, initial, trainers[source].state_dict(), source, split)

    return build_record(
        name=name,
        argv=["scratch-train", *(sys.argv[1:] if argv is None else argv)],
        cfg=cfg,
        data={
            "name": split.name,
            "kind": DATASETS[cfg.dataset].kind,
            "num_classes": split.num_classes,
            "class_names": class_names(cfg.dataset, split.num_classes),
            "input_shape": list(data_shape),
            "num_train": split.num_train,
            "num_test": split.num_test,
        },
        model={
            "name": cfg.model,
            "num_parameters": count_parameters(initial),
            "kwargs": model_kwargs(cfg, split.input_shape, split.num_classes),
        },
        implementations=entries,
        skipped={impl: f"{cfg.model} has no {impl} implementation" for impl in cfg.skipped},
        rnn_grad_norms=norms,
        plots=[],
    )


def run(cfg: Config, parser, argv) -> int:
    started = time.perf_counter()
    from scratch_parity.experiments.records import run_dir, write_record
    from scratch_parity.experiments.summary import summary_table

    record = train_record(cfg, parser, argv)
    folder = run_dir(cfg.results, cfg.name, cfg.model, cfg.dataset)  # NOTE: after training: no empty folder on errors
    record["name"] = folder.name
    from scratch_parity.experiments.plots import plot_run

    record["plots"] = plot_run(record, folder)
    path = write_record(folder, record)

    print()
    print(summary_table(record))
    print(f"\nwrote {path} and {', '.join(record['plots'])} in {folder} ({time.perf_counter() - started:.1f} s)")
    return 0


def main(argv=None) -> int:
    """The console script: ``scratch-train [options]``; returns the exit status (2: bad arguments or data)."""
    parser = build_parser()
    cfg = parse_args(argv, parser)
    try:
        return run(cfg, parser, argv)
    except KeyboardInterrupt:
        print("\nscratch-train: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
