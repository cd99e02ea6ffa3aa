"""A file system of the runner's own: the few folders it needs, bound where they are; nothing else exists.

Where the grader is root and the kernel lets it make a mount namespace (``unshare --mount``), the runner
starts in one whose root is an empty tmpfs holding, at their usual paths:
    read-only   the system's programs and libraries (/usr, and /bin, /lib, ... as links into it), the
                Python's own prefix, numpy (its package folder and its .libs), the runner's code
                (``scratch_parity/grader``), the student's copied files, the allowed base class, and
                what the course allows (e.g. ``scratch`` when the shipped solution itself is checked)
    writable    the runner's work folder (owned by its uid)
    devices     /dev/null, /dev/zero, /dev/urandom
and an empty tmpfs over every site-packages or dist-packages folder inside those trees. So torch, the
reference twins, the solutions, the tests, the grader's other files, /proc and the results folder are
not hidden by a rule the student's code could switch off (the audit hook): they are not there.

The namespace and its mounts end with the runner's last process; the host never sees them.
NOTE: the runner starts as root inside the new root (``chroot``), and drops to its uid itself before it
imports the student's module; an unprivileged process cannot leave a chroot.
"""

import dataclasses
import glob
import os
import shlex
import shutil
import subprocess

SYSTEM_TREES = ("/usr",)
TOP_LEVEL_LINKS = ("/bin", "/lib", "/lib64", "/lib32", "/libx32", "/sbin")
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom")
SYSTEM_FILES = ("/etc/ld.so.cache",)  # the dynamic loader's index: where libraries outside its defaults are
PACKAGE_FOLDER_PATTERNS = ("lib/python3*/site-packages", "lib/python3*/dist-packages", "lib/python3/dist-packages")


@dataclasses.dataclass(frozen=True)
class View:
    """What the runner sees: ``read_only`` and ``writable`` host folders, bound at the same paths."""

    root: str  # an empty folder of the grader's, where the new root is mounted
    trees: tuple[str, ...]  # whole installations (a Python's prefix), bound with their package folders emptied
    read_only: tuple[str, ...]
    writable: tuple[str, ...] = ()

    def package_folders(self) -> list[str]:
        """Every site-packages or dist-packages folder inside a bound tree: each gets an empty tmpfs."""
        found = set()
        for tree in (*SYSTEM_TREES, *self.trees):
            for base in (tree, os.path.join(tree, "local")):
                for pattern in PACKAGE_FOLDER_PATTERNS:
                    found.update(os.path.realpath(p) for p in glob.glob(os.path.join(base, pattern)))
        return sorted(found)

    def script(self) -> str:
        """The shell lines, run as root in the new mount namespace, that build the root and enter it."""
        # the programs by their full paths: the runner's PATH leaves out the sbin folders
        programs = [f'{name}() {{ {shlex.quote(tool(name))} "$@"; }}' for name in ("mount", "mkdir", "touch", "ln")]
        lines = ["set -eu", f"R={shlex.quote(self.root)}", *programs, FUNCTIONS]
        lines.append('mount -t tmpfs -o mode=0755,size=16m,nosuid,nodev scratch-parity-runner "$R"')
        for link in TOP_LEVEL_LINKS:
            if os.path.islink(link):
                lines.append(f'ln -s {shlex.quote(os.readlink(link))} "$R"{shlex.quote(link)}')
            elif os.path.isdir(link):
                lines.append(f"bind_ro {shlex.quote(link)}")
        lines += [f"bind_ro {shlex.quote(tree)}" for tree in dict.fromkeys((*SYSTEM_TREES, *self.trees))]
        # NOTE: hidden after the trees that hold them and before the read-only binds below, which may lie inside
        # one of them (numpy in a dist-packages folder: bound again into the empty tmpfs)
        lines += [f"hide {shlex.quote(folder)}" for folder in self.package_folders()]
        lines += [f"bind_ro {shlex.quote(path)}" for path in self.read_only]
        lines += [f"bind_rw {shlex.quote(path)}" for path in self.writable]
        lines += [f"bind_file {shlex.quote(path)}" for path in (*SYSTEM_FILES, *DEVICES) if os.path.exists(path)]
        lines.append(f'exec {shlex.quote(tool("chroot"))} "$R" "$@"')
        return "\n".join(lines) + "\n"

    def command(self, argv: list[str], network: bool) -> list[str]:
        """``argv`` run inside this view (and in a network namespace of its own when ``network``)."""
        namespaces = ["--mount", *(["--net"] if network else [])]
        return [
            tool("unshare"),
            *namespaces,
            "--propagation",
            "private",
            "--",
            "/bin/sh",
            "-c",
            self.script(),
            "jail",
            *argv,
        ]


FUNCTIONS = """\
bind_ro() { mkdir -p "$R$1"; mount --bind "$1" "$R$1"; mount -o remount,bind,ro,nosuid,nodev "$R$1"; }
bind_rw() { mkdir -p "$R$1"; mount --bind "$1" "$R$1"; mount -o remount,bind,nosuid,nodev "$R$1"; }
bind_file() { mkdir -p "$R$(dirname "$1")"; touch "$R$1"; mount --bind "$1" "$R$1"; }
hide() { mount -t tmpfs -o mode=0755,size=64k,nosuid,nodev hidden "$R$1"; }"""


def tool(name: str) -> str:
    """The absolute path of a system program (the runner's PATH leaves out the sbin folders)."""
    found = shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        raise FileNotFoundError(f"{name} is not installed: the runner cannot get a file system of its own")
    return found


def available() -> bool:
    """Whether this process may make a mount namespace and mount in it (root with CAP_SYS_ADMIN)."""
    if os.geteuid() != 0:
        return False
    try:
        done = subprocess.run(
            [
                tool("unshare"),
                "--mount",
                "--propagation",
                "private",
                "--",
                tool("mount"),
                "-t",
                "tmpfs",
                "probe",
                "/mnt",
            ],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):  # FileNotFoundError: a program is missing
        return False
    return done.returncode == 0


def python_prefix(python: str) -> str:
    """The folder holding ``python``'s standard library (and its libpython), as that Python says."""
    done = subprocess.run(
        [python, "-I", "-S", "-c", "import sys; print(sys.base_prefix)"], capture_output=True, text=True, timeout=60
    )
    return done.stdout.strip()
