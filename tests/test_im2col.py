"""The shared im2col/col2im kernels: equal to their slow loop twins, and adjoint to each other.

Three layouts hold the same windows (``scratch.kernels.im2col``): the textbook rows, batch last and
per image. Each is checked against the loop twins through a converter to the row layout, so one set
of tests covers them all; ``col2im_add_at`` (the textbook scatter) is a fourth fold in the row layout.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratch.kernels.im2col import (
    col2im,
    col2im_add_at,
    col2im_batch_last,
    col2im_loops,
    col2im_per_image,
    im2col,
    im2col_batch_last,
    im2col_loops,
    im2col_per_image,
)
from scratch.validation import as_pair
from scratch_parity.strategies import SEEDS, conv_configs


def geometry(config):
    k = config.kwargs
    return as_pair(k["kernel_size"], "k"), as_pair(k["stride"], "s"), as_pair(k["padding"], "p")


@dataclass(frozen=True)
class Layout:
    """unfold(x, geometry) -> cols; fold(cols, x_shape, geometry) -> x; and the maps to and from rows."""

    unfold: Callable
    fold: Callable
    to_rows: Callable  # (cols, N) -> (N*OH*OW, C*KH*KW)
    from_rows: Callable  # (rows, N) -> cols


def _batch_last_rows(cols, N):  # (K, P*N) -> (N*P, K)
    return cols.reshape(cols.shape[0], -1, N).transpose(2, 1, 0).reshape(-1, cols.shape[0])


def _rows_batch_last(rows, N):  # (N*P, K) -> (K, P*N)
    return np.ascontiguousarray(rows.reshape(N, -1, rows.shape[1]).transpose(2, 1, 0)).reshape(rows.shape[1], -1)


ROWS = Layout(
    unfold=lambda x, g: im2col(x, *g),
    fold=lambda c, shape, g: col2im(c, shape, *g),
    to_rows=lambda c, N: c,
    from_rows=lambda r, N: r,
)
LAYOUTS = {
    "rows": ROWS,
    "rows, np.add.at": Layout(
        ROWS.unfold, lambda c, shape, g: col2im_add_at(c, shape, *g), ROWS.to_rows, ROWS.from_rows
    ),
    "batch last": Layout(
        unfold=lambda x, g: im2col_batch_last(np.moveaxis(x, 0, -1), *g),
        fold=lambda c, shape, g: np.moveaxis(col2im_batch_last(c, (*shape[1:], shape[0]), *g), -1, 0),
        to_rows=_batch_last_rows,
        from_rows=_rows_batch_last,
    ),
    "per image": Layout(
        unfold=lambda x, g: im2col_per_image(x, *g),
        fold=lambda c, shape, g: col2im_per_image(c, shape, *g),
        to_rows=lambda c, N: c.transpose(0, 2, 1).reshape(-1, c.shape[1]),  # (N, K, P) -> (N*P, K)
        from_rows=lambda r, N: np.ascontiguousarray(r.reshape(N, -1, r.shape[1]).transpose(0, 2, 1)),
    ),
}
layouts = pytest.mark.parametrize("layout", list(LAYOUTS))


@layouts
@given(config=conv_configs(), seed=SEEDS)
def test_im2col_holds_the_windows_of_its_loop_twin(layout, config, seed):
    x = np.random.default_rng(seed).standard_normal(config.shape)
    cols = LAYOUTS[layout].unfold(x, geometry(config))
    np.testing.assert_array_equal(LAYOUTS[layout].to_rows(cols, x.shape[0]), im2col_loops(x, *geometry(config)))


@given(config=conv_configs(), seed=SEEDS)
def test_im2col_pads_with_the_given_value(config, seed):
    x = np.random.default_rng(seed).standard_normal(config.shape)
    fast = im2col(x, *geometry(config), pad_value=-np.inf)
    np.testing.assert_array_equal(fast, im2col_loops(x, *geometry(config), pad_value=-np.inf))


@layouts
@given(config=conv_configs(), seed=SEEDS)
def test_col2im_equals_its_loop_twin(layout, config, seed):
    """Overlapping windows (stride < kernel) must accumulate: the loop twin adds one entry at a time.

    The two add the same up-to-16 terms (each ~N(0, 1)) in different orders, so a pixel differs by
    a few units of rounding of the terms, ~1e-16 absolute, however small the sum: hence atol. A
    missed or doubled term would be off by ~1.
    """
    rows = np.random.default_rng(seed).standard_normal(im2col(np.zeros(config.shape), *geometry(config)).shape)
    cols = LAYOUTS[layout].from_rows(rows, config.shape[0])
    np.testing.assert_allclose(
        LAYOUTS[layout].fold(cols, config.shape, geometry(config)),
        col2im_loops(rows, config.shape, *geometry(config)),
        rtol=1e-13,
        atol=1e-14,
    )


@layouts
@given(config=conv_configs(), seed=SEEDS)
def test_col2im_is_the_adjoint_of_im2col(layout, config, seed):
    """<im2col(x), c> == <x, col2im(c)> for every x and c: col2im is im2col's transpose."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(config.shape)
    cols = LAYOUTS[layout].unfold(x, geometry(config))
    c = rng.standard_normal(cols.shape)
    lhs, rhs = np.sum(cols * c), np.sum(x * LAYOUTS[layout].fold(c, config.shape, geometry(config)))
    assert np.isclose(lhs, rhs, rtol=1e-12, atol=1e-12), f"<im2col(x), c> = {lhs} but <x, col2im(c)> = {rhs}"


@layouts
@given(dtype=st.sampled_from([np.float32, np.float64]))
def test_kernels_keep_the_dtype(layout, dtype):
    x = np.ones((1, 2, 4, 4), dtype=dtype)
    g = ((2, 2), (1, 1), (1, 1))
    cols = LAYOUTS[layout].unfold(x, g)
    assert cols.dtype == dtype
    assert LAYOUTS[layout].fold(cols, x.shape, g).dtype == dtype
