"""The idx file format (MNIST's): a 4-byte magic number, big-endian dimensions, then the raw array.

Layout: bytes 0-1 are zero; byte 2 is the element type (0x08 unsigned byte, 0x09 signed byte,
0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64); byte 3 is the number of dimensions d;
then d big-endian uint32 sizes; then prod(sizes) elements, big-endian, in C (row-major) order.
MNIST's images are 0x00000803 (uint8, 3-D: N x 28 x 28), its labels 0x00000801 (uint8, 1-D: N).
"""

import os
from pathlib import Path

import numpy as np

from scratch.data.files import read_maybe_gzip

IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(data: bytes, source: str = "<bytes>") -> np.ndarray:
    """The array stored in idx-format ``data`` (native byte order, writable). ValueError on a bad magic
    number, a truncated header, or a byte count that does not match the dimensions."""
    if len(data) < 4:
        raise ValueError(
            f"{source}: {len(data)} bytes is too short for an idx file (a 4-byte magic number comes first)"
        )
    magic = int.from_bytes(data[:4], "big")
    type_code, ndim = data[2], data[3]
    if data[:2] != b"\0\0" or type_code not in IDX_TYPES or ndim == 0:
        raise ValueError(
            f"{source}: bad idx magic number 0x{magic:08X}; expected 0x0000TTDD with element type TT in "
            f"{{{', '.join(f'0x{t:02X}' for t in IDX_TYPES)}}} and DD >= 1 dimensions "
            "(MNIST: 0x00000803 for images, 0x00000801 for labels). Not an idx file?"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(
            f"{source}: truncated idx header: {ndim} dimensions need {header} bytes, the file has {len(data)}"
        )
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(IDX_TYPES[type_code])
    count = int(np.prod(dims, dtype=object))  # NOTE: Python ints: a corrupt header must not overflow
    expected, actual = count * dtype.itemsize, len(data) - header
    if actual != expected:
        problem = "truncated" if actual < expected else "has trailing bytes"
        raise ValueError(
            f"{source}: idx dimensions {list(dims)} of {dtype.itemsize}-byte elements need {expected} bytes of "
            f"data after the {header}-byte header, but the file has {actual}: the file {problem} or is corrupt"
        )
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header).reshape(dims)
    return array.astype(dtype.newbyteorder("="))  # a native-endian copy that owns its memory


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """The array in the idx file at ``path``, gzip-compressed or not (detected from the content)."""
    path = Path(path)
    return parse_idx(read_maybe_gzip(path), source=repr(str(path)))
