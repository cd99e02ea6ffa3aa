"""The palindrome-digits task of the seed course's vanilla-RNN assignment: read a digit sequence,
predict its last digit, which only a memory of the first digit can give."""

import numpy as np

from scratch.data.encoding import one_hot
from scratch.data.split import Split, split_arrays


def palindrome_digits(length: int, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """``n_samples`` palindromes of ``length`` digits: (n_samples, length) int64 in [0, 9].

    The first ``ceil(length / 2)`` digits are drawn uniformly; the rest mirror them, so
    ``seq[:, i] == seq[:, length - 1 - i]``. Odd lengths have an unmirrored middle digit:
    length 5 gives ``a b c b a``, length 4 gives ``a b b a``.
    """
    if length < 2:
        raise ValueError(f"palindrome_digits: length must be at least 2 (an input and a target), got {length}")
    free = rng.integers(0, 10, size=(n_samples, (length + 1) // 2), dtype=np.int64)
    mirrored = free[:, : length // 2][:, ::-1]  # NOTE: the middle digit of an odd length is not repeated
    return np.concatenate([free, mirrored], axis=1)


def palindromes(
    length: int, n_samples: int = 1000, seed: int = 0, *, test_fraction: float = 0.2, dtype=np.float32
) -> Split:
    """The palindrome task, split 80/20. ``length`` is the whole palindrome's length (at least 2).

    Convention (as in the classic "vanilla RNN on palindromes" assignment): each sample is a
    palindrome ``d_0 ... d_{length-1}`` from ``palindrome_digits``; the input is its first
    ``length - 1`` digits, one-hot encoded, and the label is the last digit, ``d_{length-1}``, which
    equals ``d_0``: the network must carry the first digit across ``length - 1`` steps.

    x: (N, length - 1, 10) of ``dtype`` (batch_first, as VanillaRNN takes it), y: (N,) int64 in [0, 9].
    One Generator, ``default_rng(seed)``, draws the digits and then the split's permutation, so
    the result is a function of the arguments. Random palindromes may repeat (there are only
    ``10 ** ceil(length / 2)``), so for short lengths the test part shares sequences with the
    training part.
    """
    rng = np.random.default_rng(seed)
    seq = palindrome_digits(length, n_samples, rng)
    x = one_hot(seq[:, :-1], 10, dtype=dtype)
    return split_arrays(
        x, seq[:, -1], name=f"palindromes-{length}", num_classes=10, test_fraction=test_fraction, seed=rng
    )
