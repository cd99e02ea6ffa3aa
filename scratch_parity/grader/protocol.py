"""The messages between the grader and its runner: arrays and plain JSON, never pickles.

A message is an 8-byte little-endian length, then that many bytes: an 8-byte length and a JSON
header, ``{"meta": {...}, "arrays": [[name, dtype, shape], ...]}``, then each array's raw bytes in
that order (C order, little-endian). ``meta`` is the call and its arguments, or the reply; arrays are
named by what they are ("input.0", "state.weight", "grad.input", ...). Only plain numeric dtypes
(booleans, integers, floats) are accepted, and every size is checked against the message's length:
there is nothing to unpickle and nothing to parse but JSON. (``.npy``/``.npz`` would do the same, at
several times the cost per message: the checks send thousands of small ones.)

This module is imported by both sides; it uses only the standard library and numpy.
"""

import json
import math
import struct

import numpy as np

HEADER = struct.Struct("<Q")
MAX_BYTES = 256 * 2**20  # no message of the checks comes near this: a bigger one is refused
KINDS = "biuf"  # booleans, signed and unsigned integers, floats


class ProtocolError(Exception):
    """A message that is not one: truncated, too large, malformed, or with an array of another dtype."""


def plain_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind not in KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError(f"arrays of dtype {dtype} are not exchanged (only booleans, integers and floats)")
    return dtype.newbyteorder("<") if dtype.byteorder == ">" else dtype


def encode(meta: dict, arrays: dict | None = None) -> bytes:
    """The message: meta and arrays (anything ``np.asarray`` makes a plain numeric array of)."""
    header, chunks = {"meta": meta, "arrays": []}, []
    for name, value in (arrays or {}).items():
        a = np.asarray(value)
        a = a.astype(plain_dtype(a.dtype), order="C", copy=False)  # (ascontiguousarray would make 0-d 1-d)
        header["arrays"].append([name, a.dtype.str, list(a.shape)])
        chunks.append(a.tobytes())
    text = json.dumps(header).encode()
    body = HEADER.pack(len(text)) + text + b"".join(chunks)
    return HEADER.pack(len(body)) + body


def decode(data: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The inverse of ``encode`` (without the leading length): (meta, arrays); ProtocolError if malformed."""
    try:
        (size,) = HEADER.unpack_from(data)
        header = json.loads(data[HEADER.size : HEADER.size + size])
        meta, offset, arrays = header["meta"], HEADER.size + size, {}
        for name, dtype, shape in header["arrays"]:
            dtype = plain_dtype(dtype)
            if not all(isinstance(n, int) and n >= 0 for n in shape):
                raise ProtocolError(f"array {name!r}: bad shape {shape}")
            nbytes = dtype.itemsize * math.prod(shape)
            if offset + nbytes > len(data):
                raise ProtocolError(f"array {name!r} runs past the end of the message")
            arrays[str(name)] = np.frombuffer(data, dtype, math.prod(shape), offset).reshape(shape).copy()
            offset += nbytes
    except ProtocolError:
        raise
    except Exception as e:  # bad JSON, a missing key, a wrong type: all mean the same here
        raise ProtocolError(f"not a message of the grader's protocol ({type(e).__name__}: {e})") from None
    if not isinstance(meta, dict) or offset != len(data):
        raise ProtocolError("not a message of the grader's protocol (bad meta, or bytes left over)")
    return meta, arrays


def write_message(stream, meta: dict, arrays: dict | None = None) -> None:
    stream.write(encode(meta, arrays))
    stream.flush()


def read_exactly(read, n: int) -> bytes:
    """``n`` bytes from ``read`` (``read(k)`` gives at most k bytes, b"" at the end): EOFError if it ends short."""
    chunks, left = [], n
    while left:
        chunk = read(left)
        if not chunk:
            raise EOFError(f"the stream ended {left} bytes short of a {n}-byte message")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(read, max_bytes: int = MAX_BYTES) -> tuple[dict, dict[str, np.ndarray]]:
    """One message from ``read`` (a stream's ``read``, or the grader's reader with its time limit)."""
    (size,) = HEADER.unpack(read_exactly(read, HEADER.size))
    if size > max_bytes:
        raise ProtocolError(f"a message of {size} bytes is over the limit of {max_bytes}")
    return decode(read_exactly(read, size))


def encode_value(value):
    """A constructor argument as JSON: tuples are kept apart from lists (kernel_size=(3, 2) stays a tuple)."""
    if isinstance(value, tuple):
        return {"tuple": [encode_value(v) for v in value]}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        if "class" in value:  # a layer's recipe (Sequential's children), encoded already
            return value
        return {"dict": {k: encode_value(v) for k, v in value.items()}}
    return value


def decode_value(value, build=None):
    """The inverse of ``encode_value``; a ``{"class": ...}`` node (a layer recipe) is handed to ``build``."""
    if isinstance(value, list):
        return [decode_value(v, build) for v in value]
    if isinstance(value, dict):
        if "tuple" in value:
            return tuple(decode_value(v, build) for v in value["tuple"])
        if "dict" in value:
            return {k: decode_value(v, build) for k, v in value["dict"].items()}
        if "class" in value and build is not None:
            return build(value)
        raise ProtocolError(f"unknown value node {sorted(value)}")
    return value
