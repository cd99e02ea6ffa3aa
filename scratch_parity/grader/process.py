"""The parent's side of one runner process: its folder, its limits, its calls, and its end.

``RunnerProcess(submission)`` copies the student's files into a fresh folder, starts the runner on
them (``runner.py``) and reads its first reply: the names the module defines, or why it could not be
imported. ``call(meta, arrays)`` sends one request and waits for the reply, at most ``wall_seconds``;
a runner that dies, hangs, exceeds its CPU seconds or memory, or replies with something that is not
a message, is killed and raises ``RunnerFailure`` with the reason. ``close()`` kills what is left of
it (its whole process group, and under a uid of its own every process of that uid) and removes its
folder; only then may the parent write results.

Where the grader runs as root, the runner also gets an unprivileged uid, a network namespace of its own
(``unshare --net``: no interface but a loopback that is down) and, where the kernel allows a mount
namespace, a file system of its own (``jail``): the standard library, numpy, its own code and the
submission, and nothing else (no torch, no solutions, no tests, no results folder). Elsewhere it runs
as the grader's user, confined by its limits and its audit hook only. ``isolation()`` says which
applies, and names the packages the runner's user could still read.
"""

import dataclasses
import fcntl
import functools
import importlib.util
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from scratch_parity.grader import jail, protocol

GRADER_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = GRADER_DIR.parent
LAUNCHER = "import sys; sys.path[:0] = {paths!r}; import runner; raise SystemExit(runner.main(sys.argv[1:]))"
MAX_SUBMISSION_FILES = 2000
MAX_FILE_BYTES = 4 * 2**20
SANDBOX_UIDS = range(61000, 62000)  # uids no account uses: each grader process claims one of its own
UID_LOCKS = Path(tempfile.gettempdir()) / "scratch-parity-uids"


def claim_uid() -> int:
    """A uid for this grader process's runners alone, held by a lock until the process ends.

    Every process of the uid is killed when a runner ends, so two graders (a class graded in parallel)
    must never share one: each takes the first uid whose lock file no other process holds."""
    UID_LOCKS.mkdir(mode=0o755, exist_ok=True)
    for uid in SANDBOX_UIDS:
        lock = open(UID_LOCKS / f"{uid}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        _held_locks.append(lock)
        if os.geteuid() == 0:  # whatever an earlier grader, killed before it could clean up, left running as uid
            subprocess.run(["kill", "-KILL", "-1"], user=uid, group=uid, capture_output=True)
        return uid
    raise RuntimeError(f"every sandbox uid in {SANDBOX_UIDS} is taken by another grader process")


_held_locks: list = []


@dataclasses.dataclass(frozen=True)
class Limits:
    """The runner's limits: CPU seconds over its life (one op's checks), memory, and wall time per call."""

    cpu_seconds: int = 120
    memory_bytes: int = 4 * 2**30
    wall_seconds: float = 60.0
    op_wall_seconds: float = 900.0  # all of one op's calls: a code that sleeps just under wall_seconds at every call


class RunnerFailure(BaseException):
    """The runner died, hung or broke the protocol: the check fails with this reason.

    NOTE: a BaseException, as the grading plugin's OpTimeout: hypothesis replays an example that raised
    an Exception to shrink it, which would start (and hang, or crash) a runner again at every replay.
    """


@dataclasses.dataclass(frozen=True)
class Isolation:
    """How much of the isolation this machine allows: a uid of the runner's own, a network namespace."""

    python: str
    uid: int | None
    network_namespace: bool
    notes: tuple[str, ...] = ()
    python_prefix: str | None = None  # set where the runner gets a file system of its own (``jail``)

    @property
    def own_file_system(self) -> bool:
        return self.python_prefix is not None

    def describe(self) -> str:
        user = f"uid {self.uid}" if self.uid is not None else "the grader's own user"
        net = "a network namespace of its own" if self.network_namespace else "the grader's network (sockets refused)"
        files = (
            "a file system of its own (numpy, the standard library and the submission; no torch, solutions or tests)"
            if self.own_file_system
            else "the grader's file system (what its user can read)"
        )
        return f"runner as {user}, in {net}, with {files}" + "".join(f"; {n}" for n in self.notes)


def numpy_parent() -> str:
    return str(Path(np.__file__).resolve().parent.parent)


def numpy_folders() -> tuple[str, ...]:
    """numpy's package folder and, for a wheel, the folder of the libraries it links (OpenBLAS)."""
    package = Path(np.__file__).resolve().parent
    return tuple(str(p) for p in (package, package.with_name("numpy.libs")) if p.is_dir())


def _probe(command: list[str], **kwargs) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=60, **kwargs).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.cache
def isolation() -> Isolation:
    """What the runner can be given here, found once: as root, an unprivileged uid that can still run a
    Python with numpy (this one, or the system's of the same version), and a network namespace."""
    if os.geteuid() != 0:
        return Isolation(sys.executable, None, False, ("not root: no user or network namespace of its own",))
    uid = claim_uid()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = getattr(sys, "_base_executable", sys.executable)
    candidates = list(dict.fromkeys([base, sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"]))
    candidates = [p for p in candidates if os.path.exists(p)]
    notes = []
    network = bool(shutil.which("unshare")) and _probe(["unshare", "--net", "--", "true"])
    if not network:
        notes.append("no network namespace (unshare --net failed)")
    if jail.available():
        for python in candidates:
            prefix = jail.python_prefix(python)
            if prefix and numpy_runs_in_jail(python, prefix, uid):
                return Isolation(python, uid, network, tuple(notes), python_prefix=prefix)
        notes.append("a mount namespace, but no Python with numpy ran in it: the grader's file system is visible")
    else:
        notes.append("no mount namespace (unshare --mount failed): the runner sees what its user may read")
    check_numpy = f"import sys; sys.path.insert(0, {numpy_parent()!r}); import numpy"
    python = next(
        (p for p in candidates if _probe([p, "-I", "-S", "-c", check_numpy], user=uid, group=uid, extra_groups=[])),
        None,
    )
    if python is None:
        notes.append("no Python with numpy that an unprivileged user can run: the runner keeps the grader's user")
    else:
        notes += [
            f"{name} at {folder} is readable by the runner's user (make it unreadable to others: chmod o-rx)"
            for name, folder in readable_secrets(python, uid)
        ]
    return Isolation(python or sys.executable, uid if python else None, network, tuple(notes))


def readable_secrets(python: str, uid: int) -> list[tuple[str, str]]:
    """The packages a runner must not import (torch, the solutions, the twins) that ``uid`` can still read."""
    found = []
    for name in ("torch", "scratch", "reference"):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        folder = str(Path(next(iter(spec.submodule_search_locations))).resolve())
        listing = f"import os; os.listdir({folder!r})"
        if _probe([python, "-I", "-S", "-c", listing], user=uid, group=uid, extra_groups=[]):
            found.append((name, folder))
    return found


def numpy_runs_in_jail(python: str, prefix: str, uid: int) -> bool:
    """Whether ``python`` imports numpy, as ``uid``, in a file system like a runner's."""
    code = (
        f"import os, sys; os.setgroups([]); os.setgid({uid}); os.setuid({uid}); "
        f"sys.path.insert(0, {numpy_parent()!r}); import numpy; numpy.ones(2) @ numpy.ones(2)"
    )
    with tempfile.TemporaryDirectory(prefix="scratch-parity-probe-") as root:
        view = jail.View(root, trees=(prefix,), read_only=numpy_folders())
        return _probe(view.command([python, "-I", "-S", "-c", code], network=False))


def copy_submission(source: Path, target: Path) -> None:
    """The student's Python files (and folders) into the runner's folder, readable (not writable) by the
    runner's user whatever their permissions were; symbolic links are followed into copies."""
    copied = 0

    def ignore(folder, names):
        nonlocal copied
        skipped = {n for n in names if n.startswith(".") or n == "__pycache__"}
        for name in names:  # NOTE: never a link (to /etc/shadow, /dev/zero, the grader's files), nor a device
            info = os.lstat(os.path.join(folder, name))
            if not (stat.S_ISDIR(info.st_mode) or (stat.S_ISREG(info.st_mode) and name.endswith(".py"))):
                skipped.add(name)
            elif info.st_size > MAX_FILE_BYTES:
                raise ValueError(f"{os.path.join(folder, name)} is over {MAX_FILE_BYTES} bytes: not a module to grade")
        copied += len(names) - len(skipped)
        if copied > MAX_SUBMISSION_FILES:
            raise ValueError(
                f"{source} holds more than {MAX_SUBMISSION_FILES} Python files and folders: pass the folder of "
                "the module alone (--submission)"
            )
        return skipped

    shutil.copytree(source, target, ignore=ignore, symlinks=False)
    for folder, _, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


class RunnerProcess:
    """One runner: a fresh process and folder for one student's module (see the module docstring)."""

    def __init__(self, module: str, submission: Path, contract: str = "manual", limits: Limits | None = None, allow=()):
        self.module, self.limits = module, limits or Limits()
        self.isolation = isolation()
        self.folder = Path(tempfile.mkdtemp(prefix="scratch-parity-runner-"))
        submission_copy, allowed, work = self.folder / "submission", self.folder / "allowed", self.folder / "work"
        copy_submission(Path(submission), submission_copy)
        (allowed / "scratch_parity").mkdir(parents=True)
        (allowed / "scratch_parity" / "__init__.py").write_text('"""The base class only, as the grader allows."""\n')
        shutil.copy(PACKAGE_DIR / "base.py", allowed / "scratch_parity" / "base.py")
        reads = []
        if any(pattern.startswith("scratch_parity.zoo") for pattern in allow):  # the zoo's bugs, by name
            (allowed / "scratch_parity" / "zoo").symlink_to(PACKAGE_DIR / "zoo")
            reads.append(str(PACKAGE_DIR / "zoo"))
        for package in allowed_packages(allow):
            (allowed / package.name).symlink_to(package)
            reads.append(str(package))
        work.mkdir()
        self.folder.chmod(0o755)
        if self.isolation.uid is not None:
            os.chown(work, self.isolation.uid, self.isolation.uid)
        # NOTE: in the runner's folder, which only the grader writes (never in work/, where the runner could put
        # a link in its place), and read back through this descriptor alone, never by its path again
        self.output = open(self.folder / "output.log", "w+b")
        reply_read, reply_write = os.pipe()
        command = [
            self.isolation.python,
            "-I",
            "-S",
            "-B",
            "-c",
            LAUNCHER.format(paths=[str(GRADER_DIR), numpy_parent()]),
            f"--module={module}",
            f"--contract={contract}",
            f"--submission={submission_copy}",
            f"--allowed-path={allowed}",
            f"--work={work}",
            f"--reply-fd={reply_write}",
            f"--cpu={self.limits.cpu_seconds}",
            f"--memory={self.limits.memory_bytes}",
            *(f"--allow={pattern}" for pattern in allow),
            *(f"--read={path}" for path in reads),
            *([f"--uid={self.isolation.uid}", f"--gid={self.isolation.uid}"] if self.isolation.uid is not None else []),
        ]
        if self.isolation.own_file_system:
            root = self.folder / "root"
            root.mkdir()
            view = jail.View(
                str(root),
                trees=(self.isolation.python_prefix,),
                read_only=(str(GRADER_DIR), *numpy_folders(), str(submission_copy), str(allowed), *reads),
                writable=(str(work),),
            )
            command = view.command(command, network=self.isolation.network_namespace)
        elif self.isolation.network_namespace:
            command = ["unshare", "--net", "--", *command]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            pass_fds=(reply_write,),
            cwd=work,
            env=runner_environment(work),
            start_new_session=True,
        )
        os.close(reply_write)
        self.replies = reply_read
        self.closed, self.wall_spent = False, 0.0
        hello, _ = self._read(self.limits.wall_seconds, "starting")
        if not hello.get("ok"):
            error = hello["error"]
            self.import_error = f"{error['types'][0]}: {error['message']}\n{error['traceback']}".rstrip()
            self.names = []
        else:
            self.import_error, self.names = None, hello["names"]

    def call(self, meta: dict, arrays: dict | None = None) -> tuple[dict, dict]:
        """One request and its reply; RunnerFailure if the runner does not answer with one."""
        if self.closed:
            raise RunnerFailure(f"{self.module}: the runner was stopped earlier: {self.failure}")
        try:
            self.process.stdin.write(protocol.encode({**meta, "errstate": np.geterr()}, arrays))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self._fail(f"the runner stopped before the request '{meta['call']}'")
        started = time.monotonic()
        try:
            return self._read(self.limits.wall_seconds, f"the request '{meta['call']}'")
        finally:
            self.wall_spent += time.monotonic() - started
            if self.wall_spent > self.limits.op_wall_seconds and not self.closed:
                self._fail(f"the op's calls took more than {self.limits.op_wall_seconds:g} s of wall time in all")

    def _read(self, seconds: float, what: str) -> tuple[dict, dict]:
        """One reply, each chunk of it within ``seconds``; the runner's end or a malformed reply fails it."""

        def chunk(n: int) -> bytes:
            ready, _, _ = select.select([self.replies], [], [], seconds)
            if not ready:
                self._fail(f"no reply to {what} within {seconds:g} s (wall clock): the code hangs or waits")
            return os.read(self.replies, min(n, 1 << 20))

        try:
            return protocol.read_message(chunk)
        except EOFError:
            self._fail(f"the runner ended during {what}: {self._exit_reason()}")
        except protocol.ProtocolError as e:
            self._fail(f"the runner's reply to {what} is not a message of the grader's ({e})")

    def _exit_reason(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "it closed its reply channel but kept running"
        if code < 0:
            name = signal.Signals(-code).name
            cause = {
                "SIGKILL": f" (the CPU limit of {self.limits.cpu_seconds} s, or a kill)",
                "SIGXCPU": f" (the CPU limit of {self.limits.cpu_seconds} s)",
                "SIGSEGV": " (a crash in native code)",
            }.get(name, "")
            return f"killed by {name}{cause}"
        return f"it exited with status {code} (sys.exit or os._exit in the submission?)"

    def stop(self, reason: str):
        """End the runner for ``reason`` (a wall it ran into): this check, and every later one, fails with it."""
        self.failure = reason
        self.close()
        raise RunnerFailure(f"{self.module}: stopped by the grader's sandbox: {reason}")

    def _fail(self, reason: str):
        tail = self.output_tail()
        self.failure = reason
        self.close()
        raise RunnerFailure(f"{self.module}: {reason}" + (f"\nits last output:\n{tail}" if tail else ""))

    def output_tail(self, n: int = 2000) -> str:
        try:
            size = os.fstat(self.output.fileno()).st_size
            data = os.pread(self.output.fileno(), n, max(0, size - n))
        except (OSError, ValueError):
            return ""
        return data.decode(errors="replace").strip()

    def close(self) -> None:
        """Kill the runner and everything it started; remove its folder."""
        if self.closed:
            return
        self.closed = True
        self.failure = getattr(self, "failure", "closed")
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.isolation.uid is not None:
            # every process of the runner's uid, wherever it went (a new session escapes the group)
            subprocess.run(
                ["kill", "-KILL", "-1"], user=self.isolation.uid, group=self.isolation.uid, capture_output=True
            )
        self.process.wait()
        for stream in (self.process.stdin, self.output):
            try:
                stream.close()
            except OSError:
                pass
        os.close(self.replies)
        shutil.rmtree(self.folder, ignore_errors=True)


def allowed_packages(allow) -> list[Path]:
    """The grader's own packages that the patterns allow (e.g. "scratch.*"), to be linked into the runner's path."""
    found = []
    for name in sorted({pattern.split(".")[0].rstrip("*") for pattern in allow}):
        if name in ("", "numpy", "scratch_parity"):
            continue
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found.append(Path(next(iter(spec.submodule_search_locations))).resolve())
    return found


def runner_environment(work: Path) -> dict:
    """A clean environment: one BLAS thread, no Python paths, the machine's OpenBLAS kernel choice."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env
