"""The suite's fixtures: the implementations under test, one parametrization per implementation.

Every test that takes ``impl`` runs once per implementation under test: ``--impl``'s module if given,
else the built-in ones (scratch.manual and scratch.autograd.nn). ``--device`` moves the scratch
implementations to a GPU (skipped, with the reason, where there is none) or to the stand-in device.
"""

from pathlib import Path

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
    config = request.config
    path, contract = implementations_under_test(config.getoption("--impl"), config.getoption("--contract"))[
        request.param
    ]
    if config.getoption("--isolate"):
        isolated = remote_implementation(config, path, contract)
        yield isolated
        isolated.close()  # before the grading plugin writes the results, at the end of the session
        return
    yield implementation(path, contract, xp=array_module(config.getoption("--device")))


def remote_implementation(config, path: str, contract: str):
    """``path`` behind runner processes, with the limits and allowances of the command line."""
    from scratch_parity.grader.process import Limits
    from scratch_parity.grader.remote import RemoteContract, allowances

    limits = Limits(
        cpu_seconds=config.getoption("--cpu-limit"),
        memory_bytes=config.getoption("--memory-limit") * 2**20,
        wall_seconds=config.getoption("--call-timeout"),
    )
    allow = [*allowances(path, contract), *config.getoption("--allow")]
    return RemoteContract(path, contract, Path(config.getoption("--submission")), limits, allow)


@pytest.fixture(autouse=True)
def _numpy_errors(numpy_errors_raise):
    """Every check runs with NumPy's overflow, invalid and divide-by-zero errors raised."""
    yield
