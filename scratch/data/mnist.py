"""MNIST (or Fashion-MNIST, same file names) from the four idx files the user already has, plain or .gz."""

import os
from pathlib import Path

import numpy as np

from scratch.data.files import existing_dir
from scratch.data.idx import read_idx
from scratch.data.split import Split

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
EXPECTED = ", ".join(MNIST_FILES.values()) + " (each may also end in .gz)"


def _locate(directory: Path, name: str) -> Path | None:
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def mnist_files(root: str | os.PathLike) -> dict[str, Path]:
    """The four MNIST files under ``root`` (or ``root/MNIST/raw``, torchvision's layout), keyed as in
    ``MNIST_FILES``; the uncompressed file wins when both exist. FileNotFoundError lists what is missing."""
    root = existing_dir(root, "MNIST", EXPECTED)
    directories = [root, root / "MNIST" / "raw"]
    # NOTE: use the first directory that holds any of the files, so a partial download is reported as such
    directory = next((d for d in directories if any(_locate(d, n) for n in MNIST_FILES.values())), root)
    found = {key: _locate(directory, name) for key, name in MNIST_FILES.items()}
    missing = [MNIST_FILES[key] for key, path in found.items() if path is None]
    if missing:
        raise FileNotFoundError(
            f"MNIST: missing {', '.join(missing)} (or the .gz of each) in {str(directory)!r}; expected the idx "
            f"files {EXPECTED}"
        )
    return found


def _images_and_labels(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            f"{str(images_path)!r}: expected uint8 images N x H x W (magic 0x00000803), got "
            f"{images.dtype} with shape {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(
            f"{str(labels_path)!r}: expected uint8 labels N (magic 0x00000801), got "
            f"{labels.dtype} with shape {labels.shape}"
        )
    if len(images) != len(labels):
        raise ValueError(
            f"MNIST: {str(images_path)!r} holds {len(images)} images but {str(labels_path)!r} "
            f"holds {len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"{str(labels_path)!r}: labels must lie in 0..9, found {labels.max()}")
    x = images[:, None].astype(np.float32)  # (N, H, W) uint8 -> (N, 1, H, W) float32
    x /= np.float32(255)  # in place, in float32: the same rounding as torchvision's ToTensor
    return x, labels.astype(np.int64)


def load_mnist(root: str | os.PathLike, name: str = "mnist") -> Split:
    """MNIST's own split: 60000 training and 10000 test images, in file order (no shuffling).

    x: (N, 1, 28, 28) float32 in [0, 1] (the bytes divided by 255), y: (N,) int64 in [0, 9].
    ``root`` holds the four idx files (see ``MNIST_FILES``), each plain or gzip-compressed.
    Errors: FileNotFoundError for a missing directory or file; ValueError for a bad magic number, a
    truncated file, dimensions that do not match the byte count, or image and label counts that differ.
    """
    files = mnist_files(root)
    x_train, y_train = _images_and_labels(files["train_images"], files["train_labels"])
    x_test, y_test = _images_and_labels(files["test_images"], files["test_labels"])
    return Split(x_train, y_train, x_test, y_test, name=name, num_classes=10)
