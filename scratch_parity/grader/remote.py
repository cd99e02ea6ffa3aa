"""A student's module behind runner processes, seen through the same contract as an in-process module.

``RemoteContract`` stands where ``ManualContract`` or ``AutogradContract`` stand in the checks
(``scratch_parity.parity``, the zoo's harness): ``has``, ``provides``, ``runner(spec, sample, masks)``,
``bad_input_error`` and ``run_sequence``. Every array it hands out is the parent's own: the runner
gets copies in a message, and what it sends back (outputs, gradients, state, and the inputs as the
layer left them) is checked here like any result. Each op gets a runner process of its own, started
at its first check; once a runner has failed (crashed, hung, over its limits), every later check of
that op fails at once with the same reason.
"""

from pathlib import Path

import numpy as np

from scratch_parity.grader.process import Limits, RunnerProcess
from scratch_parity.grader.protocol import encode_value
from scratch_parity.implementations import BuildRaised, Result, input_names, skip_if_not_implemented
from scratch_parity.registry import OpSpec
from scratch_parity.sample import Sample
from scratch_parity.strategies import Config

AUTOGRAD_ENGINE = (
    "scratch",
    "scratch.autograd",
    "scratch.autograd.engine",
    "scratch.autograd.ops",
    "scratch.kernels",
    "scratch.kernels.*",
    "scratch.random",
)
"""What the autograd contract's modules are built on: the engine and the array code it calls (not its layers)."""
OWN_CODE = ("scratch", "scratch.*", "scratch_parity.zoo", "scratch_parity.zoo.mutants")
"""This project's own layers (the reference run, the zoo's bugs): they import the rest of scratch."""


def allowances(path: str, contract: str) -> list[str]:
    """The imports a module needs beyond numpy and the standard library: the engine of the autograd contract,
    and for this project's own code (``scratch.manual``, ``scratch_parity.zoo:<bug>``) the package itself."""
    allow = list(AUTOGRAD_ENGINE) if contract == "autograd" else []
    if path.split(".")[0].split(":")[0] in ("scratch", "scratch_parity"):
        allow += OWN_CODE
    return allow


class StudentError(Exception):
    """An exception raised by the student's code in the runner: its class's names, its message, and where
    in the student's files it was raised (a note, which pytest prints under the message)."""

    def __init__(self, types: list[str], message: str, where: str = ""):
        super().__init__(message)
        self.types, self.where = tuple(types), where
        if where and hasattr(self, "add_note"):  # Python 3.11+
            self.add_note(f"raised in the submission ({self.types[0]}):\n{where.rstrip()}")

    def __str__(self) -> str:
        return self.args[0]


class ImportFailed(BaseException):
    """The student's module could not be imported in the runner: every op fails with this reason.

    NOTE: a BaseException, as RunnerFailure: every example fails the same way, so hypothesis must not
    replay and shrink it."""


def raise_student_error(error: dict):
    if "NotImplementedError" in error["types"]:
        raise NotImplementedError(error["message"])
    raise StudentError(error["types"], error["message"], error.get("traceback", ""))


class _Recipes:
    """A namespace whose classes record how they are called: a layer's recipe, built again in the runner."""

    def __getattr__(self, name: str):
        def recipe(*args, **kwargs):
            return {"class": name, "args": encode_value(list(args)), "kwargs": encode_value(kwargs)}

        return recipe


def recipe(spec: OpSpec, config: Config, dtype: str) -> dict:
    """How the runner builds ``spec``'s layer for ``config`` ("dtype" is offered where the class takes one)."""
    if spec.build is not None:
        return spec.build(_Recipes(), config, dtype=dtype)
    return {"class": spec.name, "args": [], "kwargs": encode_value(dict(config.kwargs)), "dtype": dtype}


class RemoteContract:
    """A student's module (``path``, found in the folder ``submission``), checked without importing it here."""

    def __init__(
        self, path: str, contract: str = "manual", submission: Path = Path("."), limits: Limits | None = None, allow=()
    ):
        self.path, self.contract, self.label = path, contract, path
        self.submission, self.limits, self.allow = Path(submission), limits or Limits(), tuple(allow)
        self.xp = np
        self._processes: dict[str, RunnerProcess] = {}
        self._spare: RunnerProcess | None = None
        self._names: list[str] | None = None
        self._import_error: str | None = None

    def process(self, op: str) -> RunnerProcess:
        """The runner of ``op``: started at the op's first check (or the one that looked up the names)."""
        process = self._processes.get(op)
        if process is None:
            process = self._spare or RunnerProcess(self.path, self.submission, self.contract, self.limits, self.allow)
            self._spare = None
            self._processes[op] = process
        if process.import_error:
            raise ImportFailed(f"{self.path} could not be imported in the grader's runner:\n{process.import_error}")
        return process

    def call(self, op: str, meta: dict, arrays: dict | None = None) -> tuple[dict, dict]:
        process = self.process(op)
        reply, arrays = process.call(meta, arrays)
        if not reply.get("ok"):
            error = reply["error"]
            if error.get("wall"):  # it would hit the same wall at every example: the op stops here, with 0
                process.stop(f"{error['types'][0]}: {error['message']}\n{error.get('traceback', '')}".rstrip())
            raise_student_error(error)
        return reply, arrays

    def _probe(self) -> None:
        """A runner started before any op needs one, to learn the module's names; the next op takes it over."""
        if self._names is None:
            self._spare = RunnerProcess(self.path, self.submission, self.contract, self.limits, self.allow)
            self._names, self._import_error = self._spare.names, self._spare.import_error

    def has(self, name: str) -> bool:
        """Whether the module defines ``name``; a module that cannot be imported "has" every op, so that each
        check fails with the import's reason instead of being skipped as not implemented."""
        self._probe()
        return self._import_error is not None or name in self._names

    def provides(self, spec: OpSpec) -> bool:
        return spec.build is not None or self.has(spec.name)

    def runner(self, spec: OpSpec, sample: Sample, masks=None) -> "RemoteRunner":
        return RemoteRunner(self, spec, sample, masks)

    def run(self, spec: OpSpec, sample: Sample) -> Result:
        return self.runner(spec, sample).run(sample.dout)

    def bad_input_error(self, spec: OpSpec, case) -> BaseException | None:
        inputs = list(case.inputs())
        meta = {
            "call": "attempt",
            "recipe": recipe(spec, Config(kwargs=case.kwargs, shape=()), "float64"),
            "training": case.training,
            "stage": case.stage,
            "inputs": len(inputs),
        }
        reply, _ = self.call(spec.name, meta, {f"input.{i}": a for i, a in enumerate(inputs)})
        if not reply["raised"]:
            return None
        error = StudentError(reply["error"]["types"], reply["error"]["message"], reply["error"]["traceback"])
        if reply["at"] == "init" and case.stage == "forward":
            return BuildRaised(error)
        return error

    def run_sequence(self, problem) -> dict:
        """The whole-sequence RNN (``scratch_parity.sequence.Problem``) with the module's RNN, in its runner:
        the output, h_n, dx, dh0 and every parameter's gradient, named as ``Problem.run_torch`` names them."""
        op, given = "RNN", problem.h0 is not None
        build = {
            "call": "build",
            "recipe": {"class": "RNN", "kwargs": encode_value(problem.kwargs), "dtype": problem.dtype},
        }
        reply, _ = self.call(
            op, {**build, "training": True, "masks": 0}, {f"state.{k}": v for k, v in problem.state.items()}
        )
        handle = reply["handle"]
        inputs = {"input.0": problem.x, **({"input.1": problem.h0} if given else {})}
        differentiable = [0, 1] if given else [0]
        forward = {"call": "forward", "handle": handle, "inputs": 2, "none_inputs": [] if given else [1]}
        _, outputs = self.call(op, {**forward, "grad": True, "differentiable": differentiable}, inputs)
        backward = {"call": "backward", "handle": handle, "douts": 2, "differentiable": differentiable}
        _, grads = self.call(op, backward, {"dout.0": problem.doutput, "dout.1": problem.dh_n})
        _, params = self.call(op, {"call": "parameters", "handle": handle})
        result = {"output": outputs.get("output.0"), "h_n": outputs.get("output.1"), "dx": grads.get("dx.0")}
        result["dh0"] = grads.get("dx.1") if given else None
        result.update((f"grad {k.removeprefix('grad.')}", v) for k, v in params.items() if k.startswith("grad."))
        return result

    def close(self) -> None:
        for process in [*self._processes.values(), *([self._spare] if self._spare else [])]:
            process.close()


class RemoteRunner:
    """One layer in the runner: the parent keeps its inputs and parameters (finite differences nudge them here).

    The layer is built in the runner at its first use, in the same message as its first forward, and a
    forward with backward takes two messages (build, forward and state; backward and gradients)."""

    def __init__(self, contract: RemoteContract, spec: OpSpec, sample: Sample, masks):
        self.contract, self.spec, self.op = contract, spec, spec.name
        self.inputs = [a.copy() for a in sample.inputs]
        self.input_names = input_names(spec)
        repeat = masks is None  # as in-process: the sample's mask at every call
        masks = ([] if sample.mask is None else [sample.mask]) if repeat else masks
        self.build_arrays = {f"state.{k}": v for k, v in sample.state.items()}
        self.build_arrays.update((f"mask.{i}", m) for i, m in enumerate(masks))
        self.build_call = {
            "call": "build",
            "recipe": recipe(spec, sample.config, sample.dtype),
            "training": sample.config.training,
            "masks": len(masks),
            "repeat_mask": repeat,
        }
        self.handle, self.params = None, None

    def _calls(self, *calls: dict, arrays: dict | None = None) -> tuple[dict, dict]:
        """``calls`` in one message, after the build if the layer has none yet."""
        arrays = dict(arrays or {})
        if self.handle is None:
            calls = (self.build_call, *({**c, "handle": "new"} for c in calls))
            arrays.update(self.build_arrays)
        else:
            calls = tuple({**c, "handle": self.handle} for c in calls)
        reply, replies = self.contract.call(self.op, {"call": "batch", "calls": list(calls)}, arrays)
        if self.handle is None:
            self.handle = reply["handle"]
            self.params = {k.removeprefix("param."): a.copy() for k, a in replies.items() if k.startswith("param.")}
        return reply, replies

    @property
    def arrays(self) -> dict:
        """The live arrays of every differentiable input and parameter (finite differences nudge them)."""
        if self.handle is None:
            self._calls()
        arrays = {n: self.inputs[i] for n, i in zip(self.input_names, self.spec.differentiable, strict=True)}
        return {**arrays, **self.params}

    def _forward_call(self, grad: bool) -> tuple[dict, dict]:
        call = {
            "call": "forward",
            "inputs": len(self.inputs),
            "grad": grad,
            "differentiable": list(self.spec.differentiable),
        }
        arrays = {f"input.{i}": a for i, a in enumerate(self.inputs)}
        arrays.update((f"assign.{name}", a) for name, a in (self.params or {}).items())
        return call, arrays

    def _mirror(self, reply: dict) -> None:
        """The inputs as the layer left them: a layer that writes into its input is seen writing here too."""
        for i, a in enumerate(self.inputs):
            now = reply.get(f"input.{i}")
            if now is not None and now.shape == a.shape and not np.array_equal(now, a, equal_nan=True):
                a[...] = now

    @skip_if_not_implemented
    def forward(self) -> np.ndarray:
        call, arrays = self._forward_call(grad=False)
        _, replies = self._calls(call, arrays=arrays)
        self._mirror(replies)
        return replies["output"]

    def state_dict(self) -> dict:
        _, replies = self._calls({"call": "state_dict"})
        return {k.removeprefix("state."): a for k, a in replies.items() if k.startswith("state.")}

    def run(self, make_dout) -> Result:
        call, arrays = self._forward_call(grad=True)
        _, replies = skip_if_not_implemented(self._calls)(call, {"call": "state_dict"}, arrays=arrays)
        self._mirror(replies)
        output = replies["output"]
        state = {k.removeprefix("state."): a for k, a in replies.items() if k.startswith("state.")}
        dout = make_dout(output.shape)
        backward = {"call": "backward", "differentiable": list(self.spec.differentiable)}
        try:
            reply, replies = self._calls(backward, {"call": "parameters"}, arrays={"dout": dout})
        except (StudentError, NotImplementedError) as e:
            return Result(output, {}, state, backward_error=e)
        if not np.array_equal(replies["dout"], dout, equal_nan=True):
            dout[...] = replies["dout"]
        self._mirror(replies)
        if reply["dx"] != len(self.input_names):
            wrong = f"backward returned {reply['dx']} gradients for {len(self.input_names)} differentiable inputs"
            return Result(output, {}, state, backward_error=StudentError(["ValueError"], wrong))
        grads = {name: replies.get(f"dx.{i}") for i, name in enumerate(self.input_names)}
        grads.update((name, replies.get(f"grad.{name}")) for name in self.params)
        return Result(output, grads, state)
