"""Statistics and Markdown helpers of ``scratch-reproduce``'s report: pure functions of plain numbers and runs.

A *run* here is the reduced form of one ``scratch-train`` record that ``experiments.runs`` keeps::

    {"part": "c5l3", "key": "baseline", "seed": 0, "argv": [...], "num_parameters": 1234,
     "impls": {"torch": {"train_loss": [...], "test_loss": [...], "train_acc": [...], "test_acc": [...],
                         "time_s": [...]}, ...},
     "rnn_grad_norms": None or {"initial": [[...]], "trained": [[...]], ...}}

one list entry per epoch. Accuracies are fractions in [0, 1]; a diverged run's numbers may be NaN or None.
Standard deviations over seeds are sample ones (n - 1), 0 for a single value.
"""

import math
from collections.abc import Iterable, Sequence

import numpy as np

NA = "n/a"


def is_number(value) -> bool:
    return value is not None and isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value)


def mean_std(values: Iterable) -> tuple[float, float]:
    """Mean and sample standard deviation (n - 1) of ``values``; a missing or non-finite value makes both NaN."""
    values = list(values)
    if not values or not all(is_number(v) for v in values):
        return math.nan, math.nan
    array = np.asarray(values, dtype=np.float64)
    return float(array.mean()), float(array.std(ddof=1)) if len(array) > 1 else 0.0


def pct(value, digits: int = 2) -> str:
    """A fraction as a percentage, ``0.985 -> '98.50%'``; 'n/a' for a missing or non-finite value."""
    return f"{100 * value:.{digits}f}%" if is_number(value) else NA


def pct_mean_std(values: Sequence, digits: int = 2, per_seed: bool = True) -> str:
    """``'98.50 ± 0.71% (99.0, 98.0)'``: mean ± sample std over seeds, in percent, then each seed's value."""
    mean, std = mean_std(values)
    text = f"{100 * mean:.{digits}f} ± {100 * std:.{digits}f}%" if is_number(mean) else NA
    if per_seed and len(values) > 1:
        text += " (" + ", ".join(f"{100 * v:.1f}" if is_number(v) else NA for v in values) + ")"
    return text


def sci(value, digits: int = 1) -> str:
    return f"{value:.{digits}e}" if is_number(value) else NA


def max_rel_diff(a: Sequence, b: Sequence) -> float:
    """max_i |a_i - b_i| / max(|a_i|, |b_i|) (0 where both are 0); inf for a missing value or unequal lengths."""
    if len(a) != len(b) or not all(is_number(v) for v in (*a, *b)):
        return math.inf
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.maximum(np.abs(x), np.abs(y))
    diff = np.abs(x - y)
    rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    return float(rel.max()) if rel.size else 0.0


def markdown_table(header: Sequence[str], rows: Iterable[Sequence], align: str | None = None) -> str:
    """A GitHub Markdown table; ``align``: one letter per column, 'l' or 'r' (default: first left, rest right)."""
    header = [str(h) for h in header]
    align = align or "l" + "r" * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    for row in rows:
        cells = [str(c).replace("|", "\\|") for c in row]
        if len(cells) != len(header):
            raise ValueError(f"markdown_table: a row has {len(cells)} cells, the header {len(header)}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def goal_line(goal: str, met: bool, measured: str) -> str:
    """``- **met**: goal: measured`` or ``- **NOT MET**: goal: measured``."""
    return f"- **{'met' if met else 'NOT MET'}**: {goal}: {measured}"


def final(run: dict, impl: str, key: str = "test_acc"):
    """The last epoch's value of ``key`` for ``impl`` in ``run`` (None when the run has no such implementation)."""
    entry = run["impls"].get(impl)
    return entry[key][-1] if entry and entry[key] else None


def finals(runs: Iterable[dict], impl: str, key: str = "test_acc") -> list:
    """``final`` for every run, in order (seeds)."""
    return [final(run, impl, key) for run in runs]


def all_at_least(values: Sequence, threshold: float) -> bool:
    """Every value is a number >= threshold (an empty list is not a success)."""
    return bool(values) and all(is_number(v) and v >= threshold for v in values)


def first_epoch_reaching(values: Sequence, threshold: float) -> int | None:
    """The first epoch (1-based) whose value is >= threshold, None if none is."""
    for epoch, value in enumerate(values, start=1):
        if is_number(value) and value >= threshold:
            return epoch
    return None


def median_epoch_time(runs: Iterable[dict], impl: str) -> tuple[float, int]:
    """(median training wall time of one epoch of ``impl`` over every epoch of ``runs``, the number of epochs)."""
    times = [t for run in runs if impl in run["impls"] for t in run["impls"][impl]["time_s"]]
    return (float(np.median(times)) if times else math.nan), len(times)


def runs_of(runs: Iterable[dict], part: str, key: str) -> list[dict]:
    """The runs of ``part`` with ``key`` (a data set, a setting, a length), by seed."""
    return sorted((r for r in runs if r["part"] == part and r["key"] == key), key=lambda r: r["seed"])
