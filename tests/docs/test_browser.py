"""The built site in a real browser (headless Chromium): formulas render, and the synced tabs switch together.

Skipped, with the reason, where no Chromium is installed; ``.ci/run`` installs Debian's package.
The screenshot of the page after the click is left in the test's tmp dir.
"""

import json

import pytest

from scratch_parity.registry import OPS_LIST
from tests.docs.browser import chromium, find_chromium, result, serve, with_script

PAGE = "Conv2d"  # the op page with the most of everything: kernels on both sides, long formulas


@pytest.fixture(scope="session")  # session, as the site: so a missing browser skips before the build
def browser() -> str:
    binary = find_chromium()
    if binary is None:
        pytest.skip(
            "no Chromium on PATH (nor $CHROMIUM): install Debian's chromium package (apt-get install -y chromium) "
            "to run the browser checks of the docs site"
        )
    return binary


def test_an_op_page_renders_its_math_and_one_click_switches_every_tab_set(browser, site, tmp_path):
    copy = with_script(site / "ops" / f"{PAGE}.html", "smoke.js")
    with serve(site) as root:
        url = f"{root}/ops/{copy.name}"
        seen = result(chromium(browser, url, tmp_path / "profile", "--dump-dom"))
        screenshot = tmp_path / f"{PAGE}.png"
        chromium(browser, url, tmp_path / "profile-shot", "--window-size=1280,2400", f"--screenshot={screenshot}")
    assert "error" not in seen, seen
    assert seen["math"] >= 5, f"too few formulas found: {seen}"
    assert seen["typeset"] == seen["math"], f"formulas left as raw TeX: {seen}"
    assert seen["errors"] == 0 and not seen["raw_frac"], f"MathJax errors or a raw \\frac on the page: {seen}"
    before, after = seen["before"], seen["after"]
    assert len(before) >= 2, f"a forward and a backward tab-set: {before}"
    assert all(tab == {"sync": "manual", "shown": ["manual"]} for tab in before), before
    assert all(tab == {"sync": "autograd", "shown": ["autograd"]} for tab in after), (
        f"one click on an 'autograd' label must switch every tab-set of the page: {json.dumps(after)}"
    )
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000, f"no real screenshot at {screenshot}"


def test_every_formula_of_the_site_is_valid_tex(browser, site, tmp_path):
    pages = [f"ops/{spec.name}.html" for spec in OPS_LIST] + ["index.html"]
    pages += sorted(str(p.relative_to(site)) for p in site.glob("guide/*.html"))
    harness = site / "_typeset.html"
    harness.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><script>\n"
        f"window.PAGES = {json.dumps(pages)};\n"
        # strict TeX: an undefined macro or a missing brace throws instead of rendering in red
        "window.MathJax = {tex: {packages: {'[-]': ['noundefined', 'noerrors']}, "
        "formatError: (jax, err) => { throw err; }}, startup: {typeset: false}};\n"
        "</script><script src='_static/mathjax/tex-chtml.js'></script></head><body></body></html>",
        encoding="utf-8",
    )
    copy = with_script(harness, "typeset.js")
    with serve(site) as root:
        seen = result(chromium(browser, f"{root}/{copy.name}", tmp_path / "profile", "--dump-dom"))
    assert "error" not in seen, seen
    assert seen["pages"] == len(pages)
    assert seen["formulas"] >= 3 * len(OPS_LIST), f"too few formulas found: {seen}"
    assert not seen["errors"], "TeX that MathJax cannot typeset:\n" + "\n".join(seen["errors"])
