"""Headless Chromium, driven from the command line: no driver, no download, nothing but the stdlib.

A page is checked by serving the built site over HTTP on 127.0.0.1, loading a copy of the page with
one extra script, and reading what that script wrote into the DOM (``--dump-dom``). The script waits
for MathJax, clicks, and records what it saw; ``--virtual-time-budget`` lets the page run to rest
first. Debian's ``chromium`` package is the browser (``apt-get install -y chromium``).
"""

import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from contextlib import contextmanager
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
RESULT = re.compile(r'<pre id="smoke-result">(.*?)</pre>', re.S)


def find_chromium() -> str | None:
    """``$CHROMIUM`` if set, else the first of the usual names on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    return next((path for name in BINARIES if (path := shutil.which(name))), None)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory: Path):
    """The directory on http://127.0.0.1:<free port>, for the duration of the block."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium(binary: str, url: str, profile: Path, *args: str, timeout: float = 120) -> str:
    """Run headless Chromium on ``url`` with extra ``args`` (``--dump-dom``, ``--screenshot=...``); its stdout."""
    command = [
        binary,
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=30000",
        *(["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),  # root has no sandbox
        *args,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout


def with_script(page: Path, script: str, prelude: str = "") -> Path:
    """A copy of ``page`` beside it, which also runs ``tests/docs/<script>`` (copied into the site)."""
    shutil.copy(HERE / script, page.parent / f"_{script}")
    copy = page.parent / f"_{script}-{page.name}"
    html = page.read_text(encoding="utf-8")
    assert "</body>" in html, page
    copy.write_text(html.replace("</body>", f'{prelude}<script src="_{script}"></script></body>'), encoding="utf-8")
    return copy


def result(dom: str) -> dict:
    """What the injected script wrote into ``<pre id="smoke-result">``."""
    found = RESULT.search(dom)
    assert found, "the injected script wrote no result (did the page load its scripts?):\n" + dom[-2000:]
    import html

    return json.loads(html.unescape(found.group(1)))
