"""The convolution part of the benchmark report: where the time goes, against torch and the GEMM rate.

Reads the entries bench/test_conv.py wrote (their extra_info carries op, impl, case, gflop, and for
the hand-written conv its time split and peak memory) and renders:
    the goals of issue 5, judged over the cases the run measured;
    forward + backward and forward tables: time, GFLOP/s, ratio to torch;
    the hand-written conv's time split (im2col, GEMM, col2im, layout, other) and its memory;
    the slow twins (naive loops, np.add.at col2im) beside the real thing;
    benchmarks_conv.png: time per implementation per case, and GFLOP/s against the sgemm rate.
"""

import math
from dataclasses import dataclass

FWD_BWD, FWD = "conv2d forward+backward", "conv2d forward"
MANUAL, AUTOGRAD, TORCH = "scratch.manual", "scratch.autograd", "torch"
CHUNKED, NAIVE = "scratch.manual (chunked)", "naive loops"
GPU = ("cupy", "torch-cuda")
PHASES = ("im2col", "gemm", "col2im", "layout")
ALL_CASES = 9  # bench/conv_cases.py's CASES; a run in quick mode measures some of them


@dataclass(frozen=True)
class Entry:
    op: str
    impl: str
    case: str
    role: str
    median: float  # seconds
    gflop: float
    extra: dict


def entries(data: dict) -> list[Entry]:
    out = []
    for bench in data.get("benchmarks", []):
        info = bench.get("extra_info", {})
        if "op" in info and ("case" in info or info["op"] == "sgemm"):
            out.append(
                Entry(
                    info["op"],
                    info["impl"],
                    info.get("case", ""),
                    info.get("role", ""),
                    bench["stats"]["median"],
                    info.get("gflop", math.nan),
                    info,
                )
            )
    return out


def table(rows: list[Entry], op: str) -> dict[str, dict[str, Entry]]:
    """case -> impl -> entry, for one op, cases in the order they were run."""
    out: dict[str, dict[str, Entry]] = {}
    for e in rows:
        if e.op == op:
            out.setdefault(e.case, {})[e.impl] = e
    return out


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan


def ratios(by_case: dict[str, dict[str, Entry]], impl: str, versus: str = TORCH) -> dict[str, float]:
    return {c: t[impl].median / t[versus].median for c, t in by_case.items() if impl in t and versus in t}


@dataclass(frozen=True)
class ConvGoal:
    text: str
    op: str
    kind: str  # "geomean" or "worst"
    limit: float

    def measure(self, rows: list[Entry]) -> float:
        r = list(ratios(table(rows, self.op), MANUAL).values())
        if not r:
            return math.nan
        return geomean(r) if self.kind == "geomean" else max(r)


CONV_GOALS = (
    ConvGoal("forward + backward, geometric mean over the cases", FWD_BWD, "geomean", 1.15),
    ConvGoal("forward + backward, worst case", FWD_BWD, "worst", 1.4),
    ConvGoal("forward, geometric mean over the cases", FWD, "geomean", 1.3),
)


def ms(seconds: float) -> str:
    return "—" if not math.isfinite(seconds) else f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def rate(e: Entry | None) -> float:
    return e.gflop / e.median if e is not None and math.isfinite(e.gflop) else math.nan


def sgemm_rates(rows: list[Entry]) -> dict[str, float]:
    return {e.impl: rate(e) for e in rows if e.op == "sgemm"}


def verdicts(data: dict) -> list[bool | None]:
    """Each conv goal met (True), missed (False), or not measured (None), for the report's count."""
    rows = entries(data)
    if not table(rows, FWD_BWD):
        return []
    values = [goal.measure(rows) for goal in CONV_GOALS]
    return [
        None if not math.isfinite(v) else v <= g.limit * (1 + 1e-9) for g, v in zip(CONV_GOALS, values, strict=True)
    ]


def goal_lines(rows: list[Entry]) -> list[str]:
    measured = len(table(rows, FWD_BWD))
    lines = []
    for goal in CONV_GOALS:
        value = goal.measure(rows)
        if not math.isfinite(value):
            lines.append(f"- goal: scratch.manual ≤ {goal.limit:.2f}× torch, {goal.text}: not measured")
            continue
        verdict = "**met**" if value <= goal.limit * (1 + 1e-9) else "**not met**"
        lines.append(f"- goal: scratch.manual ≤ {goal.limit:.2f}× torch, {goal.text}: {value:.2f}×, {verdict}")
    if measured < ALL_CASES:
        lines.append(
            f"- these verdicts cover the {measured} of {ALL_CASES} cases a quick run times; "
            "`make report BENCH_MODE=full` times them all"
        )
    return lines


def speed_table(rows: list[Entry], op: str, sgemm: float) -> list[str]:
    by_case = table(rows, op)
    impls = [i for i in (MANUAL, AUTOGRAD) if any(i in t for t in by_case.values())]
    head = "| case | | torch | " + " | ".join(f"{i} | × torch" for i in impls)
    head += " | GFLOP/s torch | GFLOP/s manual | manual ÷ sgemm rate |"
    lines = [head, "|---|---|--:|" + "--:|--:|" * len(impls) + "--:|--:|--:|"]
    for case, t in by_case.items():
        torch = t.get(TORCH)
        role = next(iter(t.values())).role
        cells = [case, role, ms(torch.median) if torch else "—"]
        for impl in impls:
            e = t.get(impl)
            ratio = e.median / torch.median if e and torch else math.nan
            cells += [ms(e.median) if e else "—", f"{ratio:.2f}" if math.isfinite(ratio) else "—"]
        manual_rate = rate(t.get(MANUAL))
        cells += [f"{rate(torch):.0f}", f"{manual_rate:.0f}", f"{manual_rate / sgemm:.0%}" if sgemm else "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def gemm_floor(rows: list[Entry]) -> dict[str, float]:
    """case -> the hand-written conv's three GEMMs alone ÷ torch's whole forward + backward.

    What the ratio to torch would be if im2col, col2im and every copy cost nothing: the floor that
    NumPy's GEMM sets.
    """
    out = {}
    for case, t in table(rows, FWD_BWD).items():
        e, torch = t.get(MANUAL), t.get(TORCH)
        if e is not None and torch is not None and "split_ms" in e.extra:
            out[case] = e.extra["split_ms"]["gemm"] / 1e3 / torch.median
    return out


def split_table(rows: list[Entry]) -> list[str]:
    lines = [
        "| case | layout | total | im2col | GEMM | col2im | batch axis moves | other | GEMM GFLOP/s "
        "| GEMMs alone ÷ torch | peak memory |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    floor = gemm_floor(rows)
    for case, t in table(rows, FWD_BWD).items():
        e = t.get(MANUAL)
        if e is None or "split_ms" not in e.extra:
            continue
        split, total = e.extra["split_ms"], e.median * 1e3
        other = total - sum(split[p] for p in PHASES)
        cells = [f"{split[p]:.3g} ms ({split[p] / total:.0%})" for p in PHASES]
        gemm_rate = e.gflop / (split["gemm"] / 1e3)
        peak = e.extra.get("peak_extra_mb", math.nan)
        floor_cell = f"{floor[case]:.2f}" if case in floor else "—"
        lines.append(
            f"| {case} | {e.extra.get('layout', '?')} | {total:.3g} ms | {' | '.join(cells)} "
            f"| {other:.2g} ms ({other / total:.0%}) | {gemm_rate:.0f} | {floor_cell} | {peak:.1f} MB |"
        )
    if floor:
        lines += [
            "",
            f"GEMMs alone ÷ torch: the ratio to torch if everything but the three products cost nothing. "
            f"Geometric mean {geomean(list(floor.values())):.2f}× over these cases: the floor that NumPy's "
            "GEMM sets against torch's convolution (oneDNN's direct kernels), before any copy is counted.",
        ]
    return lines


def memory_table(rows: list[Entry]) -> list[str]:
    lines = [
        "| case | peak extra, default cap | time | cap | peak extra, chunked | time | × unchunked |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for case, t in table(rows, FWD_BWD).items():
        whole, chunked = t.get(MANUAL), t.get(CHUNKED)
        if whole is None or chunked is None:
            continue
        lines.append(
            f"| {case} | {whole.extra.get('peak_extra_mb', math.nan):.1f} MB | {ms(whole.median)} "
            f"| {chunked.extra.get('cap_mb', math.nan):.2g} MB | {chunked.extra.get('peak_extra_mb', math.nan):.1f} MB "
            f"| {ms(chunked.median)} | {chunked.median / whole.median:.2f} |"
        )
    return lines


def twins_lines(rows: list[Entry]) -> list[str]:
    lines = ["| what | case | textbook | ours | ours is faster by |", "|---|---|--:|--:|--:|"]
    for op in (FWD_BWD, FWD):
        for case, t in table(rows, op).items():
            if NAIVE in t and MANUAL in t:
                speedup = t[NAIVE].median / t[MANUAL].median
                lines.append(
                    f"| {op}: naive loops vs im2col | {case} | {ms(t[NAIVE].median)} | {ms(t[MANUAL].median)} "
                    f"| {speedup:.0f}× |"
                )
    for case, t in table(rows, "col2im").items():
        ours = t.get("batch last (ours)")
        for impl in ("rows, np.add.at", "rows, loop over offsets"):
            if impl in t and ours:
                speedup = t[impl].median / ours.median
                lines.append(f"| col2im: {impl} | {case} | {ms(t[impl].median)} | {ms(ours.median)} | {speedup:.1f}× |")
    return lines


def gpu_lines(rows: list[Entry]) -> list[str]:
    by_case = table(rows, FWD_BWD)
    measured = {c: t for c, t in by_case.items() if all(g in t for g in GPU)}
    if not measured:
        return ["No GPU measurement in this run (no CUDA GPU and CuPy here): the GPU figures are still to be taken."]
    lines = ["| case | torch-cuda | cupy | × torch-cuda |", "|---|--:|--:|--:|"]
    for case, t in measured.items():
        ratio = t["cupy"].median / t["torch-cuda"].median
        lines.append(f"| {case} | {ms(t['torch-cuda'].median)} | {ms(t['cupy'].median)} | {ratio:.2f} |")
    return lines


def render(data: dict, png_name: str | None = "benchmarks_conv.png") -> list[str]:
    """The conv section's Markdown lines; empty when the run timed no convolution."""
    rows = entries(data)
    if not table(rows, FWD_BWD):
        return []
    sgemm = sgemm_rates(rows)
    machine = data.get("machine_info", {})
    lines = ["## Conv2d: im2col on NumPy against torch (bench/test_conv.py)", ""]
    lines += [
        "float32; each case is (N, C, H, W -> Cout), 3x3 kernels with stride 1 and padding 1 unless it says",
        "otherwise. FLOPs: 2·N·Cout·OH·OW·C·KH·KW for the forward, three times that for forward + backward.",
        f"GEMM rate of this run (one 2048³ float32 product): NumPy {sgemm.get('numpy', math.nan):.0f} GFLOP/s, "
        f"torch {sgemm.get('torch', math.nan):.0f} GFLOP/s. NumPy's OpenBLAS ran its "
        f"{machine.get('openblas_kernels', '?')} kernels (OPENBLAS_CORETYPE {machine.get('openblas_coretype', '?')}; "
        f"the environment had {machine.get('openblas_coretype_environment', '?')}: see bench/conftest.py).",
        "",
        *goal_lines(rows),
        "",
    ]
    if png_name:
        lines += [f"![conv time and GFLOP/s per case]({png_name})", ""]
    lines += ["### Forward + backward (y, dx, dW, db)", "", *speed_table(rows, FWD_BWD, sgemm.get("numpy")), ""]
    lines += ["### Forward", "", *speed_table(rows, FWD, sgemm.get("numpy")), ""]
    lines += [
        "### Where the hand-written conv's time goes",
        "",
        "Each phase of forward + backward timed alone (scratch.kernels.conv's steps run one by one);",
        "other = the whole step minus the phases: bias, db, allocations and Python. Feature maps of",
        "1024 positions and more run one image at a time, with nothing to transpose; smaller ones with",
        "the batch axis moved last, so that each product is one large GEMM (scratch/kernels/conv.py).",
        "",
        *split_table(rows),
        "",
        "### Memory: the im2col buffer in chunks",
        "",
        "Peak memory one forward + backward allocates (tracemalloc), with the default 256 MiB cap on the",
        "im2col buffer and with a cap of an eighth of the whole buffer, which makes it work in chunks of",
        "the batch.",
        "",
        *memory_table(rows),
        "",
        "### The textbook versions beside it",
        "",
        *twins_lines(rows),
        "",
        "### GPU",
        "",
        *gpu_lines(rows),
        "",
    ]
    return lines


def plot(data: dict, path) -> bool:
    """Two panels: time per implementation per case (log), and GFLOP/s per case with the sgemm rate."""
    rows = entries(data)
    by_case = table(rows, FWD_BWD)
    if not by_case:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cases = list(by_case)
    impls = [i for i in (MANUAL, AUTOGRAD, TORCH, CHUNKED, *GPU) if any(i in t for t in by_case.values())]
    width = 0.8 / len(impls)
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 4.8), layout="constrained")
    for k, impl in enumerate(impls):
        xs = [i + (k - (len(impls) - 1) / 2) * width for i, c in enumerate(cases) if impl in by_case[c]]
        present = [c for c in cases if impl in by_case[c]]
        left.bar(xs, [by_case[c][impl].median * 1e3 for c in present], width, label=impl)
        right.bar(xs, [rate(by_case[c][impl]) for c in present], width, label=impl)
    for name, value in sgemm_rates(rows).items():
        style = "-" if name == "numpy" else "--"
        right.axhline(value, color="black", linestyle=style, linewidth=1, label=f"{name} sgemm: {value:.0f} GFLOP/s")
    left.set_yscale("log")
    left.set_ylabel("forward + backward, median (ms, log scale)")
    left.set_title("Time per case (lower is faster)")
    right.set_ylabel("GFLOP/s achieved")
    right.set_title("GFLOP/s against the machine's GEMM rate (higher is better)")
    for ax in (left, right):
        ax.set_xticks(range(len(cases)), cases, rotation=25, ha="right", fontsize=8)
    left.legend(fontsize=7)
    right.set_ylim(
        0, 1.35 * max([*sgemm_rates(rows).values(), *(rate(e) for t in by_case.values() for e in t.values())])
    )
    right.legend(fontsize=7, loc="upper left", ncols=2)  # above the bars: room made by the ylim
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True
