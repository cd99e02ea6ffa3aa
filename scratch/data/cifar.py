"""CIFAR-10 from its binary version (cifar-10-batches-bin), the one the user already has. Never pickle.

Each ``.bin`` file is a sequence of 3073-byte records: 1 label byte (0..9), then 3072 pixel bytes,
the 1024 red, then 1024 green, then 1024 blue values of a 32x32 image, row by row; 10000 records
per file. ``data_batch_1.bin`` .. ``data_batch_5.bin`` are the training set, ``test_batch.bin`` the test set.
"""

import os
from pathlib import Path

import numpy as np

from scratch.data.files import existing_dir
from scratch.data.split import Split

CIFAR10_TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
CIFAR10_TEST_FILE = "test_batch.bin"
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
IMAGE_SHAPE = (3, 32, 32)
RECORD_BYTES = 1 + 3 * 32 * 32
EXPECTED = f"CIFAR-10's binary batches {', '.join(CIFAR10_TRAIN_FILES)} and {CIFAR10_TEST_FILE}"


def read_cifar10_batch(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """One binary batch: images (N, 3, 32, 32) uint8 and labels (N,) int64.

    ValueError when the size is not a positive multiple of 3073 bytes (truncated or not a CIFAR-10
    binary batch) or a label byte is above 9.
    """
    path = Path(path)
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size == 0 or raw.size % RECORD_BYTES:
        raise ValueError(
            f"{str(path)!r}: {raw.size} bytes is not a whole, positive number of {RECORD_BYTES}-byte records "
            f"(1 label byte + 3072 pixel bytes each, 10000 records = 30730000 bytes per file): the file is "
            "truncated or not a CIFAR-10 binary batch"
        )
    records = raw.reshape(-1, RECORD_BYTES)
    labels = records[:, 0].astype(np.int64)
    if labels.max() > 9:
        bad = int(np.argmax(labels > 9))
        raise ValueError(f"{str(path)!r}: record {bad} has label byte {labels[bad]}, expected 0..9: corrupt file")
    # NOTE: the 3072 bytes are channel-major (all R, all G, all B), so they reshape straight to (3, 32, 32).
    return records[:, 1:].reshape(-1, *IMAGE_SHAPE), labels


def _looks_like_pickle_version(directory: Path) -> bool:
    return (
        directory.name == "cifar-10-batches-py"
        or (directory / "cifar-10-batches-py").is_dir()
        or (directory / "data_batch_1").is_file()
        or (directory / "batches.meta").is_file()
    )


def cifar10_files(root: str | os.PathLike) -> tuple[list[Path], Path]:
    """The five training batches and the test batch under ``root`` or ``root/cifar-10-batches-bin``.

    FileNotFoundError names the directory and the missing files; ValueError when ``root`` is the
    python (pickle) version, which is not supported.
    """
    root = existing_dir(root, "CIFAR-10", EXPECTED)
    names = (*CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE)
    directories = [root, root / "cifar-10-batches-bin"]
    directory = next((d for d in directories if any((d / n).is_file() for n in names)), None)
    if directory is None:
        if _looks_like_pickle_version(root):
            raise ValueError(
                f"CIFAR-10: {str(root)!r} holds the python version (cifar-10-batches-py), which is not supported: "
                "its batches are pickles, and loading a pickle can run arbitrary code. Use the binary version "
                "(cifar-10-binary.tar.gz, which unpacks to cifar-10-batches-bin/) and point at that directory."
            )
        directory = root
    missing = [n for n in names if not (directory / n).is_file()]
    if missing:
        raise FileNotFoundError(f"CIFAR-10: missing {', '.join(missing)} in {str(directory)!r}; expected {EXPECTED}")
    return [directory / n for n in CIFAR10_TRAIN_FILES], directory / CIFAR10_TEST_FILE


def _to_unit_float(images: np.ndarray) -> np.ndarray:
    out = images.astype(np.float32)
    out /= np.float32(255)  # in place: the float copy of the training set is already 600 MB
    return out


def load_cifar10(root: str | os.PathLike) -> Split:
    """CIFAR-10's own split: 50000 training images (batches 1 to 5, in order) and 10000 test images.

    x: (N, 3, 32, 32) float32 in [0, 1] (the bytes divided by 255), y: (N,) int64 in [0, 9] (names in
    ``CIFAR10_CLASSES``). ``root`` is the ``cifar-10-batches-bin`` directory or its parent.
    Errors: FileNotFoundError for a missing directory or file, ValueError for a truncated or corrupt
    batch and for the unsupported python (pickle) version.
    """
    train_paths, test_path = cifar10_files(root)
    train = [read_cifar10_batch(p) for p in train_paths]
    x_test, y_test = read_cifar10_batch(test_path)
    x_train = _to_unit_float(np.concatenate([x for x, _ in train]))
    y_train = np.concatenate([y for _, y in train])
    return Split(x_train, y_train, _to_unit_float(x_test), y_test, name="cifar10", num_classes=10)
