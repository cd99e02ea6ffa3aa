"""The side-by-side site: every registry op has a full page, and nothing is fetched from the network."""

import ast
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from scratch_parity.registry import OPS, OPS_LIST

SITE_SOURCE = Path(__file__).resolve().parents[2] / "docs" / "site"
sys.path.insert(0, str(SITE_SOURCE))  # the generators' package, as conf.py imports it

from _generators import op_math, op_pages  # noqa: E402
from _generators.op_sources import SOURCES  # noqa: E402

ROOT = SITE_SOURCE.parents[1]


class Page(HTMLParser):
    """The visible text of a page (scripts and styles left out), the URLs it loads, and its classes."""

    LOADS: ClassVar = {"script": "src", "img": "src", "link": "href"}

    def __init__(self, html: str):
        super().__init__()
        self.text, self.loads, self.classes, self._skip = [], [], [], 0
        self.feed(html)
        self.text = normalize("".join(self.text))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.LOADS and attrs.get(self.LOADS[tag]):
            self.loads.append((tag, attrs[self.LOADS[tag]]))
        self.classes.extend((attrs.get("class") or "").split())
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def normalize(text: str) -> str:
    """One space for any whitespace, and straight quotes (Sphinx turns ' into a typographic one in prose)."""
    return re.sub(r"\s+", " ", text).translate(str.maketrans("‘’“”", "''\"\""))


def page(site: Path, name: str) -> Page:
    return Page((site / "ops" / f"{name}.html").read_text(encoding="utf-8"))


def external(url: str) -> bool:
    """A URL that names a host or a scheme (https:, //cdn..., file:) would be fetched from elsewhere."""
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc or url.startswith("//"))


def first_line(path: str, dotted: str) -> str:
    """The ``def``/``class`` line of an object (``Class.method`` or ``function``) in a source file."""
    body = ast.parse((ROOT / path).read_text(encoding="utf-8")).body
    for part in dotted.split("."):
        node = next(n for n in body if getattr(n, "name", None) == part)
        body = getattr(node, "body", [])
    line = (ROOT / path).read_text(encoding="utf-8").splitlines()[node.lineno - 1]
    return re.sub(r"\s+", " ", line.strip())


# -- without building ------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", OPS_LIST, ids=[s.name for s in OPS_LIST])
def test_every_registry_op_has_its_math_and_its_sources(spec):
    math = op_math.MATH.get(spec.name, "")
    assert "$$" in math, f"{spec.name}: no display formula in op_math.MATH (docs/site/_generators/op_math.py)"
    assert "Backward" in math or "backward" in math, f"{spec.name}: the math has no backward derivation"
    assert spec.name in SOURCES, f"{spec.name}: no entry in op_sources.SOURCES"


def test_the_page_generator_refuses_an_op_without_math(monkeypatch):
    monkeypatch.delitem(op_pages.MATH, "Conv2d")
    with pytest.raises(RuntimeError, match=r"Conv2d"):
        op_pages.generate(app=None)


def test_the_parity_snapshot_parses_into_its_tables():
    tables = op_pages.parse_tables((ROOT / "docs" / "results" / "parity.md").read_text(encoding="utf-8"))
    sections = [t.section for t in tables]
    assert sections[0] == "Summary" and "Every check" in sections, sections
    summary = tables[0]
    assert summary.header[0] == "op" and all(len(row) == len(summary.header) for row in summary.rows)
    assert "Conv2d" in {row[0] for row in summary.rows}


def test_an_external_url_is_recognised():
    for url in ("https://cdn.jsdelivr.net/mathjax.js", "//fonts.example/x.css", "http://a/b", "file:///etc/x"):
        assert external(url), url
    for url in ("_static/furo.js?v=1", "../_static/mathjax/tex-chtml.js", "#top", "genindex.html"):
        assert not external(url), url


# -- on the built site -----------------------------------------------------------------------------


def test_no_page_loads_anything_from_another_host(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > len(OPS), "every op has a page, and there is more than that"
    offenders = [
        f"{p.relative_to(site)}: <{tag}> {url}"
        for p in pages
        for tag, url in Page(p.read_text(encoding="utf-8")).loads
        if external(url)
    ]
    assert not offenders, "external resources (the site must work offline):\n" + "\n".join(offenders)
    css = [p for p in site.rglob("*.css") if re.search(r"(@import|url\()\s*['\"]?(https?:)?//", p.read_text())]
    assert not css, f"stylesheets that fetch from elsewhere: {css}"


def test_mathjax_is_served_by_the_site_itself(site):
    scripts = [url for tag, url in page(site, "Conv2d").loads if tag == "script" and "mathjax" in url.lower()]
    assert scripts, "the op page loads no MathJax"
    for url in scripts:
        assert (site / "ops" / urlsplit(url).path).resolve().is_file(), f"{url} is not in the built site"


@pytest.mark.parametrize("spec", OPS_LIST, ids=[s.name for s in OPS_LIST])
def test_every_op_page_shows_its_code_math_parity_divergences_and_errors(site, spec):
    html = page(site, spec.name)
    src = SOURCES[spec.name]
    parts = (src.manual_forward, src.manual_backward, src.autograd_forward, src.autograd_backward, src.extra)
    codes = [c for p in parts for c in p.code] + [*src.forward_kernels, *src.backward_kernels, *src.torch.twin]
    for code in codes:
        for obj in code.objects:
            line = first_line(code.path, obj)
            assert line in html.text, f"{spec.name}: the page does not show {code.path}::{obj} ({line!r})"
    assert html.classes.count("sd-tab-set") >= 2, "a forward and a backward tab-set"
    assert "math" in html.classes, "no formula on the page"
    for reason in spec.divergences:
        assert normalize(reason) in html.text, f"{spec.name}: divergence not shown: {reason}"
    for error in spec.errors:
        assert normalize(error.why) in html.text and error.error.__name__ in html.text, f"{spec.name}: {error.why}"
    summary = op_pages.parse_tables((ROOT / "docs" / "results" / "parity.md").read_text(encoding="utf-8"))[0]
    for row in summary.rows:
        if row[0] == spec.name:
            assert all(cell in html.text for cell in row[1:]), f"{spec.name}: its parity summary row is not shown"


def test_the_conv2d_page_holds_the_backward_and_its_parity_rows(site):
    text = page(site, "Conv2d").text
    assert "def backward(self, dout):" in text and "def backward(self, gy):" in text
    assert "def conv2d_grad_input(" in text, "the shared kernel is shown"
    snapshot = (ROOT / "docs" / "results" / "parity.md").read_text(encoding="utf-8")
    summary_row = next(line for line in snapshot.splitlines() if line.startswith("| Conv2d |"))
    first_verdict = summary_row.split("|")[2].strip()  # "pass (5 checks; worst rel. error ...)"
    assert first_verdict in text
    assert "torch.nn.Conv2d( in_channels, out_channels, kernel_size," in text, "torch's signature, read from torch"


def test_the_landing_page_links_ops_api_and_guide(site):
    index = Page((site / "index.html").read_text(encoding="utf-8"))
    assert (site / "ops" / "index.html").is_file() and (site / "api" / "index.html").is_file()
    for spec in OPS_LIST:
        assert (site / "ops" / f"{spec.name}.html").is_file(), spec.name
    assert "Reading an op page" in index.text
