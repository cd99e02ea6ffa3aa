"""The training-step section of bench/report.py (bench/steps_report.py), on a made-up benchmarks JSON."""

import json

import pytest

from bench import report, steps_report

MS = 1e-3


def op(name, kind, forward_ms, backward_ms):
    return {"name": name, "kind": kind, "forward_ms": forward_ms, "backward_ms": backward_ms}


def step_entry(impl, median, faults, ops, step_ms, step="C5L3 3x32x32"):
    """One entry of pytest-benchmark's JSON as bench/test_steps.py writes it."""
    return {
        "group": f"training step {step}",
        "name": f"test_training_step[{impl}]",
        "params": {"impl": impl},
        "extra_info": {
            "model": "C5L3",
            "step": step,
            "shape": [64, 3, 32, 32],
            "impl": impl,
            "minor_faults_per_step": faults,
            "breakdown": {"step_ms": step_ms, "ops": ops},
        },
        "stats": {"median": median, "iqr": median / 10, "rounds": 5},
    }


@pytest.fixture
def data():
    conv, bn = "features.0", "features.1"
    torch_ops = [op(conv, "conv", 3.0, 2.0), op(bn, "batchnorm", 1.0, 1.0), op("loss", "loss", 0.5, 0.5)]
    manual_ops = [op(conv, "conv", 10.0, 8.0), op(bn, "batchnorm", 2.0, 3.0), op("loss", "loss", 1.0, 0)]
    autograd_ops = [op("features.0", "conv", 12.0, 14.0), op("features.1", "batchnorm", 4.0, 6.0)]
    return {
        "machine_info": {"machine": "x86_64", "cpu_count": 2},
        "datetime": "2026-01-02T03:04:05",
        "benchmarks": [
            step_entry("scratch.manual", 25 * MS, 1234.0, manual_ops, 26.0),
            step_entry("scratch.autograd", 40 * MS, 0.0, autograd_ops, 41.0),
            step_entry("torch", 10 * MS, 7.0, torch_ops, 7.5),  # its ops sum to 8 ms
            {
                "group": "mlp step",
                "name": "test_training_step[torch]",
                "extra_info": {"impl": "torch", "group": "mlp step"},
                "stats": {"median": 1 * MS, "iqr": 0.1 * MS, "rounds": 9},
            },
        ],
    }


def summary_row(markdown, impl):
    section = markdown.split("## Training steps", 1)[1]
    row = next(line for line in section.splitlines() if line.startswith("| C5L3 3x32x32 |") and f"| {impl} |" in line)
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_ratios_to_torch_and_page_faults_in_the_table(data):
    md = report.render(data)
    assert summary_row(md, "scratch.manual") == ["C5L3 3x32x32", "64x3x32x32", "scratch.manual", "25", "2.50", "1234"]
    assert summary_row(md, "scratch.autograd")[3:] == ["40", "4.00", "0"]
    assert summary_row(md, "torch")[3:] == ["10", "1.00", "7"]


def test_time_per_kind_and_other(data):
    steps = steps_report.entries(data)
    manual = steps_report.per_kind_ms(steps["C5L3 3x32x32"]["scratch.manual"].breakdown)
    assert manual["conv"] == pytest.approx(18.0) and manual["batchnorm"] == pytest.approx(5.0)
    assert manual["loss"] == pytest.approx(1.0)
    assert manual["other"] == pytest.approx(26.0 - 24.0)  # the instrumented step beyond its ops
    torch_kinds = steps_report.per_kind_ms(steps["C5L3 3x32x32"]["torch"].breakdown)
    assert torch_kinds["other"] == 0.0  # ops that sum past the step (timer noise) leave no negative "other"
    md = report.render(data)
    kinds = md.split("### C5L3 3x32x32: time per op kind", 1)[1].split("<details>", 1)[0]
    assert "| conv | 18 | 26 | 5 |" in kinds and "| relu |" not in kinds  # kinds nobody has are left out
    layers = md.split("C5L3 3x32x32: per layer</summary>", 1)[1]
    assert "| loss | loss | 1 / 0 | — | 0.5 / 0.5 |" in layers  # autograd recorded no loss op here


def test_step_groups_are_not_repeated_under_other_benchmarks(data):
    md = report.render(data)
    assert "### training step" not in md
    assert "## Other benchmarks" not in md and "### mlp step" in md


def test_write_report_writes_the_stacked_bar_plot(data, tmp_path):
    source = tmp_path / "benchmarks.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    written = report.write_report(source, tmp_path / "out")
    png = tmp_path / "out" / "benchmarks_steps.png"
    assert png in written and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert "![time per op kind per step](benchmarks_steps.png)" in (tmp_path / "out" / "benchmarks.md").read_text()


def test_no_step_benchmarks_no_section_and_no_plot(data, tmp_path):
    data["benchmarks"] = data["benchmarks"][-1:]
    source = tmp_path / "benchmarks.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    written = report.write_report(source, tmp_path / "out")
    assert not (tmp_path / "out" / "benchmarks_steps.png").exists() and len(written) == 2
    assert "Training steps" not in (tmp_path / "out" / "benchmarks.md").read_text()
