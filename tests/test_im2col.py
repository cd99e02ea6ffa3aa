"""The shared im2col/col2im kernels: equal to their slow loop twins, and adjoint to each other."""

import numpy as np
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
from tests.strategies import SEEDS, conv_configs


def geometry(config):
    k = config.kwargs
    return as_pair(k["kernel_size"], "k"), as_pair(k["stride"], "s"), as_pair(k["padding"], "p")


@given(config=conv_configs(), seed=SEEDS)
def test_im2col_equals_its_loop_twin(config, seed):
    x = np.random.default_rng(seed).standard_normal(config.shape)
    np.testing.assert_array_equal(im2col(x, *geometry(config)), im2col_loops(x, *geometry(config)))


@given(config=conv_configs(), seed=SEEDS)
def test_im2col_pads_with_the_given_value(config, seed):
    x = np.random.default_rng(seed).standard_normal(config.shape)
    fast = im2col(x, *geometry(config), pad_value=-np.inf)
    np.testing.assert_array_equal(fast, im2col_loops(x, *geometry(config), pad_value=-np.inf))


@given(config=conv_configs(), seed=SEEDS)
def test_col2im_equals_its_loop_twin(config, seed):
    """Overlapping windows (stride < kernel) must accumulate: the loop twin adds one entry at a time.

    The two add the same up-to-16 terms (each ~N(0, 1)) in different orders, so a pixel differs by
    a few units of rounding of the terms, ~1e-16 absolute, however small the sum: hence atol. A
    missed or doubled term would be off by ~1.
    """
    cols_shape = im2col(np.zeros(config.shape), *geometry(config)).shape
    cols = np.random.default_rng(seed).standard_normal(cols_shape)
    np.testing.assert_allclose(
        col2im(cols, config.shape, *geometry(config)),
        col2im_loops(cols, config.shape, *geometry(config)),
        rtol=1e-13,
        atol=1e-14,
    )


@given(config=conv_configs(), seed=SEEDS)
def test_col2im_is_the_adjoint_of_im2col(config, seed):
    """<im2col(x), c> == <x, col2im(c)> for every x and c: col2im is im2col's transpose."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(config.shape)
    cols = im2col(x, *geometry(config))
    c = rng.standard_normal(cols.shape)
    lhs, rhs = np.sum(cols * c), np.sum(x * col2im(c, config.shape, *geometry(config)))
    assert np.isclose(lhs, rhs, rtol=1e-12, atol=1e-12), f"<im2col(x), c> = {lhs} but <x, col2im(c)> = {rhs}"


@given(dtype=st.sampled_from([np.float32, np.float64]))
def test_kernels_keep_the_dtype(dtype):
    x = np.ones((1, 2, 4, 4), dtype=dtype)
    cols = im2col(x, (2, 2), (1, 1), (1, 1))
    assert cols.dtype == dtype
    assert col2im(cols, x.shape, (2, 2), (1, 1), (1, 1)).dtype == dtype


# -- the batch-last pair the convolution runs on, and the textbook np.add.at fold -------------------


def to_rows(cols_batch_last, config):
    """(C*KH*KW, OH*OW*N) -> the row layout (N*OH*OW, C*KH*KW), to compare with the loop twin."""
    N, C = config.shape[:2]
    return (
        cols_batch_last.reshape(C * int(np.prod(geometry(config)[0])), -1, N)
        .transpose(2, 1, 0)
        .reshape(-1, cols_batch_last.shape[0])
    )


@given(config=conv_configs(), seed=SEEDS)
def test_im2col_batch_last_holds_the_same_windows(config, seed):
    x = np.random.default_rng(seed).standard_normal(config.shape)
    cols = im2col_batch_last(np.moveaxis(x, 0, -1), *geometry(config))
    np.testing.assert_array_equal(to_rows(cols, config), im2col_loops(x, *geometry(config)))


@given(config=conv_configs(), seed=SEEDS)
def test_col2im_batch_last_equals_the_loop_twin(config, seed):
    """The same overlapping sums as ``col2im_loops``, in another order: rounding apart (see above)."""
    rows = np.random.default_rng(seed).standard_normal(im2col(np.zeros(config.shape), *geometry(config)).shape)
    N, C, H, W = config.shape
    batch_last_cols = np.ascontiguousarray(rows.reshape(N, -1, rows.shape[1]).transpose(2, 1, 0)).reshape(
        rows.shape[1], -1
    )
    got = col2im_batch_last(batch_last_cols, (C, H, W, N), *geometry(config))
    want = col2im_loops(rows, config.shape, *geometry(config))
    np.testing.assert_allclose(np.moveaxis(got, -1, 0), want, rtol=1e-13, atol=1e-14)


@given(config=conv_configs(), seed=SEEDS)
def test_col2im_batch_last_is_the_adjoint_of_im2col_batch_last(config, seed):
    rng = np.random.default_rng(seed)
    xb = np.moveaxis(rng.standard_normal(config.shape), 0, -1)
    cols = im2col_batch_last(xb, *geometry(config))
    c = rng.standard_normal(cols.shape)
    lhs, rhs = np.sum(cols * c), np.sum(xb * col2im_batch_last(c, xb.shape, *geometry(config)))
    assert np.isclose(lhs, rhs, rtol=1e-12, atol=1e-12), f"<im2col(x), c> = {lhs} but <x, col2im(c)> = {rhs}"


@given(config=conv_configs(), seed=SEEDS)
def test_col2im_add_at_equals_the_loop_twin(config, seed):
    rows = np.random.default_rng(seed).standard_normal(im2col(np.zeros(config.shape), *geometry(config)).shape)
    np.testing.assert_allclose(
        col2im_add_at(rows, config.shape, *geometry(config)),
        col2im_loops(rows, config.shape, *geometry(config)),
        rtol=1e-13,
        atol=1e-14,
    )


@given(config=conv_configs(), seed=SEEDS)
def test_im2col_per_image_holds_the_same_windows(config, seed):
    x = np.random.default_rng(seed).standard_normal(config.shape)
    cols = im2col_per_image(x, *geometry(config))
    rows = cols.transpose(0, 2, 1).reshape(-1, cols.shape[1])  # (N, K, P) -> (N*P, K)
    np.testing.assert_array_equal(rows, im2col_loops(x, *geometry(config)))


@given(config=conv_configs(), seed=SEEDS)
def test_col2im_per_image_equals_the_loop_twin(config, seed):
    rows = np.random.default_rng(seed).standard_normal(im2col(np.zeros(config.shape), *geometry(config)).shape)
    per_image = np.ascontiguousarray(rows.reshape(config.shape[0], -1, rows.shape[1]).transpose(0, 2, 1))
    np.testing.assert_allclose(
        col2im_per_image(per_image, config.shape, *geometry(config)),
        col2im_loops(rows, config.shape, *geometry(config)),
        rtol=1e-13,
        atol=1e-14,
    )
