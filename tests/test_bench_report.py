"""The benchmark report writer (bench/report.py) on a small hand-made pytest-benchmark JSON."""

import json

import pytest

from bench import report

MS, US = 1e-3, 1e-6


def bench_entry(group, impl, median, *, via="extra_info", rounds=10):
    """One entry of pytest-benchmark's "benchmarks" list, with only the fields a report can use."""
    entry = {
        "group": group,
        "name": f"test_x[{impl}]",
        "fullname": f"bench/test_x.py::test_x[{impl}]",
        "params": {"impl": impl} if via == "params" else None,
        "extra_info": {"impl": impl, "group": group} if via == "extra_info" else {},
        "stats": {"median": median, "iqr": median / 10, "rounds": rounds, "min": median, "max": median},
    }
    return entry


@pytest.fixture
def data():
    return {
        "machine_info": {
            "machine": "x86_64",
            "system": "Linux",
            "python_implementation": "CPython",
            "python_version": "3.11.7",
            "cpu": {"brand_raw": "Test CPU", "count": 2},
            "numpy_version": "2.4.0",
            "torch_version": "2.13.0",
        },
        "commit_info": {"id": "0123456789abcdef", "dirty": False},
        "datetime": "2026-01-02T03:04:05.000000+00:00",
        "version": "5.3.1",
        "benchmarks": [
            bench_entry("mlp step", "torch", 1.0 * MS),
            bench_entry("mlp step", "scratch.autograd", 2.0 * MS),
            bench_entry("mlp step", "scratch.manual", 1.6 * MS),
            bench_entry("x*x", "torch", 1.0 * US),
            bench_entry("x*x", "scratch.autograd", 0.9 * US),
            # a benchmark that records its impl only as a parameter
            bench_entry("other 8x3", "torch", 4.0 * MS, via="params"),
            bench_entry("other 8x3", "scratch.manual", 10.0 * MS, via="params"),
        ],
    }


def goal(group, versus):
    return next(g for g in report.GOALS if g.group == group and g.impl == "scratch.autograd" and g.versus == versus)


def table_row(markdown, section, impl):
    """The cells of ``impl``'s row in the table under the heading ``### section``."""
    text = markdown.split(f"### {section}\n", 1)[1].split("\n### ", 1)[0]
    row = next(line for line in text.splitlines() if line.startswith(f"| {impl} |"))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_ratios_to_torch(data):
    med = report.medians(report.timings(data))
    assert report.ratios_to(med["mlp step"]) == pytest.approx(
        {"torch": 1.0, "scratch.autograd": 2.0, "scratch.manual": 1.6}
    )
    assert report.ratios_to(med["other 8x3"]) == pytest.approx({"torch": 1.0, "scratch.manual": 2.5})
    assert report.ratios_to({"scratch.manual": 1.0}) == {"scratch.manual": None}  # no torch, no ratio


def test_goals_are_judged_on_the_measured_ratio(data):
    med = report.medians(report.timings(data))
    vs_torch, vs_manual, per_op = goal("mlp step", "torch"), goal("mlp step", "scratch.manual"), goal("x*x", "torch")
    assert vs_torch.ratio(med) == pytest.approx(2.0) and vs_torch.met(vs_torch.ratio(med)) is False
    assert vs_manual.ratio(med) == pytest.approx(1.25) and vs_manual.met(vs_manual.ratio(med)) is True
    assert per_op.ratio(med) == pytest.approx(0.9) and per_op.met(per_op.ratio(med)) is True
    # the limit itself counts as met, just above it does not
    assert vs_torch.met(1.2 * MS / (1.0 * MS)) is True
    assert vs_torch.met(1.201) is False
    assert vs_torch.met(vs_torch.ratio({"mlp step": {"torch": 1.0}})) is None


def test_markdown_tables_and_verdicts(data):
    md = report.render(data)
    assert md.startswith("# Benchmarks\n")
    assert "Test CPU" in md and "2 CPUs" in md and "numpy 2.4.0" in md and "torch 2.13.0" in md
    assert "0123456789" in md
    assert table_row(md, "mlp step", "scratch.autograd") == ["scratch.autograd", "2.00 ms", "200 µs", "2.00", "10"]
    assert table_row(md, "mlp step", "torch")[1:4] == ["1.00 ms", "100 µs", "1.00"]
    assert table_row(md, "x*x", "scratch.autograd")[1:4] == ["900 ns", "90.0 ns", "0.90"]
    assert table_row(md, "other 8x3", "scratch.manual")[1:4] == ["10.0 ms", "1.00 ms", "2.50"]
    assert "- goal scratch.autograd ≤ 1.20× torch: measured 2.00×, **not met**" in md
    assert "- goal scratch.autograd ≤ 1.30× scratch.manual: measured 1.25×, **met**" in md
    assert "- goal scratch.autograd ≤ 1.00× torch: measured 0.90×, **met**" in md
    assert "Goals met: 2 of 3." in md
    # engine groups first, in their fixed order, then the others
    assert md.index("### mlp step") < md.index("### x*x") < md.index("## Other benchmarks") < md.index("### other 8x3")
    assert "## Conv2d" not in md  # no convolution was timed


def test_missing_measurements_are_not_counted_as_met(data):
    data["benchmarks"] = [b for b in data["benchmarks"] if b["group"] != "x*x"]
    md = report.render(data)
    assert "- goal scratch.autograd ≤ 1.00× torch" not in md  # no x*x table, so no goal line under it
    assert "Goals met: 1 of 3 (1 not measured)." in md


def test_two_benchmarks_of_one_impl_in_a_group_are_an_error(data):
    data["benchmarks"].append(bench_entry("mlp step", "torch", 3.0 * MS))
    with pytest.raises(ValueError, match="two benchmarks"):
        report.timings(data)


def test_cli_writes_markdown_and_png(data, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "benchmarks.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report.main([str(path), str(tmp_path / "out")])
    md = (tmp_path / "out" / "benchmarks.md").read_text(encoding="utf-8")
    assert "![ratio to torch per group](benchmarks.png)" in md
    assert "**not met**" in md
    png = (tmp_path / "out" / "benchmarks.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_groups_in_order_of_size():
    groups = ["conv2d 64x256x8x8->512", "x*x", "conv2d 8x3x32x32->64", "mlp step", "conv2d 32x64x16x16->128"]
    assert report.ordered_groups(groups) == [
        "mlp step",
        "x*x",
        "conv2d 8x3x32x32->64",
        "conv2d 32x64x16x16->128",
        "conv2d 64x256x8x8->512",
    ]
