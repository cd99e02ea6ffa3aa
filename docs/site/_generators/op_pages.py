"""One page per registry op, written into ``ops/`` when the build starts (``ops/`` is not committed).

A page is made of: the math (``op_math``), the forward and the backward of the three
implementations in synced tabs (the code comes from ``op_sources`` and is pulled in by
``literalinclude :pyobject:``), the op's rows of the committed parity snapshot
(``docs/results/parity.md``; the build never runs the tests), its documented divergences from torch
and the bad inputs it refuses (both from the registry entry, ``scratch_parity/registry.py``).
"""

import importlib
import inspect
import os
import re
from dataclasses import dataclass
from pathlib import Path

from _generators.op_math import MATH
from _generators.op_sources import SOURCES, Code, OpSources, Part

SITE = Path(__file__).resolve().parents[1]
ROOT = SITE.parents[1]
OUT = SITE / "ops"
PARITY = ROOT / "docs" / "results" / "parity.md"

# (sync key, tab label): the same keys on every tab-set, so one click switches them all.
TABS = (("manual", "Hand-written"), ("autograd", "Autograd engine"), ("torch", "PyTorch"))
SYNC_GROUP = "implementation"


def generate(app) -> None:
    from scratch_parity.registry import OPS_LIST  # imported here: conf.py puts the repository on sys.path first

    missing = [spec.name for spec in OPS_LIST if spec.name not in MATH or spec.name not in SOURCES]
    if missing:
        raise RuntimeError(
            f"op pages: no math (op_math.MATH) or no sources (op_sources.SOURCES) for {missing}; "
            "every registry op needs both"
        )
    tables = parse_tables(PARITY.read_text(encoding="utf-8"))
    OUT.mkdir(exist_ok=True)
    pages = {f"{spec.name}.md": op_page(spec, tables) for spec in OPS_LIST}
    pages["index.md"] = index_page(OPS_LIST, tables)
    for stale in set(p.name for p in OUT.glob("*.md")) - set(pages):
        (OUT / stale).unlink()  # an op that left the registry loses its page
    for name, text in pages.items():
        write_if_changed(OUT / name, text)


def write_if_changed(path: Path, text: str) -> None:
    """Unchanged pages keep their mtime, so Sphinx does not re-read them."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# -- the parity snapshot -------------------------------------------------------------------------


@dataclass
class Table:
    section: str
    header: list[str]
    rows: list[list[str]]


SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_tables(markdown: str) -> list[Table]:
    """Every pipe table of the report, with the heading of the section it sits in."""
    lines, tables, section = markdown.splitlines(), [], "Summary"
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("|") and i + 1 < len(lines) and SEPARATOR.match(lines[i + 1]):
            table = Table(section, cells(line), [])
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                table.rows.append(cells(lines[i]))
                i += 1
            tables.append(table)
            continue
        i += 1
    return tables


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    def row(values):
        return "| " + " | ".join(str(v).replace("|", r"\|") for v in values) + " |"

    return "\n".join([row(header), "|" + "---|" * len(header), *(row(r) for r in rows)])


# -- code ----------------------------------------------------------------------------------------


def literalinclude(path: str, obj: str) -> str:
    relative = os.path.relpath(ROOT / path, OUT).replace(os.sep, "/")
    return (
        f"```{{literalinclude}} {relative}\n:language: python\n:pyobject: {obj}\n:dedent:\n"
        f":caption: {path} · {obj}\n```\n"
    )


def includes(codes: tuple[Code, ...]) -> str:
    return "\n".join(literalinclude(c.path, obj) for c in codes for obj in c.objects)


def part(p: Part) -> str:
    return "\n".join(s for s in (p.text and p.text + "\n", includes(p.code)) if s)


def torch_signature(dotted: str) -> str:
    """``torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, ...)``, read from torch."""
    module, _, name = dotted.rpartition(".")
    signature = inspect.signature(getattr(importlib.import_module(module), name))
    args, star = [], False
    for p in signature.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star:
            args.append("*")
            star = True
        args.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}")
    return f"{dotted}(\n" + "".join(f"    {a},\n" for a in args) + ")"


def code_block(source: str) -> str:
    return f"```python\n{source}\n```\n"


def tab_set(contents: dict[str, str]) -> str:
    items = "\n".join(f":::{{tab-item}} {label}\n:sync: {key}\n\n{contents[key]}\n:::\n" for key, label in TABS)
    return f"::::{{tab-set}}\n:sync-group: {SYNC_GROUP}\n\n{items}::::\n"


def torch_forward(src: OpSources) -> str:
    t, out = src.torch, []
    if t.twin:
        out.append("`reference/` writes this twin itself:\n\n" + includes(t.twin))
    if t.cls:
        relation = "beside it" if t.twin else "re-exported by `reference`"
        out.append(f"The torch layer itself ({relation}), its constructor read from torch:\n\n")
        out.append(code_block(torch_signature(t.cls)))
    out.append("Called as:\n\n" + code_block(t.call))
    return "\n".join(out)


def kernels(src: OpSources, codes: tuple[Code, ...]) -> str:
    return f"{src.kernels_text}\n\n{includes(codes)}" if codes else ""


# -- the pages -----------------------------------------------------------------------------------


def api_links(name: str) -> str:
    """Cross-references to the API pages (nitpicky: a broken one fails the build)."""
    import scratch.autograd.nn
    import scratch.manual

    links = []
    for label, namespace in (("hand-written", scratch.manual), ("autograd", scratch.autograd.nn)):
        cls = getattr(namespace, name)
        links.append(f"{label} {{py:class}}`{cls.__module__}.{cls.__qualname__}`")
    return ", ".join(links)


def parity_section(name: str, tables: list[Table]) -> str:
    out = [
        "From the committed snapshot `docs/results/parity.md` (what `make report` wrote; the site never runs "
        "the tests). Regenerate it with `make report` and copy `report/parity.md` over.\n"
    ]
    for table in tables:
        rows = [r[1:] for r in table.rows if r and r[0] == name]  # without the op column
        if rows:
            out.append(f"**{table.section}**\n\n{markdown_table(table.header[1:], rows)}\n")
    if len(out) == 1:
        out.append(
            ":::{warning}\nThe snapshot has no row for this op yet: run `make report` and copy "
            "`report/parity.md` to `docs/results/parity.md`.\n:::\n"
        )
    return "\n".join(out)


def tolerances(spec) -> str:
    return ", ".join(f"{dtype}: rtol {t.rtol:g}, atol {t.atol:g}" for dtype, t in spec.tolerances.items())


def divergences_section(spec) -> str:
    if not spec.divergences:
        return "None documented: within the tolerances above, it agrees with torch on every input the tests draw.\n"
    return "\n".join(f"- {reason}" for reason in spec.divergences) + "\n"


def shapes(arrays) -> str:
    return ", ".join(str(tuple(getattr(a, "shape", ()))) for a in arrays)


def errors_section(spec) -> str:
    if not spec.errors:
        return "No bad inputs are registered for this op.\n"
    header = ["bad input", "built with", "input shapes", "raises", "at", "the message must match"]
    rows = []
    for e in spec.errors:
        kwargs = ", ".join(f"{k}={v!r}" for k, v in e.kwargs.items()) or "defaults"
        rows.append([e.why, f"`{kwargs}`", shapes(e.inputs()), f"`{e.error.__name__}`", e.stage, f"`{e.match}`"])
    intro = (
        "Both scratch versions and torch must refuse these, with the same exception type; scratch's message must "
        "also name the shapes or values at fault (the regex). The input arrays are built by the registry entry.\n\n"
    )
    return intro + markdown_table(header, rows) + "\n"


def op_page(spec, tables: list[Table]) -> str:
    name, src = spec.name, SOURCES[spec.name]
    extra = f"\n{part(src.extra)}\n" if src.extra.text or src.extra.code else ""
    forward = {
        "manual": part(src.manual_forward),
        "autograd": part(src.autograd_forward),
        "torch": torch_forward(src),
    }
    backward = {
        "manual": part(src.manual_backward),
        "autograd": part(src.autograd_backward),
        "torch": src.torch.backward + "\n",
    }
    return f"""\
<!-- Generated by docs/site/_generators/op_pages.py from scratch_parity/registry.py: edit those, not this file. -->
(op-{name})=
# {name}

API: {api_links(name)}. Registry entry: `{name}` in `scratch_parity/registry.py`. Notation and how to read
this page: {{ref}}`reading-an-op-page`.

## The math
{MATH[name]}{extra}
## Forward

{tab_set(forward)}
{kernels(src, src.forward_kernels)}
## Backward

{tab_set(backward)}
{kernels(src, src.backward_kernels)}
## Parity with torch

Tolerances of the comparison with torch, element by element ($|\\text{{yours}} - \\text{{torch}}| \\le
\\text{{atol}} + \\text{{rtol}} \\cdot |\\text{{torch}}|$): {tolerances(spec)}.

{parity_section(name, tables)}
## Known divergences from torch

{divergences_section(spec)}
## Inputs it refuses

{errors_section(spec)}"""


def verdict(cell: str) -> str:
    """ "pass (5 checks; worst rel. error 5.0e-15)" -> "pass, 5.0e-15"."""
    worst = re.search(r"worst rel\. error ([^)]+)", cell)
    return cell.split(" (")[0] + (f", {worst.group(1)}" if worst else "")


def index_page(specs, tables: list[Table]) -> str:
    summary = next((t for t in tables if t.section == "Summary"), None)
    results = {row[0]: row[1:] for row in summary.rows} if summary else {}
    header = ["op", "hand-written", "autograd", "torch vs finite differences", "divergences", "refused inputs"]
    rows = []
    for spec in specs:
        verdicts = [verdict(cell) for cell in results.get(spec.name, ["no row"] * 3)]
        rows.append([f"[{spec.name}]({spec.name}.md)", *verdicts, len(spec.divergences), len(spec.errors)])
    toctree = "\n".join(spec.name for spec in specs)
    return f"""\
<!-- Generated by docs/site/_generators/op_pages.py from scratch_parity/registry.py: edit those, not this file. -->
# Ops, side by side

One page per entry of the op registry (`scratch_parity/registry.py`), in its order. The verdicts and the worst
relative errors (against torch in float64; for torch, against finite differences) come from the
committed parity snapshot (`docs/results/parity.md`).

{markdown_table(header, rows)}

```{{toctree}}
:hidden:

{toctree}
```
"""
