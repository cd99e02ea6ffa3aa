"""Turn pytest-benchmark's JSON into a short report: report/benchmarks.md and report/benchmarks.png.

    python -m bench.report report/benchmarks.json report

Per group (one benchmarked task), a table of each implementation's median time and its ratio to
torch's median (torch = 1.00; 2.00 means twice as slow). The engine groups also show the project's
goals next to the numbers, each marked met or not met. The convolution benchmarks get a section of
their own (bench/conv_report.py: GFLOP/s, time split, memory, textbook twins) and report/benchmarks_conv.png;
so do the whole training steps (bench/steps_report.py: ratios to torch, page faults, the time per op)
and report/benchmarks_steps.png.
"""

import argparse
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from bench import conv_report, steps_report

BASELINE = "torch"
ENGINE_GROUPS = ("mlp step", "cnn step", "x*x")  # bench/test_engine_overhead.py, in this order
IMPL_ORDER = ("scratch.manual", "scratch.autograd", "torch")
CONV_GROUP_PREFIXES = ("conv2d", "col2im", "sgemm")  # bench/test_conv.py's groups, reported by conv_report
STEP_GROUP_PREFIX = "training step "  # bench/test_steps.py's groups, reported by steps_report


def is_conv_group(group: str) -> bool:
    return group.startswith(CONV_GROUP_PREFIXES)


SECTIONS = (
    ("Autograd engine overhead (bench/test_engine_overhead.py)", lambda g: g in ENGINE_GROUPS),
    ("Other benchmarks", lambda g: not is_conv_group(g) and not g.startswith(STEP_GROUP_PREFIX)),
)


@dataclass(frozen=True)
class Goal:
    """``impl``'s median in ``group`` is at most ``limit`` times ``versus``'s median."""

    group: str
    impl: str
    versus: str
    limit: float

    def ratio(self, medians: dict[str, dict[str, float]]) -> float | None:
        times = medians.get(self.group, {})
        if self.impl not in times or self.versus not in times:
            return None
        return times[self.impl] / times[self.versus]

    def met(self, ratio: float | None) -> bool | None:
        # the relative slack only forgives float rounding: 1.2 ms / 1.0 ms meets "<= 1.2x"
        return None if ratio is None else ratio <= self.limit * (1 + 1e-9)

    def __str__(self) -> str:
        return f"{self.impl} ≤ {self.limit:.2f}× {self.versus}"


GOALS = (
    Goal("mlp step", "scratch.autograd", "torch", 1.2),
    Goal("mlp step", "scratch.autograd", "scratch.manual", 1.3),
    Goal("x*x", "scratch.autograd", "torch", 1.0),
)


@dataclass(frozen=True)
class Timing:
    median: float  # seconds
    iqr: float  # seconds
    rounds: int


def load(path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def impl_of(bench: dict) -> str:
    """The implementation a benchmark timed: extra_info["impl"], else its "impl" parameter, else its name."""
    return bench.get("extra_info", {}).get("impl") or (bench.get("params") or {}).get("impl") or bench["name"]


def timings(data: dict) -> dict[str, dict[str, Timing]]:
    """group -> impl -> Timing, from the "benchmarks" list of pytest-benchmark's JSON."""
    groups: dict[str, dict[str, Timing]] = {}
    for bench in data["benchmarks"]:
        group = bench.get("group") or bench.get("extra_info", {}).get("group") or "(no group)"
        impl, stats = impl_of(bench), bench["stats"]
        if impl in groups.setdefault(group, {}):
            raise ValueError(f"group {group!r} has two benchmarks of {impl!r}; give each an impl of its own")
        groups[group][impl] = Timing(stats["median"], stats.get("iqr", math.nan), stats.get("rounds", 0))
    return groups


def medians(groups: dict[str, dict[str, Timing]]) -> dict[str, dict[str, float]]:
    return {g: {impl: t.median for impl, t in times.items()} for g, times in groups.items()}


def ratios_to(times: dict[str, float], baseline: str = BASELINE) -> dict[str, float | None]:
    """Each median divided by the baseline's; None for all when the group has no baseline."""
    base = times.get(baseline)
    return {impl: (t / base if base else None) for impl, t in times.items()}


def ordered_impls(impls) -> list[str]:
    known = [i for i in IMPL_ORDER if i in impls]
    return known + sorted(i for i in impls if i not in IMPL_ORDER)


def natural_key(name: str) -> list:
    """Numbers compare as numbers: "conv2d 8x3" comes before "conv2d 32x64"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def ordered_groups(groups) -> list[str]:
    rest = sorted((g for g in groups if g not in ENGINE_GROUPS), key=natural_key)
    return [g for g in ENGINE_GROUPS if g in groups] + rest


def fmt_time(seconds: float) -> str:
    """Three significant digits in the largest unit that keeps the value at least 1: "812 µs", "1.23 ms"."""
    if not math.isfinite(seconds):
        return "—"
    units = (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9))
    unit, scale = next(((u, s) for u, s in units if seconds >= s), units[-1])
    value = seconds / scale
    digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{digits}f} {unit}"


def fmt_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}"


def machine_lines(data: dict) -> list[str]:
    m, c = data.get("machine_info", {}), data.get("commit_info", {})
    cpu = m.get("cpu", {})
    processor = cpu.get("brand_raw") or m.get("processor") or m.get("machine") or "unknown processor"
    count = m.get("cpu_count") or cpu.get("count") or "?"
    python = f"{m.get('python_implementation', 'Python')} {m.get('python_version', '?')}"
    versions = f"numpy {m.get('numpy_version', '?')}, torch {m.get('torch_version', '?')}"
    if "torch_threads" in m or "blas_threads" in m:
        versions += f"; threads: torch {m.get('torch_threads', '?')}, NumPy's BLAS {m.get('blas_threads', '?')}"
    lines = [
        f"Machine: {processor} ({m.get('machine', '?')}), {count} CPUs, {m.get('system', '?')}; {python}, {versions}."
    ]
    when = data.get("datetime", "")[:16].replace("T", " ")
    if c.get("id"):
        dirty = ", uncommitted changes" if c.get("dirty") else ""
        lines.append(f"Run {when} UTC on commit {c['id'][:10]}{dirty}.")
    elif when:
        lines.append(f"Run {when} UTC.")
    return lines


def group_table(times: dict[str, Timing]) -> list[str]:
    ratio = ratios_to({impl: t.median for impl, t in times.items()})
    lines = ["| implementation | median | IQR | × torch | rounds |", "|---|--:|--:|--:|--:|"]
    for impl in ordered_impls(times):
        t = times[impl]
        lines.append(f"| {impl} | {fmt_time(t.median)} | {fmt_time(t.iqr)} | {fmt_ratio(ratio[impl])} | {t.rounds} |")
    return lines


def goal_line(goal: Goal, med: dict[str, dict[str, float]]) -> str:
    ratio = goal.ratio(med)
    met = goal.met(ratio)
    verdict = "not measured" if met is None else "**met**" if met else "**not met**"
    measured = "" if ratio is None else f": measured {ratio:.2f}×"
    return f"- goal {goal}{measured}, {verdict}"


def render(
    data: dict,
    png_name: str | None = "benchmarks.png",
    conv_png: str | None = "benchmarks_conv.png",
    steps_png: str | None = "benchmarks_steps.png",
) -> str:
    groups = timings(data)
    med = medians(groups)
    results = [goal.met(goal.ratio(med)) for goal in GOALS] + conv_report.verdicts(data)
    lines = ["# Benchmarks", "", *machine_lines(data), ""]
    lines += [
        "Each time is the median over the rounds pytest-benchmark ran (IQR: the spread of the middle half).",
        "× torch = median ÷ torch's median: 1.00 is torch's speed, 2.00 twice as slow, 0.50 twice as fast.",
        f"Goals met: {sum(r is True for r in results)} of {len(results)}"
        + (f" ({sum(r is None for r in results)} not measured)." if None in results else "."),
        "",
    ]
    if png_name:
        lines += [f"![ratio to torch per group]({png_name})", ""]
    placed: set[str] = set()
    for title, belongs in SECTIONS:
        members = [g for g in ordered_groups(groups) if g not in placed and belongs(g)]
        if not members:
            continue
        placed.update(members)
        lines += [f"## {title}", ""]
        for group in members:
            lines += [f"### {group}", "", *group_table(groups[group])]
            goals = [goal_line(goal, med) for goal in GOALS if goal.group == group]
            lines += ["", *goals, ""] if goals else [""]
    lines += steps_report.render(data, steps_png)
    lines += conv_report.render(data, conv_png)
    return "\n".join(lines).rstrip() + "\n"


def plot(data: dict, path) -> None:
    """Bars of the ratio to torch, one cluster per group, on a log scale (1 = torch's speed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    med = medians(timings(data))
    groups = [g for g in ordered_groups(med) if BASELINE in med[g] and not is_conv_group(g)]
    impls = ordered_impls({i for g in groups for i in med[g]})
    width = 0.8 / max(len(impls), 1)
    shown: list[float] = []
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(groups) + 2), 4.0), layout="constrained")
    for k, impl in enumerate(impls):
        xs, ys = [], []
        for i, group in enumerate(groups):
            ratio = ratios_to(med[group]).get(impl)
            if ratio is not None:
                xs.append(i + (k - (len(impls) - 1) / 2) * width)
                ys.append(ratio)
        bars = ax.bar(xs, ys, width, label=impl)
        shown.extend(ys)
        ax.bar_label(bars, labels=[f"{y:.2f}" for y in ys], fontsize=7, padding=1)
    for goal in GOALS:  # the goals measured against torch, as a short dashed line over their bar
        if goal.versus == BASELINE and goal.group in groups and goal.impl in impls:
            x = groups.index(goal.group) + (impls.index(goal.impl) - (len(impls) - 1) / 2) * width
            ax.hlines(goal.limit, x - width / 2, x + width / 2, colors="black", linestyles="dashed", linewidth=1)
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_yscale("log", base=2)
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(ticker.NullLocator())
    if shown:  # room below 1, so that torch's bars (1.00) show as bars
        ax.set_ylim(min(0.5, min(shown) / 1.5), max(2.0, max(shown) * 1.3))
    ax.set_xticks(range(len(groups)), groups, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("median time ÷ torch's (log scale)")
    ax.set_title("Time relative to torch (lower is faster; dashed: goal)")
    if impls:
        ax.legend(fontsize=8)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(json_path, out_dir) -> tuple[Path, ...]:
    data = load(json_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md, png, conv_png = out / "benchmarks.md", out / "benchmarks.png", out / "benchmarks_conv.png"
    steps_png = out / "benchmarks_steps.png"
    written = [md, png]
    if conv_report.plot(data, conv_png):
        written.append(conv_png)
    if steps_report.plot(data, steps_png):
        written.append(steps_png)
    md.write_text(
        render(
            data,
            png.name,
            conv_png.name if conv_png in written else None,
            steps_png.name if steps_png in written else None,
        ),
        encoding="utf-8",
    )
    plot(data, png)
    return tuple(written)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.splitlines()[0])
    parser.add_argument("json", help="pytest-benchmark's JSON (pytest bench --benchmark-json=PATH)")
    parser.add_argument("out_dir", help="folder for benchmarks.md and benchmarks.png")
    args = parser.parse_args(argv)
    for path in write_report(args.json, args.out_dir):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
