"""The vanilla (Elman) RNN by hand: one cell, a stacked RNN with backpropagation through time, and a classifier.

torch's names, shapes and initialisation throughout, so torch.nn.RNNCell and torch.nn.RNN are the
reference and one state_dict loads into every implementation. The step itself (forward and backward)
is ``scratch.kernels.rnn``, shared with the autograd engine's cell.
"""

import numpy as np

from scratch.init import rnn_parameters
from scratch.kernels.backend import get_array_module
from scratch.kernels.rnn import rnn_cell_backward, rnn_cell_forward
from scratch.manual.linear import Linear
from scratch.manual.module import Module
from scratch.validation import (
    check_floating,
    check_nonlinearity,
    check_rnn_cell_input,
    check_rnn_input,
    float_dtype,
    fmt_shape,
)


class RNNCell(Module):
    """h' = tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh), one time step, as torch.nn.RNNCell.

    Shapes: x (N, I) or unbatched (I,); h (N, H) or (H,), zeros when not given; h' like h.
    ``backward(dh')`` returns ``(dx, dh)``: the gradients of the input and of the previous hidden
    state (the one an unrolled network passes on to the step before); parameter gradients accumulate.
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh", *, dtype=np.float32
    ):
        super().__init__()
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.nonlinearity = check_nonlinearity("RNNCell", nonlinearity)
        self.dtype = float_dtype(dtype)
        self.params.update(rnn_parameters(self.input_size, self.hidden_size, bias, self.dtype))

    def forward(self, x, hx=None):
        check_floating("RNNCell", x, self.dtype)
        check_rnn_cell_input(x.shape, None if hx is None else hx.shape, self.input_size, self.hidden_size)
        unbatched = x.ndim == 1
        x = x.reshape(-1, self.input_size)
        xp = get_array_module(x)
        h = xp.zeros((x.shape[0], self.hidden_size), self.dtype) if hx is None else hx.reshape(x.shape[0], -1)
        p = self.params
        h_new = rnn_cell_forward(
            x, h, p["weight_ih"], p["weight_hh"], p.get("bias_ih"), p.get("bias_hh"), self.nonlinearity
        )
        self.cache = (x, h, h_new, unbatched)
        return h_new[0] if unbatched else h_new

    def backward(self, dh_new):
        x, h, h_new, unbatched = self.saved()
        dh_new = get_array_module(h_new).asarray(dh_new, dtype=self.dtype).reshape(h_new.shape)
        p = self.params
        dx, dh, dw_ih, dw_hh, db = rnn_cell_backward(
            dh_new, x, h, h_new, p["weight_ih"], p["weight_hh"], self.nonlinearity
        )
        self.accumulate_grad("weight_ih", dw_ih)
        self.accumulate_grad("weight_hh", dw_hh)
        if "bias_ih" in p:
            self.accumulate_grad("bias_ih", db)
            self.accumulate_grad("bias_hh", db)
        return (dx[0], dh[0]) if unbatched else (dx, dh)

    def extra_repr(self) -> str:
        bias = "bias_ih" in self.params
        return f"{self.input_size}, {self.hidden_size}, bias={bias}, nonlinearity={self.nonlinearity!r}"


class RNN(Module):
    """A stack of ``num_layers`` Elman RNN layers over a sequence, as torch.nn.RNN (one direction, no dropout).

        h_t^l = tanh(x_t^l @ W_ih^l.T + b_ih^l + h_{t-1}^l @ W_hh^l.T + b_hh^l),  x_t^0 = x_t,  x_t^l = h_t^(l-1)

    Shapes: input (L, N, I), (N, L, I) when ``batch_first``, or unbatched (L, I);
    h0 (num_layers, N, H) or (num_layers, H), zeros when not given.
    Returns (output, h_n): output (L, N, H) (batch_first: (N, L, H)), the top layer's h_t for every t;
    h_n (num_layers, N, H), every layer's last hidden state.

    ``backward(doutput, dh_n=None)`` returns ``(dx, dh0)``: backpropagation through time. For each
    layer from the top, and t from L-1 down to 0, the gradient reaching h_t is the sum of two paths:
        dh_t = doutput_t + dh_t(from step t+1),   then one cell backward gives dx_t and dh_{t-1};
    the layer's dx_t is the doutput of the layer below, and W_ih, W_hh, b collect the sum over t.
    NOTE: the weights are shared by every step, so their gradient is a sum over time: accumulating
    (+=) over t is essential; keeping only the last step's gradient is a classic bug.
    After a backward, ``hidden_grad_norms()`` gives ||d loss / d h_t|| for every layer and step.
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
        self.dtype = float_dtype(dtype)
        for layer in range(self.num_layers):
            size = self.input_size if layer == 0 else self.hidden_size
            self.params.update(rnn_parameters(size, self.hidden_size, bias, self.dtype, suffix=f"_l{layer}"))
        self.grad_norms = None

    def _weights(self, layer: int):
        p = self.params
        return tuple(p.get(f"{name}_l{layer}") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def forward(self, input, hx=None):
        check_floating("RNN", input, self.dtype)
        check_rnn_input(input.shape, None, self.input_size, None)
        unbatched = input.ndim == 2
        x = input[:, None] if unbatched else (input.swapaxes(0, 1) if self.batch_first else input)  # (L, N, I)
        L, N = x.shape[:2]
        expected_h = (self.num_layers, self.hidden_size) if unbatched else (self.num_layers, N, self.hidden_size)
        check_rnn_input(input.shape, None if hx is None else hx.shape, self.input_size, expected_h)
        xp = get_array_module(x)
        h0 = (
            xp.zeros((self.num_layers, N, self.hidden_size), self.dtype)
            if hx is None
            else hx.reshape(self.num_layers, N, -1)
        )
        layers, layer_input = [], x
        for layer in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = self._weights(layer)
            hs = [h0[layer]]  # hs[t + 1] is h_t; hs[0] is h0
            for t in range(L):
                hs.append(rnn_cell_forward(layer_input[t], hs[-1], w_ih, w_hh, b_ih, b_hh, self.nonlinearity))
            hs = xp.stack(hs)  # (L + 1, N, H)
            layers.append((layer_input, hs))
            layer_input = hs[1:]
        self.cache = (layers, unbatched)
        h_n = xp.stack([hs[-1] for _, hs in layers])
        output = layer_input
        if unbatched:
            return output[:, 0], h_n[:, 0]
        return (output.swapaxes(0, 1) if self.batch_first else output), h_n

    def backward(self, doutput, dh_n=None):
        layers, unbatched = self.saved()
        L, N = layers[0][0].shape[:2]
        xp = get_array_module(layers[0][0])
        doutput = xp.asarray(doutput, dtype=self.dtype)
        if unbatched:
            doutput = doutput[:, None]
        elif self.batch_first:
            doutput = doutput.swapaxes(0, 1)
        dh_n = xp.zeros((self.num_layers, N, self.hidden_size), self.dtype) if dh_n is None else dh_n
        dh_n = xp.asarray(dh_n, dtype=self.dtype).reshape(self.num_layers, N, self.hidden_size)
        if doutput.shape != (L, N, self.hidden_size):
            raise ValueError(f"RNN.backward: doutput of size {fmt_shape(doutput.shape)} does not match the output")
        dh0 = xp.empty_like(dh_n)
        self.grad_norms = np.zeros((self.num_layers, L))
        for layer in reversed(range(self.num_layers)):
            layer_input, hs = layers[layer]
            w_ih, w_hh, b_ih, _ = self._weights(layer)
            dx = xp.empty_like(layer_input)
            dw_ih, dw_hh, db = xp.zeros_like(w_ih), xp.zeros_like(w_hh), xp.zeros(self.hidden_size, self.dtype)
            dh = dh_n[layer]
            for t in reversed(range(L)):
                dh = dh + doutput[t]  # the two paths into h_t: the output at t, and step t + 1
                self.grad_norms[layer, t] = float(xp.linalg.norm(dh))
                dx[t], dh, dw_ih_t, dw_hh_t, db_t = rnn_cell_backward(
                    dh, layer_input[t], hs[t], hs[t + 1], w_ih, w_hh, self.nonlinearity
                )
                dw_ih += dw_ih_t
                dw_hh += dw_hh_t
                db += db_t
            dh0[layer] = dh
            self.accumulate_grad(f"weight_ih_l{layer}", dw_ih)
            self.accumulate_grad(f"weight_hh_l{layer}", dw_hh)
            if b_ih is not None:
                self.accumulate_grad(f"bias_ih_l{layer}", db)
                self.accumulate_grad(f"bias_hh_l{layer}", db.copy())
            doutput = dx  # the layer below receives this layer's input gradient
        if unbatched:
            return doutput[:, 0], dh0[:, 0]
        return (doutput.swapaxes(0, 1) if self.batch_first else doutput), dh0

    def hidden_grad_norms(self) -> np.ndarray:
        """||d loss / d h_t^l|| (over the batch and hidden units) from the last backward: (num_layers, L).

        Shrinking towards small t shows vanishing gradients; growing shows exploding ones.
        """
        if self.grad_norms is None:
            raise RuntimeError("RNN.hidden_grad_norms: call backward first")
        return self.grad_norms

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"nonlinearity={self.nonlinearity!r}, bias={self.bias}, batch_first={self.batch_first}"
        )


class VanillaRNN(Module):
    """The seed course's sequence classifier: an RNN, then Linear on the last time step's hidden state.

    input (N, L, I) (batch_first) -> logits (N, num_classes);  logits = fc(output[:, -1]).
    Backward: d logits -> d fc -> d output at the last step only (zeros elsewhere) -> BPTT.
    """

    def __init__(self, input_size: int, hidden_size: int, num_classes: int, num_layers: int = 1, *, dtype=np.float32):
        super().__init__()
        self.rnn = RNN(input_size, hidden_size, num_layers, batch_first=True, dtype=dtype)
        self.fc = Linear(hidden_size, num_classes, dtype=dtype)

    def children(self) -> dict[str, Module]:
        return {"rnn": self.rnn, "fc": self.fc}

    def forward(self, x):
        output, _ = self.rnn(x)
        self.cache = output.shape
        return self.fc(output[:, -1])

    def backward(self, dlogits):
        doutput = get_array_module(self.fc.params["weight"]).zeros(self.saved(), self.rnn.dtype)
        doutput[:, -1] = self.fc.backward(dlogits)
        dx, _ = self.rnn.backward(doutput)
        return dx
