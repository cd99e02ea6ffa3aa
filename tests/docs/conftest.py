"""The site, built once per test session (strict, as ``make docs`` builds it) into pytest's tmp dir.

Under xdist every worker runs session fixtures, so the build is guarded by a file lock in the
directory the workers share: the first worker builds, the others wait and reuse its output.
"""

import fcntl
import io
import time
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "docs" / "site"


def build(out: Path) -> tuple[int, str, float]:
    """Run Sphinx as ``make docs`` does: (exit status, its output, seconds)."""
    from sphinx.cmd.build import build_main

    log = io.StringIO()
    start = time.perf_counter()
    with redirect_stdout(log), redirect_stderr(log), warnings.catch_warnings():
        # the extensions' own deprecation notices about Sphinx internals are not this project's concern
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        status = build_main(["-W", "--keep-going", "-q", "-b", "html", str(SOURCE), str(out)])
    return status, log.getvalue(), time.perf_counter() - start


@pytest.fixture(scope="session")
def site(request, tmp_path_factory) -> Path:
    """The built site's directory; a failed build fails every test that needs it, with Sphinx's warnings."""
    xdist_worker = hasattr(request.config, "workerinput")
    shared = tmp_path_factory.getbasetemp().parent if xdist_worker else tmp_path_factory.getbasetemp()
    out, status_file = shared / "docs-site", shared / "docs-site.status"
    with open(shared / "docs-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not status_file.exists():
            status, log, seconds = build(out)
            status_file.write_text(f"{status}\n{seconds:.1f}\n{log}")
    status, seconds, log = status_file.read_text().split("\n", 2)
    assert status == "0", f"the strict docs build failed (exit {status}):\n{log}"
    return out
