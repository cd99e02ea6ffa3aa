"""The import graph that the layout promises, read from the source with ``ast`` (every import, nested ones too).

- ``reference`` (the torch oracle) never imports ``scratch`` or the tool: the twins are independent builds;
- ``scratch`` never imports torch, the oracle or the tool;
- nothing that the wheel installs imports ``tests`` or ``tools`` (developer-only);
- no module anywhere imports a test module (``test_*.py``): what tests share lives in the package.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALLED = ("scratch", "scratch_parity", "reference")


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module name an ``import`` or ``from ... import`` of the file names (relative imports resolved)."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def python_files(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py"))


def offenders(tops, forbidden) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(*tops)
        for name in sorted(imported_modules(path))
        if name.split(".")[0] in forbidden
    ]


def test_the_oracle_never_imports_the_code_it_judges():
    assert not offenders(["reference"], {"scratch", "scratch_parity", "tests", "tools"})


def test_scratch_stays_numpy_only():
    assert not offenders(["scratch"], {"torch", "reference", "scratch_parity", "tests", "tools"})


def test_nothing_installed_imports_tests_or_tools():
    assert not offenders(INSTALLED, {"tests", "tools", "bench"})


def test_no_module_imports_a_test_module():
    tops = [*INSTALLED, "tests", "tools", "bench", "docs"]
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(*tops)
        for name in imported_modules(path)
        if name.split(".")[-1].startswith("test_")
    ]
    assert not found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import torch.nn as nn", {"torch.nn"}),
        ("def f():\n    from scratch.kernels import conv", {"scratch.kernels", "scratch.kernels.conv"}),
        ("from . import sample", {"scratch_parity", "scratch_parity.sample"}),
        ("from tests.test_parity import build", {"tests.test_parity", "tests.test_parity.build"}),
    ],
)
def test_the_reader_sees_every_kind_of_import(tmp_path, source, expected):
    """The checks above are only as good as the reader: nested, aliased and relative imports are all seen."""
    package = tmp_path / "scratch_parity"
    package.mkdir()
    (package / "module.py").write_text(source)
    assert imported_modules(package / "module.py", root=tmp_path) == expected
