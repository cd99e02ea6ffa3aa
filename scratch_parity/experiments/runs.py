"""Running ``scratch-reproduce``'s plan in-process, and reducing each record to the numbers the report uses.

Each experiment's Config goes through ``experiments.cli.train_record`` (scratch-train's trainers, shared
initial state_dict and batch order); its record is kept as a *run* (the layout is in experiments.tables).
"""

import dataclasses
import shlex
import time

from scratch_parity.experiments.config import Config
from scratch_parity.experiments.plan import Experiment, Plan
from scratch_parity.experiments.registry import IMPLS
from scratch_parity.experiments.tables import final, pct

EPOCH_KEYS = ("train_loss", "test_loss", "train_acc", "test_acc", "time_s")


def reduce_record(record: dict, part: str, key: str, seed: int) -> dict:
    """The numbers of a scratch-train record that the report uses (see experiments.tables)."""
    return {
        "part": part,
        "key": key,
        "seed": seed,
        "argv": shlex.join(record["argv"]),
        "num_parameters": record["model"]["num_parameters"],
        "data": {k: record["data"][k] for k in ("name", "num_train", "num_test")},
        "impls": {
            impl: {k: [e[k] for e in entry["epochs"]] for k in EPOCH_KEYS}
            for impl, entry in record["implementations"].items()
        },
        "rnn_grad_norms": record.get("rnn_grad_norms"),
    }


def train(experiment: Experiment, progress: bool | None, counter: str) -> dict:
    """Train one experiment (``progress``: scratch-train's --progress, None: bars on a terminal); its run."""
    from scratch_parity.experiments.cli import train_record

    cfg = dataclasses.replace(experiment.config, progress=progress)
    started = time.perf_counter()
    record = train_record(cfg, argv=experiment.argv, quiet=True)
    elapsed = time.perf_counter() - started
    run = reduce_record(record, experiment.part, experiment.key, cfg.seed)
    run["wall_s"] = elapsed
    accs = ", ".join(f"{impl} {pct(final(run, impl))}" for impl in run["impls"])
    print(f"[{experiment.part} {counter}] {experiment.label}: test acc {accs} ({elapsed:.1f} s)", flush=True)
    return run


def svm_reference(cfg: Config) -> float:
    """Test accuracy of an RBF SVM (scikit-learn's defaults) on the run's very split: the noise's ceiling, roughly."""
    from sklearn.svm import SVC

    from scratch_parity.experiments.registry import load_dataset

    split = load_dataset(cfg)
    return float(SVC().fit(split.x_train, split.y_train).score(split.x_test, split.y_test))


def timing_sources(runs: list[dict]) -> dict[str, list[dict]]:
    """model -> the runs above that trained all three implementations (the timing table's sources)."""
    found = {}
    for run in runs:
        if run["part"] != "timing" and all(impl in run["impls"] for impl in IMPLS):
            found.setdefault(run["part"], []).append(run)  # NOTE: the parts mlp, c5l3, rnn are named by model
    return found


def run_part(part: str, plan: Plan, progress: bool | None, earlier: list[dict]) -> list[dict]:
    """The runs of ``part``'s experiments; timing: only for the models that no ``earlier`` run timed all three of."""
    experiments = plan.experiments[part]
    if part == "timing":
        have = timing_sources(earlier)
        experiments = tuple(e for e in experiments if e.key not in have)
    runs = []
    for i, experiment in enumerate(experiments, start=1):
        run = train(experiment, progress, f"{i}/{len(experiments)}")
        if part == "mlp":
            run["svm_test_acc"] = svm_reference(experiment.config)
        runs.append(run)
    return runs


def run_parts(plan: Plan, parts: tuple[str, ...], progress: bool | None) -> tuple[list[dict], dict[str, float]]:
    """Every run of ``parts``, in order, and each part's wall time in seconds."""
    runs, part_s = [], {}
    for part in parts:
        print(f"scratch-reproduce: {part}", flush=True)
        t = time.perf_counter()
        runs += run_part(part, plan, progress, runs)
        part_s[part] = time.perf_counter() - t
    return runs, part_s
