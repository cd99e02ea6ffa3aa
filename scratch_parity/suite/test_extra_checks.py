"""The bug zoo's own checks, run on the implementations under test (ours, or ``--impl``'s module).

The generic checks (scratch_parity/suite/test_parity.py) miss some classic bugs (tests/zoo/ shows which):
  extremes      |x| = 1000 (a sigmoid or softmax without the stable formula overflows);
  fresh masks   a dropout backward that draws its own mask (one injected mask hides it);
  accumulation  parameter gradients that are overwritten instead of summed over backward calls.
Here they run on fixed examples (scratch_parity/zoo/harness.py), once per op they apply to; and the RNN over
whole sequences (BPTT), in either contract.
"""

import numpy as np
import pytest

from scratch_parity.registry import OPS_LIST
from scratch_parity.zoo.harness import (
    EXTREME_CASES,
    applies,
    check_accumulation,
    check_extremes,
    check_fresh_masks,
    check_sequence,
)


def require(impl, op):
    if not impl.has(op):
        pytest.skip(f"not implemented: {impl.label} has no {op}")


@pytest.mark.parametrize("op", [op for op in EXTREME_CASES if op in {s.name for s in OPS_LIST}])
def test_extremes(op, impl):
    """Inputs scaled to |x| = 1000: float64 agrees with torch, float32 stays finite where torch's does."""
    require(impl, op)
    check_extremes(op, impl)


@pytest.mark.parametrize("op", [s.name for s in OPS_LIST if applies("fresh masks", s.name)])
def test_fresh_masks(op, impl):
    """The mask is drawn once per forward and reused by backward, never drawn again."""
    require(impl, op)
    check_fresh_masks(op, impl)


@pytest.mark.parametrize("op", [s.name for s in OPS_LIST if applies("accumulation", s.name)])
def test_accumulation(op, impl):
    """Two backward passes without zero_grad give twice the parameter gradients of one."""
    require(impl, op)
    check_accumulation(op, impl)


def test_whole_sequence(impl):
    """The RNN's forward and BPTT over whole sequences against torch.nn.RNN (output, h_n, dx, dh0, weights)."""
    require(impl, "RNN")
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        check_sequence("RNN", impl)
