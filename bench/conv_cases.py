"""The convolutions the benchmarks time, and how many of them a run times.

A case is (N, C, H, W -> Cout) with a KxK kernel, a stride and padding K // 2:
    the seed's C5L3 layers, the reduced VGG layer, a small layer, one strided and one 5x5 case.
``BENCH_MODE=quick`` (the default of ``make report``) times the cases marked quick, each briefly;
``BENCH_MODE=full`` times all of them with more rounds (``make report BENCH_MODE=full``);
``BENCH_MODE=smoke`` shrinks the quick cases to a few images and channels, for the test that makes
sure the benchmarks still run (tests/test_bench_smoke.py).
"""

import os
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ConvCase:
    N: int
    C: int
    H: int
    W: int
    Cout: int
    kernel: int = 3
    stride: int = 1
    quick: bool = False
    role: str = ""

    @property
    def padding(self) -> int:
        return self.kernel // 2

    @property
    def out_hw(self) -> tuple[int, int]:
        size = lambda n: (n + 2 * self.padding - self.kernel) // self.stride + 1  # noqa: E731
        return size(self.H), size(self.W)

    @property
    def name(self) -> str:
        extra = "" if (self.kernel, self.stride) == (3, 1) else f" k{self.kernel} s{self.stride}"
        return f"{self.N}x{self.C}x{self.H}x{self.W}->{self.Cout}{extra}"

    def forward_flop(self) -> int:
        """2 * N * Cout * OH * OW * C * K * K: one multiply and one add per weight per output."""
        OH, OW = self.out_hw
        return 2 * self.N * self.Cout * OH * OW * self.C * self.kernel**2

    def flop(self, op: str) -> int:
        """The forward's FLOPs, and three times as many for forward + backward (dx and dW cost as much)."""
        return self.forward_flop() * (3 if op == "conv2d forward+backward" else 1)


CASES = (
    ConvCase(64, 3, 32, 32, 128, role="C5L3 conv1"),
    ConvCase(64, 128, 16, 16, 256, quick=True, role="C5L3 conv2"),
    ConvCase(64, 256, 8, 8, 512, role="C5L3 conv3"),
    ConvCase(64, 512, 8, 8, 512, role="C5L3 conv4"),
    ConvCase(64, 512, 8, 8, 256, role="C5L3 conv5"),
    ConvCase(32, 64, 16, 16, 128, quick=True, role="reduced VGG"),
    ConvCase(8, 3, 32, 32, 64, quick=True, role="small"),
    ConvCase(32, 64, 16, 16, 128, stride=2, quick=True, role="strided"),
    ConvCase(32, 64, 16, 16, 128, kernel=5, quick=True, role="5x5 kernel"),
)
SMALL = CASES[6]  # the only case the naive loop convolution is timed on

MODE = os.environ.get("BENCH_MODE", "quick")
if MODE not in ("quick", "full", "smoke"):
    raise ValueError(f"BENCH_MODE must be 'quick', 'full' or 'smoke', got {MODE!r}")


def shrunk(case: ConvCase) -> ConvCase:
    """A few images and channels of ``case`` (distinct cases stay distinct)."""
    return replace(case, N=2, C=max(2, case.C // 32), Cout=max(2, case.Cout // 16))


def selected() -> tuple[ConvCase, ...]:
    if MODE == "full":
        return CASES
    quick = tuple(c for c in CASES if c.quick)
    return tuple(shrunk(c) for c in quick) if MODE == "smoke" else quick


SMALL = shrunk(SMALL) if MODE == "smoke" else SMALL
