"""This package carried inside a grading bundle: its files and a pyproject.toml that ``pip install`` takes.

An autograder (Gradescope's zip, a GitHub Classroom repository) installs the checker from a copy of it
inside the bundle, so that it grades with the very code that graded here. Not a wheel: the package here
may be an editable install (there is no wheel to copy), and building one (``pip wheel``) needs a source
tree with its pyproject.toml beside the packages, which an installed package lacks, and setuptools in
a build environment, that is the network. Instead the three packages are copied from where Python
imports them (their ``__file__``), less caches, and a pyproject.toml is written from the installed
distribution's metadata: its version, its dependencies and the ``check`` extra, and its entry points
(the console scripts, and the pytest plugins the suite needs). The side that installs it builds it,
with the network it has. torch is pinned to the version installed here, from the CPU wheel index
(the autograders have no GPU, and PyPI's default torch brings CUDA's libraries).
"""

import importlib
import importlib.metadata
import json
import shutil
from pathlib import Path

PACKAGES = ("scratch", "scratch_parity", "reference")
DISTRIBUTION = "scratch-parity"
FOLDER = "scratch-parity"
"""The folder of the carried package inside a bundle."""
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
EXTRA = "check"


def package_files() -> dict[str, bytes]:
    """Every file of the carried package, by its path under ``FOLDER``: the packages' files (no
    ``__pycache__``, no hidden files such as .pytest_cache) and the generated pyproject.toml."""
    files = {}
    for name in PACKAGES:
        root = Path(importlib.import_module(name).__file__).resolve().parent
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root.parent)
            skipped = any(part == "__pycache__" or part.startswith(".") for part in relative.parts)
            if path.is_file() and not skipped and path.suffix not in (".pyc", ".pyo"):
                files[relative.as_posix()] = path.read_bytes()
    data = sorted(path for path in files if not path.endswith(".py"))
    files["pyproject.toml"] = pyproject(data).encode()
    return files


def write_tree(target: Path) -> Path:
    """``package_files`` written under ``target``/scratch-parity (an earlier copy there replaced); the folder
    ``pip install`` takes."""
    folder = target / FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    for relative, content in package_files().items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def pyproject(data_files: list[str]) -> str:
    """The carried package's pyproject.toml, from the installed distribution's metadata; ``data_files``
    (the packages' files that are not Python) become package data."""
    meta = importlib.metadata.distribution(DISTRIBUTION)
    base, extra = requirements(meta.requires or [])
    python = meta.metadata["Requires-Python"]
    package_data: dict[str, list[str]] = {}
    for path in data_files:
        folder, _, name = path.rpartition("/")
        package_data.setdefault(folder.replace("/", "."), []).append(name)
    groups: dict[str, dict[str, str]] = {}
    for entry in meta.entry_points:
        groups.setdefault(entry.group, {})[entry.name] = entry.value
    lines = [
        f"# Written by scratch-grade from the installed {DISTRIBUTION} {meta.version}: the packages beside this file,",
        "# with the base dependencies and the check extra only.",
        "[build-system]",
        'requires = ["setuptools>=68"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {toml(DISTRIBUTION)}",
        f"version = {toml(meta.version)}",
        *([f"requires-python = {toml(python)}"] if python else []),
        f"dependencies = {toml(base)}",
        "",
        "[project.optional-dependencies]",
        f"{EXTRA} = {toml(extra)}",
    ]
    for group, entries in sorted(groups.items()):
        table = "project.scripts" if group == "console_scripts" else f"project.entry-points.{toml(group)}"
        lines += ["", f"[{table}]", *(f"{toml(name)} = {toml(value)}" for name, value in sorted(entries.items()))]
    lines += ["", "[tool.setuptools.packages.find]", f"include = {toml([p for n in PACKAGES for p in (n, n + '.*')])}"]
    lines += ["", "[tool.setuptools.package-data]"]
    lines += [f"{toml(package)} = {toml(names)}" for package, names in sorted(package_data.items())]
    return "\n".join(lines) + "\n"


def requirements(requires: list[str]) -> tuple[list[str], list[str]]:
    """The distribution's requirements split into the base ones and the ``check`` extra's (other extras dropped)."""
    base, extra = [], []
    for requirement in requires:
        spec, _, marker = (part.strip() for part in requirement.partition(";"))
        if not marker or "extra" not in marker:
            base.append(requirement.strip())
        elif marker.replace("'", '"') == f'extra == "{EXTRA}"':
            extra.append(spec)
    return base, extra


def toml(value) -> str:
    """A TOML value (a string or a list of strings): JSON's quoting is TOML's basic string."""
    return json.dumps(value)


def torch_pin() -> str:
    """``torch==X.Y.Z``: the torch installed here, without its local label (``+cpu``), matched by the CPU index's."""
    return "torch==" + importlib.metadata.version("torch").split("+")[0]


def install_lines(pip: str, folder: str) -> list[str]:
    """Shell lines that install the carried package at ``folder`` (a shell expression) with ``pip`` (a
    command): torch from the CPU index first, so that the package's own requirement finds it there."""
    return [
        f'{pip} install --quiet "{torch_pin()}" --index-url {CPU_INDEX}',
        f'{pip} install --quiet "{folder}[{EXTRA}]"',
    ]
