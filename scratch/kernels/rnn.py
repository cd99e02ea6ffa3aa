"""One step of the vanilla (Elman) RNN, forward and backward, shared by the hand-written cell and RNN.

Shapes: x (N, I), h (N, H), weight_ih (H, I), weight_hh (H, H), biases (H,).
    a  = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh            (N, H), the pre-activation
    h' = tanh(a)   (or relu(a))
Backward, from dh' = d(loss)/d(h'):
    da = dh' * (1 - h'**2)   (relu: dh' * (h' > 0))
    dx = da @ W_ih     dh = da @ W_hh     dW_ih = da.T @ x     dW_hh = da.T @ h     db_ih = db_hh = da.sum(0)
NOTE: both derivatives are written through the output h', so backward needs no copy of a.
"""

from scratch.kernels.backend import get_array_module

NONLINEARITIES = ("tanh", "relu")


def rnn_cell_forward(x, h, weight_ih, weight_hh, bias_ih, bias_hh, nonlinearity: str = "tanh"):
    xp = get_array_module(x)
    a = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        a += bias_ih + bias_hh
    return xp.tanh(a) if nonlinearity == "tanh" else xp.maximum(a, a.dtype.type(0))


def rnn_cell_backward(dh_new, x, h, h_new, weight_ih, weight_hh, nonlinearity: str = "tanh"):
    """(dx, dh, dW_ih, dW_hh, db) for one step; db is the gradient of each bias."""
    if nonlinearity == "tanh":
        da = dh_new * (1 - h_new * h_new)
    else:
        da = dh_new * (h_new > 0)
    return da @ weight_ih, da @ weight_hh, da.T @ x, da.T @ h, da.sum(axis=0)
