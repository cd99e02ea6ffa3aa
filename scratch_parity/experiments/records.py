"""A run's folder and its JSON record.

Each run writes into ``<results>/<name>/``, where name is ``--name`` or ``<model>-<dataset>-<YYYYmmdd-HHMMSS>``
(with ``-2``, ``-3``, ... when that folder exists already; an explicit ``--name`` is reused, its files
overwritten). The record, ``record.json``::

    {
      "format": "scratch-train/1",
      "name": "mlp-moons-20250101-120000", "created": "2025-01-01T12:00:00", "argv": [...],
      "config": {...every option, defaults filled in (see experiments.config.Config)...},
      "data": {"name", "kind", "num_classes", "class_names", "input_shape", "num_train", "num_test"},
      "model": {"name", "num_parameters", "kwargs"},
      "implementations": {
        "manual": {
          "epochs": [{"epoch": 1, "lr", "train_loss", "train_acc", "test_loss", "test_acc",
                      "time_s", "eval_time_s"}, ...],
          "test_per_class_acc": [...],        # after the last epoch, one per class (null: no sample)
          "train_time_s": total of time_s
        },
        "autograd": {...}, "torch": {...}
      },
      "skipped": {"manual": "resnet18 has no manual implementation"},
      "rnn_grad_norms": null, or {"source", "num_samples", "initial": [[...]], "trained": [[...]]},
      "plots": ["curves.png", ...],
      "versions": {"python", "numpy", "torch"}
    }

Losses and accuracies are per sample means (accuracies in [0, 1]); ``time_s`` is the epoch's training
wall time (batching included: the same for every implementation), ``eval_time_s`` that of evaluating
on the test set. Non-finite numbers (a diverged run) are written as null, so the file stays strict JSON.
"""

import datetime
import json
import math
import platform
from pathlib import Path

import numpy as np

FORMAT = "scratch-train/1"
RECORD_FILE = "record.json"


def run_dir(results: str, name: str | None, model: str, dataset: str, now: datetime.datetime | None = None) -> Path:
    """Create and return the run's folder (see the module doc for its name)."""
    root = Path(results).expanduser()
    if name is not None:
        path = root / name
        path.mkdir(parents=True, exist_ok=True)
        return path
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{model}-{dataset}-{stamp}"
    for i in range(1, 1000):
        path = root / (base if i == 1 else f"{base}-{i}")
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"could not find a free folder name for {base!r} in {str(root)!r}")


def epoch_entry(epoch: int, lr: float, train: tuple, test: tuple, time_s: float, eval_time_s: float) -> dict:
    """One epoch of one implementation: train (loss, acc) and test (loss, acc, ...) as measured."""
    return {
        "epoch": epoch,
        "lr": lr,
        "train_loss": train[0],
        "train_acc": train[1],
        "test_loss": test[0],
        "test_acc": test[1],
        "time_s": time_s,
        "eval_time_s": eval_time_s,
    }


def implementation_entry(epochs: list[dict], per_class: list[float]) -> dict:
    return {
        "epochs": epochs,
        "test_per_class_acc": per_class,
        "train_time_s": sum(e["time_s"] for e in epochs),
    }


def versions() -> dict:
    found = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        import torch

        found["torch"] = torch.__version__
    except ImportError:  # pragma: no cover - torch is a requirement of the CLI
        found["torch"] = None
    return found


def build_record(
    name: str,
    argv,
    cfg,
    data: dict,
    model: dict,
    implementations: dict,
    skipped: dict,
    rnn_grad_norms: dict | None,
    plots: list[str],
) -> dict:
    return {
        "format": FORMAT,
        "name": name,
        "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "argv": list(argv),
        "config": cfg.to_dict(),
        "data": data,
        "model": model,
        "implementations": implementations,
        "skipped": skipped,
        "rnn_grad_norms": rnn_grad_norms,
        "plots": plots,
        "versions": versions(),
    }


def _plain(value):
    """JSON-ready: arrays and tuples as lists, NumPy scalars as Python numbers, NaN and infinities as None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_record(folder: Path, record: dict) -> Path:
    path = Path(folder) / RECORD_FILE
    path.write_text(json.dumps(_plain(record), indent=2, allow_nan=False) + "\n")
    return path


def read_record(folder_or_file) -> dict:
    path = Path(folder_or_file)
    return json.loads((path / RECORD_FILE if path.is_dir() else path).read_text())
