"""Hypothesis profiles, NumPy error checking, the implementation under test, and the parity report.

Profiles: ``default`` (quick), ``ci`` (the same, derandomized: loaded when CI is set) and
``thorough`` (many examples): ``HYPOTHESIS_PROFILE=thorough make test``.
The implementation under test: ``pytest --impl=scratch.manual`` (the default), or any module with
the same class names and the hand-written contract.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from tests.implementations import implementation

pytest_plugins = ["tests.parity_report"]

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("default", max_examples=20, **_common)
settings.register_profile("ci", max_examples=20, derandomize=True, print_blob=True, **_common)
settings.register_profile("thorough", max_examples=500, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


def pytest_addoption(parser):
    parser.addoption(
        "--impl",
        default="scratch.manual",
        help="import path of the implementation to check against torch (hand-written contract); "
        "default: scratch.manual",
    )


@pytest.fixture(scope="session")
def impl(request):
    return implementation(request.config.getoption("--impl"))


@pytest.fixture(autouse=True)
def numpy_errors_raise():
    """Overflow, invalid operations and division by zero raise; underflow to 0 is fine."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        yield
