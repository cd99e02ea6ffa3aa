"""tools.mutation's reading of mutmut's results and its report, on fabricated results (no mutmut run)."""

import json

import pytest

from tools import mutation

LINEAR = "scratch.manual.linear.xǁLinearǁforward__mutmut_"
RELU = "scratch.manual.activations.xǁReLUǁbackward__mutmut_"


@pytest.fixture
def mutants(tmp_path):
    """A mutants/ folder as mutmut 3 leaves it: one .meta file of exit codes per mutated source file."""

    def meta(source, codes):
        path = tmp_path / "mutants" / (source + ".meta")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"exit_code_by_key": codes, "durations_by_key": {}}))

    # pytest's exit codes: 1 a test failed (killed), 0 all passed (survived); mutmut's 36 timeout, 33 no tests
    meta("scratch/manual/linear.py", {LINEAR + "1": 1, LINEAR + "2": 1, LINEAR + "3": 0, LINEAR + "4": 36})
    meta("scratch/manual/activations.py", {RELU + "1": 1, RELU + "2": 33})
    meta("scratch/manual/empty.py", {})
    return tmp_path / "mutants"


DIFFS = {
    LINEAR + "3": "--- a\n+++ b\n-    y = x.astype(d, copy=False)\n+    y = x.astype(d, copy=True)",
    RELU + "2": "--- a\n+++ b\n-    return dx\n+    return None",
}


def test_results_are_read_per_source_file(mutants):
    results = mutation.read_results(mutants)
    assert list(results) == ["scratch/manual/activations.py", "scratch/manual/linear.py"]  # empty.py left out
    assert results["scratch/manual/linear.py"] == {
        LINEAR + "1": "killed",
        LINEAR + "2": "killed",
        LINEAR + "3": "survived",
        LINEAR + "4": "timeout",
    }
    assert results["scratch/manual/activations.py"] == {RELU + "1": "killed", RELU + "2": "no tests"}
    assert mutation.survivors(results) == {
        LINEAR + "3": "scratch/manual/linear.py",
        RELU + "2": "scratch/manual/activations.py",
    }


def test_the_score_counts_timeouts_as_kills():
    assert mutation.score(mutation.Counter(killed=3, timeout=1, survived=4)) == pytest.approx(50.0)
    assert mutation.score(mutation.Counter()) == 100.0


def test_the_report_gives_scores_per_file_and_every_survivor_with_its_diff(mutants, monkeypatch):
    monkeypatch.setattr(mutation, "EXPLANATIONS", {LINEAR + "3": ("copy=True", "Equivalent: a copy either way.")})
    text, unexamined = mutation.report(mutation.read_results(mutants), DIFFS, seconds=90.0, goal=90)
    assert "**Score: 66.7%** (4 of 6 mutants killed); this run took 1.5 min." in text
    assert "| scratch/manual/linear.py | 2 | 1 | 1 | 0 | 0 | 0 | 4 | 75.0% |" in text
    assert "| scratch/manual/activations.py | 1 | 0 | 0 | 0 | 1 | 0 | 2 | 50.0% |" in text
    assert "| **scratch/manual** | 3 | 1 | 1 | 0 | 1 | 0 | 6 | 66.7% |" in text
    assert "| **all** | 3 | 1 | 1 | 0 | 1 | 0 | 6 | 66.7% |" in text
    assert "## Survivors: 2, 1 unexamined" in text
    assert "Equivalent: a copy either way." in text and "+    y = x.astype(d, copy=True)" in text
    assert f"### `{RELU}2` (no tests)\n\n**unexamined**" in text
    assert unexamined == 1


def test_a_reason_whose_marker_left_the_diff_is_unexamined(mutants, monkeypatch):
    """Mutant numbers shift when a function changes: a reason is kept only while its marker is in the mutated lines."""
    monkeypatch.setattr(
        mutation,
        "EXPLANATIONS",
        {LINEAR + "3": ("copy=False", "matches only the removed line"), RELU + "2": ("return None", "Unreachable.")},
    )
    text, unexamined = mutation.report(mutation.read_results(mutants), DIFFS, seconds=None, goal=90)
    assert unexamined == 1 and f"### `{LINEAR}3` (survived)\n\n**unexamined**" in text
    assert "this run took" not in text


def test_no_run_writes_the_report_and_fails_until_every_survivor_is_explained(mutants, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # main() changes folder; this puts the test's back afterwards
    monkeypatch.setattr(mutation, "REPO", tmp_path)
    monkeypatch.setattr(mutation, "get_diff_for_mutant", lambda name, path: DIFFS[name])
    monkeypatch.setattr(mutation, "EXPLANATIONS", {LINEAR + "3": ("copy=True", "Equivalent.")})
    out = tmp_path / "out"
    assert mutation.main(["--no-run", "--report", str(out), "--goal", "50"]) == 1
    assert "1 unexamined" in (out / "mutation.md").read_text()
    monkeypatch.setitem(mutation.EXPLANATIONS, RELU + "2", ("return None", "Unreachable."))
    assert mutation.main(["--no-run", "--report", str(out), "--goal", "50"]) == 0
    assert mutation.main(["--no-run", "--report", str(out), "--goal", "70"]) == 1, "66.7% is under the goal"


def test_the_zoo_report_quotes_the_score_of_the_snapshot(mutants, tmp_path):
    from scratch_parity.parity_report import mutation_score

    snapshot = tmp_path / "mutation.md"
    snapshot.write_text(mutation.report(mutation.read_results(mutants), DIFFS, seconds=None, goal=90)[0])
    assert "**66.7%** (4 of 6 mutants killed)" in "\n".join(mutation_score(snapshot))
    assert "No mutation score recorded yet" in "\n".join(mutation_score(tmp_path / "missing.md"))


def test_survivors_are_marked_untested_before_a_run_so_new_tests_see_them(mutants):
    mutation.retest_survivors(mutants)
    codes = json.loads((mutants / "scratch/manual/linear.py.meta").read_text())["exit_code_by_key"]
    assert codes == {LINEAR + "1": 1, LINEAR + "2": 1, LINEAR + "3": None, LINEAR + "4": 36}
    codes = json.loads((mutants / "scratch/manual/activations.py.meta").read_text())["exit_code_by_key"]
    assert codes == {RELU + "1": 1, RELU + "2": None}
