"""The catalogue: classic bugs of hand-written layers, each planted in one of our own layers.

A mutant is a subclass of a scratch.manual layer that overrides one method (or one step of it) with
the bug, served in a namespace that is scratch.manual with that one class replaced, so the registry
builds it like any implementation (``ManualContract(namespace)``). Nothing is monkeypatched.

Where a bug sits inside a long backward (batch norm, convolution, pooling, BPTT), the layer is first
rewritten as a *template*: scratch.manual's own computation, step by step, each step a method. A
mutant then overrides one step. ``TEMPLATES`` serves the unmutated templates; the zoo's control
checks that they pass every check, so each mutant is exactly one bug away from a correct layer.

Each entry names the check(s) that must catch it (``expected_checks``, names of ``harness.CHECKS``).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

import scratch.manual as manual
from scratch.kernels.dropout import dropout_scale
from scratch.kernels.im2col import conv_output_size, im2col
from scratch.kernels.normalization import momentum_factor
from scratch.kernels.numerics import SELU_SCALE, log_sigmoid, sigmoid
from scratch.kernels.pooling import pool_output_size
from scratch.kernels.reduction import reduce
from scratch.manual.activations import Activation
from scratch.manual.losses import _classes_back, _classes_last, reduce_backward
from scratch.validation import check_class_targets, check_floating, check_same_shape_target, loss_shape


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str  # one sentence: what the bug is
    op: str  # the registry op (or "RNN": the whole-sequence check) it is a mutant of
    make_module: Callable[[], object]  # -> a namespace with the registry's class names
    expected_checks: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Mutant({self.name!r})"


def namespace(label: str, **classes) -> SimpleNamespace:
    """scratch.manual's classes, with some replaced: what ``ManualContract`` takes as a module."""
    ns = SimpleNamespace(**{name: getattr(manual, name) for name in manual.__all__})
    for name, cls in classes.items():
        setattr(ns, name, cls)
    ns.__name__ = label
    return ns


# -- col2im with its classic mistakes, as switches --------------------------------------------------


def fold(cols, x_shape, kernel_size, stride, padding, *, accumulate=True, use_stride=True, crop_padding=True):
    """col2im (cols (N*OH*OW, C*KH*KW) -> x (N, C, H, W)), with switches that plant the classic bugs.

    ``accumulate=False``: ``=`` instead of ``+=`` (overlapping windows keep only the last one);
    ``use_stride=False``: window (oh, ow) is put back at (oh, ow) rather than (oh*SH, ow*SW);
    ``crop_padding=False``: the padded result is cropped at [0:H, 0:W] rather than [PH:PH+H, PW:PW+W].
    """
    (KH, KW), (SH, SW), (PH, PW) = kernel_size, stride, padding
    N, C, H, W = x_shape
    OH, OW = conv_output_size(H, KH, SH, PH), conv_output_size(W, KW, SW, PW)
    blocks = cols.reshape(N, OH, OW, C, KH, KW).transpose(0, 3, 4, 5, 1, 2)  # (N, C, KH, KW, OH, OW)
    padded = np.zeros((N, C, H + 2 * PH, W + 2 * PW), dtype=cols.dtype)
    sh, sw = (SH, SW) if use_stride else (1, 1)
    for kh in range(KH):
        for kw in range(KW):
            window = (slice(None), slice(None), slice(kh, kh + sh * OH, sh), slice(kw, kw + sw * OW, sw))
            if accumulate:
                padded[window] += blocks[:, :, kh, kw]
            else:
                padded[window] = blocks[:, :, kh, kw]
    top, left = (PH, PW) if crop_padding else (0, 0)
    return padded[:, :, top : top + H, left : left + W]


# -- templates: scratch.manual's computations, one overridable step at a time -------------------------


class Conv2dTemplate(manual.Conv2d):
    """Conv2d's backward as three steps: the weight's gradient, the bias's, and the fold back to dx.

    Written in the textbook row layout (cols (N*OH*OW, C*KH*KW)), where the classic bugs are easiest
    to read; scratch.manual's own backward runs the same products in the batch-last layout.
    """

    def backward(self, dout):
        x, _, unbatched = self.saved()
        x_shape, cols = x.shape, im2col(x, self.kernel_size, self.stride, self.padding)
        dout = np.asarray(dout).astype(self.dtype, copy=False)
        if unbatched:
            dout = dout[None]
        weight = self.params["weight"]
        dout2 = dout.transpose(0, 2, 3, 1).reshape(-1, dout.shape[1])  # (N*OH*OW, Cout)
        self.accumulate_grad("weight", self.grad_weight(dout2, cols, weight.shape))
        if "bias" in self.params:
            self.accumulate_grad("bias", self.grad_bias(dout))
        dx = self.fold(dout2 @ weight.reshape(weight.shape[0], -1), x_shape)
        return dx[0] if unbatched else dx

    def grad_weight(self, dout2, cols, weight_shape):
        return (dout2.T @ cols).reshape(weight_shape)

    def grad_bias(self, dout):
        return dout.sum(axis=(0, 2, 3))

    def fold(self, dcols, x_shape):
        return fold(dcols, x_shape, self.kernel_size, self.stride, self.padding)


class MaxPool2dTemplate(manual.MaxPool2d):
    """MaxPool2d with the winner of each window chosen by ``pick`` and the gradient routed by ``scatter``.

    The backward is the loop-style formulation students write: each window's dout goes to the flat
    index of its winner in the padded input, and ``np.add.at`` adds where one position wins twice.
    """

    def forward(self, x):
        out = super().forward(x)  # the checks, and the output (the max does not depend on which one wins)
        x_shape, _ = self.saved()
        H, W = x.shape[-2:]
        cols = im2col(x.reshape(-1, 1, H, W), self.kernel_size, self.stride, self.padding, pad_value=-np.inf)
        self.cache = (x_shape, self.pick(cols))
        return out

    def pick(self, cols):
        return cols.argmax(axis=1)  # the first maximum in row-major order, as torch's CPU kernel

    def backward(self, dout):
        x_shape, argmax = self.saved()
        (_, KW), (SH, SW), (PH, PW) = self.kernel_size, self.stride, self.padding
        H, W = x_shape[-2:]
        OH, OW = pool_output_size(x_shape, self.kernel_size, self.stride, self.padding)
        HP, WP = H + 2 * PH, W + 2 * PW
        row = np.arange(argmax.shape[0])
        plane, oh, ow = row // (OH * OW), (row // OW) % OH, row % OW
        kh, kw = np.divmod(argmax, KW)
        index = (plane * HP + oh * SH + kh) * WP + ow * SW + kw
        dpadded = np.zeros(math.prod(x_shape[:-2]) * HP * WP, dtype=np.asarray(dout).dtype)
        self.scatter(dpadded, index, np.asarray(dout).reshape(-1))
        return dpadded.reshape(-1, HP, WP)[:, PH : PH + H, PW : PW + W].reshape(x_shape)

    def scatter(self, target, index, values):
        np.add.at(target, index, values)


class _BatchNormSteps:
    """Batch norm's backward, step by step (see scratch.manual.batchnorm for the formulas)."""

    def backward(self, dout):
        xhat, std, axes, shape, use_batch_stats = self.saved()
        dout = np.asarray(dout).astype(self.dtype, copy=False)
        if self.affine:
            self.accumulate_grad("weight", self.grad_weight(dout, xhat, axes))
            self.accumulate_grad("bias", self.grad_bias(dout, axes))
            dxhat = dout * self.params["weight"].reshape(shape)
        else:
            dxhat = dout
        std = self.backward_std(std)
        if not use_batch_stats:
            return dxhat / std
        n = dout.size // dout.shape[1]
        mean_term = self.mean_term(dxhat.sum(axis=axes, keepdims=True))
        sum_dxhat_xhat = (dxhat * xhat).sum(axis=axes, keepdims=True)
        return (n * dxhat - mean_term - xhat * sum_dxhat_xhat) / (n * std)

    def grad_weight(self, dout, xhat, axes):
        return (dout * xhat).sum(axis=axes)

    def grad_bias(self, dout, axes):
        return dout.sum(axis=axes)

    def backward_std(self, std):
        return std  # sqrt(var + eps), as in the forward

    def mean_term(self, sum_dxhat):
        return sum_dxhat  # the gradient through the batch mean


class BatchNorm1dTemplate(_BatchNormSteps, manual.BatchNorm1d):
    pass


class BatchNorm2dTemplate(_BatchNormSteps, manual.BatchNorm2d):
    pass


class RNNTemplate(manual.RNN):
    """RNN's BPTT with its two sums as steps: the paths into h_t, and the weights' sum over time."""

    def backward(self, doutput, dh_n=None):
        layers, unbatched = self.saved()
        L, N = layers[0][0].shape[:2]
        doutput = np.asarray(doutput).astype(self.dtype, copy=False)
        if unbatched:
            doutput = doutput[:, None]
        elif self.batch_first:
            doutput = doutput.swapaxes(0, 1)
        dh_n = np.zeros((self.num_layers, N, self.hidden_size), self.dtype) if dh_n is None else dh_n
        dh_n = np.asarray(dh_n).astype(self.dtype, copy=False).reshape(self.num_layers, N, self.hidden_size)
        dh0 = np.empty_like(dh_n)
        for layer in reversed(range(self.num_layers)):
            layer_input, hs = layers[layer]
            w_ih, w_hh, b_ih, _ = self._weights(layer)
            dx = np.empty_like(layer_input)
            dw_ih, dw_hh, db = np.zeros_like(w_ih), np.zeros_like(w_hh), np.zeros(self.hidden_size, self.dtype)
            dh = dh_n[layer]
            for t in reversed(range(L)):
                dh = self.into_h(dh, doutput[t])
                dx[t], dh, dw_ih_t, dw_hh_t, db_t = _rnn_step_backward(
                    dh, layer_input[t], hs[t], hs[t + 1], w_ih, w_hh, self.nonlinearity
                )
                dw_ih, dw_hh, db = (self.over_time(a, b) for a, b in ((dw_ih, dw_ih_t), (dw_hh, dw_hh_t), (db, db_t)))
            dh0[layer] = dh
            self.accumulate_grad(f"weight_ih_l{layer}", dw_ih)
            self.accumulate_grad(f"weight_hh_l{layer}", dw_hh)
            if b_ih is not None:
                self.accumulate_grad(f"bias_ih_l{layer}", db)
                self.accumulate_grad(f"bias_hh_l{layer}", db.copy())
            doutput = dx
        if unbatched:
            return doutput[:, 0], dh0[:, 0]
        return (doutput.swapaxes(0, 1) if self.batch_first else doutput), dh0

    def into_h(self, carried, doutput_t):
        return carried + doutput_t  # the two paths into h_t: from step t + 1, and from the output at t

    def over_time(self, total, step):
        return total + step  # shared weights: their gradient is the sum over every step


def _rnn_step_backward(dh_new, x, h, h_new, weight_ih, weight_hh, nonlinearity):
    da = dh_new * (1 - h_new * h_new) if nonlinearity == "tanh" else dh_new * (h_new > 0)
    return da @ weight_ih, da @ weight_hh, da.T @ x, da.T @ h, da.sum(axis=0)


TEMPLATES = namespace(
    "zoo.templates",
    Conv2d=Conv2dTemplate,
    MaxPool2d=MaxPool2dTemplate,
    BatchNorm1d=BatchNorm1dTemplate,
    BatchNorm2d=BatchNorm2dTemplate,
    RNN=RNNTemplate,
)
"""The unmutated templates in place of scratch.manual's layers: the control says they are correct."""
TEMPLATE_OPS = ("Conv2d", "MaxPool2d", "BatchNorm1d", "BatchNorm2d", "Sequential", "RNN")


# -- the mutants ------------------------------------------------------------------------------------
# Activations


class ReLUMutatesDout(manual.ReLU):
    def df(self, x, dout):
        dout[x <= 0] = 0  # BUG: writes into the caller's array
        return dout


class LeakyReLUDefaultSlopeInBackward(manual.LeakyReLU):
    def df(self, x, dout):
        return np.where(x > 0, dout, dout * 0.01)  # BUG: the default slope, not self.negative_slope


class LeakyReLUFloat64Slope(manual.LeakyReLU):
    def df(self, x, dout):
        return dout * np.where(x > 0, 1.0, self.negative_slope)  # BUG: a float64 array of slopes


class NaiveSigmoid(manual.Sigmoid):
    def f(self, x):
        return 1 / (1 + np.exp(-x))  # BUG: exp(-x) overflows for x < -709 (float64), -88 (float32)


class SigmoidDerivativeOfX(manual.Sigmoid):
    def forward(self, x):
        return Activation.forward(self, x)  # caches x, the input

    def df(self, x, dout):
        return dout * x * (1 - x)  # BUG: y (1 - y) evaluated at x


class TanhDerivativeOfX(manual.Tanh):
    def forward(self, x):
        return Activation.forward(self, x)  # caches x, the input

    def df(self, x, dout):
        return dout * (1 - x * x)  # BUG: 1 - x**2 instead of 1 - y**2


class SELURoundedConstants(manual.SELU):
    def df(self, x, dout):
        return dout * 1.0507 * np.where(x > 0, 1.0, 1.6733 * np.exp(np.minimum(x, 0)))  # BUG: 4 decimals


class SELUBothBranches(manual.SELU):
    def f(self, x):
        return SELU_SCALE * np.where(x > 0, x, self.alpha * (np.exp(x) - 1))  # BUG: exp(x) of large x overflows


# Linear


class LinearDWeightTransposed(manual.Linear):
    def backward(self, dout):
        x = self.saved()
        dout = np.asarray(dout).astype(self.dtype, copy=False)
        x2, dout2 = x.reshape(-1, self.in_features), dout.reshape(-1, self.out_features)
        self.accumulate_grad("weight", x2.T @ dout2)  # BUG: (in, out), the transpose of dW
        if "bias" in self.params:
            self.accumulate_grad("bias", dout2.sum(axis=0))
        return dout @ self.params["weight"]


class LinearDxWithWeightT(manual.Linear):
    def backward(self, dout):
        x = self.saved()
        dout = np.asarray(dout).astype(self.dtype, copy=False)
        x2, dout2 = x.reshape(-1, self.in_features), dout.reshape(-1, self.out_features)
        self.accumulate_grad("weight", dout2.T @ x2)
        if "bias" in self.params:
            self.accumulate_grad("bias", dout2.sum(axis=0))
        return dout @ self.params["weight"].T  # BUG: weight.T (runs only when in == out)


class LinearBiasSumsFirstAxis(manual.Linear):
    def backward(self, dout):
        x = self.saved()
        dout = np.asarray(dout).astype(self.dtype, copy=False)
        x2, dout2 = x.reshape(-1, self.in_features), dout.reshape(-1, self.out_features)
        self.accumulate_grad("weight", dout2.T @ x2)
        if "bias" in self.params:
            self.accumulate_grad("bias", dout.sum(axis=0))  # BUG: only axis 0 of the unflattened dout
        return dout @ self.params["weight"]


class LinearWithoutInputCheck(manual.Linear):
    def forward(self, x):
        check_floating("Linear", x, self.dtype)  # BUG: no check of x's last axis against in_features
        self.cache = x
        y = x @ self.params["weight"].T
        return y + self.params["bias"] if "bias" in self.params else y


# Conv2d


class Conv2dCol2imAssigns(Conv2dTemplate):
    def fold(self, dcols, x_shape):
        return fold(dcols, x_shape, self.kernel_size, self.stride, self.padding, accumulate=False)


class Conv2dStrideIgnoredInBackward(Conv2dTemplate):
    def fold(self, dcols, x_shape):
        return fold(dcols, x_shape, self.kernel_size, self.stride, self.padding, use_stride=False)


class Conv2dCropIgnoresPadding(Conv2dTemplate):
    def fold(self, dcols, x_shape):
        return fold(dcols, x_shape, self.kernel_size, self.stride, self.padding, crop_padding=False)


class Conv2dWeightGradReshaped(Conv2dTemplate):
    def grad_weight(self, dout2, cols, weight_shape):
        return (cols.T @ dout2).reshape(weight_shape)  # BUG: (C*KH*KW, Cout) reshaped, not transposed


class Conv2dBiasGradMean(Conv2dTemplate):
    def grad_bias(self, dout):
        return dout.mean(axis=(0, 2, 3))  # BUG: mean instead of sum


# MaxPool2d


class MaxPoolAssignsAtOverlaps(MaxPool2dTemplate):
    def scatter(self, target, index, values):
        target[index] = values  # BUG: a repeated index keeps only the last window's gradient


class MaxPoolLastMaxAtTies(MaxPool2dTemplate):
    def pick(self, cols):
        return cols.shape[1] - 1 - cols[:, ::-1].argmax(axis=1)  # BUG: the last maximum wins ties


# BatchNorm


class BatchNormBiasedRunningVar(manual.BatchNorm1d):
    def _update_running_stats(self, mean, var, n):
        self.buffers["num_batches_tracked"] += 1
        factor = momentum_factor(self.momentum, int(self.buffers["num_batches_tracked"]))
        running_mean, running_var = self.buffers["running_mean"], self.buffers["running_var"]
        running_mean[...] = (1 - factor) * running_mean + factor * mean
        running_var[...] = (1 - factor) * running_var + factor * var  # BUG: biased, not var * n / (n - 1)


class BatchNormDBiasFirstSample(BatchNorm1dTemplate):
    def grad_bias(self, dout, axes):
        return dout[0].sum(axis=tuple(range(1, dout.ndim - 1)))  # BUG: sample 0 only, no sum over the batch


class BatchNormDWeightBatchAxisOnly(BatchNorm2dTemplate):
    def grad_weight(self, dout, xhat, axes):
        return (dout * xhat).sum(axis=0)  # BUG: (C, H, W), not summed over H and W


class BatchNormBackwardWithoutEps(BatchNorm1dTemplate):
    def backward_std(self, std):
        return np.sqrt(std * std - self.eps)  # BUG: sqrt(var), not sqrt(var + eps)


class BatchNormBackwardWithoutMeanTerm(BatchNorm2dTemplate):
    def mean_term(self, sum_dxhat):
        return 0  # BUG: forgets that the batch mean depends on x


class BatchNormEvalUsesBatchStats(manual.BatchNorm1d):
    def _uses_batch_stats(self):
        return True  # BUG: eval mode normalises with the batch's statistics, not the running ones


# Dropout


class DropoutWithoutScaling(manual.Dropout):
    def forward(self, x):
        check_floating("Dropout", x)
        if not self.training or self.p == 0.0:
            self.cache = (None,)
            return x
        scale = self.sample_mask(x.shape).astype(x.dtype)  # BUG: no 1 / (1 - p)
        self.cache = (scale,)
        return x * scale


class DropoutFreshMaskInBackward(manual.Dropout):
    def backward(self, dout):
        (scale,) = self.saved()
        if scale is None:
            return dout
        return dout * dropout_scale(self.sample_mask(dout.shape), self.p, dout.dtype)  # BUG: a new mask


class DropoutMaskInEval(manual.Dropout):
    def backward(self, dout):
        (scale,) = self.saved()
        if scale is None:  # BUG: in eval (identity forward) the backward still drops and scales
            scale = dropout_scale(self.sample_mask(dout.shape), self.p, dout.dtype)
        return dout * scale


class DropoutInPlace(manual.Dropout):
    def forward(self, x):
        check_floating("Dropout", x)
        if not self.training or self.p == 0.0:
            self.cache = (None,)
            return x
        scale = dropout_scale(self.sample_mask(x.shape), self.p, x.dtype)
        self.cache = (scale,)
        x *= scale  # BUG: overwrites the caller's input
        return x


# Flatten


class FlattenBackwardTransposes(manual.Flatten):
    def backward(self, dout):
        return dout.reshape(tuple(reversed(self.saved()))).transpose()  # BUG: right shape, wrong order


# Losses


class CrossEntropyWithoutMaxShift(manual.CrossEntropyLoss):
    def forward(self, input, target):
        check_floating("CrossEntropyLoss", input)
        target = np.asarray(target)
        check_class_targets("CrossEntropyLoss", input.shape, target)
        z, t = _classes_last(input), target.reshape(-1)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))  # BUG: exp(z) overflows for large logits
        self.cache = (logp, t, input.shape)
        return reduce(-logp[np.arange(t.shape[0]), t].reshape(loss_shape(input.shape)), self.reduction)


class CrossEntropyMeanNotDivided(manual.CrossEntropyLoss):
    def backward(self, dout=1.0):
        logp, t, input_shape = self.saved()
        M = t.shape[0]
        dloss = reduce_backward(dout, loss_shape(input_shape), 1, self.reduction, logp.dtype)  # BUG: count 1
        dz = np.exp(logp)
        dz[np.arange(M), t] -= 1
        dz *= dloss.reshape(M, 1)
        return _classes_back(dz, input_shape)


class CrossEntropyWithoutOneHot(manual.CrossEntropyLoss):
    def backward(self, dout=1.0):
        logp, t, input_shape = self.saved()
        M = t.shape[0]
        dloss = reduce_backward(dout, loss_shape(input_shape), M, self.reduction, logp.dtype)
        dz = np.exp(logp) * dloss.reshape(M, 1)  # BUG: softmax, without "- onehot(target)"
        return _classes_back(dz, input_shape)


class CrossEntropyWithoutTargetCheck(manual.CrossEntropyLoss):
    def forward(self, input, target):
        check_floating("CrossEntropyLoss", input)
        target = np.asarray(target)  # BUG: no check of the targets' dtype, shape and range
        z, t = _classes_last(input), target.reshape(-1)
        logp = z - np.max(z, axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        self.cache = (logp, t, input.shape)
        return reduce(-logp[np.arange(t.shape[0]), t].reshape(loss_shape(input.shape)), self.reduction)


class FocalGammaOnWrongFactor(manual.SigmoidFocalLoss):
    """(1 - p_t)**gamma replaced by p_t**gamma, consistently in forward and backward."""

    def forward(self, input, target):
        check_floating("SigmoidFocalLoss", input)
        target = np.asarray(target)
        check_same_shape_target("SigmoidFocalLoss", input.shape, target.shape)
        x, t = input, target.astype(input.dtype, copy=False)
        s, s_neg = sigmoid(x), sigmoid(-x)
        ce = -(t * log_sigmoid(x) + (1 - t) * log_sigmoid(-x))
        p_t = s * t + s_neg * (1 - t)
        modulator = p_t**self.gamma  # BUG: p_t, the confidence, instead of 1 - p_t
        alpha_t = self.alpha * t + (1 - self.alpha) * (1 - t) if self.alpha >= 0 else np.ones_like(x)
        self.cache = (s, s_neg, t, ce, p_t, modulator, alpha_t)
        return reduce(alpha_t * ce * modulator, self.reduction)

    def backward(self, dout=1.0):
        s, s_neg, t, ce, p_t, modulator, alpha_t = self.saved()
        dloss = reduce_backward(dout, s.shape, s.size, self.reduction, s.dtype)
        dp_t = (2 * t - 1) * s * s_neg
        dmodulator = np.zeros_like(p_t) if self.gamma == 0 else self.gamma * p_t ** (self.gamma - 1) * dp_t
        dce = s * (1 - t) - s_neg * t
        return dloss * alpha_t * (dce * modulator + ce * dmodulator)


# Recurrent


class RNNCellOverwritesGrads(manual.RNNCell):
    def accumulate_grad(self, name, grad):
        self.grads[name] = grad  # BUG: = instead of +=, so a cell reused over time keeps one step


class RNNCellDWhhFromNewState(manual.RNNCell):
    def backward(self, dh_new):
        x, h, h_new, unbatched = self.saved()
        dh_new = np.asarray(dh_new).astype(self.dtype, copy=False).reshape(h_new.shape)
        p = self.params
        dx, dh, dw_ih, _, db = _rnn_step_backward(
            dh_new, x, h, h_new, p["weight_ih"], p["weight_hh"], self.nonlinearity
        )
        da = dh_new * (1 - h_new * h_new) if self.nonlinearity == "tanh" else dh_new * (h_new > 0)
        self.accumulate_grad("weight_ih", dw_ih)
        self.accumulate_grad("weight_hh", da.T @ h_new)  # BUG: h', not the previous state h
        if "bias_ih" in p:
            self.accumulate_grad("bias_ih", db)
            self.accumulate_grad("bias_hh", db)
        return (dx[0], dh[0]) if unbatched else (dx, dh)


class RNNCellForgetsBiasHH(manual.RNNCell):
    def backward(self, dh_new):
        x, h, h_new, unbatched = self.saved()
        dh_new = np.asarray(dh_new).astype(self.dtype, copy=False).reshape(h_new.shape)
        p = self.params
        dx, dh, dw_ih, dw_hh, db = _rnn_step_backward(
            dh_new, x, h, h_new, p["weight_ih"], p["weight_hh"], self.nonlinearity
        )
        self.accumulate_grad("weight_ih", dw_ih)
        self.accumulate_grad("weight_hh", dw_hh)
        if "bias_ih" in p:
            self.accumulate_grad("bias_ih", db)  # BUG: bias_hh gets no gradient (two biases, one sum)
        return (dx[0], dh[0]) if unbatched else (dx, dh)


class RNNWithoutCarriedGradient(RNNTemplate):
    def into_h(self, carried, doutput_t):
        return doutput_t  # BUG: drops the gradient carried back from step t + 1 (and dh_n)


class RNNWeightGradAssignedOverTime(RNNTemplate):
    def over_time(self, total, step):
        return step  # BUG: = instead of +=, so only the first step's gradient is kept


# -- the catalogue ----------------------------------------------------------------------------------

FD = "finite differences"


def _mutant(name, op, cls, description, *expected):
    return Mutant(name, description, op, lambda: namespace(f"zoo.{name}", **{op: cls}), expected)


MUTANTS = [
    _mutant(
        "relu-mutates-dout",
        "ReLU",
        ReLUMutatesDout,
        "ReLU's backward zeroes dout in place (dout[x <= 0] = 0) and returns it, corrupting the caller's gradient.",
        "contract",
    ),
    _mutant(
        "leaky-relu-default-slope-in-backward",
        "LeakyReLU",
        LeakyReLUDefaultSlopeInBackward,
        "LeakyReLU's backward uses the default slope 0.01 at x < 0 instead of the layer's negative_slope.",
        "gradient",
        FD,
    ),
    _mutant(
        "leaky-relu-float64-slopes",
        "LeakyReLU",
        LeakyReLUFloat64Slope,
        "LeakyReLU's backward multiplies by np.where(x > 0, 1.0, slope), a float64 array: float32 gradients "
        "come back as float64.",
        "contract",
    ),
    _mutant(
        "sigmoid-naive-overflow",
        "Sigmoid",
        NaiveSigmoid,
        "Sigmoid computed as 1 / (1 + exp(-x)): exp overflows for very negative x.",
        "extremes",
    ),
    _mutant(
        "sigmoid-derivative-of-x",
        "Sigmoid",
        SigmoidDerivativeOfX,
        "Sigmoid caches its input and applies the derivative y * (1 - y) to x instead of to y.",
        "gradient",
        FD,
    ),
    _mutant(
        "tanh-derivative-of-x",
        "Tanh",
        TanhDerivativeOfX,
        "Tanh's derivative written 1 - x**2 instead of 1 - y**2.",
        "gradient",
        FD,
    ),
    _mutant(
        "selu-rounded-constants-in-backward",
        "SELU",
        SELURoundedConstants,
        "SELU's backward uses alpha and scale rounded to four decimals (1.6733, 1.0507), not the forward's.",
        "gradient",
        FD,
    ),
    _mutant(
        "selu-where-overflow",
        "SELU",
        SELUBothBranches,
        "SELU's forward is np.where(x > 0, x, alpha * (exp(x) - 1)): both branches are evaluated, so exp "
        "overflows for large positive x.",
        "extremes",
    ),
    _mutant(
        "linear-dweight-transposed",
        "Linear",
        LinearDWeightTransposed,
        "Linear's weight gradient is x.T @ dout, of shape (in, out): the transpose of dW (wrong values even "
        "when square).",
        "gradient",
        FD,
        "contract",
    ),
    _mutant(
        "linear-dx-weight-T",
        "Linear",
        LinearDxWithWeightT,
        "Linear's dx is dout @ weight.T instead of dout @ weight (runs only when in == out, with wrong values).",
        "gradient",
        FD,
        "contract",
    ),
    _mutant(
        "linear-bias-sum-first-axis",
        "Linear",
        LinearBiasSumsFirstAxis,
        "Linear's bias gradient sums dout over axis 0 only, so inputs with other than one leading axis get a "
        "wrongly shaped gradient.",
        "gradient",
        FD,
        "contract",
    ),
    _mutant(
        "linear-no-input-check",
        "Linear",
        LinearWithoutInputCheck,
        "Linear does not check x's last axis against in_features: a mismatch surfaces as NumPy's matmul "
        "ValueError, not a RuntimeError naming the shapes.",
        "bad input",
    ),
    _mutant(
        "conv-col2im-assigns",
        "Conv2d",
        Conv2dCol2imAssigns,
        "Conv2d's col2im uses = instead of +=, so where windows overlap only the last one's gradient is kept.",
        "gradient",
        FD,
    ),
    _mutant(
        "conv-stride-ignored-in-backward",
        "Conv2d",
        Conv2dStrideIgnoredInBackward,
        "Conv2d's backward folds window (oh, ow) back at (oh, ow) instead of (oh * stride, ow * stride).",
        "gradient",
        FD,
    ),
    _mutant(
        "conv-col2im-ignores-padding",
        "Conv2d",
        Conv2dCropIgnoresPadding,
        "Conv2d's col2im crops the padded gradient at [0:H, 0:W] instead of [PH:PH+H, PW:PW+W].",
        "gradient",
        FD,
    ),
    _mutant(
        "conv-dweight-reshaped-not-transposed",
        "Conv2d",
        Conv2dWeightGradReshaped,
        "Conv2d's weight gradient is cols.T @ dout2 (C*KH*KW, Cout) reshaped to (Cout, C, KH, KW) without "
        "the transpose.",
        "gradient",
        FD,
    ),
    _mutant(
        "conv-bias-grad-mean",
        "Conv2d",
        Conv2dBiasGradMean,
        "Conv2d's bias gradient averages dout over the batch and positions instead of summing.",
        "gradient",
        FD,
    ),
    _mutant(
        "maxpool-assigns-at-overlaps",
        "MaxPool2d",
        MaxPoolAssignsAtOverlaps,
        "MaxPool2d's backward assigns (dx[idx] = dout) instead of accumulating, so a position that wins "
        "several overlapping windows keeps one gradient.",
        "gradient",
        FD,
    ),
    _mutant(
        "maxpool-last-max-at-ties",
        "MaxPool2d",
        MaxPoolLastMaxAtTies,
        "MaxPool2d routes the gradient to the last maximum of a window at ties instead of the first (torch's "
        "CPU rule).",
        "gradient",
    ),
    _mutant(
        "batchnorm-biased-running-var",
        "BatchNorm1d",
        BatchNormBiasedRunningVar,
        "BatchNorm updates running_var with the biased batch variance instead of the unbiased one.",
        "forward",
    ),
    _mutant(
        "batchnorm-dbias-first-sample",
        "BatchNorm1d",
        BatchNormDBiasFirstSample,
        "BatchNorm's bias gradient is dout[0] (the first sample's) instead of the sum over the batch.",
        "gradient",
        FD,
    ),
    _mutant(
        "batchnorm-dweight-batch-axis-only",
        "BatchNorm2d",
        BatchNormDWeightBatchAxisOnly,
        "BatchNorm2d's weight gradient sums dout * xhat over the batch only, not over H and W: shape (C, H, W).",
        "gradient",
        FD,
        "contract",
    ),
    _mutant(
        "batchnorm-backward-without-eps",
        "BatchNorm1d",
        BatchNormBackwardWithoutEps,
        "BatchNorm's backward divides by sqrt(var) instead of the forward's sqrt(var + eps).",
        "gradient",
        FD,
    ),
    _mutant(
        "batchnorm-backward-without-mean-term",
        "BatchNorm2d",
        BatchNormBackwardWithoutMeanTerm,
        "BatchNorm's backward drops the sum(dxhat) term, the gradient through the batch mean.",
        "gradient",
        FD,
    ),
    _mutant(
        "batchnorm-eval-uses-batch-stats",
        "BatchNorm1d",
        BatchNormEvalUsesBatchStats,
        "BatchNorm in eval mode normalises with the batch's statistics instead of the running ones.",
        "forward",
        "gradient",
    ),
    _mutant(
        "dropout-without-scaling",
        "Dropout",
        DropoutWithoutScaling,
        "Dropout multiplies by the keep-mask without the 1 / (1 - p) scaling.",
        "forward",
        "gradient",
    ),
    _mutant(
        "dropout-fresh-mask-in-backward",
        "Dropout",
        DropoutFreshMaskInBackward,
        "Dropout's backward draws a fresh mask instead of reusing the forward's.",
        "fresh masks",
    ),
    _mutant(
        "dropout-mask-in-eval-backward",
        "Dropout",
        DropoutMaskInEval,
        "Dropout's backward in eval mode (an identity forward) still applies a mask and the 1 / (1 - p) scale.",
        "gradient",
        FD,
    ),
    _mutant(
        "dropout-in-place",
        "Dropout",
        DropoutInPlace,
        "Dropout's forward scales x in place (x *= scale), overwriting the caller's input.",
        "contract",
    ),
    _mutant(
        "flatten-backward-transposes",
        "Flatten",
        FlattenBackwardTransposes,
        "Flatten's backward returns dout reshaped to the reversed shape and transposed: x's shape, wrong order.",
        "gradient",
        FD,
    ),
    _mutant(
        "cross-entropy-without-max-shift",
        "CrossEntropyLoss",
        CrossEntropyWithoutMaxShift,
        "Cross-entropy's log-softmax is z - log(sum(exp(z))) without the max shift: exp overflows for large logits.",
        "extremes",
    ),
    _mutant(
        "cross-entropy-mean-not-divided",
        "CrossEntropyLoss",
        CrossEntropyMeanNotDivided,
        "Cross-entropy with reduction='mean' does not divide the gradient by the number of terms.",
        "gradient",
        FD,
    ),
    _mutant(
        "cross-entropy-without-one-hot",
        "CrossEntropyLoss",
        CrossEntropyWithoutOneHot,
        "Cross-entropy's gradient is softmax(z), forgetting to subtract onehot(target).",
        "gradient",
        FD,
    ),
    _mutant(
        "cross-entropy-no-target-check",
        "CrossEntropyLoss",
        CrossEntropyWithoutTargetCheck,
        "Cross-entropy does not check its targets: out-of-range, misshapen or float targets fail deep inside "
        "NumPy (or silently broadcast) instead of raising torch's error.",
        "bad input",
    ),
    _mutant(
        "focal-gamma-on-wrong-factor",
        "SigmoidFocalLoss",
        FocalGammaOnWrongFactor,
        "The focal loss modulates with p_t**gamma instead of (1 - p_t)**gamma (consistently in forward and backward).",
        "forward",
        "gradient",
    ),
    _mutant(
        "rnncell-overwrites-grads",
        "RNNCell",
        RNNCellOverwritesGrads,
        "RNNCell stores its parameter gradients with = instead of adding to them, so a cell reused over time "
        "keeps only the last backward's.",
        "accumulation",
    ),
    _mutant(
        "rnncell-dweight-hh-from-new-state",
        "RNNCell",
        RNNCellDWhhFromNewState,
        "RNNCell's weight_hh gradient is da.T @ h' (the new state) instead of da.T @ h (the previous one).",
        "gradient",
        FD,
    ),
    _mutant(
        "rnncell-forgets-bias-hh",
        "RNNCell",
        RNNCellForgetsBiasHH,
        "RNNCell gives the bias gradient to bias_ih only; bias_hh (the second bias) gets none.",
        "gradient",
        FD,
        "contract",
    ),
    _mutant(
        "rnn-bptt-without-carried-gradient",
        "RNN",
        RNNWithoutCarriedGradient,
        "The RNN's BPTT drops the gradient carried back from step t + 1 (dh), keeping only the output's at t.",
        "sequence",
    ),
    _mutant(
        "rnn-weight-grads-assigned-over-time",
        "RNN",
        RNNWeightGradAssignedOverTime,
        "The RNN's BPTT assigns the weight gradients (=) at every step instead of summing them over time.",
        "sequence",
    ),
]
