"""The generic checks: compare two results, or a result with finite differences, and explain failures.

Every failure says which side is which ("yours" is the implementation under test, "torch" the
reference), where the worst element is, by how much it is off, what was allowed, and prints a
snippet that reproduces it from the repository's root.
"""

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from scratch_parity.registry import FD_STEP, Tolerance
from scratch_parity.sample import Sample


@dataclass(frozen=True)
class Discrepancy:
    """The largest differences between two arrays, and whether they are within tolerance."""

    max_abs: float
    max_rel: float
    worst: tuple  # index of the element furthest outside the tolerance
    ok: bool

    @staticmethod
    def none() -> "Discrepancy":
        return Discrepancy(0.0, 0.0, (), True)

    def merge(self, other: "Discrepancy") -> "Discrepancy":
        return Discrepancy(max(self.max_abs, other.max_abs), max(self.max_rel, other.max_rel), (), self.ok and other.ok)


def discrepancy(actual, expected, tol: Tolerance) -> Discrepancy:
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if actual.size == 0:
        return Discrepancy.none()
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(actual - expected)
        # NaN and inf must sit in the same places on both sides, with the same sign.
        same_nonfinite = (actual == expected) | (np.isnan(actual) & np.isnan(expected))
        diff = np.where(same_nonfinite, 0.0, np.where(np.isnan(diff), np.inf, diff))
        # Relative to |expected|, floored at atol / rtol: below that the tolerance is absolute, and
        # a relative error against a value that should be 0 means nothing.
        scale = np.where(same_nonfinite, 1.0, np.abs(expected))
        rel = diff / np.maximum(scale, tol.atol / tol.rtol)
        excess = diff / (tol.atol + tol.rtol * scale)
    worst = np.unravel_index(int(np.argmax(excess)), excess.shape)
    return Discrepancy(float(diff.max()), float(rel.max()), worst, bool(excess.max() <= 1))


class ParityError(AssertionError):
    """A failed comparison; carries the discrepancy so the report can show how far off it was."""

    def __init__(self, message: str, discrepancy: "Discrepancy"):
        super().__init__(message)
        self.discrepancy = discrepancy


def assert_close(actual, expected, tol: Tolerance, what: str, sample: Sample, impl, theirs: str = "torch"):
    """Assert elementwise closeness (shape first); return the discrepancy for the report.

    ``actual`` comes from ``impl`` (yours), ``expected`` from torch or from finite differences.
    ``what`` is the result's field as Python reads it: "output", "grads['weight']", "state['running_var']".
    """
    yours = impl.label
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        raise ParityError(
            f"{sample.spec.name}: {what} has shape {actual.shape} in {yours} (yours) but {expected.shape} in "
            f"{theirs}\n{reproduction(sample, impl, what, theirs)}",
            Discrepancy(np.inf, np.inf, (), False),
        )
    d = discrepancy(actual, expected, tol)
    if not d.ok:
        i = d.worst
        raise ParityError(
            f"{sample.spec.name}: {what} ({sample.dtype}) differs between yours ({yours}) and {theirs}\n"
            f"  worst element at index {tuple(map(int, i))}: "
            f"yours = {actual[i].item()!r}, {theirs} = {expected[i].item()!r}\n"
            f"  max abs error {d.max_abs:.3g}, max rel error {d.max_rel:.3g}; "
            f"allowed |yours - {theirs}| <= {tol.atol:g} + {tol.rtol:g} * |{theirs}|\n"
            f"{reproduction(sample, impl, what, theirs)}",
            d,
        )
    return d


def numeric_gradients(runner, dout: np.ndarray, h: float = FD_STEP) -> dict[str, np.ndarray]:
    """Central differences of L = sum(forward() * dout) with respect to every array in ``runner.arrays``.

    dL/da[i] ~ (L(a[i] + h) - L(a[i] - h)) / (2h), nudging each element in place and restoring it.
    """

    def loss() -> float:
        output = np.asarray(runner.forward())
        if output.shape != dout.shape:  # NOTE: else a broadcast product, as large as the two shapes' product
            raise AssertionError(f"forward's output is {output.shape} at a nudged input, {dout.shape} before")
        return float(np.sum(output * dout))

    grads = {}
    for name, a in runner.arrays.items():
        g = np.zeros(a.shape)
        for i in np.ndindex(a.shape):
            old = a[i]
            a[i] = old + h
            plus = loss()
            a[i] = old - h
            minus = loss()
            a[i] = old
            g[i] = (plus - minus) / (2 * h)
        grads[name] = g
    return grads


def reproduction(sample: Sample, impl, what: str, theirs: str = "torch") -> str:
    """A snippet that rebuilds the failing case and prints both sides, labelled."""
    key = what.split("'")[1] if "'" in what else None
    lines = [
        "import sys; sys.path.insert(0, '')  # run it in the folder that holds your module",
        "from scratch_parity.registry import OPS",
        "from scratch_parity.strategies import Config",
        "from scratch_parity.sample import make_sample",
        "from scratch_parity.implementations import TORCH, implementation",
        "from scratch_parity.checks import numeric_gradients",
        f"spec = OPS[{sample.spec.name!r}]",
        f"sample = make_sample(spec, {sample.config!r}, seed={sample.seed}, dtype={sample.dtype!r}"
        + (", smooth=True)" if sample.smooth else ")"),
        f"impl = implementation({impl.label!r}, contract={impl.contract!r})",
        "yours = impl.run(spec, sample)",
    ]
    if theirs == "torch":
        lines += [
            "torch_ = TORCH.run(spec, sample)",
            f'print("yours:", yours.{what})',
            f'print("torch:", torch_.{what})',
        ]
    else:
        lines += [
            "numeric = numeric_gradients(impl.runner(spec, sample), sample.dout(yours.output.shape))",
            f'print("yours:", yours.{what})',
            f'print("finite differences:", numeric[{key!r}])',
        ]
    return "Reproduce (paste into python):\n" + "\n".join("    " + s for s in lines)


class ParityCell:
    """The largest errors of one check across every example hypothesis ran."""

    def __init__(self):
        self.key: dict | None = None
        self.seen = Discrepancy.none()

    @contextmanager
    def measure(self, op: str, impl: str, check: str, dtype: str):
        self.key = dict(op=op, impl=impl, check=check, dtype=dtype)
        try:
            yield self
        except ParityError as e:
            self.seen = self.seen.merge(e.discrepancy)
            raise

    def add(self, d: Discrepancy) -> None:
        self.seen = self.seen.merge(d)
