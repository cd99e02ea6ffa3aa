"""What the runner does to itself before it imports a student's code, and the rules it then enforces.

In this order, once, at the runner's start (``confine``):
  1. resource limits, soft = hard so that the student's code cannot raise them: CPU seconds (then
     SIGKILL), address space, file size, no core files, and a process count under a user of its own;
  2. when started as root: every group dropped, then the grader's unprivileged uid and gid;
  3. ``sys.path`` cut to the student's folder and the folder of allowed packages (numpy, already
     imported, stays importable through its package);
  4. an audit hook (PEP 578; it cannot be removed) that refuses, from then on:
       - importing a module outside the allowed ones (the standard library but the modules that reach
         other processes, the network or raw memory; numpy; the student's own files; scratch_parity.base;
         and what the course or the contract allows), with a message naming the module;
       - opening or listing a path outside the folders the runner needs (reading) and its work folder
         (writing): the grader's files, other processes' /proc entries, the results folder;
       - starting processes, sending signals, sockets, ctypes, and removing, renaming or re-permitting files.
  5. NumPy's ``seterr`` and ``errstate`` watched (``ErrorStateGuard``): the checks raise on overflow,
     invalid values and division by zero, and a submission that loosens one of those during a call
     fails that call (it would hide, say, the overflow of a naive sigmoid).
The audit hook is the last of several walls, not a sandbox on its own: the unprivileged user, the
separate network namespace and the process's limits (set up by the parent, ``scratch_parity.grader.process``)
are the others. The grader never relies on anything the runner reports beyond arrays it checks itself.

This module is imported by the runner only; it uses the standard library alone.
"""

import errno
import fnmatch
import os
import resource
import sys

# Standard-library modules that reach other processes, the network or raw memory.
DENIED_STDLIB = frozenset(
    {
        "ctypes", "_ctypes", "subprocess", "_posixsubprocess", "multiprocessing", "_multiprocessing",
        "socket", "_socket", "ssl", "_ssl", "pty", "_posixshmem", "asyncio", "webbrowser", "resource",
    }
)  # fmt: skip
DENIED_EVENT_PREFIXES = (
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "subprocess.",
    "os.kill", "os.killpg", "signal.pthread_kill", "socket.", "ctypes.", "os.remove", "os.rename",
    "os.rmdir", "shutil.rmtree", "os.chmod", "os.chown", "os.link", "os.symlink", "os.truncate",
    "os.utime", "resource.setrlimit", "resource.prlimit", "sys.remote_exec", "os.setxattr", "os.removexattr",
)  # fmt: skip
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
ALWAYS_READABLE = ("/dev/null", "/dev/urandom", "/dev/zero")


class NotAllowed(ImportError):
    """An import the grader does not allow."""


class ErrorStateLoosened(FloatingPointError):
    """A call during which the submission loosened NumPy's floating-point errors."""


def is_wall(e: BaseException) -> bool:
    """Whether the submission ran into one of the runner's walls (a refused import, path or event; the memory
    or file-size limit; loosened NumPy errors): the same happens at every example, so the op stops there."""
    refused = isinstance(e, PermissionError) and str(e).startswith("the grader does not allow")
    too_large = isinstance(e, OSError) and e.errno == errno.EFBIG
    return isinstance(e, (NotAllowed, MemoryError, ErrorStateLoosened)) or refused or too_large


def set_limits(cpu_seconds: int, memory_bytes: int, file_bytes: int, processes: int | None) -> None:
    """Hard limits, equal to the soft ones: the student's code cannot raise them again."""
    limits = [
        (resource.RLIMIT_CPU, cpu_seconds),  # past it the kernel sends SIGKILL
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_FSIZE, file_bytes),
        (resource.RLIMIT_CORE, 0),
    ]
    if processes is not None:  # counted per uid: only meaningful under a uid of the runner's own
        limits.append((resource.RLIMIT_NPROC, processes))
    for which, value in limits:
        resource.setrlimit(which, (value, value))


def drop_privileges(uid: int, gid: int) -> None:
    """From root to ``uid``/``gid`` with no supplementary groups, for good (the saved uid goes too)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid or os.getgid() != gid:
        raise RuntimeError(f"could not become uid {uid} / gid {gid}")


def inside(path: str, roots: tuple[str, ...]) -> bool:
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root.rstrip("/") + "/") for root in roots)


class Policy:
    """What the student's code may import, read and write: the audit hook's rules."""

    def __init__(self, allowed_modules, read_roots, write_roots):
        self.allowed_modules = tuple(allowed_modules)  # fnmatch patterns of full module names
        self.write_roots = tuple(os.path.realpath(r) for r in write_roots)
        self.read_roots = (*tuple(os.path.realpath(r) for r in read_roots), *self.write_roots, *ALWAYS_READABLE)

    def module_allowed(self, name: str) -> bool:
        top = name.split(".")[0]
        if top in sys.stdlib_module_names:
            return top not in DENIED_STDLIB
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.allowed_modules)

    def check_import(self, name: str) -> None:
        if not self.module_allowed(name):
            raise NotAllowed(
                f"the grader does not allow importing {name!r}: a submission may import the standard library, "
                f"numpy, its own files and scratch_parity.base (allowed here: {', '.join(self.allowed_modules)})"
            )

    def check_path(self, path, writing: bool, event: str) -> None:
        if isinstance(path, int) or path is None:  # an open file descriptor: it was allowed when opened
            return
        path = os.fsdecode(path)
        roots = self.write_roots if writing else self.read_roots
        if not inside(path, roots):
            raise PermissionError(f"the grader does not allow {'writing' if writing else 'reading'} {path!r} ({event})")

    def audit(self, event: str, args: tuple) -> None:
        if event == "import":
            self.check_import(args[0])
        elif event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool((flags or 0) & WRITE_FLAGS)
            self.check_path(path, writing, event)
        elif event in ("os.listdir", "os.scandir", "os.chdir", "glob.glob"):
            self.check_path(args[0] if args else ".", False, event)
        elif event in ("os.mkdir", "shutil.copyfile", "shutil.copytree", "shutil.move"):
            self.check_path(args[-1] if event != "os.mkdir" else args[0], True, event)
        elif event.startswith(DENIED_EVENT_PREFIXES):
            raise PermissionError(f"the grader does not allow {event} in a submission")

    def install(self) -> None:
        sys.addaudithook(self.audit)


LOOSENABLE = ("over", "invalid", "divide")


class ErrorStateGuard:
    """Notices a submission that loosens NumPy's floating-point errors that the check raises on."""

    def __init__(self, np):
        self.np, self.loosened = np, []

    def note(self, settings: dict) -> None:
        current = self.np.geterr()
        for key in LOOSENABLE:
            new = settings.get(key) or settings.get("all")
            if new not in (None, "raise") and current[key] == "raise":
                self.loosened.append(key)

    def install(self) -> None:
        np, guard = self.np, self
        real_seterr, real_errstate = np.seterr, np.errstate

        def seterr(all=None, divide=None, over=None, under=None, invalid=None):
            guard.note(dict(all=all, divide=divide, over=over, under=under, invalid=invalid))
            return real_seterr(all=all, divide=divide, over=over, under=under, invalid=invalid)

        class errstate(real_errstate):
            def __init__(self, **kwargs):
                guard.note(kwargs)
                super().__init__(**kwargs)

        np.seterr, np.errstate = seterr, errstate

    def take(self) -> list[str]:
        """What was loosened since the last call, and forget it."""
        loosened, self.loosened = sorted(set(self.loosened)), []
        return loosened
