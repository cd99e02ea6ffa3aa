"""MNIST's idx files, plain and gzip-compressed: small files in the real format, read back exactly,
and every error path."""

import gzip
import struct

import numpy as np
import pytest

from scratch.data import load_mnist, parse_idx, read_idx

NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def idx_bytes(array: np.ndarray, type_code: int) -> bytes:
    """An idx file written by hand: 0x00 0x00, the type byte, the number of dimensions, big-endian
    uint32 sizes, then the big-endian data."""
    big_endian = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[type_code]
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(big_endian).tobytes()


def write_mnist(directory, n_train=5, n_test=3, shape=(4, 6), compress=False):
    rng = np.random.default_rng(0)
    content = {
        "train_images": rng.integers(0, 256, size=(n_train, *shape), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, size=n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, size=(n_test, *shape), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, size=n_test, dtype=np.uint8),
    }
    directory.mkdir(parents=True, exist_ok=True)
    for key, array in content.items():
        data = idx_bytes(array, 0x08)
        if compress:
            (directory / f"{NAMES[key]}.gz").write_bytes(gzip.compress(data))
        else:
            (directory / NAMES[key]).write_bytes(data)
    return content


def test_the_hand_written_header_is_mnists():
    data = idx_bytes(np.zeros((2, 28, 28), np.uint8), 0x08)
    assert data[:16] == bytes.fromhex("00000803000000020000001c0000001c")


@pytest.mark.parametrize(
    "type_code, dtype",
    [(0x08, np.uint8), (0x09, np.int8), (0x0B, np.int16), (0x0C, np.int32), (0x0D, np.float32), (0x0E, np.float64)],
)
def test_idx_round_trip_every_type(type_code, dtype):
    array = (np.arange(24).reshape(2, 3, 4) * (-3 if dtype != np.uint8 else 1) % 127).astype(dtype)
    if dtype in (np.float32, np.float64):
        array = array / 7 - 3.25
    out = parse_idx(idx_bytes(array, type_code))
    assert out.dtype == dtype and out.dtype.isnative and out.flags.writeable
    np.testing.assert_array_equal(out, array)


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("sub", ["", "MNIST/raw"])
def test_load_mnist_round_trip(tmp_path, compress, sub):
    content = write_mnist(tmp_path / sub if sub else tmp_path, compress=compress)
    split = load_mnist(tmp_path)
    assert split.name == "mnist" and split.num_classes == 10 and split.input_shape == (1, 4, 6)
    assert (split.num_train, split.num_test) == (5, 3)
    assert split.x_train.dtype == np.float32 and split.y_test.dtype == np.int64
    np.testing.assert_array_equal(split.x_train[:, 0], content["train_images"].astype(np.float32) / np.float32(255))
    np.testing.assert_array_equal(np.round(split.x_test[:, 0] * 255).astype(np.uint8), content["test_images"])
    np.testing.assert_array_equal(split.y_train, content["train_labels"])
    np.testing.assert_array_equal(split.y_test, content["test_labels"])


def test_plain_and_gz_mixed(tmp_path):
    write_mnist(tmp_path)
    path = tmp_path / NAMES["test_labels"]
    (tmp_path / f"{NAMES['test_labels']}.gz").write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    assert load_mnist(tmp_path).num_test == 3


def test_missing_directory(tmp_path):
    with pytest.raises(
        FileNotFoundError, match=r"MNIST: directory '.*nowhere' does not exist.*train-images-idx3-ubyte"
    ):
        load_mnist(tmp_path / "nowhere")


def test_missing_file(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / NAMES["test_images"]).unlink()
    with pytest.raises(FileNotFoundError, match=r"missing t10k-images-idx3-ubyte \(or the \.gz of each\) in") as info:
        load_mnist(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_bad_magic(tmp_path):
    write_mnist(tmp_path)
    path = tmp_path / NAMES["train_images"]
    path.write_bytes(b"\x12\x34" + path.read_bytes()[2:])
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.*bad idx magic number 0x12340803"):
        load_mnist(tmp_path)
    with pytest.raises(ValueError, match="bad idx magic number 0x00000700"):
        parse_idx(b"\0\0\x07\0")  # unknown element type
    with pytest.raises(ValueError, match="too short"):
        parse_idx(b"\0\0")


def test_truncated_file(tmp_path):
    write_mnist(tmp_path)
    path = tmp_path / NAMES["train_images"]
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ValueError, match=r"dimensions \[5, 4, 6\].*need 120 bytes.*has 119.*truncated"):
        load_mnist(tmp_path)
    path.write_bytes(path.read_bytes()[:10])
    with pytest.raises(ValueError, match="truncated idx header"):
        load_mnist(tmp_path)


def test_dimensions_that_do_not_match_the_byte_count():
    data = idx_bytes(np.zeros((2, 3), np.uint8), 0x08)
    with pytest.raises(ValueError, match="trailing bytes"):
        parse_idx(data + b"\0")
    huge = data[:4] + struct.pack(">II", 2**31, 2**31) + data[12:]  # a corrupt header: no overflow
    with pytest.raises(ValueError, match="need 4611686018427387904 bytes"):
        parse_idx(huge)


def test_corrupt_gzip(tmp_path):
    write_mnist(tmp_path, compress=True)
    path = tmp_path / f"{NAMES['train_labels']}.gz"
    path.write_bytes(path.read_bytes()[:-12])
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte\.gz.*corrupt or truncated gzip"):
        load_mnist(tmp_path)


def test_read_idx_detects_gzip_by_content(tmp_path):
    array = np.arange(6, dtype=np.uint8).reshape(2, 3)
    (tmp_path / "plain-name").write_bytes(gzip.compress(idx_bytes(array, 0x08)))
    np.testing.assert_array_equal(read_idx(tmp_path / "plain-name"), array)


def test_images_and_labels_must_agree(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / NAMES["train_labels"]).write_bytes(idx_bytes(np.zeros(4, np.uint8), 0x08))
    with pytest.raises(ValueError, match=r"holds 5 images but .* holds 4 labels"):
        load_mnist(tmp_path)
    (tmp_path / NAMES["train_labels"]).write_bytes(idx_bytes(np.full(5, 10, np.uint8), 0x08))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.9, found 10"):
        load_mnist(tmp_path)
    (tmp_path / NAMES["train_labels"]).write_bytes(idx_bytes(np.zeros((5, 1), np.uint8), 0x08))
    with pytest.raises(ValueError, match="expected uint8 labels N"):
        load_mnist(tmp_path)
    (tmp_path / NAMES["train_images"]).write_bytes(idx_bytes(np.zeros((5, 4, 6)), 0x0D))
    with pytest.raises(ValueError, match="expected uint8 images N x H x W"):
        load_mnist(tmp_path)
