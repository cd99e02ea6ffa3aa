"""scratch.kernels.conv: the fast conv equals its textbook twin, in one piece or in chunks of the batch.

The parity suite already compares Conv2d with torch; these tests pin the kernel's own promises: the
loop convolution (one window at a time) and both GEMM layouts (per image, batch last) agree, and
capping the im2col buffer changes nothing but the memory. The layout is chosen by the size of the
feature map, and the small maps drawn here would all take the batch-last one: the ``layout`` fixture
moves the threshold so that each test runs both.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratch.kernels import conv
from scratch.validation import as_pair
from scratch_parity.strategies import SEEDS, conv_configs


@pytest.fixture(params=["per image", "batch last"])
def layout(request, monkeypatch):
    monkeypatch.setattr(conv, "PER_IMAGE_MIN_POSITIONS", 1 if request.param == "per image" else 10**9)
    return request.param


def problem(config, seed):
    k = config.kwargs
    kernel, stride, padding = as_pair(k["kernel_size"], "k"), as_pair(k["stride"], "s"), as_pair(k["padding"], "p")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(config.shape)
    weight = rng.standard_normal((k["out_channels"], config.shape[1], *kernel))
    bias = rng.standard_normal(k["out_channels"]) if k["bias"] else None
    return x, weight, bias, kernel, stride, padding


@given(config=conv_configs(), seed=SEEDS)
def test_fast_conv_equals_the_loop_conv(layout, config, seed):
    """float64, the same sums in another order: agreement to rounding (sums of at most 64 terms ~N(0, 1))."""
    x, weight, bias, kernel, stride, padding = problem(config, seed)
    y, cols = conv.conv2d_forward(x, weight, bias, stride, padding)
    np.testing.assert_allclose(y, conv.conv2d_forward_naive(x, weight, bias, stride, padding), rtol=1e-12, atol=1e-12)
    gy = np.random.default_rng(seed + 1).standard_normal(y.shape)
    dx, dW, db = conv.conv2d_backward_naive(gy, x, weight, stride, padding)
    np.testing.assert_allclose(conv.conv2d_grad_input(gy, weight, x.shape, stride, padding), dx, rtol=1e-12, atol=1e-12)
    got_dW = conv.conv2d_grad_weight(gy, x, kernel, stride, padding, cols)
    np.testing.assert_allclose(got_dW, dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(db, gy.sum(axis=(0, 2, 3)))


@given(config=conv_configs(), seed=SEEDS, images_per_chunk=st.integers(1, 3))
def test_chunks_of_the_batch_change_nothing(layout, config, seed, images_per_chunk):
    x, weight, bias, kernel, stride, padding = problem(config, seed)
    y, cols = conv.conv2d_forward(x, weight, bias, stride, padding)
    gy = np.random.default_rng(seed + 1).standard_normal(y.shape)
    dx = conv.conv2d_grad_input(gy, weight, x.shape, stride, padding)
    dW = conv.conv2d_grad_weight(gy, x, kernel, stride, padding, cols)
    per_image = cols.nbytes // x.shape[0]
    with conv.cols_memory_cap(images_per_chunk * per_image):
        chunks = conv.batch_chunks(x.shape, kernel, stride, padding, x.itemsize)
        assert all(len(range(*c.indices(x.shape[0]))) <= images_per_chunk for c in chunks)
        y_chunked, cols_chunked = conv.conv2d_forward(x, weight, bias, stride, padding)
        assert (cols_chunked is None) == (len(chunks) > 1), "cols are kept only when made in one piece"
        np.testing.assert_allclose(y_chunked, y, rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(conv.conv2d_grad_input(gy, weight, x.shape, stride, padding), dx, rtol=1e-13)
        dW_chunked = conv.conv2d_grad_weight(gy, x, kernel, stride, padding, cols_chunked)
        np.testing.assert_allclose(dW_chunked, dW, rtol=1e-12, atol=1e-12)


def test_the_cap_is_restored_and_at_least_one_image_is_processed():
    before = conv.MAX_COLS_BYTES
    with pytest.raises(RuntimeError), conv.cols_memory_cap(1):
        assert conv.MAX_COLS_BYTES == 1
        assert conv.batch_chunks((3, 2, 5, 5), (3, 3), (1, 1), (1, 1), 8) == [slice(0, 1), slice(1, 2), slice(2, 3)]
        raise RuntimeError
    assert conv.MAX_COLS_BYTES == before == 256 * 2**20


def test_batch_last_and_back():
    a = np.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5)
    ab = conv.batch_last(a)
    assert ab.shape == (3, 4, 5, 2) and ab.flags.c_contiguous
    np.testing.assert_array_equal(ab, np.moveaxis(a, 0, -1))
    np.testing.assert_array_equal(conv.batch_first(ab), a)


def test_the_layout_follows_the_size_of_the_feature_map():
    assert conv.per_image((32, 32)) and not conv.per_image((16, 16)) and not conv.per_image((8, 8))
    x, w = np.ones((2, 1, 32, 32)), np.ones((1, 1, 3, 3))
    assert conv.conv2d_forward(x, w, None, (1, 1), (1, 1))[1].shape == (2, 9, 32 * 32)  # per image
    assert conv.conv2d_forward(x, w, None, (2, 2), (1, 1))[1].shape == (9, 16 * 16 * 2)  # batch last


@pytest.mark.parametrize(
    ("x_shape", "cout", "kernel", "stride", "padding"),
    [((2, 3, 32, 32), 4, 3, 1, 1), ((2, 2, 64, 66), 3, (3, 2), 2, (1, 0)), ((1, 2, 36, 36), 2, 5, 1, 2)],
)
def test_large_maps_against_torch(x_shape, cout, kernel, stride, padding):
    """Maps of 1024 positions and more take the per-image layout: the whole Conv2d against torch, float64."""
    torch = pytest.importorskip("torch")
    import scratch.manual as nn

    layer = nn.Conv2d(x_shape[1], cout, kernel, stride=stride, padding=padding, dtype=np.float64)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape)
    y = layer(x)
    assert conv.per_image(y.shape[2:]), "this case is meant for the per-image layout"
    gy = rng.standard_normal(y.shape)
    dx = layer.backward(gy)
    tx = torch.from_numpy(x).requires_grad_(True)
    tw, tb = (torch.from_numpy(layer.params[k]).requires_grad_(True) for k in ("weight", "bias"))
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=padding)
    ty.backward(torch.from_numpy(gy))
    for name, ours, theirs in [("y", y, ty), ("dx", dx, tx.grad), ("dW", layer.grads["weight"], tw.grad)]:
        np.testing.assert_allclose(
            ours, theirs.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=f"yours vs torch: {name}"
        )
    np.testing.assert_allclose(
        layer.grads["bias"], tb.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg="yours vs torch: db"
    )


@pytest.mark.parametrize("hw", [(5, 5), (32, 32)], ids=["batch last", "per image"])
def test_an_empty_batch_gives_empty_results_as_in_torch(hw):
    """N = 0: torch returns a (0, Cout, OH, OW) output, a (0, C, H, W) gradient and a zero weight gradient."""
    import scratch.manual as nn

    layer = nn.Conv2d(2, 3, 3, padding=1, dtype=np.float64)
    y = layer(np.zeros((0, 2, *hw)))
    assert y.shape == (0, 3, *hw)
    dx = layer.backward(np.zeros(y.shape))
    assert dx.shape == (0, 2, *hw)
    np.testing.assert_array_equal(layer.grads["weight"], np.zeros((3, 2, 3, 3)))
    np.testing.assert_array_equal(layer.grads["bias"], np.zeros(3))
