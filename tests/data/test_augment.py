"""Augmentation: the NumPy version and its torch twin agree exactly on the same decisions; flip is an
involution; the centre crop is the identity; translation moves content and brings in zeros."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import reference.augment as torch_aug
from scratch.data import apply_augmentation, augment, draw_augmentation, hflip, translate
from scratch.random import manual_seed


def images(n=6, c=3, h=5, w=7, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).random((n, c, h, w)).astype(dtype) + 1  # no zeros inside


@given(
    n=st.integers(0, 6),
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    padding=st.integers(0, 4),
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from([np.float32, np.float64, np.uint8]),
)
def test_numpy_and_torch_agree_exactly(n, h, w, padding, seed, dtype):
    x = images(n, 2, h, w, seed=seed, dtype=dtype)
    flips, offsets = draw_augmentation(n, np.random.default_rng(seed), padding)
    ours = apply_augmentation(x, flips, offsets, padding)
    theirs = torch_aug.apply_augmentation(torch.from_numpy(x), flips, offsets, padding)
    assert ours.dtype == x.dtype and ours.shape == x.shape
    np.testing.assert_array_equal(ours, theirs.numpy())
    # the decisions may also come as tensors
    np.testing.assert_array_equal(
        ours,
        torch_aug.apply_augmentation(torch.from_numpy(x), torch.from_numpy(flips), torch.from_numpy(offsets), padding),
    )


def test_draw_is_deterministic_and_in_range():
    flips, offsets = draw_augmentation(4000, np.random.default_rng(1), padding=3)
    again = draw_augmentation(4000, np.random.default_rng(1), padding=3)
    np.testing.assert_array_equal(flips, again[0])
    np.testing.assert_array_equal(offsets, again[1])
    assert flips.dtype == bool and offsets.dtype == np.int64 and offsets.shape == (4000, 2)
    assert set(np.unique(offsets)) == set(range(7))
    assert 0.45 < flips.mean() < 0.55
    assert not draw_augmentation(50, np.random.default_rng(0), p_flip=0.0)[0].any()
    manual_seed(2)
    first = draw_augmentation(10)
    manual_seed(2)
    np.testing.assert_array_equal(first[1], draw_augmentation(10)[1])


def test_flip_is_an_involution_and_mirrors_columns():
    x = images()
    flips = np.array([True, False, True, True, False, False])
    np.testing.assert_array_equal(hflip(hflip(x, flips), flips), x)
    out = hflip(x, flips)
    np.testing.assert_array_equal(out[0, :, :, 0], x[0, :, :, -1])
    np.testing.assert_array_equal(out[1], x[1])
    assert x.min() >= 1, "the input is left alone"


@pytest.mark.parametrize("padding", [0, 1, 4])
def test_crop_at_the_padding_is_the_identity(padding):
    x = images()
    centre = np.full((6, 2), padding)
    np.testing.assert_array_equal(translate(x, centre, padding), x)
    np.testing.assert_array_equal(apply_augmentation(x, np.zeros(6, bool), centre, padding), x)
    t = torch.from_numpy(x)
    assert torch.equal(torch_aug.apply_augmentation(t, np.zeros(6, bool), centre, padding), t)


def test_translation_moves_content_and_brings_in_zeros():
    x = images(n=1, c=1, h=5, w=7)
    out = translate(x, np.array([[0, 3]]), padding=2)  # crop corner (0, 3): content moves 2 down, 1 left
    np.testing.assert_array_equal(out[0, 0, 2:, :-1], x[0, 0, :-2, 1:])
    assert (out[0, 0, :2] == 0).all() and (out[0, 0, :, -1] == 0).all()
    np.testing.assert_array_equal(translate(x, np.array([[4, 4]]), 2)[0, 0, :3, :5], x[0, 0, 2:, 2:])


def test_crop_then_flip_order():
    x = images(n=1)
    out = apply_augmentation(x, np.array([True]), np.array([[1, 0]]), padding=2)
    np.testing.assert_array_equal(out, hflip(translate(x, np.array([[1, 0]]), 2), np.array([True])))
    # flipping first would need the mirrored column offset: 2 * padding - dx
    np.testing.assert_array_equal(out, translate(hflip(x, np.array([True])), np.array([[1, 4]]), 2))


def test_augment_draws_then_applies():
    x = images()
    flips, offsets = draw_augmentation(6, np.random.default_rng(9), 2)
    np.testing.assert_array_equal(augment(x, np.random.default_rng(9), 2), apply_augmentation(x, flips, offsets, 2))


def test_torch_draw_shapes_and_range():
    g = torch.Generator().manual_seed(0)
    flips, offsets = torch_aug.draw_augmentation(500, g, padding=2)
    assert flips.dtype == torch.bool and flips.shape == (500,)
    assert offsets.dtype == torch.int64 and offsets.shape == (500, 2)
    assert set(offsets.unique().tolist()) == {0, 1, 2, 3, 4}


@pytest.mark.parametrize("apply", [apply_augmentation, torch_aug.apply_augmentation])
def test_bad_decisions_are_refused(apply):
    x = images(n=2)
    x = torch.from_numpy(x) if apply is torch_aug.apply_augmentation else x
    with pytest.raises(ValueError, match=r"offsets must lie in \[0, 4\]"):
        apply(x, np.zeros(2, bool), np.array([[0, 5], [0, 0]]), 2)
    with pytest.raises(ValueError, match="flips"):
        apply(x, np.zeros(3, bool), np.zeros((2, 2), np.int64), 2)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        apply(x[0], np.zeros(3, bool), np.zeros((3, 2), np.int64), 2)
    with pytest.raises(ValueError, match="padding"):
        apply(x, np.zeros(2, bool), np.zeros((2, 2), np.int64), -1)
