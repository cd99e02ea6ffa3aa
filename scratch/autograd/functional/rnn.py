"""One step of the vanilla RNN, composed of linear and tanh: the graph gives its backward, and BPTT."""

from scratch.autograd.functional.activations import relu, tanh
from scratch.autograd.functional.linear import linear


def rnn_cell(input, hx, weight_ih, weight_hh, bias_ih=None, bias_hh=None, nonlinearity: str = "tanh"):
    """h' = tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)  (or relu);  x (N, I), h (N, H) -> h' (N, H).

    Unrolled over a sequence, each step adds to the graph, and one backward from the loss is
    backpropagation through time: compare the hand-written loop in ``scratch.manual.rnn``.
    """
    a = linear(input, weight_ih, bias_ih) + linear(hx, weight_hh, bias_hh)
    return tanh(a) if nonlinearity == "tanh" else relu(a)
