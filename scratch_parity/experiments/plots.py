"""The run's figures, drawn from its record (so they can be redrawn from record.json alone), with Agg.

curves.png           loss and accuracy per epoch, the implementations overlaid (train solid, test dashed)
per_class.png        image data sets: each class's test accuracy after the last epoch, per implementation
rnn_grad_norms.png   the RNN: ||d loss / d h_t|| over the time steps t, at initialisation and after training
"""

from pathlib import Path

COLORS = {"manual": "tab:blue", "autograd": "tab:orange", "torch": "tab:green"}
STYLES = {"manual": dict(linewidth=3.5, alpha=0.45), "autograd": dict(linewidth=2.0), "torch": dict(linewidth=1.0)}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # NOTE: files only, never a window (and no display needed)
    import matplotlib.pyplot as plt

    return plt


def _title(record: dict) -> str:
    cfg = record["config"]
    return f"{cfg['model']} on {record['data']['name']} ({cfg['optimizer']}, lr {cfg['lr']:g}, {cfg['dtype']})"


def plot_curves(record: dict, path: Path) -> None:
    plt = _pyplot()
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4.2))
    for impl, entry in record["implementations"].items():
        epochs = [e["epoch"] for e in entry["epochs"]]
        color, style = COLORS.get(impl), STYLES.get(impl, {})
        for ax, key in ((ax_loss, "loss"), (ax_acc, "acc")):
            marker = "o" if len(epochs) == 1 else None
            ax.plot(
                epochs,
                [e[f"train_{key}"] for e in entry["epochs"]],
                color=color,
                marker=marker,
                label=f"{impl} train",
                **style,
            )
            ax.plot(
                epochs,
                [e[f"test_{key}"] for e in entry["epochs"]],
                color=color,
                marker=marker,
                linestyle="--",
                label=f"{impl} test",
                **style,
            )
    from matplotlib.ticker import MaxNLocator

    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(_title(record))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_per_class(record: dict, path: Path) -> None:
    plt = _pyplot()
    names = record["data"]["class_names"]
    impls = list(record["implementations"])
    fig, ax = plt.subplots(figsize=(min(14.0, max(6.0, 0.35 * len(names) * max(1, len(impls)))), 4.2))
    width = 0.8 / max(1, len(impls))
    for i, impl in enumerate(impls):
        values = [v if v is not None else 0.0 for v in record["implementations"][impl]["test_per_class_acc"]]
        offsets = [c + (i - (len(impls) - 1) / 2) * width for c in range(len(names))]
        ax.bar(offsets, values, width=width, color=COLORS.get(impl), label=impl)
    ax.set_xticks(range(len(names)), names, rotation=30 if max(map(len, names)) > 3 else 0)
    ax.set(ylim=(0, 1.05), xlabel="class", ylabel="test accuracy", title=f"per-class test accuracy: {_title(record)}")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_rnn_grad_norms(record: dict, path: Path) -> None:
    plt = _pyplot()
    norms = record["rnn_grad_norms"]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for when, style in (("initial", "--"), ("trained", "-")):
        for layer, row in enumerate(norms[when]):
            steps = range(1, len(row) + 1)
            label = f"{when} weights" + (f", layer {layer}" if len(norms[when]) > 1 else "")
            ax.semilogy(steps, [max(v, 1e-300) for v in row], style, marker="o", label=label)
    ax.set(
        xlabel="time step t (1 = first digit)",
        ylabel="||dL/dh_t||",
        title=f"RNN gradient norm over time ({norms['num_samples']} test sequences, weights of {norms['source']})",
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_run(record: dict, folder: Path) -> list[str]:
    """Every figure that applies to the run, written into ``folder``; returns their file names."""
    folder = Path(folder)
    written = []
    if record["implementations"]:
        plot_curves(record, folder / "curves.png")
        written.append("curves.png")
        if record["data"]["kind"] == "images":
            plot_per_class(record, folder / "per_class.png")
            written.append("per_class.png")
    if record.get("rnn_grad_norms"):
        plot_rnn_grad_norms(record, folder / "rnn_grad_norms.png")
        written.append("rnn_grad_norms.png")
    return written
