"""The runner: the only process that runs a student's code. It computes; the parent judges.

Started by the parent (``scratch_parity.grader.process``) as ``python -I -S -c <launcher>``, with this
folder and numpy's on ``sys.path``. It imports numpy, confines itself (``sandbox``), imports the
student's module, and says which names it found (or why the import failed). Then it answers one
request at a time, read from stdin, on file descriptor 3:

    build          a layer from a recipe ({"class", "args", "kwargs", "dtype"}), its state_dict loaded,
                   its mode set, the keep-masks it may ask for queued -> a handle, its parameters
    forward        (handle, inputs, parameters to assign first, grad) -> the output
    backward       (handle, dout) -> the gradients of the differentiable inputs
    parameters     (handle) -> every parameter's data and gradient
    state_dict     (handle) -> the state_dict
    attempt        (recipe, stage, inputs) -> the error the layer raised, if any (the bad-input checks)
    release        (handle) -> the layer is dropped
After forward and backward the reply also carries the inputs and dout as the layer left them, so the
parent sees a layer that writes into what it was given. An exception in the student's code is a reply
too: its class's names (for ``isinstance`` by name) and its message, with the student's part of the
traceback.

Two contracts: "manual" (``forward(*inputs)``, then ``backward(dout)`` returning dx or a tuple) and
"autograd" (modules called on ``scratch.autograd.Tensor``; gradients from ``out.backward``).
"""

import argparse
import importlib
import inspect
import io
import os
import sys
import sysconfig
import traceback

import numpy as np
import numpy.linalg  # imported while the grader's paths are still on sys.path
import numpy.random

if __package__:  # imported as part of the package (the API docs)
    from . import protocol, sandbox
else:  # the runner process: started from this folder, without the package
    import protocol
    import sandbox


def error_reply(e: BaseException, student_files: str) -> dict:
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.startswith(student_files)]
    for frame in frames:  # the file as the student knows it, not the runner's copy (the same at every run)
        frame.filename = os.path.relpath(frame.filename, student_files)
    where = "".join(traceback.format_list(frames[-5:]))
    return {
        "ok": False,
        "error": {
            "types": [cls.__name__ for cls in type(e).__mro__],
            "message": str(e)[:4000],
            "traceback": where[-4000:],
            "wall": sandbox.is_wall(e),
        },
    }


class Layers:
    """The student's layers that the parent has built, by handle, and what one call needs of them."""

    def __init__(self, namespace, contract: str, student_files: str):
        self.namespace, self.contract, self.student_files = namespace, contract, student_files
        self.layers, self.sessions, self.next_handle = {}, {}, 0
        if contract == "autograd":
            from scratch.autograd import Tensor, no_grad

            self.Tensor, self.no_grad = Tensor, no_grad

    def construct(self, recipe: dict):
        cls = getattr(self.namespace, recipe["class"])
        args = protocol.decode_value(recipe.get("args", []), self.construct)
        kwargs = protocol.decode_value(recipe.get("kwargs", {}), self.construct)
        if "dtype" in kwargs:
            kwargs["dtype"] = np.dtype(kwargs["dtype"])
        dtype = recipe.get("dtype")
        if dtype is not None and "dtype" not in kwargs and takes_dtype(cls):
            kwargs["dtype"] = np.dtype(dtype)
        return cls(*args, **kwargs)

    def build(self, meta, arrays):
        layer = self.construct(meta["recipe"])
        layer.load_state_dict({k[len("state.") :]: a for k, a in arrays.items() if k.startswith("state.")})
        layer.train(meta["training"])
        masks = [arrays[f"mask.{i}"] for i in range(meta.get("masks", 0))]
        if masks:
            queue = iter(masks)

            def sample_mask(shape, *args, **kwargs):
                if meta.get("repeat_mask"):  # the sample's mask at every call
                    return masks[0]
                mask = next(queue, None)
                if mask is None:
                    raise RuntimeError("the layer asked for more keep-masks than the check hands out")
                return mask

            layer.sample_mask = sample_mask
        handle, self.next_handle = self.next_handle, self.next_handle + 1
        self.layers[handle] = layer
        return {"handle": handle}, self.parameter_arrays(layer, grads=False)

    def parameter_arrays(self, layer, grads: bool) -> dict:
        out = {}
        for name, p in layer.named_parameters():
            out[f"param.{name}"] = np.asarray(p.data)
            grad = p.grad
            if grads and grad is not None:
                out[f"grad.{name}"] = np.asarray(
                    grad.data if hasattr(grad, "data") and self.contract == "autograd" else grad
                )
        return out

    def assign(self, layer, arrays):
        for name, p in layer.named_parameters():
            new = arrays.get(f"assign.{name}")
            if new is not None:
                p.data[...] = new

    def forward(self, meta, arrays):
        """One forward; a layer that returns several outputs (the RNN: output, h_n) gets "output.i" each."""
        layer = self.layers[meta["handle"]]
        self.assign(layer, arrays)
        absent = set(meta.get("none_inputs", ()))
        inputs = [None if i in absent else arrays[f"input.{i}"] for i in range(meta["inputs"])]
        if self.contract == "manual":
            outputs = layer.forward(*inputs)
            self.sessions[meta["handle"]] = inputs
        else:
            grad = meta["grad"]
            tensors = [
                None if a is None else self.Tensor(a, requires_grad=grad and i in meta["differentiable"])
                for i, a in enumerate(inputs)
            ]
            if grad:
                result = layer(*tensors)
                self.sessions[meta["handle"]] = (tensors, result)
            else:
                with self.no_grad():
                    result = layer(*tensors)
            outputs = tuple(r.data for r in result) if isinstance(result, tuple) else result.data
        if isinstance(outputs, tuple):
            replies = {f"output.{i}": as_array(o, f"forward's output {i}") for i, o in enumerate(outputs)}
        else:
            replies = {"output": as_array(outputs, "forward's output")}
        replies.update((f"input.{i}", a) for i, a in enumerate(inputs) if a is not None)
        return {}, replies

    def backward(self, meta, arrays):
        """One backward, with "dout" (one output) or "dout.0", "dout.1", ... (one per output)."""
        handle = meta["handle"]
        douts = [arrays["dout"]] if "dout" in arrays else [arrays[f"dout.{i}"] for i in range(meta["douts"])]
        if handle not in self.sessions:
            raise RuntimeError("backward before forward")
        if self.contract == "manual":
            inputs = self.sessions[handle]
            dxs = self.layers[handle].backward(*douts)
            dxs = list(dxs) if isinstance(dxs, tuple) else [dxs]
        else:
            tensors, result = self.sessions[handle]
            inputs = [None if t is None else t.data for t in tensors]
            if isinstance(result, tuple):  # d(sum of output_i * dout_i), as torch's autograd.backward of several
                loss = sum((r * self.Tensor(d)).sum() for r, d in zip(result, douts, strict=True))
                loss.backward()
            else:
                result.backward(self.Tensor(douts[0]))
            dxs = [
                None if tensors[i] is None or tensors[i].grad is None else tensors[i].grad.data
                for i in meta["differentiable"]
            ]
        replies = {f"dx.{i}": as_array(dx, f"backward's gradient {i}") for i, dx in enumerate(dxs) if dx is not None}
        replies.update(("dout" if "dout" in arrays else f"dout.{i}", d) for i, d in enumerate(douts))
        replies.update((f"input.{i}", np.asarray(a)) for i, a in enumerate(inputs) if a is not None)
        return {"dx": len(dxs), "none": [i for i, dx in enumerate(dxs) if dx is None]}, replies

    def parameters(self, meta, arrays):
        return {}, self.parameter_arrays(self.layers[meta["handle"]], grads=True)

    def state_dict(self, meta, arrays):
        state = self.layers[meta["handle"]].state_dict()
        return {}, {
            f"state.{k}": as_array(getattr(v, "data", v) if self.contract == "autograd" else v, k)
            for k, v in state.items()
        }

    def attempt(self, meta, arrays):
        """Build a layer and call it on bad input: the error it raised (and at which stage), or none."""
        inputs = [arrays[f"input.{i}"] for i in range(meta["inputs"])]
        if self.contract == "autograd":
            inputs = [self.Tensor(a) for a in inputs]
        stage = "init"
        try:
            layer = self.construct(meta["recipe"])
            if meta["stage"] == "init":
                return {"raised": False}, {}
            stage = "forward"
            layer.train(meta["training"])
            _ = layer.forward(*inputs) if self.contract == "manual" else layer(*inputs)  # as the other checks call it
        except Exception as e:
            return {"raised": True, "at": stage, "error": error_reply(e, self.student_files)["error"]}, {}
        return {"raised": False}, {}

    CALLS = ("build", "forward", "backward", "parameters", "state_dict", "attempt", "release", "batch")

    def batch(self, meta, arrays):
        """Several calls in one message (build, forward, state_dict; or backward, parameters): one round trip.
        A call's handle "new" is the one that the batch's build returned; the replies are merged."""
        merged_meta, merged_arrays = {}, {}
        for call in meta["calls"]:
            if call["call"] not in self.CALLS or call["call"] == "batch":
                raise ValueError(f"unknown call {call['call']!r}")
            if call.get("handle") == "new":
                call = {**call, "handle": merged_meta["handle"]}
            reply_meta, reply_arrays = getattr(self, call["call"])(call, arrays)
            merged_meta.update(reply_meta)
            merged_arrays.update(reply_arrays)
        return merged_meta, merged_arrays

    def release(self, meta, arrays):
        self.layers.pop(meta["handle"], None)
        self.sessions.pop(meta["handle"], None)
        return {}, {}


def takes_dtype(cls) -> bool:
    try:
        return "dtype" in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False


def as_array(value, what: str) -> np.ndarray:
    a = np.asarray(value)
    if a.dtype == object:
        raise TypeError(f"{what} is not an array of numbers (got {type(value).__name__})")
    return a


def load_namespace(path: str):
    module_path, _, attribute = path.partition(":")
    module = importlib.import_module(module_path)
    return getattr(module, attribute) if attribute else module


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scratch-parity runner")
    parser.add_argument("--module", required=True)
    parser.add_argument("--contract", choices=["manual", "autograd"], default="manual")
    parser.add_argument("--submission", required=True, help="the folder of the student's files")
    parser.add_argument("--allowed-path", required=True, help="the folder of allowed packages (scratch_parity.base)")
    parser.add_argument("--work", required=True, help="the runner's own folder, the only one it may write")
    parser.add_argument("--reply-fd", type=int, required=True, help="the descriptor the replies go to")
    parser.add_argument("--allow", action="append", default=[], help="module-name patterns that may be imported")
    parser.add_argument("--read", action="append", default=[], help="folders that may be read")
    parser.add_argument("--cpu", type=int, default=120)
    parser.add_argument("--memory", type=int, default=4 * 2**30)
    parser.add_argument("--uid", type=int)
    parser.add_argument("--gid", type=int)
    args = parser.parse_args(argv)

    replies = os.fdopen(args.reply_fd, "wb", buffering=0)
    requests = sys.stdin.buffer
    sys.stdin = io.StringIO()  # the student's code reads no requests
    # one task under its own uid: no process and no thread can be started, whatever the audit hook lets through
    sandbox.set_limits(args.cpu, args.memory, file_bytes=64 * 2**20, processes=1 if args.uid is not None else None)
    if args.uid is not None:
        sandbox.drop_privileges(args.uid, args.gid)
    os.chdir(args.work)
    numpy_dirs = [os.path.dirname(np.__file__), os.path.dirname(np.__file__) + ".libs"]
    stdlib = [sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib")]
    stdlib.append(os.path.join(stdlib[-1], "lib-dynload"))
    sys.path[:] = [args.submission, args.allowed_path, *stdlib]
    own = sorted(  # the submission's own modules and packages, which it may import from one another
        name.removesuffix(".py")
        for name in os.listdir(args.submission)
        if name.endswith(".py") or os.path.isdir(os.path.join(args.submission, name))
    )
    policy = sandbox.Policy(
        allowed_modules=["numpy", "numpy.*", "scratch_parity", "scratch_parity.base", *args.allow]
        + [pattern for name in own for pattern in (name, f"{name}.*")],
        read_roots=[args.submission, args.allowed_path, *stdlib, os.path.dirname(__file__), *numpy_dirs, *args.read],
        write_roots=[args.work],
    )
    protocol.decode(protocol.encode({}, {"warm": np.zeros(1)})[protocol.HEADER.size :])  # its lazy imports, now
    errstate = np.errstate
    guard = sandbox.ErrorStateGuard(np)
    guard.install()
    policy.install()

    for name in ("protocol", "sandbox", "runner"):  # a submission's helper may bear one of these names
        sys.modules.pop(name, None)
    student_files = os.path.realpath(args.submission)
    try:
        namespace = load_namespace(args.module)
    except BaseException as e:  # whatever the import raised is the reply
        protocol.write_message(replies, {**error_reply(e, student_files), "stage": "import"})
        return 0
    names = sorted(n for n in dir(namespace) if not n.startswith("_"))
    protocol.write_message(
        replies, {"ok": True, "names": names, "doc": (getattr(namespace, "__doc__", None) or "")[:500]}
    )

    layers = Layers(namespace, args.contract, student_files)
    handlers = {name: getattr(layers, name) for name in Layers.CALLS}
    while True:
        try:
            meta, arrays = protocol.read_message(requests.read)
        except EOFError:
            return 0
        try:
            with errstate(**meta.get("errstate", {"all": "warn"})):
                reply_meta, reply_arrays = handlers[meta["call"]](meta, arrays)
            loosened = guard.take()
            if loosened:
                raise sandbox.ErrorStateLoosened(
                    f"the submission loosened NumPy's floating-point errors ({', '.join(loosened)}) with np.seterr or "
                    "np.errstate; the checks raise on overflow, invalid values and division by zero"
                )
            protocol.write_message(replies, {"ok": True, **reply_meta}, reply_arrays)
        except BaseException as e:  # the student's exception is the reply (SystemExit too)
            guard.take()
            protocol.write_message(replies, error_reply(e, student_files))


if __name__ == "__main__":
    raise SystemExit(main())
