"""Dropout's randomness, tested as statistics (parity runs inject one mask into both sides)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import reference
import scratch.manual as nn
from scratch.random import manual_seed

N = 200_000


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_drop_rate_and_scaling(p):
    manual_seed(0)
    layer = nn.Dropout(p)
    x = np.ones(N)
    y = layer(x)
    dropped = np.mean(y == 0)
    # The drop count is Binomial(N, p); 6 standard deviations make a false alarm negligible.
    assert abs(dropped - p) <= 6 * np.sqrt(p * (1 - p) / N), f"drop rate {dropped:.4f}, expected {p}"
    np.testing.assert_array_equal(np.unique(y[y != 0]), [1 / (1 - p)])  # survivors are scaled exactly
    dout = np.arange(N, dtype=np.float64)
    np.testing.assert_array_equal(layer.backward(dout), dout * y)  # backward reuses the forward's mask


def test_fresh_mask_every_forward():
    manual_seed(0)
    layer = nn.Dropout(0.5)
    assert not np.array_equal(layer(np.ones(1000)), layer(np.ones(1000)))


def test_eval_p0_and_p1():
    x = np.random.default_rng(0).standard_normal(100)
    assert nn.Dropout(0.5).eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    layer = nn.Dropout(1.0)
    np.testing.assert_array_equal(layer(x), np.zeros_like(x))
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.zeros_like(x))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_reference_dropout_is_torchs_bit_for_bit(p, dtype):
    """The twin's mask hook draws exactly what F.dropout draws, so it is torch's dropout."""
    x = torch.randn(1000, dtype=dtype)
    torch.manual_seed(7)
    expected = F.dropout(x, p, training=True)
    torch.manual_seed(7)
    assert torch.equal(reference.Dropout(p)(x), expected)


def test_scaling_rounds_as_torch_does():
    """Given the same mask, float32 outputs agree exactly: (keep / (1 - p)) then times x."""
    x = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
    keep = np.random.default_rng(1).random(1000) >= 0.3
    ours, theirs = nn.Dropout(0.3), reference.Dropout(0.3)
    ours.sample_mask = lambda shape: keep
    theirs.sample_mask = lambda shape, dtype=torch.float32: torch.from_numpy(keep).to(dtype)
    np.testing.assert_array_equal(ours(x), theirs(torch.from_numpy(x)).numpy())
