"""The site, built once per test session (strict, as ``make docs`` builds it) into pytest's tmp dir.

Under xdist every worker runs session fixtures, so the build is guarded by a file lock in the
directory the workers share: the first worker builds, the others wait and reuse its output.
"""

import fcntl
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "docs" / "site"


def build(out: Path) -> tuple[int, str, float]:
    """Run Sphinx as ``make docs`` does: (exit status, its output, seconds).

    NOTE: in a process of its own: autodoc (``autodoc_preserve_defaults``) rewrites the defaults of the
    functions it documents, in the process that imported them, and later tests would see them changed.
    """
    start = time.perf_counter()
    command = [sys.executable, "-W", "ignore::DeprecationWarning", "-W", "ignore::PendingDeprecationWarning"]
    command += ["-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(SOURCE), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


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
