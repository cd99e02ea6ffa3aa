"""Mini-batches: every sample once per epoch, batch sizes, determinism for a seed."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratch.data import BatchLoader, batches
from scratch.random import manual_seed


def dataset(n):
    return np.arange(n, dtype=np.float32)[:, None] * np.ones(3, np.float32), np.arange(n, dtype=np.int64)


@given(
    n=st.integers(1, 60),
    batch_size=st.integers(1, 70),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_sample_exactly_once_per_epoch(n, batch_size, shuffle, drop_last, seed):
    x, y = dataset(n)
    out = list(batches(x, y, batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last))
    sizes = [len(yb) for _, yb in out]
    full, rest = divmod(n, batch_size)
    assert sizes == [batch_size] * full + ([rest] if rest and not drop_last else [])
    seen = np.concatenate([yb for _, yb in out]) if out else np.array([], np.int64)
    for xb, yb in out:
        np.testing.assert_array_equal(xb[:, 0], yb)  # x and y stay paired
        assert xb.shape[1:] == (3,) and xb.dtype == np.float32
    assert len(np.unique(seen)) == len(seen)  # no sample twice
    if not drop_last:
        np.testing.assert_array_equal(np.sort(seen), y)  # every sample
    if not shuffle:
        np.testing.assert_array_equal(seen, np.arange(len(seen)))


def test_same_seed_same_order_other_seed_other_order():
    x, y = dataset(100)
    order = [np.concatenate([yb for _, yb in batches(x, y, 8, seed=s)]) for s in (3, 3, 4)]
    np.testing.assert_array_equal(order[0], order[1])
    assert not np.array_equal(order[0], order[2])
    np.testing.assert_array_equal(order[0], np.random.default_rng(3).permutation(100))


def test_no_seed_uses_scratchs_generator():
    x, y = dataset(50)
    manual_seed(11)
    first = np.concatenate([yb for _, yb in batches(x, y, 7)])
    manual_seed(11)
    np.testing.assert_array_equal(first, np.concatenate([yb for _, yb in batches(x, y, 7)]))


def test_loader_epochs_differ_but_repeat_for_a_seed():
    x, y = dataset(40)

    def epochs(loader, k=3):
        return [np.concatenate([yb for _, yb in loader]) for _ in range(k)]

    a, b = epochs(BatchLoader(x, y, 16, seed=5)), epochs(BatchLoader(x, y, 16, seed=5))
    for ea, eb in zip(a, b, strict=True):
        np.testing.assert_array_equal(ea, eb)
        np.testing.assert_array_equal(np.sort(ea), y)
    assert not np.array_equal(a[0], a[1])
    assert len(BatchLoader(x, y, 16)) == 3 and len(BatchLoader(x, y, 16, drop_last=True)) == 2
    assert len(list(BatchLoader(x, y, 16, drop_last=True))) == 2


def test_batches_are_copies():
    x, y = dataset(10)
    for xb, _ in batches(x, y, 4, shuffle=False):
        xb[:] = -1
    assert x.min() == 0


def test_errors():
    x, y = dataset(10)
    with pytest.raises(ValueError, match="x has 9 samples but y has 10"):
        next(batches(x[:9], y, 2))
    with pytest.raises(ValueError, match="batch_size"):
        next(batches(x, y, 0))
    with pytest.raises(ValueError, match="batch_size"):
        BatchLoader(x, y, 2.5)
