"""Data for training the models: generated sets, data shipped with scikit-learn, loaders for files the
user already has, mini-batches and augmentation. Everything offline; nothing here imports torch.

Every data set comes as a ``Split`` (x_train, y_train, x_test, y_test, name, num_classes, input_shape):

- ``moons``, ``circles``: 2-D points, 2 classes (scikit-learn's generators), seeded 80/20 split;
- ``palindromes``: one-hot digit sequences whose last digit is the label (the vanilla-RNN task);
- ``digits``: scikit-learn's 8x8 digit images (N, 1, 8, 8), the default image set;
- ``load_mnist``, ``load_cifar10``: the idx files / CIFAR-10 binary batches already on disk.

``batches`` / ``BatchLoader`` iterate mini-batches; ``draw_augmentation`` + ``apply_augmentation``
(or ``augment``) flip and translate images.
"""

from scratch.data.augment import apply_augmentation, augment, draw_augmentation, hflip, translate
from scratch.data.batches import BatchLoader, batches
from scratch.data.cifar import CIFAR10_CLASSES, load_cifar10, read_cifar10_batch
from scratch.data.digits import digits
from scratch.data.encoding import one_hot
from scratch.data.idx import parse_idx, read_idx
from scratch.data.mnist import MNIST_FILES, load_mnist
from scratch.data.palindromes import palindrome_digits, palindromes
from scratch.data.split import Split, split_arrays
from scratch.data.toy import circles, moons

__all__ = [
    "CIFAR10_CLASSES",
    "MNIST_FILES",
    "BatchLoader",
    "Split",
    "apply_augmentation",
    "augment",
    "batches",
    "circles",
    "digits",
    "draw_augmentation",
    "hflip",
    "load_cifar10",
    "load_mnist",
    "moons",
    "one_hot",
    "palindrome_digits",
    "palindromes",
    "parse_idx",
    "read_cifar10_batch",
    "read_idx",
    "split_arrays",
    "translate",
]
