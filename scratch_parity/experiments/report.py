"""``scratch-reproduce``'s report put together: the figures and sections of the parts that ran, under a header.

The header gives the machine, the command and its times, then every section's goals at a glance (and
one of its own: the command's total time); ``write_report`` writes experiments.md and the numbers
behind it, experiments.json.
"""

import json
import os
import platform
from pathlib import Path

import numpy as np

from scratch_parity.experiments.figures import plot_c5l3, plot_mlp, plot_rnn_accuracy, plot_rnn_norms
from scratch_parity.experiments.plan import C5L3_SETTINGS, PARTS, Plan
from scratch_parity.experiments.sections import (
    AGREEMENT_GOAL,
    RNN_GOAL,
    Section,
    c5l3_section,
    mlp_section,
    rnn_section,
    timing_section,
)
from scratch_parity.experiments.tables import goal_line

REPORT, DATA, PREFIX = "experiments.md", "experiments.json", "experiments_"
TIME_GOAL_S = 15 * 60  # the whole command


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import torch

    threads = ", ".join(f"{k}={os.environ.get(k, 'unset')}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"))
    return (
        f"{cpu}, {usable} usable core(s) of {os.cpu_count()}; {platform.platform()}; Python "
        f"{platform.python_version()}, NumPy {np.__version__}, torch {torch.__version__} "
        f"({torch.get_num_threads()} thread(s); {threads})"
    )


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{seconds:.1f} s"


def build_report(sections: dict[str, Section], header: dict) -> str:
    """The whole Markdown report: header, the goals at a glance, then the sections in PARTS order."""
    lines = [
        "# Experiments: the seed course's tables, reproduced with three implementations",
        "",
        "Written by `scratch-reproduce` (scratch_parity/experiments/reproduce.py); every number below comes from "
        "that one command. Each run is an ordinary `scratch-train` run (its command is given): the "
        "implementations start from one state_dict and see one batch order.",
        "",
    ]
    if header.get("quick"):
        lines += ["**Quick mode** (`--quick`): tiny models, data and epochs; the numbers say nothing.", ""]
    lines += [
        f"- Machine: {header['machine']}",
        f"- Command: `{header['command']}`",
        f"- Total time: {duration(header['total_s'])} ("
        + ", ".join(f"{part} {duration(s)}" for part, s in header["part_s"].items())
        + f"), started {header['started']}",
        "",
    ]
    goals = [g for part in PARTS if part in sections for g in sections[part].goals]
    goals.append(
        goal_line(
            f"the whole command runs in under {TIME_GOAL_S // 60} minutes",
            header["total_s"] < TIME_GOAL_S,
            duration(header["total_s"]),
        )
    )
    lines += ["## Goals", "", *goals, ""]
    skipped = [part for part in PARTS if part not in sections]
    if skipped:
        lines += [f"Parts not run (`--only`): {', '.join(skipped)}.", ""]
    for part in PARTS:
        if part in sections:
            lines += [sections[part].markdown, ""]
    return "\n".join(lines).rstrip() + "\n"


def draw_sections(
    runs: list[dict], plan: Plan, parts: tuple[str, ...], out: Path
) -> tuple[dict[str, Section], list[str]]:
    """The sections of ``parts``, their figures drawn into ``out``: (part -> section, the figures' file names)."""
    sections, figures = {}, []
    if "mlp" in parts:
        plot_mlp(runs, plan.mlp_datasets, AGREEMENT_GOAL, out / f"{PREFIX}mlp.png")
        figures.append(f"{PREFIX}mlp.png")
        sections["mlp"] = mlp_section(runs, plan, figures[-1])
    if "c5l3" in parts:
        plot_c5l3(runs, C5L3_SETTINGS, plan.c5l3_impls, out / f"{PREFIX}c5l3.png")
        figures.append(f"{PREFIX}c5l3.png")
        sections["c5l3"] = c5l3_section(runs, plan, figures[-1])
    if "rnn" in parts:
        plot_rnn_norms(runs, plan.lengths, plan.seeds[0], plan.rnn_impl, out / f"{PREFIX}rnn_grad_norms.png")
        plot_rnn_accuracy(runs, plan.lengths, plan.rnn_impl, RNN_GOAL, out / f"{PREFIX}rnn_accuracy.png")
        rnn_figures = [f"{PREFIX}rnn_grad_norms.png", f"{PREFIX}rnn_accuracy.png"]
        figures += rnn_figures
        sections["rnn"] = rnn_section(runs, plan, rnn_figures)
    if "timing" in parts:
        sections["timing"] = timing_section(runs, plan)
    return sections, figures


def write_report(out: Path, sections: dict[str, Section], figures: list[str], runs: list[dict], header: dict) -> Path:
    """Write the report into ``out``, and beside it the numbers behind it; the report's path."""
    report = out / REPORT
    report.write_text(build_report(sections, header))
    from scratch_parity.experiments.records import _plain

    data = {"header": header, "figures": figures, "runs": runs}
    (out / DATA).write_text(json.dumps(_plain(data), separators=(",", ":"), allow_nan=False) + "\n")
    return report
