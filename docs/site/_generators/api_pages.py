"""The API reference, one page per package, written into ``api/`` when the build starts (not committed).

Each page runs autodoc over every module of its package, found by walking the package, so a new
module is documented without anyone listing it. The pages are reStructuredText: autodoc's output
is reST, and MyST would read docstrings as Markdown.
"""

import importlib
import pkgutil
from pathlib import Path

from _generators.op_pages import write_if_changed

SITE = Path(__file__).resolve().parents[1]
OUT = SITE / "api"

# (package, what it is): the order of the API index.
PACKAGES = (
    ("scratch.manual", "Hand-written layers: forward and a backward derived on paper."),
    ("scratch.autograd", "The autograd engine (Tensor, Function, backward), its ops, functional and nn."),
    ("scratch.kernels", "Array code shared by the hand-written and the autograd layers."),
    ("scratch.optim", "Optimizers, schedules and gradient clipping, for both kinds of parameters."),
    ("reference", "The PyTorch twin of every piece."),
    ("scratch_parity", "The checker: the op registry, adapters, checks, pytest plugin, scratch-check, the bug zoo."),
)


def modules(package: str) -> list[tuple[str, bool]]:
    """(name, is a package) of the package's submodules, depth first, in name order (itself excluded)."""
    pkg = importlib.import_module(package)
    found = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name in ("conftest", "__main__") or info.name.startswith("test_"):
            continue  # the suite's test templates (their package docstring describes them); a command's entry
        name = f"{package}.{info.name}"
        found.append((name, info.ispkg))
        if info.ispkg:
            found.extend(modules(name))
    return found


def heading(text: str, char: str) -> str:
    return f"{text}\n{char * len(text)}\n"


def package_page(package: str) -> str:
    out = [heading(package, "="), f".. automodule:: {package}\n"]
    for module, is_package in modules(package):
        out.append(heading(module, "-"))
        # A package's docstring only: its members are its modules' (re-exported through __all__), which
        # are documented once, where they are defined.
        options = "" if is_package else "   :members:\n   :undoc-members:\n   :show-inheritance:\n"
        out.append(f".. automodule:: {module}\n{options}")
    return "\n".join(out)


def index_page() -> str:
    lines = [
        heading("API reference", "="),
        "From the docstrings (autodoc): each gives the shapes, the forward and backward formulas, and",
        "``NOTE:`` lines where a gradient has an edge case. Notation of :mod:`scratch.kernels.im2col`.\n",
    ]
    lines += [f"- :doc:`{package}` — {about}" for package, about in PACKAGES]
    lines += ["", ".. toctree::", "   :hidden:", ""] + [f"   {package}" for package, _ in PACKAGES]
    return "\n".join(lines) + "\n"


def generate(app) -> None:
    OUT.mkdir(exist_ok=True)
    pages = {f"{package}.rst": package_page(package) for package, _ in PACKAGES}
    pages["index.rst"] = index_page()
    for stale in {p.name for p in OUT.glob("*.rst")} - set(pages):
        (OUT / stale).unlink()
    for name, text in pages.items():
        write_if_changed(OUT / name, text)
