"""The vanilla RNN over whole sequences: hand-written BPTT and the autograd engine against torch.nn.RNN.

For sequence lengths 1 to 30, the output, h_n, dx, dh0 and every parameter gradient agree with torch:
float64 to 1e-9 (relative, element by element, with an absolute floor of 1e-12), float32 to the
tolerance stated below. The upstream gradients are random for both the output and h_n. The
hand-written BPTT is also checked against central differences (float64), and its per-step gradient
norms against torch's gradients of the unrolled hidden states.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import reference
import scratch.autograd.nn as autograd_nn
import scratch.manual as manual_nn
from scratch.autograd import Tensor
from tests.checks import discrepancy
from tests.registry import FD_STEP, FD_TOLERANCE, Tolerance
from tests.strategies import SEEDS

# float64: the same sums in another order; float32: 30 steps of tanh and two GEMMs each, in both directions.
TOLERANCES = {"float64": Tolerance(rtol=1e-9, atol=1e-12), "float32": Tolerance(rtol=1e-4, atol=1e-5)}
IMPLS = ["scratch.manual", "scratch.autograd.nn"]


@st.composite
def rnn_problems(draw, max_length: int = 30):
    """A torch.nn.RNN configuration, an input sequence's shape, and whether h0 is given."""
    kwargs = dict(
        input_size=draw(st.integers(1, 4), label="input_size"),
        hidden_size=draw(st.integers(1, 4), label="hidden_size"),
        num_layers=draw(st.integers(1, 2), label="num_layers"),
        nonlinearity=draw(st.sampled_from(["tanh", "relu"]), label="nonlinearity"),
        bias=draw(st.booleans(), label="bias"),
        batch_first=draw(st.booleans(), label="batch_first"),
    )
    length = draw(st.integers(1, max_length), label="sequence length")
    batch = draw(st.one_of(st.none(), st.integers(1, 3)), label="batch size (None: unbatched)")
    return kwargs, length, batch, draw(st.booleans(), label="h0 given")


class Problem:
    """One drawn problem: torch's RNN (float64) with its state_dict, inputs and upstream gradients."""

    def __init__(self, kwargs, length, batch, with_h0, seed, dtype):
        self.kwargs, self.dtype = kwargs, dtype
        rng = np.random.default_rng(seed)
        torch.manual_seed(seed % 2**31)
        self.torch = reference.RNN(**kwargs, dtype=torch.float64)
        self.state = {k: v.detach().numpy().astype(dtype) for k, v in self.torch.state_dict().items()}
        self.torch = self.torch.to(getattr(torch, dtype))
        H, layers = kwargs["hidden_size"], kwargs["num_layers"]
        if batch is None:
            x_shape, h_shape, out_shape = (length, kwargs["input_size"]), (layers, H), (length, H)
        else:
            lead = (batch, length) if kwargs["batch_first"] else (length, batch)
            x_shape, h_shape, out_shape = (*lead, kwargs["input_size"]), (layers, batch, H), (*lead, H)
        self.x = rng.standard_normal(x_shape).astype(dtype)
        self.h0 = (rng.standard_normal(h_shape) * 0.5).astype(dtype) if with_h0 else None
        self.doutput, self.dh_n = (
            rng.standard_normal(out_shape).astype(dtype),
            rng.standard_normal(h_shape).astype(dtype),
        )
        self.repro = f"Problem({kwargs!r}, {length}, {batch}, {with_h0}, seed={seed}, dtype={dtype!r})"

    def run_torch(self) -> dict:
        x = torch.tensor(self.x, requires_grad=True)
        h0 = None if self.h0 is None else torch.tensor(self.h0, requires_grad=True)
        output, h_n = self.torch(x, h0)
        (torch.sum(output * torch.from_numpy(self.doutput)) + torch.sum(h_n * torch.from_numpy(self.dh_n))).backward()
        result = {"output": output, "h_n": h_n, "dx": x.grad, "dh0": None if h0 is None else h0.grad}
        result.update((f"grad {k}", p.grad) for k, p in self.torch.named_parameters())
        return {k: None if v is None else v.detach().numpy() for k, v in result.items()}

    def run(self, impl: str) -> dict:
        return self.run_manual() if impl == "scratch.manual" else self.run_autograd()

    def run_manual(self, nn=manual_nn) -> dict:
        rnn = nn.RNN(**self.kwargs, dtype=np.dtype(self.dtype))
        rnn.load_state_dict(self.state)
        output, h_n = rnn(self.x, self.h0)
        dx, dh0 = rnn.backward(self.doutput, self.dh_n)
        result = {"output": output, "h_n": h_n, "dx": dx, "dh0": None if self.h0 is None else dh0}
        result.update((f"grad {k}", p.grad) for k, p in rnn.named_parameters())
        return result

    def run_autograd(self, nn=autograd_nn) -> dict:
        rnn = nn.RNN(**self.kwargs, dtype=np.dtype(self.dtype))
        rnn.load_state_dict(self.state)
        x = Tensor(self.x.copy(), requires_grad=True)
        h0 = None if self.h0 is None else Tensor(self.h0.copy(), requires_grad=True)
        output, h_n = rnn(x, h0)
        ((output * Tensor(self.doutput)).sum() + (h_n * Tensor(self.dh_n)).sum()).backward()
        result = {
            "output": output.data,
            "h_n": h_n.data,
            "dx": x.grad.data,
            "dh0": None if h0 is None else h0.grad.data,
        }
        result.update((f"grad {k}", p.grad.data) for k, p in rnn.named_parameters())
        return result


@pytest.mark.parametrize("implementation", IMPLS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@given(problem=rnn_problems(), seed=SEEDS)
def test_sequence_forward_and_bptt_match_torch(implementation, dtype, problem, seed, parity):
    impl = implementation
    p = Problem(*problem, seed=seed, dtype=dtype)
    yours, theirs = p.run(impl), p.run_torch()
    assert set(yours) == set(theirs), f"yours has {sorted(yours)}, torch {sorted(theirs)}"
    with parity.measure("RNN (sequence)", impl, "forward and BPTT vs torch", dtype):
        for key, expected in theirs.items():
            if expected is None:
                continue
            assert yours[key].shape == expected.shape, f"{key}: shape {yours[key].shape} (yours) vs {expected.shape}"
            assert yours[key].dtype == np.dtype(dtype), f"{key} is {yours[key].dtype}, expected {dtype}"
            d = discrepancy(yours[key], expected, TOLERANCES[dtype])
            parity.add(d)
            assert d.ok, (
                f"{key} differs between yours ({impl}) and torch: max abs {d.max_abs:.3g}, max rel {d.max_rel:.3g}, "
                f"worst at {d.worst}\nReproduce: from tests.test_rnn import Problem; p = {p.repro}; "
                f"print(p.run({impl!r})[{key!r}], p.run_torch()[{key!r}])"
            )


@settings(max_examples=max(3, settings.default.max_examples // 4))
@given(problem=rnn_problems(max_length=6), seed=SEEDS)
def test_hand_written_bptt_against_finite_differences(problem, seed, parity):
    """d(sum(output * doutput) + sum(h_n * dh_n)) by central differences (float64), for x, h0 and every weight."""
    kwargs, length, batch, _ = problem
    p = Problem(kwargs, length, batch, True, seed=seed, dtype="float64")
    rnn = manual_nn.RNN(**kwargs, dtype=np.float64)
    rnn.load_state_dict(p.state)
    rnn(p.x, p.h0)
    dx, dh0 = rnn.backward(p.doutput, p.dh_n)
    analytic = {"x": dx, "h0": dh0, **{name: param.grad for name, param in rnn.named_parameters()}}
    arrays = {"x": p.x, "h0": p.h0, **{name: param.data for name, param in rnn.named_parameters()}}

    def loss():
        out, hn = rnn(p.x, p.h0)
        return float(np.sum(out * p.doutput) + np.sum(hn * p.dh_n))

    with parity.measure("RNN (sequence)", "scratch.manual", "finite differences", "float64"):
        for name, a in arrays.items():
            numeric = np.zeros(a.shape)
            for i in np.ndindex(a.shape):
                old = a[i]
                a[i] = old + FD_STEP
                plus = loss()
                a[i] = old - FD_STEP
                minus = loss()
                a[i] = old
                numeric[i] = (plus - minus) / (2 * FD_STEP)
            d = discrepancy(analytic[name], numeric, FD_TOLERANCE)
            parity.add(d)
            assert d.ok, f"BPTT gradient of {name} vs finite differences: max abs {d.max_abs:.3g}; {p.repro}"


@given(seed=SEEDS, length=st.integers(1, 30))
def test_gradient_norms_over_time_match_torchs_unrolled_hidden_states(seed, length):
    """||d loss / d h_t|| from the hand-written BPTT equals torch's, with the cell unrolled and each h_t retained."""
    rng = np.random.default_rng(seed)
    cell = torch.nn.RNNCell(2, 3, dtype=torch.float64)
    x, doutput = rng.standard_normal((length, 2, 2)), rng.standard_normal((length, 2, 3))
    h, hs = torch.zeros(2, 3, dtype=torch.float64), []
    for t in range(length):
        h = reference.rnn_cell(torch.from_numpy(x[t]), h, *cell.parameters())
        h.retain_grad()
        hs.append(h)
    sum(torch.sum(h * torch.from_numpy(d)) for h, d in zip(hs, doutput, strict=True)).backward()
    rnn = manual_nn.RNN(2, 3, dtype=np.float64)
    rnn.load_state_dict({f"{k}_l0": v.detach().numpy() for k, v in cell.state_dict().items()})
    rnn(x)
    rnn.backward(doutput)
    expected = [torch.linalg.norm(h.grad).item() for h in hs]
    np.testing.assert_allclose(rnn.hidden_grad_norms()[0], expected, rtol=1e-10)


def test_the_torch_ops_cell_is_torchs_cell():
    cell = torch.nn.RNNCell(3, 4, dtype=torch.float64)
    x, h = torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    torch.testing.assert_close(reference.rnn_cell(x, h, *cell.parameters()), cell(x, h), rtol=1e-14, atol=0)


@pytest.mark.parametrize("num_layers", [1, 2])
def test_vanilla_rnn_classifier_three_ways(num_layers):
    """One state_dict in all three VanillaRNNs: the same logits and parameter gradients (float64)."""
    torch.manual_seed(0)
    theirs = reference.VanillaRNN(3, 5, 4, num_layers, dtype=torch.float64)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    manual, autograd = (
        manual_nn.VanillaRNN(3, 5, 4, num_layers, dtype=np.float64),
        autograd_nn.VanillaRNN(3, 5, 4, num_layers, dtype=np.float64),
    )
    manual.load_state_dict(state)
    autograd.load_state_dict(state)
    rng = np.random.default_rng(0)
    x, dlogits = rng.standard_normal((2, 7, 3)), rng.standard_normal((2, 4))
    tlogits = theirs(torch.from_numpy(x))
    tlogits.backward(torch.from_numpy(dlogits))
    mlogits = manual(x)
    manual.backward(dlogits)
    alogits = autograd(Tensor(x))
    alogits.backward(dlogits)
    for name, logits in (("manual", mlogits), ("autograd", alogits.data)):
        np.testing.assert_allclose(logits, tlogits.detach().numpy(), rtol=1e-10, err_msg=f"{name} logits")
    for (name, tp), (_, mp), (_, ap) in zip(
        theirs.named_parameters(), manual.named_parameters(), autograd.named_parameters(), strict=True
    ):
        np.testing.assert_allclose(mp.grad, tp.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=f"manual {name}")
        np.testing.assert_allclose(ap.grad.data, tp.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=f"autograd {name}")


def test_bad_sequences_are_refused_as_torch_refuses_them():
    for nn in (manual_nn, autograd_nn):
        rnn = nn.RNN(3, 4, dtype=np.float64)
        with pytest.raises(RuntimeError, match="Expected 3, got 5"):
            rnn(np.zeros((2, 2, 5)))
        with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]"):
            rnn(np.zeros((2, 2, 3)), np.zeros((1, 3, 4)))
        with pytest.raises(ValueError, match=r"\[2, 2, 2, 3\]"):
            rnn(np.zeros((2, 2, 2, 3)))
