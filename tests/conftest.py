"""Hypothesis profiles, NumPy error checking, the implementation under test, and the parity report.

Profiles: ``default`` (quick), ``ci`` (the same, derandomized: loaded when CI is set) and
``thorough`` (many examples): ``HYPOTHESIS_PROFILE=thorough make test``.
The implementations under test: by default the hand-written layers and the autograd engine, each
checked against torch; ``pytest --impl=mypkg.layers [--contract=autograd]`` checks any module with
the registry's class names instead. ``--device=cupy`` runs the scratch implementations on the GPU
(skipped, with the reason, where CuPy or a CUDA GPU is missing); ``--device=fake`` on the stand-in
device of ``tests/fake_device.py``, which checks the same plumbing without a GPU.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from tests.implementations import BUILT_IN, implementation

pytest_plugins = ["tests.parity_report", "tests.grading"]

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("default", max_examples=20, **_common)
settings.register_profile("ci", max_examples=20, derandomize=True, print_blob=True, **_common)
settings.register_profile("thorough", max_examples=500, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


def pytest_addoption(parser):
    parser.addoption(
        "--impl",
        default=None,
        help="import path of an implementation to check against torch, instead of the built-in ones "
        "(scratch.manual and scratch.autograd.nn)",
    )
    parser.addoption(
        "--contract",
        default="manual",
        choices=["manual", "autograd"],
        help="how --impl's layers give gradients: 'manual' (forward/backward(dout)) or 'autograd' "
        "(Tensors and out.backward)",
    )
    parser.addoption(
        "--device",
        default="cpu",
        choices=["cpu", "cupy", "fake"],
        help="where the implementations under test compute: 'cpu' (NumPy), 'cupy' (a CUDA GPU through "
        "CuPy), or 'fake' (a stand-in device that refuses silent host copies, for testing without a GPU)",
    )


def array_module(device: str):
    """The array module behind ``--device``; skips the tests when that device is not here."""
    if device == "cpu":
        return np
    if device == "fake":
        from tests import fake_device

        fake_device.register()
        return fake_device.xp
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception as e:  # no CuPy, no driver, or no device: all mean the same here
        pytest.skip(f"--device=cupy: no usable CUDA GPU through CuPy here ({type(e).__name__}: {e})")
    pytest.skip("--device=cupy: CuPy sees no CUDA GPU here")


def implementations_under_test(config) -> dict[str, tuple[str, str]]:
    """label -> (import path, contract): --impl's module if given, else the built-in implementations."""
    path = config.getoption("--impl")
    return {"yours": (path, config.getoption("--contract"))} if path else BUILT_IN


def pytest_generate_tests(metafunc):
    """Every test that takes ``impl`` runs once per implementation under test."""
    if "impl" in metafunc.fixturenames:
        labels = list(implementations_under_test(metafunc.config))
        metafunc.parametrize("impl", labels, indirect=True, scope="session")


@pytest.fixture(scope="session")
def impl(request):
    xp = array_module(request.config.getoption("--device"))
    return implementation(*implementations_under_test(request.config)[request.param], xp=xp)


@pytest.fixture(autouse=True)
def numpy_errors_raise():
    """Overflow, invalid operations and division by zero raise; underflow to 0 is fine."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        yield
