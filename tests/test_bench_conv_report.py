"""The convolution section of the benchmark report (bench/conv_report.py) on hand-made entries."""

import math

import pytest

from bench import conv_report, report

MS = 1e-3


def conv_entry(op, impl, case, median, *, gflop=1.0, **extra):
    info = {"op": op, "impl": impl, "case": case, "role": "test", "gflop": gflop, **extra}
    return {"group": f"{op} {case}", "name": f"t[{impl}]", "extra_info": info, "stats": {"median": median}}


FB, F = conv_report.FWD_BWD, conv_report.FWD
SPLIT = {"im2col": 1.0, "gemm": 6.0, "col2im": 1.5, "layout": 0.5}  # ms, of a 10 ms step


@pytest.fixture
def data():
    # two cases: manual is 1.21x and 1.0x torch for forward + backward (geomean 1.1), 1.44x and 1.0x forward
    return {
        "machine_info": {"openblas_kernels": "SkylakeX", "openblas_coretype": "SkylakeX"},
        "benchmarks": [
            conv_entry(FB, "torch", "A", 10 * MS / 1.21, gflop=3.0),
            conv_entry(
                FB, "scratch.manual", "A", 10 * MS, gflop=3.0, split_ms=SPLIT, layout="batch last", peak_extra_mb=40.0
            ),
            conv_entry(FB, "scratch.manual (chunked)", "A", 12 * MS, gflop=3.0, peak_extra_mb=6.0, cap_mb=5.0),
            conv_entry(FB, "scratch.autograd", "A", 11 * MS, gflop=3.0),
            conv_entry(FB, "torch", "B", 2 * MS),
            conv_entry(FB, "scratch.manual", "B", 2 * MS),
            conv_entry(F, "torch", "A", 1 * MS),
            conv_entry(F, "scratch.manual", "A", 1.44 * MS),
            conv_entry(F, "torch", "B", 1 * MS),
            conv_entry(F, "scratch.manual", "B", 1 * MS),
            conv_entry(FB, "naive loops", "B", 200 * MS),
            conv_entry("col2im", "batch last (ours)", "A", 1 * MS),
            conv_entry("col2im", "rows, np.add.at", "A", 7 * MS),
            {
                "group": "sgemm",
                "extra_info": {"op": "sgemm", "impl": "numpy", "gflop": 10.0},
                "stats": {"median": 0.05},
            },
        ],
    }


def row(md, first_cell):
    line = next(line for line in md.splitlines() if line.startswith(f"| {first_cell} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_goals_are_judged_over_the_cases(data):
    rows = conv_report.entries(data)
    fb_geomean, fb_worst, f_geomean = (goal.measure(rows) for goal in conv_report.CONV_GOALS)
    assert fb_geomean == pytest.approx(math.sqrt(1.21 * 1.0)) == pytest.approx(1.1)
    assert fb_worst == pytest.approx(1.21)
    assert f_geomean == pytest.approx(1.2)
    assert conv_report.verdicts(data) == [True, True, True]
    data["benchmarks"][0]["stats"]["median"] = 10 * MS / 1.5  # case A now 1.5x: geomean 1.22, worst 1.5
    assert conv_report.verdicts(data) == [False, False, True]


def test_tables_show_time_rate_and_ratio(data):
    md = "\n".join(conv_report.render(data))
    assert "goal: scratch.manual ≤ 1.15× torch, forward + backward, geometric mean over the cases: 1.10×, **met**" in md
    assert "2 of 9 cases" in md
    a = row(md.split("### Forward + backward")[1], "A")
    # case, role, torch, manual, x torch, autograd, x torch, GFLOP/s torch, GFLOP/s manual, / sgemm (200 GFLOP/s)
    assert a == ["A", "test", "8.26 ms", "10 ms", "1.21", "11 ms", "1.33", "363", "300", "150%"]
    assert "NumPy 200 GFLOP/s" in md and "SkylakeX kernels" in md


def test_split_memory_and_twins(data):
    md = "\n".join(conv_report.render(data))
    split = row(md.split("### Where the hand-written conv's time goes")[1], "A")
    assert split[1:8] == [
        "batch last",
        "10 ms",
        "1 ms (10%)",
        "6 ms (60%)",
        "1.5 ms (15%)",
        "0.5 ms (5%)",
        "1 ms (10%)",
    ]
    # 3 GFLOP in 6 ms of GEMM; 6 ms of GEMM against torch's 10 / 1.21 ms
    assert split[8:] == ["500", f"{6 / (10 / 1.21):.2f}", "40.0 MB"]
    assert "Geometric mean 0.73× over these cases" in md
    memory = row(md.split("### Memory")[1], "A")
    assert memory == ["A", "40.0 MB", "10 ms", "5 MB", "6.0 MB", "12 ms", "1.20"]
    assert "| conv2d forward+backward: naive loops vs im2col | B | 200 ms | 2 ms | 100× |" in md
    assert "| col2im: rows, np.add.at | A | 7 ms | 1 ms | 7.0× |" in md
    assert "No GPU measurement in this run" in md


def test_gpu_table_when_measured(data):
    data["benchmarks"] += [conv_entry(FB, "cupy", "A", 3 * MS), conv_entry(FB, "torch-cuda", "A", 2 * MS)]
    md = "\n".join(conv_report.render(data))
    assert "| A | 2 ms | 3 ms | 1.50 |" in md


def test_no_conv_no_section():
    assert conv_report.render({"benchmarks": []}) == []
    assert conv_report.verdicts({"benchmarks": []}) == []


def test_report_writes_the_conv_figure(data, tmp_path):
    pytest.importorskip("matplotlib")
    written = report.write_report(_dump(data, tmp_path), tmp_path / "out")
    assert [p.name for p in written] == ["benchmarks.md", "benchmarks.png", "benchmarks_conv.png"]
    md = written[0].read_text(encoding="utf-8")
    assert (
        "![conv time and GFLOP/s per case](benchmarks_conv.png)" in md and "Goals met: 3 of 6 (3 not measured)." in md
    )
    assert written[2].read_bytes().startswith(b"\x89PNG")


def _dump(data, tmp_path):
    import json

    data = {"machine_info": {}, "commit_info": {}, "datetime": "", **data}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
