"""Sphinx configuration of the side-by-side site (``make docs`` builds it into build/docs).

Pages under ``ops/`` and ``api/`` and the figures are generated at build time by the modules in
``_generators/``: each one that defines ``generate(app)`` is a generator and runs when the builder
starts (the others, ``op_math`` and ``op_sources``, are data), so the site is always made from the
code as it is.
"""

import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "_ext"))

project = "scratch-parity"
author = "the scratch-parity authors"
copyright = "2026, the scratch-parity authors"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx.ext.autodoc",
    "plain_docstrings",  # _ext/: the docstrings are plain text with formula blocks, not reST
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 copied into the site: no CDN
]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_generators", "**/README.md"]
html_theme = "furo"
html_title = "scratch-parity: layers three ways"
html_static_path = ["_static"]
html_css_files = ["custom.css"]

# -- API reference (autodoc) -----------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_preserve_defaults = True  # signatures show ``dtype=np.float32`` as written, not its repr
# Methods without a docstring of their own are left out rather than showing their base's, which for
# the torch twins would be torch's documentation, written for torch's own site.
autodoc_inherit_docstrings = False

# Every cross-reference must resolve: a renamed class behind a link fails the build.
nitpicky = True
# intersphinx would resolve these against numpy's and torch's inventories, but the build is offline,
# so the external types that annotations and signatures name are ignored, and only those.
nitpick_ignore_regex = [
    (r"py:.*", r"numpy(\..+)?"),
    (r"py:.*", r"torch(\..+)?"),
    (r"py:.*", r"collections\.abc\..+"),  # the standard library's types: no inventory either
    (r"py:.*", r"(pathlib|argparse|types|datetime|subprocess)\..+"),
    (r"py:.*", r"hypothesis(\..+)?"),
    (r"py:class", r"dict\[str"),  # autodoc splits "dict[str, ...]" of a docstring's own type line
]


def _run_generators(app):
    for info in sorted(pkgutil.iter_modules([str(HERE / "_generators")]), key=lambda m: m.name):
        module = importlib.import_module(f"_generators.{info.name}")
        if hasattr(module, "generate"):
            module.generate(app)


def setup(app):
    app.connect("builder-inited", _run_generators)
