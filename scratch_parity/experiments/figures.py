"""The figures of ``scratch-reproduce``'s report, drawn from its runs (see experiments.tables) with Agg.

experiments_mlp.png             per data set: the loss curves of the three implementations, and their
                                relative differences to torch's, epoch by epoch (float64)
experiments_c5l3.png            the ablation: mean ± std of the final test accuracy per setting and implementation
experiments_rnn_grad_norms.png  ||dL/dh_t|| over t, one curve per palindrome length, initial and trained weights
experiments_rnn_accuracy.png    the RNN's test accuracy per epoch, one line per length and seed
"""

from pathlib import Path

import numpy as np

from scratch_parity.experiments.plots import COLORS, STYLES
from scratch_parity.experiments.tables import finals, is_number, mean_std, runs_of


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # NOTE: files only, never a window
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    _pyplot().close(fig)


def plot_mlp(runs: list[dict], datasets, goal: float, path: Path) -> None:
    plt = _pyplot()
    fig, axes = plt.subplots(2, len(datasets), figsize=(5.5 * len(datasets), 7), squeeze=False)
    for col, dataset in enumerate(datasets):
        group = runs_of(runs, "mlp", dataset)
        if not group:
            continue
        run = group[0]
        top, bottom = axes[0][col], axes[1][col]
        for impl, entry in run["impls"].items():
            epochs = range(1, len(entry["train_loss"]) + 1)
            style = dict(color=COLORS.get(impl), **STYLES.get(impl, {}))
            top.semilogy(epochs, entry["train_loss"], label=f"{impl} train", **style)
            top.semilogy(epochs, entry["test_loss"], linestyle="--", label=f"{impl} test", **style)
            if impl != "torch" and "torch" in run["impls"]:
                ref = np.asarray(run["impls"]["torch"]["train_loss"], dtype=float)
                rel = np.abs(np.asarray(entry["train_loss"], dtype=float) - ref) / np.abs(ref)
                bottom.semilogy(epochs, np.maximum(rel, 1e-17), label=f"{impl} vs torch", **style)
        top.set(title=f"{dataset} (seed {run['seed']}): loss", xlabel="epoch", ylabel="cross-entropy")
        bottom.axhline(goal, color="gray", linestyle=":", label=f"goal {goal:g}")
        bottom.set(
            title=f"{dataset}: relative difference of the training loss",
            xlabel="epoch",
            ylabel="|a - torch| / torch (1e-17: equal)",
        )
        for ax in (top, bottom):
            ax.grid(alpha=0.3, which="both")
            ax.legend(fontsize=7)
    fig.suptitle("MLP in float64: three implementations from one state_dict and one batch order")
    _save(fig, path)


def plot_c5l3(runs: list[dict], settings, impls, path: Path) -> None:
    """Two panels: every setting on 0-100%, and a zoom on 90-100% where most of them differ."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.5), gridspec_kw={"width_ratios": [1, 1]})
    width = 0.8 / len(impls)
    groups = [runs_of(runs, "c5l3", s.key) for s in settings]
    seeds = {r["seed"] for group in groups for r in group}
    for i, impl in enumerate(impls):
        stats = [mean_std(finals(group, impl)) for group in groups]
        x = [k + (i - (len(impls) - 1) / 2) * width for k in range(len(settings))]
        means = [100 * m if is_number(m) else 0 for m, _ in stats]
        stds = [100 * s if is_number(s) else 0 for _, s in stats]
        for ax in axes:
            ax.bar(x, means, width, yerr=stds, capsize=3, color=COLORS.get(impl), label=impl)
    for ax, low, title in zip(axes, (0, 90), ("all settings", "zoom: 90-100%"), strict=True):
        ax.set_xticks(range(len(settings)), [s.key for s in settings], rotation=20)
        ax.set(ylabel="final test accuracy (%)", ylim=(low, 100.5 if low else 105), title=title)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower left")
    fig.suptitle(f"C5L3 on digits: mean ± std over {len(seeds)} seeds")
    _save(fig, path)


def plot_rnn_norms(runs: list[dict], lengths, seed: int, impl: str, path: Path) -> None:
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    cmap = plt.get_cmap("viridis")
    for k, length in enumerate(lengths):
        run = next((r for r in runs_of(runs, "rnn", str(length)) if r["seed"] == seed), None)
        norms = run.get("rnn_grad_norms") if run else None
        if not norms:
            continue
        color = cmap(k / max(1, len(lengths) - 1))
        for ax, when in zip(axes, ("initial", "trained"), strict=True):
            row = norms[when][0]
            steps = range(1, len(row) + 1)
            ax.semilogy(steps, [max(v, 1e-300) for v in row], marker="o", ms=3, color=color, label=f"L = {length}")
    for ax, when in zip(axes, ("initial weights", "trained weights"), strict=True):
        ax.set(xlabel="time step t (t = 1 reads the digit to remember)", title=f"||dL/dh_t||, {when}")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("||dL/dh_t|| (mean loss of a test batch)")
    fig.suptitle(f"Vanilla RNN on palindromes: the gradient over time (seed {seed}, weights of {impl})")
    _save(fig, path)


def plot_rnn_accuracy(runs: list[dict], lengths, impl: str, goal: float, path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    cmap = plt.get_cmap("viridis")
    for k, length in enumerate(lengths):
        color = cmap(k / max(1, len(lengths) - 1))
        for j, run in enumerate(runs_of(runs, "rnn", str(length))):
            acc = [100 * v if is_number(v) else np.nan for v in run["impls"][impl]["test_acc"]]
            label = f"L = {length}" if j == 0 else None
            ax.plot(range(1, len(acc) + 1), acc, color=color, alpha=0.8, lw=1.2, label=label)
    ax.axhline(100 * goal, color="gray", linestyle=":", label=f"{100 * goal:g}%")
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", title=f"RNN ({impl}): test accuracy, one line per seed")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    _save(fig, path)
