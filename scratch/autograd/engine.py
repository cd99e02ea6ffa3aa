"""A define-by-run autograd engine: Tensor, Function and backward, readable in one sitting.

Running ops on Tensors records a graph: each output remembers the Function that made it
(``creator``), and each Function its inputs. ``backward`` walks that graph from the output back
to the leaves, newest Function first (ordered by ``generation``), and applies the chain rule:
each Function turns d(loss)/d(outputs) into d(loss)/d(inputs).

Design (the Chainer/DeZero lineage, plus torch's semantics):
  - ``Function.forward`` works on arrays; ``Function.backward`` works on Tensors, so the gradient
    computation can itself be recorded (``create_graph=True``) and differentiated again.
  - Broadcasting is undone in one place: the engine sums each input's gradient back to the input's
    shape (``ops.sum_to``), so no op repeats that logic.
  - A Function has one output. The output holds its Function (``creator``) and the Function its
    inputs: references only point back in time, so no cycle forms and a graph is freed with its
    last output. After ``backward`` (unless ``retain_graph=True``) each Function drops its inputs,
    so a second backward through the same graph raises, as in torch.
"""

import contextlib
import heapq
import operator

import numpy as np

from scratch.kernels.backend import get_array_module

_grad_enabled = True
_ndarray = np.ndarray


@contextlib.contextmanager
def no_grad():
    """Record no graph inside the block; the previous mode comes back even if an exception passes."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


@contextlib.contextmanager
def set_grad_enabled(mode: bool):
    """Record a graph inside the block if ``mode``, else not; the previous mode comes back afterwards."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, mode
    try:
        yield
    finally:
        _grad_enabled = previous


def enable_grad():
    """Record graphs inside the block, even within ``no_grad``."""
    return set_grad_enabled(True)


def is_grad_enabled() -> bool:
    return _grad_enabled


class Tensor:
    """An array that remembers how it was computed. Leaves are made by hand; others by Functions."""

    __slots__ = ("__weakref__", "creator", "data", "generation", "grad", "requires_grad")
    __array_priority__ = 200  # ndarray <op> Tensor defers to Tensor's reflected operator

    def __init__(self, data, requires_grad: bool = False):
        if type(data) is not _ndarray:  # the common case skips the checks: it is the hot path
            if isinstance(data, Tensor):
                raise TypeError("Tensor(data) takes an array, not a Tensor")
            data = get_array_module(data).asarray(data)
        if requires_grad and data.dtype.kind not in "fc":
            raise TypeError(f"only Tensors of floating point dtype can require gradients, got {data.dtype}")
        self.data = data
        self.grad: Tensor | None = None
        self.requires_grad = requires_grad
        self.creator: Function | None = None
        self.generation = 0

    # -- array-like properties --------------------------------------------------------------------
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    dtype = property(lambda self: self.data.dtype)
    size = property(lambda self: self.data.size)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({np.array2string(np.asarray(self.data), prefix='Tensor(')}{grad})"

    def numpy(self):
        return self.data

    def item(self):
        return self.data.item()

    def detach(self) -> "Tensor":
        return Tensor(self.data)

    @property
    def is_leaf(self) -> bool:
        return self.creator is None

    # -- backward ---------------------------------------------------------------------------------
    def backward(self, grad=None, retain_graph: bool | None = None, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) * grad into the ``.grad`` of every leaf that requires grad.

        ``grad`` defaults to 1 for a scalar; a non-scalar output needs one, as in torch. With
        ``create_graph`` the gradients are themselves recorded, for a second derivative; as in
        torch, ``retain_graph`` then defaults to True, since the new graph runs through the old one.
        """
        retain_graph = create_graph if retain_graph is None else retain_graph
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if grad is None:
            if self.size != 1:
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs, got shape {self.shape}")
            grad = Tensor(get_array_module(self.data).ones_like(self.data))
        grad = grad if isinstance(grad, Tensor) else Tensor(grad)
        if grad.shape != self.shape:
            raise RuntimeError(f"grad of shape {grad.shape} does not match the output's shape {self.shape}")
        if grad.dtype != self.dtype:  # a float64 grad would silently turn a float32 graph's gradients float64
            raise RuntimeError(f"grad of dtype {grad.dtype} does not match the output's dtype {self.dtype}")
        if self.is_leaf:
            self._accumulate(grad if create_graph else Tensor(grad.data.copy()))  # never the caller's array
            return
        with set_grad_enabled(create_graph):
            _run_backward(self, grad, retain_graph)

    def _accumulate(self, grad: "Tensor") -> None:
        """grad is this leaf's own: the engine never hands one array to two leaves (see ``_run_backward``)."""
        self.grad = grad if self.grad is None else self.grad + grad

    def zero_grad(self) -> None:
        self.grad = None

    # -- operators (the Functions live in scratch.autograd.ops) -----------------------------------
    def __add__(self, other):
        return _ops.Add()(self, other)

    def __radd__(self, other):
        return _ops.Add()(other, self)

    def __sub__(self, other):
        return _ops.Sub()(self, other)

    def __rsub__(self, other):
        return _ops.Sub()(other, self)

    def __mul__(self, other):
        return _ops.Mul()(self, other)

    def __rmul__(self, other):
        return _ops.Mul()(other, self)

    def __truediv__(self, other):
        return _ops.Div()(self, other)

    def __rtruediv__(self, other):
        return _ops.Div()(other, self)

    def __matmul__(self, other):
        return _ops.MatMul()(self, other)

    def __rmatmul__(self, other):
        return _ops.MatMul()(other, self)

    def __pow__(self, exponent):
        return _ops.pow(self, exponent)

    def __neg__(self):
        return _ops.Neg()(self)

    def __getitem__(self, index):
        return _ops.getitem(self, index)

    def reshape(self, *shape):
        return _ops.reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)

    def transpose(self, *axes):
        return _ops.transpose(self, axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes)

    @property
    def T(self):
        return _ops.transpose(self, ())

    def sum(self, axis=None, keepdims=False):
        return _ops.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return _ops.mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return _ops.max(self, axis, keepdims)

    def exp(self):
        return _ops.exp(self)

    def log(self):
        return _ops.log(self)


def as_tensor(x, like: Tensor | None = None) -> Tensor:
    """Tensors pass through; numbers and arrays become constant Tensors.

    A number (or a 0-d array) next to a floating Tensor ``like`` takes its dtype, as in torch, so
    ``x32 * 0.5`` stays float32; next to an integer Tensor it keeps its own kind (``ints * 0.5`` is
    float64, not truncated to 0).
    """
    if isinstance(x, Tensor):
        return x
    xp = get_array_module(like.data if like is not None else x)
    x = xp.asarray(x)
    if like is not None and x.ndim == 0 and like.dtype.kind == "f" and x.dtype.kind in "biuf":
        x = x.astype(like.dtype)
    return Tensor(x)


def _with_constants(inputs: tuple) -> tuple:
    """Numbers and arrays among an op's inputs become constant Tensors; numbers take the first Tensor's dtype."""
    like = next((x for x in inputs if isinstance(x, Tensor)), None)
    return tuple(as_tensor(x, like) for x in inputs)


_data = operator.attrgetter("data")


class Function:
    """One op: ``forward`` on arrays, ``backward`` on Tensors (so it can be differentiated again).

    ``forward(*arrays)`` returns one array; ``backward(gy)`` returns one gradient per input (None
    for an input that needs none), each of the input's shape or of the broadcast shape the input
    was stretched to in forward (the engine sums it back down).
    """

    def __call__(self, *inputs):
        # NOTE: this runs once per op, so it is written for speed (plain loops, no generators).
        for x in inputs:
            if not isinstance(x, Tensor):
                inputs = _with_constants(inputs)
                break
        y = Tensor(self.forward(*map(_data, inputs)))
        if _grad_enabled:
            generation = -1
            for x in inputs:
                if x.requires_grad and x.generation > generation:
                    generation = x.generation
            if generation >= 0:  # some input requires grad: record this step of the graph
                self.generation, self.inputs = generation, inputs
                y.creator, y.requires_grad, y.generation = self, True, generation + 1
        return y

    def forward(self, *xs):
        raise NotImplementedError

    def backward(self, *gys):
        raise NotImplementedError


def _run_backward(root: Tensor, grad: Tensor, retain_graph: bool) -> None:
    # id(f) -> d(root)/d(f's output) * grad, summed over the paths found so far. A Function's turn
    # comes after every Function that uses its output (they are newer), so the sum is complete then.
    pending = {id(root.creator): grad}
    # given: ids of arrays a leaf must not take as its .grad (handed to another leaf, or the caller's)
    queue, seen, given = [], set(), {id(grad.data)}

    def push(f: Function) -> None:
        if id(f) not in seen:
            seen.add(id(f))
            heapq.heappush(queue, (-f.generation, id(f), f))  # newest first

    push(root.creator)
    while queue:
        _, _, f = heapq.heappop(queue)
        if f.inputs is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time: its saved values were freed after the "
                "first backward. Pass retain_graph=True to the first backward if you need a second."
            )
        gxs = f.backward(pending.pop(id(f)))
        gxs = gxs if isinstance(gxs, tuple) else (gxs,)
        for x, gx in zip(f.inputs, gxs, strict=True):
            if not x.requires_grad or gx is None:
                continue
            gx = _ops.sum_to(as_tensor(gx), x.shape)  # broadcasting is undone here, for every op
            if gx.dtype != x.dtype:  # as torch: a float32 input gets a float32 gradient, whatever it met
                gx = _ops.astype(gx, x.dtype)
            if x.is_leaf:
                # NOTE: a leaf's .grad must be its own writable array (an optimizer updates it in place),
                # never a view or an array another leaf also got (Add passes one gy to both inputs).
                data = gx.data
                if not _grad_enabled and (id(data) in given or not data.flags.owndata or not data.flags.writeable):
                    gx = Tensor(data.copy())
                given.add(id(gx.data))
                x._accumulate(gx)
            else:
                key = id(x.creator)
                pending[key] = pending[key] + gx if key in pending else gx
                push(x.creator)
        if not retain_graph:
            f.inputs = None  # free the graph, as torch does


# The operators' Functions, imported last: ``ops`` builds on the classes above.
from scratch.autograd import ops as _ops  # noqa: E402
