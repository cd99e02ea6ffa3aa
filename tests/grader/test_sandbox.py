"""The runner's rules (scratch_parity.grader.sandbox.Policy), one by one, without starting a runner."""

import os

import numpy as np
import pytest

from scratch_parity.grader import sandbox


@pytest.fixture
def policy(tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "work").mkdir()
    return sandbox.Policy(
        allowed_modules=["numpy", "numpy.*", "scratch_parity", "scratch_parity.base", "mylayers", "mylayers.*"],
        read_roots=[tmp_path / "submission"],
        write_roots=[tmp_path / "work"],
    )


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("math", True),
        ("numpy.linalg", True),
        ("mylayers.helpers", True),
        ("scratch_parity.base", True),
        ("scratch_parity.registry", False),
        ("scratch", False),
        ("scratch.manual", False),
        ("torch", False),
        ("reference", False),
        ("ctypes", False),
        ("subprocess", False),
        ("socket", False),
        ("_pytest.reports", False),
    ],
)
def test_imports(policy, name, allowed):
    assert policy.module_allowed(name) is allowed
    if not allowed:
        with pytest.raises(ImportError, match=f"does not allow importing '{name}'"):
            policy.audit("import", (name, None, None, None, None))


def test_reading_and_writing(policy, tmp_path):
    policy.audit("open", (str(tmp_path / "submission" / "mylayers.py"), "r", os.O_RDONLY))
    policy.audit("open", (str(tmp_path / "work" / "notes.txt"), "w", os.O_WRONLY | os.O_CREAT))
    policy.audit("open", ("/dev/null", "r", os.O_RDONLY))
    policy.audit("open", (3, "w", os.O_WRONLY))  # a descriptor already open: allowed when it was opened
    for path, mode, flags in [
        (tmp_path / "submission" / "mylayers.py", "a", os.O_WRONLY | os.O_APPEND),  # the submission is read-only
        (tmp_path / "out" / "results.json", "w", os.O_WRONLY),
        (f"/proc/{os.getppid()}/cmdline", "rb", os.O_RDONLY),
        (tmp_path / "work" / ".." / "out" / "results.json", "w", os.O_WRONLY),  # no escape by ".."
    ]:
        with pytest.raises(PermissionError, match="does not allow"):
            policy.audit("open", (str(path), mode, flags))
    link = tmp_path / "work" / "link"
    link.symlink_to(tmp_path / "out", target_is_directory=True)
    with pytest.raises(PermissionError, match="does not allow writing"):  # nor by a symbolic link
        policy.audit("open", (str(link / "results.json"), "w", os.O_WRONLY))
    with pytest.raises(PermissionError, match="does not allow reading"):
        policy.audit("os.listdir", (str(tmp_path),))


@pytest.mark.parametrize(
    "event", ["os.system", "subprocess.Popen", "os.fork", "os.kill", "socket.connect", "ctypes.dlopen", "os.remove"]
)
def test_events_that_reach_outside_are_refused(policy, event):
    with pytest.raises(PermissionError, match=f"does not allow {event}"):
        policy.audit(event, ())


def test_walls_are_told_apart_from_the_submissions_own_errors():
    assert sandbox.is_wall(sandbox.NotAllowed("x"))
    assert sandbox.is_wall(MemoryError())
    assert sandbox.is_wall(PermissionError("the grader does not allow os.fork in a submission"))
    assert sandbox.is_wall(OSError(27, "File too large"))
    assert not sandbox.is_wall(ValueError("shapes do not match"))
    assert not sandbox.is_wall(PermissionError("[Errno 13] Permission denied"))


def test_loosening_numpy_errors_is_noticed_and_tightening_is_not():
    import types

    fake_np = types.SimpleNamespace(seterr=np.seterr, errstate=np.errstate, geterr=np.geterr)
    guard = sandbox.ErrorStateGuard(fake_np)
    guard.install()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        with fake_np.errstate(under="ignore"):
            pass
        assert guard.take() == []
        with fake_np.errstate(over="ignore"):
            pass
        old = fake_np.seterr(all="warn")
        np.seterr(**old)
        assert guard.take() == ["divide", "invalid", "over"]
        assert guard.take() == []


def test_two_grader_processes_never_share_a_sandbox_uid(tmp_path):
    """Every process of a runner's uid is killed when it ends: a class graded in parallel needs one uid each."""
    import subprocess
    import sys

    claim = "from scratch_parity.grader import process; print(process.claim_uid(), flush=True); input()"
    first = subprocess.Popen([sys.executable, "-c", claim], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen([sys.executable, "-c", claim], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        uids = {int(first.stdout.readline()), int(second.stdout.readline())}
    finally:
        for p in (first, second):
            p.communicate("\n")
    assert len(uids) == 2
