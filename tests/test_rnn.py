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
from scratch_parity.checks import discrepancy
from scratch_parity.registry import FD_STEP, FD_TOLERANCE
from scratch_parity.sequence import TOLERANCES, Problem, rnn_problems
from scratch_parity.strategies import SEEDS

IMPLS = ["scratch.manual", "scratch.autograd.nn"]


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
                f"worst at {d.worst}\nReproduce: from scratch_parity.sequence import Problem; p = {p.repro}; "
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
