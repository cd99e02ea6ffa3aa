"""The pytest plugin is installed for every pytest run of an environment: it must leave other projects alone.

A project with its own ``impl`` and ``parity`` fixtures, a test that raises NotImplementedError and a
test that reads hypothesis's settings runs exactly as it would without the plugin.
"""

import subprocess
import sys
import textwrap

OTHER_PROJECT = textwrap.dedent(
    """
    import pytest
    from hypothesis import settings

    @pytest.fixture
    def impl():
        return "theirs"

    @pytest.fixture
    def parity():
        return "their parity"

    def test_their_impl_fixture(impl, parity):
        assert (impl, parity) == ("theirs", "their parity")

    def test_not_implemented_is_a_failure_here():
        raise NotImplementedError("their own unfinished code")

    def test_hypothesis_settings_are_their_own():
        assert settings.default.max_examples == 100  # hypothesis's own default, no profile of ours loaded

    def test_numpy_errors_are_not_raised_here():
        import numpy as np
        with np.errstate(all="warn"):
            pass
        assert np.geterr()["divide"] == "warn"
    """
)


def test_the_plugin_is_inert_for_another_project(tmp_path):
    (tmp_path / "test_other.py").write_text(OTHER_PROJECT)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-rA", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},  # no CI variable, no HYPOTHESIS_PROFILE
    )
    out = done.stdout
    assert "PASSED test_other.py::test_their_impl_fixture" in out, out
    assert "FAILED test_other.py::test_not_implemented_is_a_failure_here" in out, out
    assert "PASSED test_other.py::test_hypothesis_settings_are_their_own" in out, out
    assert "PASSED test_other.py::test_numpy_errors_are_not_raised_here" in out, out
    assert "1 failed, 3 passed" in out, out


def test_the_plugin_is_loaded(pytestconfig):
    """The options come from the entry point (not from a conftest of this repository)."""
    plugin = pytestconfig.pluginmanager.get_plugin("scratch_parity")
    assert plugin is not None and plugin.__name__ == "scratch_parity.plugin"
    assert pytestconfig.getoption("--contract") == "manual"
