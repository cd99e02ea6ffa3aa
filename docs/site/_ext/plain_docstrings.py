"""Read this project's docstrings as what they are: plain text, with formulas in indented blocks.

The docstrings follow the CS231n style (a sentence, then shapes and formulas aligned in indented
lines, ``NOTE:`` lines), not reStructuredText: ``|x|``, ``*shape`` and ``clip_grad_norm_`` would be
read as reST markup, and an indented formula after a sentence as a definition list. This extension
turns every indented run into a literal block (so the formulas keep their alignment) and escapes
the markup characters in the prose around them; ````double backticks```` keep meaning code. It also
shows a class's public ancestry in "Bases:" (a private base such as ``_BatchNorm`` is replaced by its
own bases), so every base named there has a page to link to, and appends such a base's docstring to
the class's, where it would otherwise be lost (``_BatchNorm`` holds batch norm's formulas).
"""

import inspect
import re

CODE_SPAN = re.compile(r"(``.+?``)")
MARKUP = re.compile(r"([\\*|])|(_)(?=\W|$)")


def escape(text: str) -> str:
    """Escape reST markup characters outside ``code`` spans."""
    parts = CODE_SPAN.split(text)
    return "".join(p if i % 2 else MARKUP.sub(lambda m: "\\" + m.group(0), p) for i, p in enumerate(parts))


def plain_to_rest(lines: list[str]) -> list[str]:
    out, in_block = [], False
    for line in lines:
        if not line.strip():
            out.append(line)
            continue
        if line[0].isspace():
            if not in_block:
                if next((text for text in reversed(out) if text.strip()), "").rstrip().endswith("::"):
                    pass  # already reST's literal-block marker ("The record, ``record.json``::"), blank line or not
                elif out and out[-1].strip():
                    # "Shapes:" -> "Shapes::" renders "Shapes:"; "text ::" renders "text"
                    out[-1] = out[-1].rstrip() + (":" if out[-1].rstrip().endswith(":") else " ::")
                else:
                    out.append("::")  # a lone "::" paragraph is dropped from the output
                out.append("")
                in_block = True
            out.append(line)
            continue
        if in_block:
            out.append("")
            in_block = False
        out.append(escape(line))
    return out


def private(cls, packages) -> bool:
    """A class of this project whose name says it is not part of the API."""
    return cls.__name__.startswith("_") and cls.__module__.split(".")[0] in packages


def process_docstring(app, what, name, obj, options, lines) -> None:
    packages = app.config.plain_docstring_packages
    if name.split(".")[0] not in packages:
        return
    if what == "class":
        for base in obj.__mro__[1:]:
            if private(base, packages) and base.__doc__:
                lines += ["", f"From its base ``{base.__name__}``:", "", *inspect.cleandoc(base.__doc__).splitlines()]
    lines[:] = plain_to_rest(lines)


def public_bases(app, name, obj, options, bases) -> None:
    i = 0
    while i < len(bases):
        if private(bases[i], app.config.plain_docstring_packages):
            bases[i : i + 1] = list(bases[i].__bases__)
        else:
            i += 1


def setup(app):
    app.add_config_value("plain_docstring_packages", ("scratch", "scratch_parity", "reference"), "env")
    app.connect("autodoc-process-docstring", process_docstring)
    app.connect("autodoc-process-bases", public_bases)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
