"""The bug zoo: every planted bug is caught, by the checks its entry names; our own layers are not.

With ``--parity-report=DIR``, the matrix of mutants against the checks that caught them is written
to DIR/zoo.md (each test records its row; scratch_parity/parity_report.py writes the table).
"""

import numpy as np
import pytest

import scratch.manual as manual
from scratch.kernels.im2col import im2col
from scratch_parity.registry import OPS
from scratch_parity.sample import make_sample
from scratch_parity.zoo import harness
from scratch_parity.zoo.mutants import MUTANTS, TEMPLATE_OPS, TEMPLATES


def zoo_row(kind: str, name: str, op: str, description: str, verdict: harness.Verdict, expected=(), order=0):
    """One row of the zoo's matrix, as the report plugin reads it (plain data: it crosses xdist)."""
    return dict(
        kind=kind,
        name=name,
        op=op,
        description=description,
        columns=list(harness.CHECKS),
        extra=list(harness.EXTRA_CHECKS),
        outcomes=dict(verdict.outcomes),
        expected=list(expected),
        order=order,
    )


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_is_caught_by_its_checks(mutant, record_property):
    verdict = harness.run(mutant.op, mutant.make_module(), label=f"zoo.{mutant.name}")
    order = MUTANTS.index(mutant)
    record_property(
        "zoo", zoo_row("mutant", mutant.name, mutant.op, mutant.description, verdict, mutant.expected_checks, order)
    )
    assert verdict.caught, f"{mutant.name} ({mutant.description}) escaped every check"
    missing = set(mutant.expected_checks) - verdict.caught
    assert not missing, (
        f"{mutant.name}: expected {sorted(missing)} to catch it, but only {sorted(verdict.caught)} did\n"
        + verdict.explain()
    )


@pytest.mark.parametrize("op", harness.OPS_CHECKED)
def test_our_layers_pass_every_check(op, record_property):
    """The control: scratch.manual passes every check of the same harness, on the same examples."""
    verdict = harness.run(op, manual, label="scratch.manual")
    description = "Control: our own layer, which must pass every check."
    record_property("zoo", zoo_row("control", f"scratch.manual {op}", op, description, verdict))
    assert not verdict.caught, verdict.explain()


@pytest.mark.parametrize("op", TEMPLATE_OPS)
def test_templates_are_correct(op, record_property):
    """The templates the mutants override a step of are scratch.manual's computation: they pass too."""
    verdict = harness.run(op, TEMPLATES)
    description = "Control: the unmutated template (our layer, one overridable step at a time)."
    record_property("zoo", zoo_row("control", f"template {op}", op, description, verdict))
    assert not verdict.caught, verdict.explain()


def test_the_catalogue():
    assert len(MUTANTS) >= 25
    assert len({m.name for m in MUTANTS}) == len(MUTANTS), "mutant names must be unique"
    for m in MUTANTS:
        assert m.op in harness.OPS_CHECKED, f"{m.name}: unknown op {m.op!r}"
        assert m.expected_checks, f"{m.name}: no expected check"
        assert set(m.expected_checks) <= set(harness.CHECKS), f"{m.name}: unknown checks {m.expected_checks}"
        assert all(harness.applies(c, m.op) for c in m.expected_checks), f"{m.name}: a check that does not apply"
        assert m.description.endswith(".") and m.description.count(". ") == 0, f"{m.name}: one sentence, please"


def test_the_fixed_examples_reach_ties_and_overlapping_windows():
    """Where max-pool bugs hide: a window holding a tied maximum, and a position in several windows."""
    spec, ties, overlaps = OPS["MaxPool2d"], False, False
    for config in harness.CASES["MaxPool2d"]:
        layer = manual.MaxPool2d(**config.kwargs)
        overlaps |= any(s < k for s, k in zip(layer.stride, layer.kernel_size, strict=True))
        for seed in harness.SEEDS:
            x = make_sample(spec, config, seed).inputs[0]
            cols = im2col(x.reshape(-1, 1, *x.shape[-2:]), layer.kernel_size, layer.stride, layer.padding, -np.inf)
            ties |= bool(np.any(np.sum(cols == cols.max(axis=1, keepdims=True), axis=1) > 1))
    assert ties and overlaps
