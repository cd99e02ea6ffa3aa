"""Which code each op page shows, by file and object name (data for ``op_pages``; no ``generate`` here).

Every object is pulled into the page by ``literalinclude`` with ``:pyobject:``, so renaming or
deleting one fails the strict (``-W``) build instead of leaving a stale copy. Paths are relative
to the repository root. The torch side names the torch class (its constructor's signature is read
from torch at build time) and, where ``reference/`` writes the twin itself, that code.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    """Objects of one file, shown in this order."""

    path: str
    objects: tuple[str, ...]


def code(path: str, *objects: str) -> Code:
    return Code(path, objects)


@dataclass(frozen=True)
class Part:
    """Markdown, then code blocks."""

    text: str = ""
    code: tuple[Code, ...] = ()


@dataclass(frozen=True)
class Torch:
    cls: str | None
    """The torch.nn class of the twin (``None`` when torch has none); its signature is printed."""
    call: str
    """A few lines of Python: how the twin is called (torch's own API, so it is written out here)."""
    backward: str
    """How torch gets the gradient."""
    twin: tuple[Code, ...] = ()
    """The twin's code, when ``reference/`` writes it instead of re-exporting torch's layer."""


@dataclass(frozen=True)
class OpSources:
    manual_forward: Part
    manual_backward: Part
    autograd_forward: Part
    autograd_backward: Part
    torch: Torch
    forward_kernels: tuple[Code, ...] = ()
    backward_kernels: tuple[Code, ...] = ()
    kernels_text: str = "Array code that the hand-written and the autograd versions share, from `scratch/kernels/`:"
    extra: Part = field(default_factory=Part)
    """Shown after the math, before the tabs (the registry's test network, for Sequential)."""


MANUAL_ACT = "scratch/manual/activations.py"
AUTOGRAD_ACT = "scratch/autograd/functional/activations.py"
NN_LAYERS = "scratch/autograd/nn/layers.py"
NUMERICS = "scratch/kernels/numerics.py"
OPS = "scratch/autograd/ops.py"
ENGINE = "scratch/autograd/engine.py"

ACTIVATION_PLUMBING = (
    "Every hand-written activation shares `Activation`'s `forward` and `backward`: the check, the cache, "
    "then its own `f` and `df`."
)
TORCH_NATIVE = (
    "torch's autograd differentiates `{fn}` with the derivative formulas that its C++ core (ATen) registers "
    "for the operators it runs; the parity table below compares those gradients with both scratch versions, "
    "and with finite differences."
)
TORCH_COMPOSED = (
    "`{fn}` is written with torch ops; torch's autograd records them and applies each one's derivative, "
    "as the scratch engine does for a composed function."
)
COMPOSED = (
    "No backward is written for `{fn}`: it is composed of Functions, and the engine walks the recorded "
    "graph newest-first, calling each Function's own backward. These are the ones that matter here:"
)


def activation(name: str, function: str, function_class: str, *, kernel: str | None = None, own_forward=False):
    """The pages of the element-wise activations look alike: ``Activation`` plumbing plus ``f`` and ``df``."""
    manual_fwd = ("Activation.forward", *([f"{name}.forward"] if own_forward else []), f"{name}.f")
    torch_fn = {"ReLU": "torch.relu", "LeakyReLU": "torch.nn.functional.leaky_relu"}.get(
        name, f"torch.{name.lower()}" if name != "SELU" else "torch.selu"
    )
    return OpSources(
        manual_forward=Part(ACTIVATION_PLUMBING, (code(MANUAL_ACT, *manual_fwd),)),
        manual_backward=Part("", (code(MANUAL_ACT, "Activation.backward", f"{name}.df"),)),
        autograd_forward=Part(
            "The module calls the functional, which checks the input and applies one Function:",
            (
                code(NN_LAYERS, name),
                code(AUTOGRAD_ACT, function, "floating", f"{function_class}.forward"),
            ),
        ),
        autograd_backward=Part(
            "The backward is written with Tensor ops, so it is itself recorded and can be differentiated again:",
            (code(AUTOGRAD_ACT, f"{function_class}.backward"),),
        ),
        torch=Torch(
            f"torch.nn.{name}",
            f"y = torch.nn.{name}()(x)\ny = {torch_fn}(x)  # the same, as a function",
            TORCH_NATIVE.format(fn=torch_fn),
        ),
        forward_kernels=(code(NUMERICS, kernel),) if kernel else (),
    )


def batchnorm(name: str, layout: str) -> OpSources:
    """BatchNorm1d and BatchNorm2d share their code; only torch's class and the input layout differ."""
    return OpSources(
        manual_forward=Part(
            "`BatchNorm1d` and `BatchNorm2d` differ only in the input layouts they accept; `_BatchNorm` does the work.",
            (code("scratch/manual/batchnorm.py", "_BatchNorm.forward", "_BatchNorm._update_running_stats"),),
        ),
        manual_backward=Part(
            "The formula derived above, written out:", (code("scratch/manual/batchnorm.py", "_BatchNorm.backward"),)
        ),
        autograd_forward=Part(
            "The module keeps the running statistics and calls the functional:",
            (code(NN_LAYERS, "_BatchNorm.forward"), code("scratch/autograd/functional/batchnorm.py", "batch_norm")),
        ),
        autograd_backward=Part(
            COMPOSED.format(fn="batch_norm") + " subtraction, the product that squares, the power $0.5$ (the "
            "square root), division, and the sum inside each mean (a mean is a sum times 1/count).",
            (code(OPS, "Sub", "Mul", "Pow", "Div", "Sum"),),
        ),
        torch=Torch(
            f"torch.nn.{name}",
            f"layer = torch.nn.{name}(num_features, eps=1e-5, momentum=0.1)  # {layout}\n"
            "y = layer(x)\n"
            "y = torch.nn.functional.batch_norm(  # the same, in training mode\n"
            "    x, layer.running_mean, layer.running_var, layer.weight, layer.bias, training=True\n"
            ")",
            TORCH_NATIVE.format(fn="torch.nn.functional.batch_norm"),
        ),
        forward_kernels=(code("scratch/kernels/normalization.py", "momentum_factor", "update_running_stats"),),
    )


SOURCES = {
    "Sigmoid": activation("Sigmoid", "sigmoid", "Sigmoid", kernel="sigmoid", own_forward=True),
    "Tanh": activation("Tanh", "tanh", "Tanh", own_forward=True),
    "ReLU": activation("ReLU", "relu", "LeakyReLU"),
    "LeakyReLU": activation("LeakyReLU", "leaky_relu", "LeakyReLU"),
    "SELU": activation("SELU", "selu", "SELU", kernel="selu"),
    "Linear": OpSources(
        manual_forward=Part("", (code("scratch/manual/linear.py", "Linear.forward"),)),
        manual_backward=Part("", (code("scratch/manual/linear.py", "Linear.backward"),)),
        autograd_forward=Part(
            "The module calls the functional, which checks the shapes and applies one Function:",
            (
                code(NN_LAYERS, "Linear.forward"),
                code("scratch/autograd/functional/linear.py", "linear", "Linear.forward"),
            ),
        ),
        autograd_backward=Part(
            "The same three products, written with Tensor ops (so the backward can be differentiated again):",
            (code("scratch/autograd/functional/linear.py", "Linear.backward"),),
        ),
        torch=Torch(
            "torch.nn.Linear",
            "layer = torch.nn.Linear(in_features, out_features)\n"
            "y = layer(x)\n"
            "y = torch.nn.functional.linear(x, layer.weight, layer.bias)  # the same",
            TORCH_NATIVE.format(fn="torch.nn.functional.linear"),
        ),
    ),
    "Conv2d": OpSources(
        manual_forward=Part("", (code("scratch/manual/conv.py", "Conv2d.forward"),)),
        manual_backward=Part("", (code("scratch/manual/conv.py", "Conv2d.backward"),)),
        autograd_forward=Part(
            "The module calls the functional, which checks the input and applies the `Conv2d` Function:",
            (
                code(NN_LAYERS, "Conv2d.forward"),
                code("scratch/autograd/functional/conv.py", "conv2d", "Conv2d.forward"),
            ),
        ),
        autograd_backward=Part(
            "The backward is two more Functions, each linear in both arguments and each differentiated by the "
            "other two, so conv2d can be differentiated again:",
            (
                code(
                    "scratch/autograd/functional/conv.py",
                    "Conv2d.backward",
                    "Conv2dGradInput",
                    "Conv2dGradWeight",
                ),
            ),
        ),
        torch=Torch(
            "torch.nn.Conv2d",
            "layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0)\n"
            "y = layer(x)\n"
            "y = torch.nn.functional.conv2d(x, layer.weight, layer.bias, stride=1, padding=0)  # the same",
            TORCH_NATIVE.format(fn="torch.nn.functional.conv2d"),
        ),
        forward_kernels=(
            code("scratch/kernels/conv.py", "per_image", "conv2d_forward", "batch_last", "batch_first"),
            code("scratch/kernels/im2col.py", "im2col_per_image", "im2col_batch_last"),
        ),
        backward_kernels=(
            code("scratch/kernels/conv.py", "conv2d_grad_weight", "conv2d_grad_input"),
            code("scratch/kernels/im2col.py", "col2im_per_image", "col2im_batch_last"),
        ),
        extra=Part(
            "The definition, one window at a time: the slow twins in `scratch/kernels/conv.py` that the tests "
            "hold the fast kernels to. Each turn of the loops applies the formulas above to one output "
            "position $(n, i, j)$:",
            (code("scratch/kernels/conv.py", "conv2d_forward_naive", "conv2d_backward_naive"),),
        ),
    ),
    "MaxPool2d": OpSources(
        manual_forward=Part("", (code("scratch/manual/pooling.py", "MaxPool2d.forward"),)),
        manual_backward=Part("", (code("scratch/manual/pooling.py", "MaxPool2d.backward"),)),
        autograd_forward=Part(
            "",
            (
                code(NN_LAYERS, "MaxPool2d.forward"),
                code("scratch/autograd/functional/pooling.py", "max_pool2d", "MaxPool2d.forward"),
            ),
        ),
        autograd_backward=Part(
            "The scatter is a Function too, and its adjoint (a gather at the same winners) is its backward, so "
            "max-pooling can be differentiated twice:",
            (code("scratch/autograd/functional/pooling.py", "MaxPool2d.backward", "MaxPool2dGrad", "MaxPool2dGather"),),
        ),
        torch=Torch(
            "torch.nn.MaxPool2d",
            "y = torch.nn.MaxPool2d(kernel_size, stride=None, padding=0)(x)\n"
            "y = torch.nn.functional.max_pool2d(x, kernel_size, stride=None, padding=0)  # the same",
            TORCH_NATIVE.format(fn="torch.nn.functional.max_pool2d"),
        ),
        forward_kernels=(
            code("scratch/kernels/pooling.py", "pool_output_size", "max_pool2d_forward"),
            code("scratch/kernels/im2col.py", "im2col"),
        ),
        backward_kernels=(
            code("scratch/kernels/pooling.py", "max_pool2d_backward"),
            code("scratch/kernels/im2col.py", "col2im"),
        ),
    ),
    "BatchNorm1d": batchnorm("BatchNorm1d", "x (N, C) or (N, C, L)"),
    "BatchNorm2d": batchnorm("BatchNorm2d", "x (N, C, H, W)"),
    "Dropout": OpSources(
        manual_forward=Part("", (code("scratch/manual/dropout.py", "Dropout.sample_mask", "Dropout.forward"),)),
        manual_backward=Part("", (code("scratch/manual/dropout.py", "Dropout.backward"),)),
        autograd_forward=Part(
            "",
            (
                code(NN_LAYERS, "Dropout.sample_mask", "Dropout.forward"),
                code("scratch/autograd/functional/dropout.py", "dropout"),
            ),
        ),
        autograd_backward=Part(
            COMPOSED.format(fn="dropout") + " one multiplication by a constant.", (code(OPS, "Mul"),)
        ),
        torch=Torch(
            "torch.nn.Dropout",
            "y = reference.Dropout(p=0.5)(x)       # torch.nn.Dropout, with an injectable mask\n"
            "y = torch.nn.functional.dropout(x, p=0.5, training=True)",
            TORCH_COMPOSED.format(fn="reference.Dropout.forward"),
            twin=(code("reference/dropout.py", "Dropout"),),
        ),
        forward_kernels=(code("scratch/kernels/dropout.py", "keep_mask", "dropout_scale"),),
    ),
    "Flatten": OpSources(
        manual_forward=Part("", (code("scratch/manual/flatten.py", "Flatten.forward"),)),
        manual_backward=Part("", (code("scratch/manual/flatten.py", "Flatten.backward"),)),
        autograd_forward=Part(
            "", (code(NN_LAYERS, "Flatten.forward"), code("scratch/autograd/functional/flatten.py", "flatten"))
        ),
        autograd_backward=Part(COMPOSED.format(fn="flatten") + " one reshape.", (code(OPS, "Reshape"),)),
        torch=Torch(
            "torch.nn.Flatten",
            "y = torch.nn.Flatten(start_dim=1, end_dim=-1)(x)\n"
            "y = torch.flatten(x, start_dim=1, end_dim=-1)  # the same",
            TORCH_NATIVE.format(fn="torch.flatten"),
        ),
    ),
    "CrossEntropyLoss": OpSources(
        manual_forward=Part("", (code("scratch/manual/losses.py", "CrossEntropyLoss.forward", "_classes_last"),)),
        manual_backward=Part(
            "",
            (code("scratch/manual/losses.py", "CrossEntropyLoss.backward", "reduce_backward", "_classes_back"),),
        ),
        autograd_forward=Part(
            "",
            (
                code("scratch/autograd/nn/losses.py", "CrossEntropyLoss.forward"),
                code(
                    "scratch/autograd/functional/losses.py",
                    "cross_entropy",
                    "target_index",
                    "log_softmax",
                    "LogSoftmax.forward",
                ),
            ),
        ),
        autograd_backward=Part(
            COMPOSED.format(fn="cross_entropy") + " log-softmax, whose backward is written out, and the indexing "
            "that picks each target's log-probability, whose backward scatters into zeros.",
            (
                code("scratch/autograd/functional/losses.py", "LogSoftmax.backward"),
                code(OPS, "GetItem", "GetItemGrad"),
            ),
        ),
        torch=Torch(
            "torch.nn.CrossEntropyLoss",
            "loss = torch.nn.CrossEntropyLoss(reduction='mean')(logits, target)\n"
            "loss = torch.nn.functional.cross_entropy(logits, target)  # the same",
            TORCH_NATIVE.format(fn="torch.nn.functional.cross_entropy"),
        ),
        forward_kernels=(
            code(NUMERICS, "logsumexp", "log_softmax"),
            code("scratch/kernels/reduction.py", "reduce"),
        ),
    ),
    "SigmoidFocalLoss": OpSources(
        manual_forward=Part("", (code("scratch/manual/losses.py", "SigmoidFocalLoss.forward"),)),
        manual_backward=Part("", (code("scratch/manual/losses.py", "SigmoidFocalLoss.backward", "reduce_backward"),)),
        autograd_forward=Part(
            "",
            (
                code("scratch/autograd/nn/losses.py", "SigmoidFocalLoss.forward"),
                code("scratch/autograd/functional/losses.py", "sigmoid_focal_loss"),
            ),
        ),
        autograd_backward=Part(
            COMPOSED.format(fn="sigmoid_focal_loss") + " log-sigmoid, sigmoid and the power $q^\\gamma$.",
            (code(AUTOGRAD_ACT, "LogSigmoid.backward", "Sigmoid.backward"), code(OPS, "Pow")),
        ),
        torch=Torch(
            None,
            "loss = reference.SigmoidFocalLoss(alpha=0.25, gamma=2.0, reduction='none')(logits, targets)\n"
            "loss = reference.sigmoid_focal_loss(logits, targets)  # torchvision.ops.sigmoid_focal_loss's signature",
            TORCH_COMPOSED.format(fn="reference.sigmoid_focal_loss"),
            twin=(code("reference/losses.py", "sigmoid_focal_loss", "SigmoidFocalLoss"),),
        ),
        forward_kernels=(code(NUMERICS, "sigmoid", "log_sigmoid"), code("scratch/kernels/reduction.py", "reduce")),
    ),
    "Sequential": OpSources(
        manual_forward=Part("", (code("scratch/manual/container.py", "Sequential.forward"),)),
        manual_backward=Part(
            "Each layer's backward, in reverse order:", (code("scratch/manual/container.py", "Sequential.backward"),)
        ),
        autograd_forward=Part("", (code(NN_LAYERS, "Sequential.forward"),)),
        autograd_backward=Part(
            "No backward at all: the engine's one backward loop walks the graph the layers recorded, "
            "newest Function first, summing the gradients that meet at a Tensor:",
            (code(ENGINE, "_run_backward"),),
        ),
        torch=Torch(
            "torch.nn.Sequential",
            "net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), ...)\ny = net(x)",
            "torch's autograd engine walks the recorded graph, as scratch's does.",
        ),
        extra=Part(
            "The parity tests build this network from each implementation's namespace (`nn` is "
            "`scratch.manual`, `scratch.autograd.nn` or `reference`):",
            (code("scratch_parity/registry.py", "build_sequential"),),
        ),
    ),
    "RNNCell": OpSources(
        manual_forward=Part("", (code("scratch/manual/rnn.py", "RNNCell.forward"),)),
        manual_backward=Part(
            "`backward` returns the gradients of both inputs, `(dx, dh)`; `dh` is what BPTT hands to the "
            "previous step.",
            (code("scratch/manual/rnn.py", "RNNCell.backward"),),
        ),
        autograd_forward=Part(
            "",
            (
                code("scratch/autograd/nn/rnn.py", "RNNCell.forward"),
                code("scratch/autograd/functional/rnn.py", "rnn_cell"),
            ),
        ),
        autograd_backward=Part(
            COMPOSED.format(fn="rnn_cell") + " two linear layers and tanh.",
            (
                code("scratch/autograd/functional/linear.py", "Linear.backward"),
                code(AUTOGRAD_ACT, "Tanh.backward"),
            ),
        ),
        torch=Torch(
            "torch.nn.RNNCell",
            "cell = torch.nn.RNNCell(input_size, hidden_size)\nh_next = cell(x, h)\n"
            "h_next = reference.rnn_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)",
            TORCH_NATIVE.format(fn="torch.nn.RNNCell")
            + " `reference.rnn_cell`, the same step written in torch ops to show its formula, is differentiated "
            "by recording those ops, as scratch's autograd cell is.",
            twin=(code("reference/rnn.py", "rnn_cell"),),
        ),
        forward_kernels=(code("scratch/kernels/rnn.py", "rnn_cell_forward"),),
        kernels_text="The hand-written step, from `scratch/kernels/rnn.py` (the hand-written RNN runs it at every time "
        "step; the autograd cell composes linear and tanh instead):",
        backward_kernels=(code("scratch/kernels/rnn.py", "rnn_cell_backward"),),
    ),
}
