"""The suite's fixtures: the implementations under test, one parametrization per implementation.

Every test that takes ``impl`` runs once per implementation under test: ``--impl``'s module if given,
else the built-in ones (scratch.manual and scratch.autograd.nn). ``--device`` moves the scratch
implementations to a GPU (skipped, with the reason, where there is none) or to the stand-in device.
"""

import numpy as np
import pytest

from scratch_parity import profiles
from scratch_parity.implementations import implementation, implementations_under_test

profiles.load()


def array_module(device: str):
    """The array module behind ``--device``; skips the tests when that device is not here."""
    if device == "cpu":
        return np
    if device == "fake":
        from scratch_parity import fake_device

        fake_device.register()
        return fake_device.xp
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception as e:  # no CuPy, no driver, or no device: all mean the same here
        pytest.skip(f"--device=cupy: no usable CUDA GPU through CuPy here ({type(e).__name__}: {e})")
    pytest.skip("--device=cupy: CuPy sees no CUDA GPU here")


def pytest_generate_tests(metafunc):
    if "impl" in metafunc.fixturenames:
        labels = list(
            implementations_under_test(metafunc.config.getoption("--impl"), metafunc.config.getoption("--contract"))
        )
        metafunc.parametrize("impl", labels, indirect=True, scope="session")


@pytest.fixture(scope="session")
def impl(request):
    xp = array_module(request.config.getoption("--device"))
    path, contract = implementations_under_test(
        request.config.getoption("--impl"), request.config.getoption("--contract")
    )[request.param]
    return implementation(path, contract, xp=xp)


@pytest.fixture(autouse=True)
def _numpy_errors(numpy_errors_raise):
    """Every check runs with NumPy's overflow, invalid and divide-by-zero errors raised."""
    yield
