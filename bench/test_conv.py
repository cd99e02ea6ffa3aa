"""Time the im2col convolution against torch.nn.functional.conv2d, float32, and show where the time goes.

Groups (each is one table of pytest-benchmark's, and one row of report/benchmarks.md):
    "conv2d forward+backward <case>"   y, then dx, dW and db for an upstream gradient
    "conv2d forward <case>"            y alone (torch and autograd under no_grad)
    "col2im <case>"                    the fold back to dx: ours (batch last), the textbook row layout
                                       with a loop over kernel offsets, and the textbook np.add.at
    "sgemm"                            one large float32 matrix product: the rate a GEMM-based conv
                                       can at best reach on this machine
Implementations: scratch.manual (the hand-written Conv2d), scratch.autograd (conv2d on the engine),
torch, the naive loop convolution (the small case only), and on a GPU cupy (the same kernels on CuPy
arrays) and torch-cuda. Cases and quick/full mode: bench/conv_cases.py.

Before a benchmark times an implementation it checks its output (and gradients) against torch, and
refuses to time one that disagrees. The hand-written conv's benchmarks also record, in extra_info,
the time split between its phases and its peak extra memory (tracemalloc), which the report shows.
"""

import time
import tracemalloc

import numpy as np
import pytest
import torch

from bench.conv_cases import SMALL, ConvCase, selected
from bench.conv_steps import CPU_IMPLS, GPU_IMPLS, Problem, case_id, make_step, problem
from scratch.kernels import conv as kernels
from scratch.kernels.im2col import (
    col2im,
    col2im_add_at,
    col2im_batch_last,
    col2im_per_image,
    im2col_batch_last,
    im2col_per_image,
)

FWD_BWD, FWD = "conv2d forward+backward", "conv2d forward"


def record(benchmark, op: str, impl: str, case: ConvCase, **extra) -> None:
    benchmark.group = f"{op} {case.name}"
    benchmark.extra_info.update(
        op=op,
        impl=impl,
        case=case.name,
        role=case.role,
        gflop=case.flop(op) / 1e9,
        shape=dict(N=case.N, C=case.C, H=case.H, W=case.W, Cout=case.Cout, kernel=case.kernel, stride=case.stride),
    )
    benchmark.extra_info.update(extra)


# -- what the hand-written conv's time and memory are made of --------------------------------------


def median_ms(fn, reps: int = 3) -> float:
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def time_split(p: Problem) -> dict[str, float]:
    """Milliseconds per phase of forward + backward, by running ``scratch.kernels.conv``'s steps one by one.

    im2col: the window copies; gemm: the three products; col2im: the fold of the input's gradient;
    layout: in the batch-last layout, the batch axis moved last and back (x, y, gy twice, gx). The
    report puts whatever the whole step took beyond these under "other" (bias, the sum for db,
    allocations, Python).
    """
    c, W = p.case, p.state["weight"]
    k, s, pad = (c.kernel,) * 2, p.stride, p.padding
    W2 = W.reshape(c.Cout, -1)
    if kernels.per_image(c.out_hw):
        cols = im2col_per_image(p.x, k, s, pad)
        gy3 = p.gy.reshape(c.N, c.Cout, -1)
        dcols = W2.T @ gy3

        def grad_weight():
            return [gy3[i] @ cols[i].T for i in range(c.N)]

        return {
            "layout": 0.0,
            "im2col": median_ms(lambda: im2col_per_image(p.x, k, s, pad)),
            "gemm": median_ms(lambda: W2 @ cols) + median_ms(grad_weight) + median_ms(lambda: W2.T @ gy3),
            "col2im": median_ms(lambda: col2im_per_image(dcols, p.x.shape, k, s, pad)),
        }
    xb = kernels.batch_last(p.x)
    cols = im2col_batch_last(xb, k, s, pad)
    y2 = W2 @ cols
    gy2 = kernels.batch_last(p.gy).reshape(c.Cout, -1)
    dcols = W2.T @ gy2
    gxb = col2im_batch_last(dcols, xb.shape, k, s, pad)
    return {
        "layout": median_ms(lambda: kernels.batch_last(p.x))
        + median_ms(lambda: kernels.batch_first(y2.reshape(c.Cout, *c.out_hw, -1)))
        + 2 * median_ms(lambda: kernels.batch_last(p.gy))
        + median_ms(lambda: kernels.batch_first(gxb)),
        "im2col": median_ms(lambda: im2col_batch_last(xb, k, s, pad)),
        "gemm": median_ms(lambda: W2 @ cols) + median_ms(lambda: gy2 @ cols.T) + median_ms(lambda: W2.T @ gy2),
        "col2im": median_ms(lambda: col2im_batch_last(dcols, xb.shape, k, s, pad)),
    }


def peak_extra_mb(step) -> float:
    """The most memory one call allocates beyond what existed before it (NumPy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        step()
        return (tracemalloc.get_traced_memory()[1] - before) / 2**20
    finally:
        tracemalloc.stop()


# -- the benchmarks --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", selected(), ids=case_id)
@pytest.mark.parametrize("impl", CPU_IMPLS + GPU_IMPLS)
def test_conv2d_forward_backward(benchmark, impl, case):
    p = problem(case)
    step, answers = make_step(impl, p, backward=True)
    p.check(impl, answers)
    extra = {}
    if impl == "scratch.manual":
        extra = {
            "split_ms": time_split(p),
            "layout": "per image" if kernels.per_image(case.out_hw) else "batch last",
            "peak_extra_mb": peak_extra_mb(step),
            "cap_mb": kernels.MAX_COLS_BYTES / 2**20,
        }
    record(benchmark, FWD_BWD, impl, case, **extra)
    benchmark(step)


@pytest.mark.parametrize("case", selected(), ids=case_id)
@pytest.mark.parametrize("impl", CPU_IMPLS + GPU_IMPLS)
def test_conv2d_forward(benchmark, impl, case):
    p = problem(case)
    step, answers = make_step(impl, p, backward=False)
    p.check(impl, answers)
    record(benchmark, FWD, impl, case)
    benchmark(step)


@pytest.mark.parametrize("backward", [True, False], ids=["forward+backward", "forward"])
def test_naive_loop_conv(benchmark, backward):
    """The textbook loop convolution, on the small case only: the other cases would take minutes."""
    p = problem(SMALL)
    step, answers = make_step("naive loops", p, backward)
    p.check("naive loops", answers)
    record(benchmark, FWD_BWD if backward else FWD, "naive loops", SMALL)
    benchmark.pedantic(step, rounds=3, iterations=1, warmup_rounds=0)


@pytest.mark.parametrize("case", selected(), ids=case_id)
def test_conv2d_forward_backward_chunked(benchmark, case):
    """The hand-written conv with the im2col buffer capped at an eighth of its size: chunks over the batch."""
    p = problem(case)
    cols_bytes = case.C * case.kernel**2 * case.N * np.prod(case.out_hw) * 4
    cap = max(cols_bytes // 8, 1)
    with kernels.cols_memory_cap(cap):
        step, answers = make_step("scratch.manual", p, backward=True)
        p.check("scratch.manual (chunked)", answers)
        record(
            benchmark, FWD_BWD, "scratch.manual (chunked)", case, peak_extra_mb=peak_extra_mb(step), cap_mb=cap / 2**20
        )
        benchmark(step)


COL2IM_IMPLS = ["batch last (ours)", "rows, loop over offsets", "rows, np.add.at"]


@pytest.mark.parametrize("case", selected(), ids=case_id)
@pytest.mark.parametrize("impl", COL2IM_IMPLS)
def test_col2im(benchmark, impl, case):
    """The fold alone, three ways, on the same numbers, each in its own layout.

    The row-layout col2im (tested against its loop twin in tests/) is the reference the others must match.
    """
    N, C, H, W, K = case.N, case.C, case.H, case.W, case.kernel
    window = ((K, K), (case.stride,) * 2, (case.padding,) * 2)
    rows = np.random.default_rng(1).standard_normal((N * int(np.prod(case.out_hw)), C * K * K)).astype(np.float32)
    # the same matrix in the batch-last layout: (N, OH, OW, C, KH, KW) -> (C, KH, KW, OH, OW, N)
    blocks = rows.reshape(N, *case.out_hw, C, K, K).transpose(3, 4, 5, 1, 2, 0)
    cols = np.ascontiguousarray(blocks).reshape(C * K * K, -1)
    fold = {
        "batch last (ours)": lambda: col2im_batch_last(cols, (C, H, W, N), *window),
        "rows, loop over offsets": lambda: col2im(rows, (N, C, H, W), *window),
        "rows, np.add.at": lambda: col2im_add_at(rows, (N, C, H, W), *window),
    }[impl]
    got = kernels.batch_first(fold()) if impl == COL2IM_IMPLS[0] else fold()
    want = col2im(rows, (N, C, H, W), *window)
    # float32 sums of at most KH*KW = 25 terms ~N(0, 1) in other orders: rounding is ~1e-6 of them
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=f"not timing col2im {impl}: it differs")
    benchmark.group = f"col2im {case.name}"
    benchmark.extra_info.update(op="col2im", impl=impl, case=case.name, role=case.role)
    benchmark(fold)


SGEMM = (2048, 2048, 2048)


@pytest.mark.parametrize("impl", ["numpy", "torch"])
def test_sgemm(benchmark, impl):
    """One (2048 x 2048) @ (2048 x 2048) float32 product: the GEMM rate of this machine and thread count."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(SGEMM[:2]).astype(np.float32), rng.standard_normal(SGEMM[1:]).astype(np.float32))
    if impl == "torch":
        a, b = torch.from_numpy(a), torch.from_numpy(b)
    benchmark.group = "sgemm"
    benchmark.extra_info.update(op="sgemm", impl=impl, gflop=2 * np.prod(SGEMM) / 1e9, shape=list(SGEMM))
    benchmark(lambda: a @ b)
