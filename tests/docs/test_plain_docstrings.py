"""The docstring reader of the API pages (docs/site/_ext/plain_docstrings.py), on the shapes it meets."""

import sys
from pathlib import Path

from docutils.core import publish_doctree
from docutils.utils import Reporter

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "site" / "_ext"))

from plain_docstrings import escape, plain_to_rest, private


def parse(lines):
    """The doctree of the converted text, and every message docutils raised about it."""
    messages = []
    settings = {"report_level": Reporter.INFO_LEVEL + 1, "halt_level": 5, "warning_stream": False}
    tree = publish_doctree("\n".join(plain_to_rest(lines)), settings_overrides=settings)
    for node in tree.findall():
        if node.tagname == "system_message":
            messages.append(node.astext())
    return tree, messages


def test_an_indented_formula_block_becomes_a_literal_block_with_its_alignment():
    lines = [
        "y = x @ W.T + b.",
        "",
        "Shapes:",
        "    x (N, in)       W (out, in)",
        "    y (N, out)",
        "Backward, with |x| and *shape:",
        "    dx = dout @ W",
    ]
    tree, messages = parse(lines)
    assert not messages, messages
    blocks = [node.astext() for node in tree.findall() if node.tagname == "literal_block"]
    assert blocks == ["x (N, in)       W (out, in)\ny (N, out)", "dx = dout @ W"]
    assert "Shapes:" in tree.astext() and "Shapes::" not in tree.astext()


def test_a_block_already_marked_with_a_double_colon_keeps_its_nested_indentation():
    lines = [
        "The record, ``record.json``::",
        "",
        "    {",
        '      "epochs": [{"epoch": 1,',
        '                  "time_s"}, ...],',
        "    }",
        "",
        "Losses are means.",
    ]
    tree, messages = parse(lines)
    assert not messages, messages
    blocks = [node.astext() for node in tree.findall() if node.tagname == "literal_block"]
    assert blocks == ['{\n  "epochs": [{"epoch": 1,\n              "time_s"}, ...],\n}']
    assert "record.json:" in tree.astext() and ":::" not in tree.astext()


def test_markup_characters_in_prose_are_escaped_but_code_spans_are_kept():
    assert escape("exp(-|x|) for *args and clip_grad_norm_") == r"exp(-\|x\|) for \*args and clip_grad_norm\_"
    assert escape("``x * y`` and a_b") == "``x * y`` and a_b"
    tree, messages = parse(["sigmoid(x) with e = exp(-|x|), reshape(*x.shape), clip_grad_norm_ as torch's."])
    assert not messages, messages
    assert "exp(-|x|)" in tree.astext() and "reshape(*x.shape)" in tree.astext() and "clip_grad_norm_" in tree.astext()


def test_only_private_classes_of_the_project_are_private():
    class _Local:
        pass

    _Local.__module__ = "scratch.manual.batchnorm"
    assert private(_Local, ("scratch", "reference"))
    assert not private(_Local, ("reference",))
    assert not private(int, ("scratch",))
