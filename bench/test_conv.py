"""Time the hand-written im2col Conv2d (forward + backward) against torch on the CPU, float32.

One timed call per test, grouped per shape, so pytest-benchmark's table shows the two side by side:
    .venv/bin/pytest bench --benchmark-only --benchmark-group-by=group
Shapes are (N, Cin, H, W -> Cout), 3x3 kernels, stride 1, padding 1.
"""

import numpy as np
import pytest
import torch

import reference
import scratch.manual as nn

SHAPES = [(8, 3, 32, 32, 64), (32, 64, 16, 16, 128), (64, 256, 8, 8, 512)]


def flops(N, C, H, W, Cout):
    return 2 * N * Cout * H * W * C * 9 * 3  # forward, dx and dW: three GEMMs of the same size


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("impl", ["scratch.manual", "torch"])
def test_conv2d_forward_backward(benchmark, impl, shape):
    N, C, H, W, Cout = shape
    benchmark.group = f"conv2d {N}x{C}x{H}x{W}->{Cout}"
    benchmark.extra_info.update(shape=shape, gflop=flops(*shape) / 1e9)
    x = np.random.default_rng(0).standard_normal((N, C, H, W)).astype(np.float32)
    if impl == "torch":
        layer, tx = reference.Conv2d(C, Cout, 3, padding=1), torch.from_numpy(x).requires_grad_(True)

        def step():
            out = layer(tx)
            out.backward(torch.ones_like(out))

    else:
        layer = nn.Conv2d(C, Cout, 3, padding=1)

        def step():
            out = layer(x)
            layer.backward(np.ones_like(out))

    benchmark(step)
