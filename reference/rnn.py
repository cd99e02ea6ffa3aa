"""The vanilla RNN in torch: torch.nn.RNNCell and torch.nn.RNN are the twins; the cell is also written
out here in torch ops, to show the formula, and the classifier is built from torch.nn.RNN."""

import torch
import torch.nn.functional as F
from torch import nn


def rnn_cell(input, hx, weight_ih, weight_hh, bias_ih=None, bias_hh=None, nonlinearity: str = "tanh"):
    """h' = tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh): what torch.nn.RNNCell computes, in torch ops."""
    a = F.linear(input, weight_ih, bias_ih) + F.linear(hx, weight_hh, bias_hh)
    return torch.tanh(a) if nonlinearity == "tanh" else torch.relu(a)


class VanillaRNN(nn.Module):
    """An RNN (batch_first), then Linear on the last step's hidden state: (N, L, I) -> logits (N, num_classes)."""

    def __init__(self, input_size: int, hidden_size: int, num_classes: int, num_layers: int = 1, *, dtype=None):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True, dtype=dtype)
        self.fc = nn.Linear(hidden_size, num_classes, dtype=dtype)

    def forward(self, x):
        output, _ = self.rnn(x)
        return self.fc(output[:, -1])
