"""The attack zoo's page of the report (scratch_parity.parity_report.attacks_markdown)."""

from scratch_parity.parity_report import attacks_markdown


def row(name, result, description="tries something", output="fails: forward"):
    return dict(name=name, op="ReLU", description=description, score=0.0, output=output, result=result)


def test_the_page_counts_what_held_and_shows_what_did_not():
    text = attacks_markdown([row("a", "passed"), row("b", "failed")])
    assert "The grader held against 1 of them" in text
    assert "| a | ReLU | tries something | 0 | fails: forward | yes |" in text
    assert "| b | ReLU | tries something | 0 | fails: forward | **NO** |" in text


def test_a_cell_keeps_the_table_whole():
    text = attacks_markdown([row("a", "passed", description="at |x| = 1000", output="line one\n  x|y " + "z" * 300)])
    line = next(line for line in text.splitlines() if line.startswith("| a |"))
    assert line.count(" | ") == 5 and "at \\|x\\| = 1000" in line and "line one x\\|y" in line
    assert len(line) < 400, "the reason is cut to a line"
