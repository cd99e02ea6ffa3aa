"""The training-step part of the benchmark report: whole steps against torch, and where their time goes.

Reads the entries bench/test_steps.py wrote (extra_info: step, model, shape, impl,
minor_faults_per_step, and the breakdown bench/steps.py measured) and renders:
    one table of every step: median time, ratio to torch's median, minor page faults per step;
    per step, the time per op kind and per layer (forward / backward) of each implementation;
    benchmarks_steps.png: one stacked bar per implementation per step, stacked by op kind.
The breakdown comes from an instrumented step (its timers cost a little), so its total is close to,
not equal to, the benchmark's median; "other" is that total minus the ops (the SGD update,
zero_grad, the engine's bookkeeping between ops).
"""

import math
from dataclasses import dataclass

BASELINE = "torch"
IMPL_ORDER = ("scratch.manual", "scratch.autograd", "torch")
KINDS = ("conv", "batchnorm", "relu", "maxpool", "linear", "loss", "other")
COLORS = dict(
    conv="#1f77b4",
    batchnorm="#ff7f0e",
    relu="#2ca02c",
    maxpool="#d62728",
    linear="#9467bd",
    loss="#8c564b",
    other="#bbbbbb",
)
HOW = {
    "scratch.manual": "each layer's forward and backward, wrapped",
    "scratch.autograd": "each module's forward, wrapped; its backward: the engine Functions its forward recorded",
    "torch": "forward hooks per module; its backward: hooks on the autograd Nodes its forward recorded",
}


@dataclass(frozen=True)
class StepEntry:
    step: str
    impl: str
    median: float  # seconds
    faults: float
    shape: tuple
    breakdown: dict  # {"step_ms", "ops": [{name, kind, forward_ms, backward_ms}]}


def entries(data: dict) -> dict[str, dict[str, StepEntry]]:
    """step -> impl -> entry, steps in the order they were run."""
    out: dict[str, dict[str, StepEntry]] = {}
    for bench in data.get("benchmarks", []):
        info = bench.get("extra_info", {})
        if "step" in info and "breakdown" in info:
            out.setdefault(info["step"], {})[info["impl"]] = StepEntry(
                info["step"],
                info["impl"],
                bench["stats"]["median"],
                info.get("minor_faults_per_step", math.nan),
                tuple(info.get("shape", ())),
                info["breakdown"],
            )
    return out


def ordered(impls) -> list[str]:
    return [i for i in IMPL_ORDER if i in impls] + sorted(i for i in impls if i not in IMPL_ORDER)


def ratio_to_torch(times: dict[str, StepEntry], impl: str) -> float | None:
    base = times.get(BASELINE)
    return times[impl].median / base.median if base and base.median > 0 else None


def per_kind_ms(breakdown: dict) -> dict[str, float]:
    """Milliseconds per op kind, forward + backward; "other" is the step's total beyond its ops (at least 0)."""
    kinds = dict.fromkeys(KINDS, 0.0)
    for op in breakdown["ops"]:
        kind = op["kind"] if op["kind"] in kinds else "other"
        kinds[kind] += op["forward_ms"] + op["backward_ms"]
    kinds["other"] += max(0.0, breakdown["step_ms"] - sum(kinds.values()))
    return kinds


def ms(value: float) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.3g}" if value < 100 else f"{value:.0f}"


def summary_table(steps: dict[str, dict[str, StepEntry]]) -> list[str]:
    lines = [
        "| step | batch | implementation | median ms | × torch | minor page faults / step |",
        "|---|---|---|--:|--:|--:|",
    ]
    for step, times in steps.items():
        for impl in ordered(times):
            e, ratio = times[impl], ratio_to_torch(times, impl)
            shape = "x".join(map(str, e.shape))
            faults = "—" if not math.isfinite(e.faults) else f"{e.faults:.0f}"
            ratio_text = "—" if ratio is None else f"{ratio:.2f}"
            lines.append(f"| {step} | {shape} | {impl} | {ms(1e3 * e.median)} | {ratio_text} | {faults} |")
    return lines


def kind_table(times: dict[str, StepEntry]) -> list[str]:
    impls = ordered(times)
    kinds = {impl: per_kind_ms(times[impl].breakdown) for impl in impls}
    lines = ["| op kind | " + " | ".join(f"{i} ms" for i in impls) + " |", "|---|" + "--:|" * len(impls)]
    for kind in KINDS:
        if any(kinds[i][kind] > 0 for i in impls):
            lines.append(f"| {kind} | " + " | ".join(ms(kinds[i][kind]) for i in impls) + " |")
    lines.append("| **step (instrumented)** | " + " | ".join(ms(times[i].breakdown["step_ms"]) for i in impls) + " |")
    return lines


def op_table(times: dict[str, StepEntry]) -> list[str]:
    """One row per layer (by name, as all three name them), forward / backward ms per implementation."""
    impls = ordered(times)
    ops = {impl: {op["name"]: op for op in times[impl].breakdown["ops"]} for impl in impls}
    names = list(dict.fromkeys(name for impl in impls for name in ops[impl]))
    lines = [
        "| layer | kind | " + " | ".join(f"{i} fwd / bwd ms" for i in impls) + " |",
        "|---|---|" + "--:|" * len(impls),
    ]
    for name in names:
        kind = next(ops[i][name]["kind"] for i in impls if name in ops[i])
        cells = [
            f"{ms(ops[i][name]['forward_ms'])} / {ms(ops[i][name]['backward_ms'])}" if name in ops[i] else "—"
            for i in impls
        ]
        lines.append(f"| {name} | {kind} | " + " | ".join(cells) + " |")
    return lines


def render(data: dict, png_name: str | None = "benchmarks_steps.png") -> list[str]:
    steps = entries(data)
    if not steps:
        return []
    lines = ["## Training steps (bench/test_steps.py)", ""]
    lines += [
        "One SGD step (forward, cross-entropy, backward, update, zero_grad) from one state_dict, on one thread;",
        "the three implementations of a step run one after the other in one process. × torch = median ÷",
        "torch's median. Page faults: minor faults of the process per step (getrusage), over a few untimed",
        "steps after a warm-up step.",
        "",
        *summary_table(steps),
        "",
        "Where the time goes: an instrumented step (medians over a few steps, the implementations taking turns):",
        *(f"- {impl}: {how}" for impl, how in HOW.items()),
        "- other: the instrumented step's total beyond its ops (the SGD update, zero_grad, the engines' "
        "bookkeeping between ops, the timers).",
        "",
    ]
    if png_name:
        lines += [f"![time per op kind per step]({png_name})", ""]
    for step, times in steps.items():
        lines += [f"### {step}: time per op kind", "", *kind_table(times), ""]
        lines += [f"<details><summary>{step}: per layer</summary>", "", *op_table(times), "", "</details>", ""]
    return lines


def plot(data: dict, path) -> bool:
    """One panel per step, one stacked bar per implementation (ms, by op kind); False when nothing to plot."""
    steps = entries(data)
    if not steps:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(steps), figsize=(3.2 * len(steps) + 1.5, 4.2), layout="constrained", squeeze=False)
    for ax, (step, times) in zip(axes[0], steps.items(), strict=True):
        impls = ordered(times)
        kinds = [per_kind_ms(times[i].breakdown) for i in impls]
        bottom = [0.0] * len(impls)
        for kind in KINDS:
            heights = [k[kind] for k in kinds]
            ax.bar(range(len(impls)), heights, 0.6, bottom=bottom, color=COLORS[kind], label=kind)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        for x, impl in enumerate(impls):
            ratio = ratio_to_torch(times, impl)
            ax.annotate("" if ratio is None else f"{ratio:.2f}×", (x, bottom[x]), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(impls)), [i.replace("scratch.", "") for i in impls], fontsize=8)
        ax.set_title(step, fontsize=9)
        ax.set_ylim(0, max(bottom) * 1.15 or 1)
    axes[0][0].set_ylabel("ms per step (instrumented)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="outside right center", fontsize=8)
    fig.suptitle("Where a training step's time goes (label: median ÷ torch's)", fontsize=10)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True
