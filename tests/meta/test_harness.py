"""Tests of the test helpers: the strategies reach the cases that matter, and the checks can fail."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import find, given
from hypothesis import strategies as st

import reference
from scratch.manual import Sigmoid
from scratch_parity.checks import ParityError, assert_close, discrepancy
from scratch_parity.implementations import TORCH, ManualContract, implementation
from scratch_parity.registry import OPS, TOLERANCES
from scratch_parity.sample import make_sample
from scratch_parity.strategies import SEEDS, conv_configs, pool_configs


def test_pool_strategy_draws_overlapping_windows():
    """stride < kernel is where max-pool backward bugs hide; the strategy must reach it."""
    config = find(
        pool_configs(), lambda c: c.kwargs["stride"] is not None and c.kwargs["stride"][0] < c.kwargs["kernel_size"][0]
    )
    assert config.kwargs["kernel_size"][0] > 1


def test_conv_strategy_draws_non_square_strided_padded_kernels():
    find(
        conv_configs(),
        lambda c: (
            c.kwargs["kernel_size"][0] != c.kwargs["kernel_size"][1]
            and max(c.kwargs["stride"]) > 1
            and max(c.kwargs["padding"]) > 0
        ),
    )


@given(config=conv_configs())
def test_every_drawn_conv_config_is_valid_for_torch(config):
    reference.Conv2d(**config.kwargs, dtype=torch.float64)(torch.zeros(config.shape, dtype=torch.float64))


@given(config=pool_configs())
def test_every_drawn_pool_config_is_valid_for_torch(config):
    reference.MaxPool2d(**config.kwargs)(torch.zeros(config.shape, dtype=torch.float64))


def test_discrepancy_treats_matching_nan_and_inf_as_equal_and_others_not():
    tol = TOLERANCES["float64"]
    assert discrepancy([np.nan, np.inf, 1.0], [np.nan, np.inf, 1.0], tol).ok
    assert not discrepancy([np.nan], [1.0], tol).ok
    assert not discrepancy([np.inf], [-np.inf], tol).ok
    assert not discrepancy([1.0 + 1e-8], [1.0], tol).ok


class ForgetfulSigmoid(Sigmoid):
    """A classic student bug: dout * y, forgetting the (1 - y) factor of the derivative."""

    def df(self, y, dout):
        return dout * y


@given(data=st.data())
def test_gradient_check_catches_a_planted_bug(data):
    spec = OPS["Sigmoid"]
    sample = make_sample(spec, data.draw(spec.configs), data.draw(SEEDS), "float64")
    buggy = ManualContract(SimpleNamespace(Sigmoid=ForgetfulSigmoid), label="buggy")
    expected = TORCH.run(spec, sample).grads["input"]
    with pytest.raises(ParityError, match=r"yours \(buggy\) and torch"):
        assert_close(
            buggy.run(spec, sample).grads["input"], expected, TOLERANCES["float64"], "grads['input']", sample, buggy
        )
    assert_close(
        implementation("scratch.manual").run(spec, sample).grads["input"],
        expected,
        TOLERANCES["float64"],
        "grads['input']",
        sample,
        implementation("scratch.manual"),
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@given(config=conv_configs(), seed=SEEDS)
def test_samples_are_identical_for_both_sides(dtype, config, seed):
    spec = OPS["Conv2d"]
    a, b = make_sample(spec, config, seed, dtype), make_sample(spec, config, seed, dtype)
    for x, y in zip(a.inputs, b.inputs, strict=True):
        np.testing.assert_array_equal(x, y)
    assert all(np.array_equal(a.state[k], b.state[k]) for k in a.state)
    assert a.inputs[0].dtype == np.dtype(dtype)
