"""The vanilla RNN on the autograd engine: a cell, a stacked RNN unrolled over time, and a classifier.

torch.nn.RNNCell's and torch.nn.RNN's arguments, shapes and parameter names. There is no backward
here: unrolling the cell records the whole sequence in the graph, and ``loss.backward()`` is
backpropagation through time.
"""

import numpy as np

from scratch.autograd import functional as F
from scratch.autograd.engine import Tensor, as_tensor
from scratch.autograd.nn.layers import Linear
from scratch.autograd.nn.module import Module, Parameter
from scratch.autograd.ops import reshape, stack, transpose
from scratch.init import rnn_parameters
from scratch.kernels.backend import get_array_module
from scratch.validation import check_floating, check_nonlinearity, check_rnn_cell_input, check_rnn_input, float_dtype


class RNNCell(Module):
    """h' = tanh(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh);  x (N, I) or (I,), h like h'."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh", *, dtype=np.float32
    ):
        super().__init__()
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.nonlinearity = check_nonlinearity("RNNCell", nonlinearity)
        self.bias_ih = self.bias_hh = None  # replaced when there are biases
        for name, array in rnn_parameters(self.input_size, self.hidden_size, bias, float_dtype(dtype)).items():
            setattr(self, name, Parameter(array))

    def forward(self, x, hx=None):
        x = as_tensor(x)
        check_floating("RNNCell", x.data, self.weight_ih.dtype)
        check_rnn_cell_input(x.shape, None if hx is None else as_tensor(hx).shape, self.input_size, self.hidden_size)
        h = Tensor(get_array_module(x.data).zeros((*x.shape[:-1], self.hidden_size), x.dtype)) if hx is None else hx
        weights = (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return F.rnn_cell(x, h, *weights, nonlinearity=self.nonlinearity)


class RNN(Module):
    """Stacked Elman RNN over a sequence; see ``scratch.manual.rnn.RNN`` for the formulas and shapes.

    forward(input, hx=None) -> (output, h_n), as torch.nn.RNN (one direction, no dropout).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        *,
        dtype=np.float32,
    ):
        super().__init__()
        if int(num_layers) < 1:
            raise ValueError(f"RNN: num_layers must be at least 1, got {num_layers}")
        self.input_size, self.hidden_size, self.num_layers = int(input_size), int(hidden_size), int(num_layers)
        self.nonlinearity = check_nonlinearity("RNN", nonlinearity)
        self.bias, self.batch_first = bias, batch_first
        for layer in range(self.num_layers):
            size = self.input_size if layer == 0 else self.hidden_size
            for name, array in rnn_parameters(size, self.hidden_size, bias, float_dtype(dtype), f"_l{layer}").items():
                setattr(self, name, Parameter(array))

    def forward(self, input, hx=None):
        x = as_tensor(input)
        check_floating("RNN", x.data, self.weight_ih_l0.dtype)
        check_rnn_input(x.shape, None, self.input_size, None)
        unbatched = x.ndim == 2
        if unbatched:
            x = reshape(x, (x.shape[0], 1, x.shape[1]))
        elif self.batch_first:
            x = transpose(x, (1, 0, 2))  # (L, N, I)
        L, N = x.shape[:2]
        shape = (self.num_layers, N, self.hidden_size)
        expected_h = (self.num_layers, self.hidden_size) if unbatched else shape
        check_rnn_input(input.shape, None if hx is None else as_tensor(hx).shape, self.input_size, expected_h)
        h0 = Tensor(get_array_module(x.data).zeros(shape, x.dtype)) if hx is None else reshape(as_tensor(hx), shape)
        steps, last = [x[t] for t in range(L)], []
        for layer in range(self.num_layers):
            weights = [
                getattr(self, f"{name}_l{layer}", None) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            h = h0[layer]
            hs = []
            for x_t in steps:
                h = F.rnn_cell(x_t, h, *weights, nonlinearity=self.nonlinearity)
                hs.append(h)
            steps = hs  # the next layer's input sequence
            last.append(h)
        output, h_n = stack(steps), stack(last)  # (L, N, H), (num_layers, N, H)
        if unbatched:
            return reshape(output, (L, self.hidden_size)), reshape(h_n, (self.num_layers, self.hidden_size))
        return (transpose(output, (1, 0, 2)) if self.batch_first else output), h_n


class VanillaRNN(Module):
    """An RNN (batch_first), then Linear on the last step's hidden state: (N, L, I) -> logits (N, num_classes)."""

    def __init__(self, input_size: int, hidden_size: int, num_classes: int, num_layers: int = 1, *, dtype=np.float32):
        super().__init__()
        self.rnn = RNN(input_size, hidden_size, num_layers, batch_first=True, dtype=dtype)
        self.fc = Linear(hidden_size, num_classes, dtype=dtype)

    def forward(self, x):
        output, _ = self.rnn(x)
        return self.fc(output[:, -1])
