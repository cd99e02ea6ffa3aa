"""Run every generic check, and the zoo's extra checks, against one implementation of one op.

The generic checks are those of scratch_parity/suite/test_parity.py, on a fixed set of examples instead of
hypothesis draws (so each verdict is deterministic and the whole zoo takes seconds):
  forward             output and buffers after one forward equal torch's (float32 and float64);
  gradient            dx and every parameter gradient equal torch's (float32 and float64);
  finite differences  the gradients equal central differences of the same forward (float64, smooth inputs);
  contract            dtype kept, inputs and dout not mutated, shapes equal torch's;
  bad input           the registry's bad inputs raise torch's kind of error, with a message naming them.
Where the test_parity version runs forward and backward together, the zoo's ``forward`` runs the
forward alone, so that a crash in backward is attributed to the checks that look at gradients.

The zoo's own checks, for bugs that no generic check can see (see ``EXTRA_CHECKS``):
  extremes      inputs scaled to |x| = 1000 (sigmoid, SELU, tanh, the losses): float64 agrees with
                torch, float32 is finite where torch is, and nothing overflows (NumPy errors raise);
  fresh masks   a random-mask op's ``sample_mask`` hands out a new mask at every call: a backward that
                draws its own mask is caught, where the parity runs' one injected mask hides it;
  accumulation  two backward passes without zero_grad give twice one pass's parameter gradients;
  sequence      the whole-sequence RNN (forward and BPTT) against torch.nn.RNN, as tests/test_rnn.py.

``run(op, module)`` returns a ``Verdict``: for each check, "caught" (with the first failure's
message), "passed" or "n/a" (the check does not apply to that op).
"""

import dataclasses
import functools
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch

import reference
from scratch_parity.checks import assert_close, discrepancy, numeric_gradients
from scratch_parity.implementations import TORCH, ManualContract, input_names
from scratch_parity.parity import check_bad_input, check_contract_on
from scratch_parity.registry import FD_TOLERANCE, OPS, TOLERANCES
from scratch_parity.sample import build, make_sample
from scratch_parity.sequence import TOLERANCES as SEQUENCE_TOLERANCES
from scratch_parity.sequence import Problem
from scratch_parity.strategies import Config

GENERIC_CHECKS = ("forward", "gradient", "finite differences", "contract", "bad input")
EXTRA_CHECKS = ("extremes", "fresh masks", "accumulation", "sequence")
CHECKS = GENERIC_CHECKS + EXTRA_CHECKS
DTYPES = ("float32", "float64")
SEEDS = (0, 2)  # for MaxPool2d, seed 2 draws small integers (windows with ties), seed 0 normal values

# -- the fixed examples: a handful of configurations per op, each run with every seed ---------------


def _conv(cin, cout, k, s, p, bias, shape):
    return Config(dict(in_channels=cin, out_channels=cout, kernel_size=k, stride=s, padding=p, bias=bias), shape)


def _bn(C, shape, training, eps=1e-5, momentum=0.1, affine=True, track=True):
    kwargs = dict(num_features=C, eps=eps, momentum=momentum, affine=affine, track_running_stats=track)
    return Config(kwargs, shape, training=training)


def _focal(alpha, gamma, reduction, shape, soft):
    return Config(dict(alpha=alpha, gamma=gamma, reduction=reduction), shape, extra=dict(soft_targets=soft))


def _rnn_cell(i, h, bias, nonlinearity, shape):
    return Config(dict(input_size=i, hidden_size=h, bias=bias, nonlinearity=nonlinearity), shape)


_ACTIVATION = [Config({}, (2, 3)), Config({}, (3,)), Config({}, (2, 1, 2, 3))]
CASES: dict[str, list[Config]] = {
    "Sigmoid": _ACTIVATION,
    "Tanh": _ACTIVATION,
    "ReLU": _ACTIVATION,
    "SELU": _ACTIVATION,
    "LeakyReLU": [Config(dict(negative_slope=0.2), (2, 3)), Config(dict(negative_slope=-0.3), (4,))],
    "Linear": [
        Config(dict(in_features=3, out_features=4, bias=True), (2, 3)),  # non-square
        Config(dict(in_features=3, out_features=3, bias=True), (2, 2, 3)),  # square, two leading axes
        Config(dict(in_features=4, out_features=2, bias=False), (4,)),  # no leading axis
    ],
    "Conv2d": [
        _conv(2, 3, (3, 3), (2, 2), (1, 1), True, (2, 2, 5, 5)),  # overlapping windows, stride, padding
        _conv(1, 2, (2, 3), (1, 2), (0, 1), False, (1, 4, 5)),  # unbatched, non-square kernel
        _conv(2, 2, (3, 2), (1, 1), (2, 0), True, (2, 2, 3, 4)),  # padding larger than the overlap
    ],
    "MaxPool2d": [
        Config(dict(kernel_size=(3, 3), stride=(1, 2), padding=(1, 1)), (2, 2, 5, 5)),  # overlapping, padded
        Config(dict(kernel_size=(2, 2), stride=None, padding=(0, 1)), (1, 3, 4, 5)),  # non-overlapping
        Config(dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)), (2, 5, 4)),  # unbatched, overlapping
    ],
    "BatchNorm1d": [
        _bn(3, (4, 3), training=True),
        _bn(2, (3, 2, 3), training=True, eps=0.1, momentum=None),
        _bn(3, (2, 3), training=False, eps=1e-3, affine=False, track=False),  # batch statistics in eval
        _bn(2, (3, 2), training=False),  # running statistics
    ],
    "BatchNorm2d": [
        _bn(2, (2, 2, 2, 3), training=True),
        _bn(3, (3, 3, 1, 2), training=False, eps=0.1, momentum=None),
    ],
    "Dropout": [
        Config(dict(p=0.5), (3, 4), training=True),
        Config(dict(p=0.2), (2, 3, 2), training=True),
        Config(dict(p=0.5), (4, 3), training=False),
        Config(dict(p=1.0), (2, 2), training=True),
    ],
    "Flatten": [
        Config(dict(start_dim=1, end_dim=-1), (2, 3, 4)),
        Config(dict(start_dim=0, end_dim=1), (2, 3, 2, 2)),
        Config(dict(start_dim=-2, end_dim=-1), (3, 2, 2)),
    ],
    "CrossEntropyLoss": [
        Config(dict(reduction="mean"), (3, 4)),
        Config(dict(reduction="sum"), (2, 3, 2)),
        Config(dict(reduction="none"), (4,)),
        Config(dict(reduction="mean"), (2, 3, 3)),
    ],
    "SigmoidFocalLoss": [
        _focal(0.25, 2.0, "mean", (3, 2), soft=False),
        _focal(-1.0, 0.5, "none", (4,), soft=True),
        _focal(0.9, 1.0, "sum", (2, 2, 2), soft=False),
    ],
    "Sequential": [
        Config(dict(in_channels=2, hidden=2, features=8, out_features=3), (2, 2, 4, 4), training=True),
        Config(dict(in_channels=1, hidden=3, features=18, out_features=2), (3, 1, 5, 6), training=False),
    ],
    "RNNCell": [
        _rnn_cell(3, 2, True, "tanh", (2, 3)),
        _rnn_cell(2, 3, False, "relu", (2,)),
        _rnn_cell(4, 4, True, "relu", (3, 4)),
    ],
}

EXTREME_CASES: dict[str, list[Config]] = {
    "Sigmoid": [Config({}, (2, 5))],
    "Tanh": [Config({}, (2, 5))],
    "SELU": [Config({}, (2, 5))],
    "CrossEntropyLoss": [Config(dict(reduction="mean"), (3, 4)), Config(dict(reduction="none"), (2, 3, 2))],
    "SigmoidFocalLoss": [_focal(0.25, 2.0, "mean", (3, 4), soft=False), _focal(-1.0, 1.0, "none", (2, 3), soft=True)],
}
"""Ops whose classic bug is an overflow: the first input is scaled so that its largest |x| is 1000.
(Focal losses with 0 < gamma < 1 are left out: their gradient is unbounded as 1 - p_t -> 0, in torch too.)"""
EXTREME = 1000.0


def _rnn(i, h, layers, nonlinearity, bias, batch_first):
    return dict(
        input_size=i, hidden_size=h, num_layers=layers, nonlinearity=nonlinearity, bias=bias, batch_first=batch_first
    )


SEQUENCE_PROBLEMS = [
    # (torch.nn.RNN kwargs, sequence length, batch size (None: unbatched), h0 given): scratch_parity.sequence's Problem
    (_rnn(3, 2, 2, "tanh", bias=True, batch_first=False), 5, 2, True),
    (_rnn(2, 3, 1, "relu", bias=True, batch_first=True), 4, 3, False),
    (_rnn(1, 2, 1, "tanh", bias=False, batch_first=False), 3, None, True),
]

OPS_CHECKED = (*CASES, "RNN")
"""Every op the zoo can check: the registry's, and the whole-sequence RNN."""


# -- results ----------------------------------------------------------------------------------------


@dataclass
class Verdict:
    op: str
    label: str
    outcomes: dict[str, str] = field(default_factory=dict)  # check -> "caught" | "passed" | "n/a"
    messages: dict[str, str] = field(default_factory=dict)  # check -> the first failure's message

    @property
    def caught(self) -> set[str]:
        return {check for check, outcome in self.outcomes.items() if outcome == "caught"}

    def explain(self) -> str:
        return "\n".join(f"--- {check}:\n{message}" for check, message in self.messages.items()) or "(nothing caught)"


def run(op: str, module, label: str | None = None) -> Verdict:
    """Every check of ``op`` on ``module`` (a namespace with the registry's class names, manual contract)."""
    impl = ManualContract(module, label=label or getattr(module, "__name__", "implementation"))
    verdict = Verdict(op, impl.label)
    for check in CHECKS:
        if not applies(check, op):
            verdict.outcomes[check] = "n/a"
            continue
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                CHECK_FUNCTIONS[check](op, impl)
        except (Exception, pytest.fail.Exception) as e:  # pytest.raises failing raises Failed, not an Exception
            verdict.outcomes[check] = "caught"
            verdict.messages[check] = f"{type(e).__name__}: {e}"
        else:
            verdict.outcomes[check] = "passed"
    return verdict


def applies(check: str, op: str) -> bool:
    if op == "RNN":
        return check == "sequence"
    return {
        "bad input": bool(OPS[op].errors),
        "extremes": op in EXTREME_CASES,
        "fresh masks": OPS[op].random_mask,
        "accumulation": _has_parameters(op),
        "sequence": False,
    }.get(check, True)


@functools.cache
def _has_parameters(op: str) -> bool:
    return any(
        any(True for _ in build(OPS[op], reference, config, dtype=torch.float64).parameters()) for config in CASES[op]
    )


def samples(op: str, dtype: str, smooth: bool = False):
    spec = OPS[op]
    for i, config in enumerate(CASES[op]):
        for seed in SEEDS:
            yield i, make_sample(spec, config, seed, dtype, smooth=smooth)


@functools.cache
def _torch_result(op: str, case: int, seed: int, dtype: str):
    """torch's result for one fixed example, computed once per process (read-only)."""
    result = TORCH.run(OPS[op], make_sample(OPS[op], CASES[op][case], seed, dtype))
    for a in (result.output, *result.grads.values(), *result.state.values()):
        if isinstance(a, np.ndarray):
            a.setflags(write=False)
    return result


def torch_result(op, case, sample):
    return _torch_result(op, case, sample.seed, sample.dtype)


# -- the generic checks -------------------------------------------------------------------------------


def check_forward(op, impl):
    spec = OPS[op]
    for dtype in DTYPES:
        for case, sample in samples(op, dtype):
            runner = impl.runner(spec, sample)
            output, state = runner.forward(), runner.state_dict()
            theirs, tol = torch_result(op, case, sample), spec.tolerances[dtype]
            assert_close(output, theirs.output, tol, "output", sample, impl)
            for key in theirs.state:
                assert_close(state[key], theirs.state[key], tol, f"state[{key!r}]", sample, impl)


def ran(result):
    """A result whose backward ran: a backward that raised raises again here (as in the suite's checks)."""
    result.require_backward()
    return result


def check_gradient(op, impl):
    spec = OPS[op]
    for dtype in DTYPES:
        for case, sample in samples(op, dtype):
            yours, theirs = ran(impl.run(spec, sample)), torch_result(op, case, sample)
            assert set(yours.grads) == set(theirs.grads), (
                f"gradients: yours {sorted(yours.grads)}, torch {sorted(theirs.grads)}"
            )
            for key, expected in theirs.grads.items():
                assert yours.grads[key] is not None, f"{op}: yours left grads[{key!r}] empty after backward"
                assert_close(yours.grads[key], expected, spec.tolerances[dtype], f"grads[{key!r}]", sample, impl)


def check_finite_differences(op, impl):
    spec = OPS[op]
    for _, sample in samples(op, "float64", smooth=True):
        result = ran(impl.run(spec, sample))
        numeric = numeric_gradients(impl.runner(spec, sample), sample.dout(result.output.shape))
        for key, expected in numeric.items():
            assert_close(
                result.grads[key], expected, FD_TOLERANCE, f"grads[{key!r}]", sample, impl, "finite differences"
            )


def check_contract(op, impl):
    spec = OPS[op]
    for dtype in DTYPES:
        for case, sample in samples(op, dtype):
            check_contract_on(spec, sample, impl, torch_result(op, case, sample))


def check_bad_inputs(op, impl):
    spec = OPS[op]
    for case in spec.errors:
        check_bad_input(spec, case, impl, "yours")


# -- the zoo's own checks ------------------------------------------------------------------------------


def check_extremes(op, impl):
    """Inputs of magnitude up to 1000: no overflow; float64 agrees with torch, float32 is finite where torch is."""
    spec = OPS[op]
    for config in EXTREME_CASES[op]:
        for seed in SEEDS:
            for dtype in DTYPES:
                sample = make_sample(spec, config, seed, dtype)
                x, *rest = sample.inputs
                x = (x * (EXTREME / np.max(np.abs(x)))).astype(dtype)
                sample = dataclasses.replace(sample, inputs=(x, *rest))
                yours, theirs = ran(impl.run(spec, sample)), TORCH.run(spec, sample)
                pairs = [("output", yours.output, theirs.output)]
                pairs += [(f"grads[{k!r}]", yours.grads[k], v) for k, v in theirs.grads.items()]
                for what, mine, expected in pairs:
                    if dtype == "float64":
                        assert_close(
                            mine, expected, spec.tolerances[dtype], f"{what} at |x| = {EXTREME:g}", sample, impl
                        )
                    else:
                        finite, expected_finite = np.isfinite(np.asarray(mine)), np.isfinite(expected)
                        assert np.array_equal(finite, expected_finite), (
                            f"{op}: {what} at |x| = {EXTREME:g} (float32) is not finite where torch's is: "
                            f"yours {np.asarray(mine)!r}, torch {expected!r}"
                        )


FRESH_MASKS = 8  # a forward and a backward ask for one or two; the rest would be drawn by a buggy layer


def check_fresh_masks(op, impl):
    """sample_mask returns the sample's mask first, then a new one at every call; torch sees the first."""
    spec = OPS[op]
    for dtype in DTYPES:
        for case, sample in samples(op, dtype):
            p = sample.config.kwargs["p"]
            fresh = [
                np.random.default_rng([sample.seed, 3, k]).random(sample.mask.shape) >= p for k in range(1, FRESH_MASKS)
            ]
            runner = impl.runner(spec, sample, masks=[sample.mask, *fresh])
            yours, theirs = ran(runner.run(sample.dout)), torch_result(op, case, sample)
            tol = spec.tolerances[dtype]
            assert_close(yours.output, theirs.output, tol, "output (fresh masks)", sample, impl)
            for key, expected in theirs.grads.items():
                assert_close(yours.grads[key], expected, tol, f"grads[{key!r}] (fresh masks)", sample, impl)


def check_accumulation(op, impl):
    """Two forward/backward passes without zero_grad: every parameter's gradient is twice one pass's."""
    spec = OPS[op]
    for _, sample in samples(op, "float64"):
        runner = impl.runner(spec, sample)
        names = set(input_names(spec))
        first = {k: np.array(g, copy=True) for k, g in ran(runner.run(sample.dout)).grads.items() if k not in names}
        second = ran(runner.run(sample.dout)).grads
        for key, once in first.items():
            assert_close(
                second[key],
                2 * once,
                TOLERANCES["float64"],
                f"grads[{key!r}] after two backward passes",
                sample,
                impl,
                "twice one pass's",
            )


def check_sequence(op, impl):
    """The whole-sequence RNN of the implementation (either contract) against torch.nn.RNN: output, h_n, dx, dh0,
    every weight's gradient."""
    for problem in SEQUENCE_PROBLEMS:
        for seed in SEEDS:
            for dtype in DTYPES:
                p = Problem(*problem, seed=seed, dtype=dtype)
                yours = impl.run_sequence(p)
                for key, expected in p.run_torch().items():
                    if expected is None:
                        continue
                    mine = np.asarray(yours[key])
                    assert mine.shape == expected.shape, f"RNN {key}: shape {mine.shape} vs torch's {expected.shape}"
                    d = discrepancy(mine, expected, SEQUENCE_TOLERANCES[dtype])
                    assert d.ok, (
                        f"RNN {key} ({dtype}) differs from torch's: max abs {d.max_abs:.3g}, max rel {d.max_rel:.3g}, "
                        f"worst at {tuple(map(int, d.worst))}; problem: {p.repro}"
                    )


CHECK_FUNCTIONS = {
    "forward": check_forward,
    "gradient": check_gradient,
    "finite differences": check_finite_differences,
    "contract": check_contract,
    "bad input": check_bad_inputs,
    "extremes": check_extremes,
    "fresh masks": check_fresh_masks,
    "accumulation": check_accumulation,
    "sequence": check_sequence,
}
