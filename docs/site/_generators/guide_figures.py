"""The guide's figures and example outputs (docs/site/guide/), made from the code at every build.

Writes into ``docs/site/guide/_generated/`` (ignored by git):
    autograd_graph.png    the graph an actual Tensor recorded, walked through creator and inputs
    im2col_windows.png    windows of a 4x4 input becoming rows of cols, padding 0 and 1
    col2im_counts.png     how many windows cover each pixel: what col2im's += adds up
    optim_paths.png       scratch.optim against torch.optim on the Rosenbrock function
    rnn_unrolled.png      the unrolled RNN, with the gradients backpropagation through time carries
    <example>.txt         what each script in guide/examples/ with a ``__main__`` part prints
A file is rewritten only when its bytes change, so an unchanged figure does not make Sphinx
re-read the pages that show it.
"""

import contextlib
import importlib.util
import io
import runpy
import sys
import time
from pathlib import Path

import numpy as np

SITE = Path(__file__).resolve().parents[1]
GUIDE = SITE / "guide"
EXAMPLES = GUIDE / "examples"
OUT = GUIDE / "_generated"

# One look for every figure: the data in these colours, the page's text in the theme's grey.
FORWARD, BACKWARD, HIGHLIGHT, MUTED = "#1f4e79", "#c0392b", "#f5b041", "#9aa5b1"


def generate(app) -> None:
    import matplotlib

    matplotlib.use("Agg")
    OUT.mkdir(exist_ok=True)
    start = time.perf_counter()
    for script in sorted(EXAMPLES.glob("*.py")):
        if '__name__ == "__main__"' not in script.read_text():
            continue  # a module the figures import, with nothing to print
        _write(OUT / f"{script.stem}.txt", _printed_by(script).encode())
    autograd_graph()
    im2col_windows()
    col2im_counts()
    optim_paths()
    rnn_unrolled()
    if app is not None:
        from sphinx.util import logging

        logging.getLogger(__name__).info(f"guide figures: {time.perf_counter() - start:.1f} s")


# -- helpers --------------------------------------------------------------------------------------
def _write(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def _save(fig, name: str) -> None:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    _write(OUT / name, buffer.getvalue())


def _example(name: str):
    """Import guide/examples/<name>.py as a module (its ``__main__`` part does not run)."""
    spec = importlib.util.spec_from_file_location(f"guide_example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _printed_by(script: Path) -> str:
    """What the script prints when run as a program; an exception fails the build, as it should."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        runpy.run_path(str(script), run_name="__main__")
    return output.getvalue()


# -- the recorded graph ---------------------------------------------------------------------------
def autograd_graph() -> None:
    """Tensors (circles) and Functions (boxes) of define_by_run.record(), placed by generation."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    example = _example("define_by_run")
    tensors = example.record()
    names = {id(t): name for name, t in tensors.items()}
    steps = example.recorded_steps(tensors["loss"])

    # Column: a Tensor of generation g sits at 2g, a Function of generation g at 2g + 1 (between its
    # inputs and its output). Row: leaves are stacked; everything else sits at the mean of its inputs.
    position = {}
    leaves = [t for t in tensors.values() if t.is_leaf]
    for i, leaf in enumerate(leaves):
        position[id(leaf)] = (0.0, float(len(leaves) - 1 - i))
    for f, inputs, out in reversed(steps):  # oldest first: inputs are placed before their users
        for x in inputs:
            position.setdefault(id(x), (2.0 * f.generation, -1.0))  # a constant, just left of its user
        row = float(np.mean([position[id(x)][1] for x in inputs]))
        position[id(f)] = (2.0 * f.generation + 1, row)
        position[id(out)] = (2.0 * out.generation, row)

    fig, ax = plt.subplots(figsize=(8.6, 3.0))
    ax.set_axis_off()
    order = {id(f): k + 1 for k, (f, _, _) in enumerate(steps)}
    for f, inputs, out in steps:
        fx, fy = position[id(f)]
        for k, x in enumerate(inputs):
            xx, xy = position[id(x)]
            if inputs.count(x) > 1:  # z * z: two arrows from one Tensor, bent apart
                bend = -0.4 if inputs.index(x) == k else 0.4
            elif fx - xx > 1.5:  # an input from further back (x into Add): curve around the nodes between
                bend = -0.3
            else:
                bend = 0.0
            _arrow(ax, _rim((xx, xy), (fx, fy), CIRCLE), _rim((fx, fy), (xx, xy), BOX), FORWARD, bend, shrink=1)
        to = position[id(out)]
        _arrow(ax, _rim((fx, fy), to, BOX), _rim(to, (fx, fy), CIRCLE), FORWARD, 0.0, shrink=1)
        box = FancyBboxPatch(
            (fx - BOX[0], fy - BOX[1]),
            2 * BOX[0],
            2 * BOX[1],
            boxstyle="round,pad=0.02",
            fc="white",
            ec=FORWARD,
            lw=1.4,
            zorder=3,
        )
        ax.add_patch(box)
        ax.text(fx, fy + 0.05, type(f).__name__, ha="center", va="center", fontsize=10, zorder=4)
        ax.text(
            fx,
            fy - 0.11,
            f"gen {f.generation}, back #{order[id(f)]}",
            ha="center",
            va="center",
            fontsize=6.5,
            color=BACKWARD,
            zorder=4,
        )
    tensors["loss"].backward()
    for key, (tx, ty) in position.items():
        tensor = next((t for t in tensors.values() if id(t) == key), None)
        if tensor is None:
            continue
        ax.add_patch(plt.Circle((tx, ty), CIRCLE, fc="#eaf1f8", ec=FORWARD, lw=1.4, zorder=3))
        ax.text(tx, ty + 0.06, names[key], ha="center", va="center", fontsize=10, weight="bold", zorder=4)
        ax.text(tx, ty - 0.12, f"{tensor.item():g}", ha="center", va="center", fontsize=7.5, zorder=4)
        if tensor.grad is not None:
            ax.text(tx - 0.33, ty, f"grad {tensor.grad.item():g}", ha="right", va="center", fontsize=8, color=BACKWARD)
    xs = [p[0] for p in position.values()]
    ys = [p[1] for p in position.values()]
    ax.set_xlim(min(xs) - 1.3, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.55, max(ys) + 0.55)
    ax.set_aspect("equal")
    ax.set_title(
        "loss = (x w + x)²: the graph as recorded (blue: creator/inputs); backward visits the boxes newest first",
        fontsize=9,
    )
    _save(fig, "autograd_graph.png")


CIRCLE, BOX = 0.27, (0.42, 0.2)  # a Tensor's radius; a Function's half width and half height


def _rim(center, toward, shape):
    """The point where the segment from ``center`` to ``toward`` leaves a circle (radius) or a box (half sizes)."""
    d = np.subtract(toward, center, dtype=float)
    if isinstance(shape, tuple):
        scale = min(shape[0] / abs(d[0]) if d[0] else np.inf, shape[1] / abs(d[1]) if d[1] else np.inf)
    else:
        scale = shape / np.hypot(*d)
    return tuple(np.add(center, scale * d))


def _arrow(ax, start, end, color, bend, shrink=13, style="-|>", linestyle="-") -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops=dict(
            arrowstyle=style,
            color=color,
            lw=1.3,
            linestyle=linestyle,
            shrinkA=shrink,
            shrinkB=shrink,
            connectionstyle=f"arc3,rad={bend}",
        ),
        zorder=2,
    )


# -- im2col and col2im ----------------------------------------------------------------------------
def im2col_windows() -> None:
    """A 4x4 input, 3x3 windows, stride 1: one window highlighted, and the row of cols it becomes."""
    import matplotlib.pyplot as plt

    from scratch.kernels.im2col import conv_output_size, im2col

    x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    fig, axes = plt.subplots(
        2, 2, figsize=(9.0, 10.5), gridspec_kw={"width_ratios": [1, 1.4], "height_ratios": [1, 1.9]}
    )
    for (ax_in, ax_cols), padding in zip(axes, (0, 1), strict=True):
        cols = im2col(x, (3, 3), (1, 1), (padding, padding))
        OW = conv_output_size(4, 3, 1, padding)
        oh, ow = (0, 1) if padding == 0 else (2, 1)
        row = oh * OW + ow
        padded = np.pad(x[0, 0], padding)
        size = padded.shape[0]
        for i in range(size):
            for j in range(size):
                inside = padding <= i < size - padding and padding <= j < size - padding
                in_window = oh <= i < oh + 3 and ow <= j < ow + 3
                face = HIGHLIGHT if in_window else ("white" if inside else "#eef0f2")
                ax_in.add_patch(plt.Rectangle((j, size - 1 - i), 1, 1, fc=face, ec=MUTED))
                ax_in.text(
                    j + 0.5,
                    size - 0.5 - i,
                    f"{padded[i, j]:g}",
                    ha="center",
                    va="center",
                    color="black" if inside else MUTED,
                    fontsize=10,
                )
        ax_in.add_patch(plt.Rectangle((ow, size - oh - 3), 3, 3, fill=False, ec=BACKWARD, lw=2.2))
        ax_in.set_xlim(-0.1, size + 0.1)
        ax_in.set_ylim(-0.1, size + 0.1)
        ax_in.set_aspect("equal")
        ax_in.set_axis_off()
        note = "" if padding == 0 else " (grey: the zero padding)"
        ax_in.set_title(f"input x (1, 1, 4, 4), padding {padding}{note}\nwindow at (oh, ow) = ({oh}, {ow})", fontsize=9)

        rows, width = cols.shape
        for r in range(rows):
            for c in range(width):
                face = HIGHLIGHT if r == row else "white"
                ax_cols.add_patch(plt.Rectangle((c, rows - 1 - r), 1, 1, fc=face, ec=MUTED, lw=0.6))
                color = "black" if cols[r, c] else MUTED  # x holds 1 to 16: a 0 came from the padding
                ax_cols.text(c + 0.5, rows - 0.5 - r, f"{cols[r, c]:g}", ha="center", va="center", size=8, color=color)
            ax_cols.text(-0.25, rows - 0.5 - r, str(r), ha="right", va="center", fontsize=7, color=MUTED)
        for c in range(width):
            ax_cols.text(c + 0.5, rows + 0.25, f"{c // 3},{c % 3}", ha="center", va="bottom", fontsize=7, color=MUTED)
        ax_cols.add_patch(plt.Rectangle((0, rows - 1 - row), width, 1, fill=False, ec=BACKWARD, lw=2.2))
        ax_cols.set_xlim(-1.0, width + 0.1)
        ax_cols.set_ylim(-0.1, rows + 1.0)
        ax_cols.set_aspect("equal")
        ax_cols.set_axis_off()
        ax_cols.set_title(
            f"cols = im2col(x): ({rows}, {width}), one row per window; row {row} = oh * OW + ow\n"
            "columns: kernel offset (kh, kw)",
            fontsize=9,
        )
    _save(fig, "im2col_windows.png")


def col2im_counts() -> None:
    """col2im of a cols matrix of ones: the number of windows that copied each pixel."""
    import matplotlib.pyplot as plt

    from scratch.kernels.im2col import col2im, conv_output_size

    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6), layout="constrained")
    for ax, padding in zip(axes, (0, 1), strict=True):
        OH = conv_output_size(4, 3, 1, padding)
        counts = col2im(np.ones((OH * OH, 9)), (1, 1, 4, 4), (3, 3), (1, 1), (padding, padding))[0, 0]
        ax.imshow(counts, cmap="Oranges", vmin=0, vmax=9)
        for (i, j), value in np.ndenumerate(counts):
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
        inside = f"{counts.sum():g}"
        ax.set_title(f"padding {padding}: {OH * OH} windows of 9 entries,\n{inside} of them inside x", fontsize=10)
    fig.suptitle("col2im(ones): how many windows each pixel was copied into", fontsize=10)
    _save(fig, "col2im_counts.png")


# -- optimizers -----------------------------------------------------------------------------------
def optim_paths() -> None:
    """One panel per optimizer: its path with scratch.optim (line) and torch.optim (circles); then their gap."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    example = _example("rosenbrock")
    fig, axes = plt.subplots(2, 3, figsize=(11.0, 7.0), layout="constrained")
    gx, gy = np.meshgrid(np.linspace(-2.0, 2.0, 240), np.linspace(-0.6, 3.0, 240))
    f = (1 - gx) ** 2 + 100 * (gy - gx**2) ** 2
    gaps, worst = {}, 0.0
    for ax, (label, (name, kwargs)) in zip(axes.flat, example.SETTINGS.items(), strict=False):
        ours, theirs = example.run_scratch(name, kwargs), example.run_torch(name, kwargs)
        gaps[label] = np.abs(ours - theirs).max(axis=1)
        worst = max(worst, float(gaps[label].max()))
        ax.contour(gx, gy, f, levels=np.logspace(-1, 3.5, 12), norm=LogNorm(), colors=MUTED, linewidths=0.5)
        ax.plot(theirs[::10, 0], theirs[::10, 1], "o", ms=6, mfc="none", mec=BACKWARD, mew=1.0, label="torch.optim")
        ax.plot(ours[:, 0], ours[:, 1], "-", color=FORWARD, lw=1.3, label="scratch.optim")
        ax.plot(*example.START, "ks", ms=5)
        ax.plot(1, 1, "k*", ms=10)
        settings = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        ax.set_title(f"{name}({settings})", fontsize=9)
        ax.set_xlim(-2.0, 2.0)
        ax.set_ylim(-0.6, 3.0)
        ax.tick_params(labelsize=8)
    axes.flat[0].legend(fontsize=8, loc="lower left")
    ax = axes.flat[-1]
    for label, gap in gaps.items():
        ax.semilogy(np.maximum(gap, 1e-18), lw=1.0, label=label)
    ax.set_ylim(1e-18, 1e-10)
    ax.set_xlabel("step", fontsize=9)
    ax.set_title("|scratch - torch| at each step (0 drawn at 1e-18)", fontsize=9)
    ax.legend(fontsize=7)
    ax.tick_params(labelsize=8)
    fig.suptitle(
        f"Rosenbrock, {example.STEPS} steps from {example.START} (square) towards (1, 1) (star): "
        f"the largest distance between the two paths is {worst:.1e}",
        fontsize=10,
    )
    _save(fig, "optim_paths.png")


# -- the unrolled RNN -----------------------------------------------------------------------------
def rnn_unrolled() -> None:
    """h_0 -> h_1 -> ... -> h_L with inputs below, outputs above, and BPTT's gradients in red."""
    import matplotlib.pyplot as plt

    steps = 4
    fig, ax = plt.subplots(figsize=(9.6, 3.9))
    ax.set_axis_off()
    xs = [2.2 * t for t in range(steps + 1)]
    for t, x in enumerate(xs):
        label = f"$h_{t}$" if t < steps else "$h_L$"
        ax.add_patch(plt.Circle((x, 0), 0.42, fc="#eaf1f8", ec=FORWARD, lw=1.5, zorder=3))
        ax.text(x, 0, label, ha="center", va="center", fontsize=13, zorder=4)
        if t == 0:
            ax.text(x, -0.75, "zeros, or h0", ha="center", va="top", fontsize=8, color=MUTED)
            continue
        name = str(t) if t < steps else "L"
        ax.text(x, -1.7, f"$x_{name}$", ha="center", va="center", fontsize=12)
        _arrow(ax, (x, -1.7), (x, 0), FORWARD, 0.0)
        ax.text(x + 0.12, -0.95, "$W_{ih}$", fontsize=8, color=FORWARD)
        ax.text(x, 1.75, f"output$_{name}$", ha="center", va="center", fontsize=10)
        _arrow(ax, (x - 0.12, 0), (x - 0.12, 1.75), FORWARD, 0.0)
        _arrow(ax, (x + 0.12, 1.75), (x + 0.12, 0), BACKWARD, 0.0, linestyle=(0, (4, 2)))
        ax.text(x + 0.2, 1.05, f"doutput$_{name}$", fontsize=8, color=BACKWARD)
    for t in range(steps):
        start, end = xs[t], xs[t + 1]
        if t == steps - 1:
            ax.text((start + end) / 2, 0.0, "···", ha="center", va="center", fontsize=14, color=MUTED)
            continue
        _arrow(ax, (start, 0.08), (end, 0.08), FORWARD, -0.25)
        ax.text((start + end) / 2, 0.62, "$W_{hh}$", ha="center", fontsize=8, color=FORWARD)
        _arrow(ax, (end, -0.08), (start, -0.08), BACKWARD, -0.25, linestyle=(0, (4, 2)))
        ax.text((start + end) / 2, -0.72, f"$dh_{t}$", ha="center", fontsize=10, color=BACKWARD)
    ax.text(
        xs[-1] + 0.7,
        -0.05,
        "$dh_L$ (from $h_n$)",
        fontsize=9,
        color=BACKWARD,
        va="center",
    )
    ax.set_xlim(-0.8, xs[-1] + 2.2)
    ax.set_ylim(-2.1, 2.1)
    ax.set_aspect("equal")
    ax.set_title(
        "Forward (blue): $h_t = \\tanh(x_t W_{ih}^T + h_{t-1} W_{hh}^T + b)$, the same weights at every step.  "
        "Backward (red):\nthe gradient reaching $h_t$ is doutput$_t$ plus what step $t+1$ sends back, "
        "one cell backward per step, from $t = L$ down to 1",
        fontsize=9,
    )
    _save(fig, "rnn_unrolled.png")


if __name__ == "__main__":  # python docs/site/_generators/guide_figures.py: the figures alone, timed
    sys.path.insert(0, str(SITE.parents[1]))
    began = time.perf_counter()
    generate(None)
    print(f"{time.perf_counter() - began:.1f} s -> {OUT}")
