"""Sphinx configuration of the side-by-side site (``make docs`` builds it into build/docs).

Pages under ``ops/`` and the figures are generated at build time by the modules in
``_generators/``: each defines ``generate(app)`` and runs when the builder starts, so the site is
always made from the code as it is.
"""

import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

project = "scratch-parity"
author = "the scratch-parity authors"
copyright = "2026, the scratch-parity authors"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 copied into the site: no CDN
]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_generators", "**/README.md"]
nitpicky = True
html_theme = "furo"
html_title = "scratch-parity: layers three ways"


def _run_generators(app):
    for info in sorted(pkgutil.iter_modules([str(HERE / "_generators")]), key=lambda m: m.name):
        module = importlib.import_module(f"_generators.{info.name}")
        module.generate(app)


def setup(app):
    app.connect("builder-inited", _run_generators)
