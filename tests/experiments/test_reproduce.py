"""``scratch-reproduce``: a quick run writes the whole report; the statistics and tables are computed right.

The quick run (tiny models, data and epochs) runs once per module, in-process, into a temporary folder;
the table helpers and section builders are checked on hand-made runs.
"""

import json
import math
import re

import pytest

from scratch_parity.experiments import sections
from scratch_parity.experiments.plan import C5L3_SETTINGS, QUICK
from scratch_parity.experiments.registry import IMPLS
from scratch_parity.experiments.reproduce import main
from scratch_parity.experiments.tables import (
    all_at_least,
    first_epoch_reaching,
    goal_line,
    markdown_table,
    max_rel_diff,
    mean_std,
    median_epoch_time,
    pct,
    pct_mean_std,
)

SECTIONS = ("## Goals", "## 1. MLP on moons and circles", "## 2. C5L3 ablation on digits")
SECTIONS += ("## 3. Vanilla RNN on palindromes", "## 4. Wall time per epoch")
FIGURES = ("experiments_mlp.png", "experiments_c5l3.png", "experiments_rnn_grad_norms.png")
FIGURES += ("experiments_rnn_accuracy.png",)
GOAL = re.compile(r"^- \*\*(met|NOT MET)\*\*: .+: .+$", re.MULTILINE)


def tables(markdown: str) -> list[list[list[str]]]:
    """Every Markdown table in the text: a list of rows (the header first), each a list of cells."""
    found, current = [], None
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if current is None:
                current = [cells]
                found.append(current)
            elif not all(set(c) <= set(":-") for c in cells):
                current.append(cells)
        else:
            current = None
    return found


def section(markdown: str, title: str) -> str:
    start = markdown.index(title)
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end >= 0 else None]


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    assert main(["--quick", "--out", str(out), "--no-progress"]) == 0
    return out, (out / "experiments.md").read_text()


def test_the_quick_run_writes_every_section_figure_and_the_numbers(quick):
    out, text = quick
    assert text.startswith("# Experiments")
    head = text[: text.index("## Goals")]
    assert "- Machine: " in head and "- Command: `scratch-reproduce --quick" in head and "- Total time: " in head
    assert "Quick mode" in head
    positions = [text.index(title) for title in SECTIONS]
    assert positions == sorted(positions), "the sections come in order"
    for name in FIGURES:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert f"]({name})" in text, f"{name} is shown in the report"
    data = json.loads((out / "experiments.json").read_text())
    assert {r["part"] for r in data["runs"]} == {"mlp", "c5l3", "rnn", "timing"}
    assert sorted(data["figures"]) == sorted(FIGURES)


def test_the_quick_report_states_every_goal_as_met_or_not(quick):
    _, text = quick
    goals = GOAL.findall(section(text, "## Goals"))
    assert len(goals) == 5, "MLP moons and circles, float64 agreement, RNN, total time"
    assert GOAL.search(section(text, "## 1. MLP")) and GOAL.search(section(text, "## 3. Vanilla RNN"))
    assert "agree to 1e-06" in text and "every length <= 10 on every seed" in text


def test_the_quick_report_tables_have_the_right_rows_and_columns(quick):
    _, text = quick
    seeds = len(QUICK.seeds)
    mlp, agreement = tables(section(text, "## 1. MLP"))
    assert mlp[0] == ["data set", "seed", *IMPLS, "RBF SVM"]
    assert [row[:2] for row in mlp[1:]] == [
        [dataset, label] for dataset in ("moons", "circles") for label in [*map(str, QUICK.seeds), "mean ± std"]
    ]
    assert agreement[0] == ["data set", "manual vs autograd", "manual vs torch", "autograd vs torch"]
    assert [row[0] for row in agreement[1:]] == ["moons", "circles"]

    (c5l3,) = tables(section(text, "## 2. C5L3"))
    assert c5l3[0] == ["#", "setting", "options", "parameters", "torch", "autograd", "manual"]
    assert len(c5l3) == 1 + len(C5L3_SETTINGS) == 8
    for row in c5l3[1:]:
        for cell in row[4:]:
            assert re.fullmatch(r"\d+\.\d\d ± \d+\.\d\d% \(" + ", ".join([r"\d+\.\d"] * seeds) + r"\)", cell), cell

    (rnn,) = tables(section(text, "## 3. Vanilla RNN"))
    assert rnn[0][:2] == ["L", "final test accuracy"]
    assert [row[0] for row in rnn[1:]] == ["5", "8", "10", "12", "15", "20"]

    (timing,) = tables(section(text, "## 4. Wall time"))
    assert timing[0][1:4] == ["manual s/epoch", "autograd s/epoch", "torch s/epoch"]
    assert timing[0][4:6] == ["manual / torch", "autograd / torch"]
    assert [row[0] for row in timing[1:]] == ["MLP (float64)", "C5L3 (float32)", "RNN (float32)"]
    assert "a run of its own" in timing[3][-1], "one implementation in section 3: a timing run"


def test_only_some_parts(tmp_path):
    assert main(["--quick", "--only", "timing", "--out", str(tmp_path), "--no-progress"]) == 0
    text = (tmp_path / "experiments.md").read_text()
    assert "## 4. Wall time per epoch" in text and "## 1. MLP" not in text and "## 3. Vanilla RNN" not in text
    assert "Parts not run (`--only`): mlp, c5l3, rnn." in text
    (timing,) = tables(section(text, "## 4. Wall time"))
    assert len(timing) == 4 and all("a run of its own" in row[-1] for row in timing[1:])
    assert not list(tmp_path.glob("*.png"))


def test_unknown_parts_are_refused(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--only", "mlp,gan"])
    assert raised.value.code == 2
    assert "expected a comma-separated list of mlp, c5l3, rnn, timing" in capsys.readouterr().err


# -- the helpers, on hand-made numbers ------------------------------------------------------------
def test_mean_and_sample_std():
    assert mean_std([0.9, 0.95, 1.0]) == pytest.approx((0.95, 0.05))
    assert mean_std([0.5, 0.7]) == pytest.approx((0.6, math.sqrt(0.02)))
    assert mean_std([0.8]) == (0.8, 0.0)
    assert all(math.isnan(v) for v in mean_std([0.8, None]))
    assert all(math.isnan(v) for v in mean_std([0.8, float("nan")]))
    assert all(math.isnan(v) for v in mean_std([]))


def test_formatting():
    assert pct(0.985) == "98.50%" and pct(None) == "n/a" and pct(float("nan")) == "n/a"
    assert pct_mean_std([0.9, 0.95, 1.0]) == "95.00 ± 5.00% (90.0, 95.0, 100.0)"
    assert pct_mean_std([0.9, 1.0], per_seed=False) == "95.00 ± 7.07%"
    assert pct_mean_std([0.9, None]) == "n/a (90.0, n/a)"
    assert markdown_table(["a", "b"], [[1, "x|y"]]) == "| a | b |\n|:---|---:|\n| 1 | x\\|y |"
    with pytest.raises(ValueError, match="cells"):
        markdown_table(["a", "b"], [[1]])
    assert goal_line("g", True, "1") == "- **met**: g: 1" and goal_line("g", False, "0") == "- **NOT MET**: g: 0"


def test_comparisons():
    assert max_rel_diff([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert max_rel_diff([1.0, 2.0], [1.0, 2.000002]) == pytest.approx(1e-6, rel=1e-5)
    assert max_rel_diff([1.0, -2.0], [1.5, -2.0]) == pytest.approx(1 / 3)
    assert max_rel_diff([0.0], [0.0]) == 0.0
    assert max_rel_diff([1.0], [1.0, 2.0]) == math.inf and max_rel_diff([None], [1.0]) == math.inf
    assert all_at_least([0.97, 0.99], 0.97) and not all_at_least([0.97, 0.969], 0.97)
    assert not all_at_least([], 0.5) and not all_at_least([None], 0.5)
    assert first_epoch_reaching([0.5, 0.99, 0.98, 1.0], 0.99) == 2 and first_epoch_reaching([0.5], 0.99) is None


def fake_run(part, key, seed, acc: dict, loss: dict | None = None, epochs: int = 3, time_s: dict | None = None):
    """A run as experiments.runs keeps it: per implementation, per epoch; the final test accuracy is ``acc[impl]``."""
    impls = {}
    for impl, final_acc in acc.items():
        losses = (loss or {}).get(impl, [1.0 / (e + 1) for e in range(epochs)])
        impls[impl] = {
            "train_loss": list(losses),
            "test_loss": list(losses),
            "train_acc": [final_acc] * epochs,
            "test_acc": [0.5] * (epochs - 1) + [final_acc],
            "time_s": [(time_s or {}).get(impl, 0.01)] * epochs,
        }
    return {
        "part": part,
        "key": key,
        "seed": seed,
        "argv": "scratch-train",
        "num_parameters": 10,
        "data": {"name": key, "num_train": 8, "num_test": 2},
        "impls": impls,
        "rnn_grad_norms": None,
    }


def test_the_mlp_goals_fail_visibly():
    ok = dict.fromkeys(IMPLS, 0.99)
    runs = [
        fake_run("mlp", "moons", 0, {**ok, "autograd": 0.965}),
        fake_run("mlp", "moons", 1, ok),
        fake_run("mlp", "circles", 0, ok, loss={"autograd": [1.0, 1 / 2, 1 / 3 * (1 + 1e-5)]}),
        fake_run("mlp", "circles", 1, ok),
    ]
    for run in runs:
        run["svm_test_acc"] = 0.97
    text = sections.mlp_section(runs, QUICK, None).markdown
    goals = GOAL.findall(text)
    assert "- **NOT MET**: MLP test accuracy >= 97% on moons (seed 0's split), every implementation: " in text
    assert "autograd 96.50%" in text
    assert "- **met**: MLP test accuracy >= 97% on circles (seed 0's split)" in text
    assert "- **NOT MET**: in float64 the three implementations' loss curves agree to 1e-06: largest relative " in text
    assert re.search(r"difference 1\.0e-05 \((manual vs autograd|autograd vs torch), circles\)", text)
    assert goals.count("met") == 3 and goals.count("NOT MET") == 2  # seed 1's lines: both met
    mlp = tables(text)[0]
    assert mlp[3] == ["moons", "mean ± std", "99.00 ± 0.00%", "97.75 ± 1.77%", "99.00 ± 0.00%", "97.00 ± 0.00%"]


def test_the_c5l3_table_gives_mean_std_and_each_seed():
    runs = [
        fake_run("c5l3", s.key, seed, {"torch": acc, "autograd": acc - 0.01, "manual": acc})
        for s in C5L3_SETTINGS
        for seed, acc in ((0, 0.9), (1, 0.95))
    ]
    (table,) = tables(sections.c5l3_section(runs, QUICK, None).markdown)
    assert table[1][:2] == ["(1)", C5L3_SETTINGS[0].title]
    assert table[1][4:] == ["92.50 ± 3.54% (90.0, 95.0)", "91.50 ± 3.54% (89.0, 94.0)", "92.50 ± 3.54% (90.0, 95.0)"]
    assert table[-1][0] == "(7, extra)"


def test_the_rnn_goal_fails_on_a_single_bad_seed():
    impl = QUICK.rnn_impl
    runs = [
        fake_run("rnn", str(length), seed, {impl: 0.985 if (length, seed) == (10, 1) else 1.0})
        for length in QUICK.lengths
        for seed in QUICK.seeds
    ]
    text = sections.rnn_section(runs, QUICK, []).markdown
    assert (
        f"- **NOT MET**: RNN ({impl}) test accuracy >= 99% for every length <= 10 on every seed: lowest 98.50% "
        "(L = 10, seed 1) of 6 runs" in text
    )
    assert "L = 10, seed 1 (best 98.5%)" in text, "a run that never reached 99% is named"
    runs[5]["impls"][impl]["test_acc"][-1] = 1.0
    assert f"- **met**: RNN ({impl}) test accuracy >= 99%" in sections.rnn_section(runs, QUICK, []).markdown


def test_the_timing_ratios_come_from_runs_of_all_three():
    times = {"manual": 0.02, "autograd": 0.03, "torch": 0.01}
    runs = [
        fake_run("mlp", "moons", 0, dict.fromkeys(IMPLS, 1.0), time_s=times),
        fake_run("rnn", "5", 0, {"manual": 1.0}, time_s={"manual": 5.0}),  # one implementation: not a source
        fake_run("timing", "rnn", 0, dict.fromkeys(IMPLS, 1.0), time_s={**times, "manual": 0.005}),
    ]
    assert median_epoch_time(runs[:1], "autograd") == (0.03, 3)
    (table,) = tables(sections.timing_section(runs, QUICK).markdown)
    assert table[1][:6] == ["MLP (float64)", "20.0 ms", "30.0 ms", "10.0 ms", "2.00x", "3.00x"]
    assert table[1][-1] == "section 1: 1 runs x 3 epochs"
    assert table[2][:6] == ["RNN (float32)", "5.0 ms", "30.0 ms", "10.0 ms", "0.50x", "3.00x"]
    assert len(table) == 3, "no C5L3 run: no C5L3 row"
