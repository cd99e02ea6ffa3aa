"""The grader's messages: arrays and JSON round-trip exactly, and nothing else gets through."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scratch_parity.grader import protocol

PLAIN = st.sampled_from(["bool", "int8", "int64", "uint16", "float16", "float32", "float64"])


@given(
    arrays=st.dictionaries(
        st.text(min_size=1, max_size=8, alphabet="abc.0123"),
        PLAIN.flatmap(
            lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
        ),
        max_size=4,
    ),
    meta=st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5) | st.none(), max_size=3),
)
def test_meta_and_arrays_round_trip_exactly(arrays, meta):
    data = protocol.encode(meta, arrays)
    assert protocol.HEADER.unpack_from(data)[0] == len(data) - protocol.HEADER.size
    meta_back, arrays_back = protocol.decode(data[protocol.HEADER.size :])
    assert meta_back == meta and set(arrays_back) == set(arrays)
    for name, a in arrays.items():
        b = arrays_back[name]
        assert b.dtype == a.dtype and b.shape == a.shape, (name, a.dtype, a.shape, b.dtype, b.shape)
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f") and b.flags.writeable


@pytest.mark.parametrize("value", [np.array([1 + 2j]), np.array(["text"]), np.array([object()], dtype=object)])
def test_only_plain_numbers_are_exchanged(value):
    with pytest.raises(protocol.ProtocolError, match="not exchanged"):
        protocol.encode({}, {"a": value})


def forged(header: dict, body: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return protocol.HEADER.pack(len(text)) + text + body


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\x80\x04\x95pickle", "not a message"),
        (forged({"meta": {}, "arrays": [["x", "|O", [1]]]}, b"\0" * 8), "not exchanged"),
        (forged({"meta": {}, "arrays": [["x", "<f8", [4]]]}, b"\0" * 8), "runs past the end"),
        (forged({"meta": {}, "arrays": [["x", "<f8", [-1]]]}), "bad shape"),
        (forged({"meta": {}, "arrays": []}, b"left over"), "bytes left over"),
        (forged({"meta": [1, 2], "arrays": []}), "bad meta"),
    ],
)
def test_a_malformed_message_is_refused(data, why):
    with pytest.raises(protocol.ProtocolError, match=why):
        protocol.decode(data)


def test_a_message_over_the_limit_is_refused_before_it_is_read():
    class Stream:
        def read(self, n):
            return protocol.HEADER.pack(protocol.MAX_BYTES + 1)[:n]

    with pytest.raises(protocol.ProtocolError, match="over the limit"):
        protocol.read_message(Stream().read)


def test_constructor_arguments_keep_tuples_and_layer_recipes():
    kwargs = {"kernel_size": (3, 2), "widths": [1, 2], "nested": {"a": (1,)}, "layer": {"class": "ReLU"}}
    encoded = json.loads(json.dumps(protocol.encode_value(kwargs)))
    built = []
    assert protocol.decode_value(encoded, build=lambda r: built.append(r) or "built") == {
        **kwargs,
        "layer": "built",
    }
    assert built == [{"class": "ReLU"}]


def test_finite_differences_refuse_an_output_that_changes_shape():
    """A forward that answers the nudged calls in another shape would make a huge broadcast product."""
    from scratch_parity.checks import numeric_gradients

    class Runner:
        def __init__(self):
            self.arrays, self.calls = {"input": np.zeros(3)}, 0

        def forward(self):
            self.calls += 1
            return np.zeros((1, 3)) if self.calls > 1 else np.zeros(3)

    with pytest.raises(AssertionError, match=r"\(1, 3\) at a nudged input"):
        numeric_gradients(Runner(), np.ones(3))
