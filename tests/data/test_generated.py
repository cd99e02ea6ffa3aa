"""Generated and bundled data sets: moons, circles, palindromes, digits, and the seeded split."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_circles, make_moons

from scratch.data import Split, circles, digits, moons, one_hot, palindrome_digits, palindromes, split_arrays


def assert_same_split(a: Split, b: Split):
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def rows_as_set(*arrays):
    return {np.concatenate([np.ravel(a) for a in row]).tobytes() for row in zip(*arrays, strict=True)}


@pytest.mark.parametrize("make", [moons, circles])
def test_two_dimensional_sets(make):
    split = make(n_samples=250)
    x_train, y_train, x_test, y_test = split
    assert (split.num_train, split.num_test) == (200, 50)
    assert split.input_shape == (2,) and split.num_classes == 2 and split.name == make.__name__
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64 and x_test.dtype == np.float32
    assert set(np.unique(np.concatenate([y_train, y_test]))) == {0, 1}
    assert make(n_samples=10, dtype=np.float64).x_train.dtype == np.float64


@pytest.mark.parametrize("make, sklearn_make", [(moons, make_moons), (circles, make_circles)])
def test_the_split_is_a_permutation_of_sklearns_samples(make, sklearn_make):
    extra = {"factor": 0.5} if make is circles else {}
    x, y = sklearn_make(n_samples=100, noise=0.1, random_state=3, **extra)
    split = make(n_samples=100, noise=0.1, seed=3, dtype=np.float64)
    both = np.concatenate([split.x_train, split.x_test]), np.concatenate([split.y_train, split.y_test])
    assert rows_as_set(*both) == rows_as_set(x, y)
    assert len(rows_as_set(split.x_train)) + len(rows_as_set(split.x_test)) == 100  # disjoint parts


@pytest.mark.parametrize("make", [moons, circles, digits, lambda seed: palindromes(7, 300, seed)])
def test_deterministic_given_the_seed_and_different_across_seeds(make):
    assert_same_split(make(seed=1), make(seed=1))
    assert not np.array_equal(make(seed=1).x_train, make(seed=2).x_train)


def test_split_arrays_is_a_seeded_permutation():
    x, y = np.arange(50.0)[:, None], np.arange(50) % 5
    split = split_arrays(x, y, name="toy", seed=7)
    assert (split.num_train, split.num_test, split.num_classes) == (40, 10, 5)
    order = np.random.default_rng(7).permutation(50)
    np.testing.assert_array_equal(split.x_test[:, 0], order[:10])
    np.testing.assert_array_equal(split.x_train[:, 0], order[10:])
    np.testing.assert_array_equal(split.y_train, order[10:] % 5)
    assert split_arrays(x[:3], y[:3], name="tiny").num_test == 1  # never an empty part
    assert split_arrays(x, y, name="toy", test_fraction=0.5).num_test == 25


def test_split_arrays_errors():
    x, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="x has 3 samples but y has 4"):
        split_arrays(x[:3], y, name="bad")
    with pytest.raises(ValueError, match="test_fraction"):
        split_arrays(x, y, name="bad", test_fraction=1.0)
    with pytest.raises(TypeError, match="labels must be integers"):
        split_arrays(x, y.astype(float), name="bad")
    with pytest.raises(ValueError, match="at least 2 samples"):
        split_arrays(x[:1], y[:1], name="bad")
    with pytest.raises(ValueError, match=r"outside \[0, 2\)"):
        split_arrays(x, y + 1, name="bad", num_classes=2)


def test_split_repr_and_checks():
    split = moons(n_samples=20)
    assert "moons" in repr(split) and "input_shape=(2,)" in repr(split) and "[" not in repr(split)
    with pytest.raises(TypeError, match="int64"):
        Split(split.x_train, split.y_train.astype(np.int32), split.x_test, split.y_test, "m", 2)
    with pytest.raises(ValueError, match="train samples are"):
        Split(split.x_train, split.y_train, split.x_test[:, :1], split.y_test, "m", 2)


@pytest.mark.parametrize("length", [2, 3, 4, 5, 10, 11])
def test_palindrome_digits_mirror(length):
    seq = palindrome_digits(length, 200, np.random.default_rng(0))
    assert seq.shape == (200, length) and seq.dtype == np.int64
    np.testing.assert_array_equal(seq, seq[:, ::-1])
    assert seq.min() >= 0 and seq.max() <= 9
    free = seq[:, : (length + 1) // 2]  # the drawn half uses every digit
    assert set(np.unique(free)) == set(range(10))


def test_palindromes_convention():
    split = palindromes(6, n_samples=100, seed=0)
    assert split.input_shape == (5, 10) and split.num_classes == 10 and split.name == "palindromes-6"
    assert (split.num_train, split.num_test) == (80, 20)
    for x, y in ((split.x_train, split.y_train), (split.x_test, split.y_test)):
        assert x.dtype == np.float32 and y.dtype == np.int64
        np.testing.assert_array_equal(x.sum(-1), 1)  # one-hot at every step
        digits_in = x.argmax(-1)  # (N, 5): d0 d1 d2 d2 d1; the label is d0
        np.testing.assert_array_equal(y, digits_in[:, 0])
        np.testing.assert_array_equal(digits_in[:, 1:3], digits_in[:, [4, 3]])
    # the documented recipe: one generator draws the digits, then the split
    rng = np.random.default_rng(0)
    seq = palindrome_digits(6, 100, rng)
    order = rng.permutation(100)
    np.testing.assert_array_equal(split.x_test, one_hot(seq[order[:20], :-1], 10))
    np.testing.assert_array_equal(split.y_train, seq[order[20:], -1])


def test_palindromes_reject_too_short():
    with pytest.raises(ValueError, match="at least 2"):
        palindromes(1)


def test_one_hot():
    np.testing.assert_array_equal(one_hot(np.array([[2, 0]]), 3), [[[0, 0, 1], [1, 0, 0]]])
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        one_hot(np.array([3]), 3)
    with pytest.raises(TypeError):
        one_hot(np.array([0.5]), 3)


def test_digits():
    split = digits()
    assert split.input_shape == (1, 8, 8) and split.num_classes == 10 and split.name == "digits"
    assert (split.num_train, split.num_test) == (1438, 359)
    assert split.x_train.dtype == np.float32 and split.y_train.dtype == np.int64
    x = np.concatenate([split.x_train, split.x_test])
    assert x.min() == 0.0 and x.max() == 1.0
    raw = load_digits()
    order = np.random.default_rng(0).permutation(len(raw.target))
    np.testing.assert_array_equal(split.x_test[:, 0] * 16, raw.images[order[:359]])  # /16 is exact
    np.testing.assert_array_equal(split.y_train, raw.target[order[359:]])
