"""The vanilla RNN over whole sequences, as a problem any implementation can be run on beside torch.nn.RNN.

``Problem(kwargs, length, batch, with_h0, seed, dtype)`` draws torch's RNN (its state_dict is shared by
every side), an input sequence and upstream gradients for both the output and h_n; ``run_torch()``,
``run_manual(nn)`` and ``run_autograd(nn)`` return the output, h_n, dx, dh0 and every parameter's
gradient as arrays. ``rnn_problems`` is the hypothesis strategy of valid problems.
"""

import numpy as np
import torch
from hypothesis import strategies as st

import reference
import scratch.autograd.nn as autograd_nn
import scratch.manual as manual_nn
from scratch.autograd import Tensor
from scratch_parity.registry import Tolerance

# float64: the same sums in another order; float32: 30 steps of tanh and two GEMMs each, in both directions.
TOLERANCES = {"float64": Tolerance(rtol=1e-9, atol=1e-12), "float32": Tolerance(rtol=1e-4, atol=1e-5)}


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
