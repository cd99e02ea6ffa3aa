"""The pytest plugin of the parity suite (registered through the ``pytest11`` entry point).

It adds the options that choose what the suite checks, and the fixtures the suite's templates and
this project's tests share. It is inert for any other project: it only adds options and fixtures
that nothing requests unless asked, and imports nothing heavier than NumPy at load time.

    --impl mypkg.layers        the implementation under test (default: scratch.manual and scratch.autograd.nn)
    --contract autograd        how its gradients come out: forward/backward(dout), or Tensors and out.backward
    --device cupy|fake         where the scratch implementations compute (a CUDA GPU, or a stand-in device)
    --isolate                  run --impl's module in runner processes, never in this one (the grader):
                               --submission DIR (its folder), --cpu-limit, --memory-limit, --call-timeout, --allow

The suite itself is ``scratch_parity.suite`` (``pytest --pyargs scratch_parity.suite --impl=...``);
``scratch-check`` runs it and grades. The grading options live in ``scratch_parity.grading``, the
parity report's in ``scratch_parity.parity_report``.
"""

import numpy as np
import pytest


def pytest_addoption(parser):
    group = parser.getgroup("scratch-parity", "parity of deep-learning layers against torch")
    group.addoption(
        "--impl",
        default=None,
        help="import path of an implementation to check against torch, instead of the built-in ones "
        "(scratch.manual and scratch.autograd.nn); 'module:attribute' names an object in a module",
    )
    group.addoption(
        "--contract",
        default="manual",
        choices=["manual", "autograd"],
        help="how --impl's layers give gradients: 'manual' (forward/backward(dout)) or 'autograd' "
        "(Tensors and out.backward)",
    )
    group.addoption(
        "--device",
        default="cpu",
        choices=["cpu", "cupy", "fake"],
        help="where the implementations under test compute: 'cpu' (NumPy), 'cupy' (a CUDA GPU through "
        "CuPy), or 'fake' (a stand-in device that refuses silent host copies, for testing without a GPU)",
    )

    group.addoption(
        "--isolate",
        action="store_true",
        help="run --impl's module in separate, confined runner processes (scratch_parity.grader); this process "
        "never imports it",
    )
    group.addoption("--submission", default=".", help="with --isolate: the folder that holds --impl's module")
    group.addoption("--cpu-limit", type=int, default=120, help="with --isolate: CPU seconds of one op's runner")
    group.addoption("--memory-limit", type=int, default=4096, help="with --isolate: address space of a runner, in MiB")
    group.addoption(
        "--call-timeout", type=float, default=60.0, help="with --isolate: wall seconds one call to a runner may take"
    )
    group.addoption(
        "--allow",
        action="append",
        default=[],
        help="with --isolate: a module-name pattern the submission may import besides numpy and the standard "
        "library (repeatable), e.g. 'scipy' or 'scipy.*'",
    )


@pytest.fixture
def numpy_errors_raise():
    """Overflow, invalid operations and division by zero raise; underflow to 0 is fine."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        yield
