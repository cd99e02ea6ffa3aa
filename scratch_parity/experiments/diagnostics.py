"""The RNN's gradient norms over time, ||d loss / d h_t||, from the hand-written RNN's BPTT.

The hand-written ``scratch.manual.VanillaRNN`` records, during its backward, the norm of the gradient
reaching every hidden state (``rnn.hidden_grad_norms()``: (num_layers, L)). Here a fresh hand-written
model is loaded with given weights (from whichever implementation trained: the weights are
interchangeable), runs forward and backward of the mean cross-entropy on one test batch, and returns
those norms. Small norms at early steps are the vanishing gradient the palindrome task exposes: the
label is the first digit, read L - 1 steps before the loss.
"""

import numpy as np

from scratch_parity.experiments.registry import build_model


def rnn_hidden_grad_norms(cfg, state: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, num_classes: int):
    """(num_layers, L) array of ||d loss / d h_t^l|| for the batch (x, y) under the weights ``state``."""
    import scratch.manual

    model = build_model("manual", cfg, tuple(x.shape[1:]), num_classes)
    model.load_state_dict(state)
    loss_fn = scratch.manual.CrossEntropyLoss()
    loss_fn(model(x), y)
    model.backward(loss_fn.backward())
    return np.array(model.rnn.hidden_grad_norms())
