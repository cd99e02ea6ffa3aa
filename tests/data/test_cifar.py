"""CIFAR-10's binary batches: small files in the real format, read back exactly, and every error path."""

import numpy as np
import pytest

from scratch.data import load_cifar10, read_cifar10_batch

TRAIN = [f"data_batch_{i}.bin" for i in range(1, 6)]


def records(labels, seed):
    """CIFAR-10 binary records, built byte by byte: label, then 1024 R, 1024 G, 1024 B (rows of 32)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(len(labels), 3, 32, 32), dtype=np.uint8)
    data = b"".join(bytes([label]) + images[i].tobytes() for i, label in enumerate(labels))
    assert len(data) == len(labels) * 3073
    return data, images


def write_cifar(directory, n_per_file=3):
    """Five training batches and a test batch of ``n_per_file`` records each; returns what they hold."""
    directory.mkdir(parents=True, exist_ok=True)
    content = {}
    for k, name in enumerate([*TRAIN, "test_batch.bin"]):
        labels = [(k + i) % 10 for i in range(n_per_file)]
        data, images = records(labels, seed=k)
        (directory / name).write_bytes(data)
        content[name] = (images, np.array(labels))
    return content


def test_one_batch_round_trips_exactly(tmp_path):
    data, images = records([3, 9, 0], seed=0)
    images[0, 1, 2, 5] = 77  # green channel, row 2, column 5 of the first image ...
    data = b"".join(bytes([lab]) + images[i].tobytes() for i, lab in enumerate([3, 9, 0]))
    assert data[1 + 1024 + 2 * 32 + 5] == 77  # ... is byte 1 + 1024 + 2*32 + 5 of its record
    (tmp_path / "b.bin").write_bytes(data)
    x, y = read_cifar10_batch(tmp_path / "b.bin")
    assert x.shape == (3, 3, 32, 32) and x.dtype == np.uint8 and y.dtype == np.int64
    np.testing.assert_array_equal(x, images)
    np.testing.assert_array_equal(y, [3, 9, 0])


@pytest.mark.parametrize("sub", ["", "cifar-10-batches-bin"])
def test_load_cifar10(tmp_path, sub):
    content = write_cifar(tmp_path / sub if sub else tmp_path)
    split = load_cifar10(tmp_path)
    assert split.name == "cifar10" and split.num_classes == 10 and split.input_shape == (3, 32, 32)
    assert split.x_train.dtype == np.float32 and split.y_train.dtype == np.int64
    train_images = np.concatenate([content[n][0] for n in TRAIN])
    np.testing.assert_array_equal(split.x_train, train_images.astype(np.float32) / np.float32(255))
    np.testing.assert_array_equal(split.y_train, np.concatenate([content[n][1] for n in TRAIN]))
    np.testing.assert_array_equal(np.round(split.x_test * 255).astype(np.uint8), content["test_batch.bin"][0])
    np.testing.assert_array_equal(split.y_test, content["test_batch.bin"][1])
    assert split.x_train.min() >= 0 and split.x_train.max() <= 1


def test_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere.*does not exist.*data_batch_1\.bin.*test_batch\.bin"):
        load_cifar10(tmp_path / "nowhere")


def test_an_archive_is_not_a_directory(tmp_path):
    (tmp_path / "cifar-10-binary.tar.gz").write_bytes(b"\x1f\x8b")
    with pytest.raises(NotADirectoryError, match="unpack the archive first"):
        load_cifar10(tmp_path / "cifar-10-binary.tar.gz")


def test_empty_directory_names_every_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing data_batch_1\.bin, .*data_batch_5\.bin, test_batch\.bin in"):
        load_cifar10(tmp_path)


def test_missing_file(tmp_path):
    write_cifar(tmp_path)
    (tmp_path / "data_batch_4.bin").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing data_batch_4\.bin in '.*'") as info:
        load_cifar10(tmp_path)
    assert str(tmp_path) in str(info.value) and "test_batch.bin," not in str(info.value)


def test_truncated_file(tmp_path):
    write_cifar(tmp_path)
    path = tmp_path / "data_batch_2.bin"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"data_batch_2\.bin.*9119 bytes.*3073-byte records.*truncated"):
        load_cifar10(tmp_path)
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="0 bytes"):
        load_cifar10(tmp_path)


def test_bad_label_byte(tmp_path):
    data, _ = records([1, 200], seed=0)
    (tmp_path / "b.bin").write_bytes(data)
    with pytest.raises(ValueError, match="record 1 has label byte 200"):
        read_cifar10_batch(tmp_path / "b.bin")


@pytest.mark.parametrize("layout", ["named", "parent", "files"])
def test_the_pickle_version_is_refused(tmp_path, layout):
    py = tmp_path / "cifar-10-batches-py"
    py.mkdir()
    for name in ["data_batch_1", "test_batch", "batches.meta"]:
        (py / name).write_bytes(b"\x80\x04not loaded")
    if layout == "files":  # the same files in a directory with another name
        py = py.rename(tmp_path / "cifar")
    root = {"named": py, "parent": tmp_path, "files": py}[layout]
    with pytest.raises(ValueError, match=r"python version \(cifar-10-batches-py\).*not supported.*pickle"):
        load_cifar10(root)
