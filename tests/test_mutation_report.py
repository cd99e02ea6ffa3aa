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
REASONS = """
[reasons]
copy = "Equivalent: a copy either way."
unreachable = "Unreachable."
"""
LINEAR_EXPLAINED = f"""{REASONS}
[survivors."scratch/manual/linear.py"."Linear.forward"]
"copy=False → copy=True" = "copy"
"""
BOTH_EXPLAINED = f"""{LINEAR_EXPLAINED}
[survivors."scratch/manual/activations.py"."ReLU.backward"]
"return dx → return None" = "unreachable"
"""


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


def test_the_report_gives_scores_per_file_and_every_survivor_with_its_diff(mutants):
    explanations = mutation.load_explanations(LINEAR_EXPLAINED)
    text, unexamined, stale = mutation.report(mutation.read_results(mutants), DIFFS, 90.0, 90, explanations)
    assert "**Score: 66.7%** (4 of 6 mutants killed); this run took 1.5 min." in text
    assert "| scratch/manual/linear.py | 2 | 1 | 1 | 0 | 0 | 0 | 4 | 75.0% |" in text
    assert "| scratch/manual/activations.py | 1 | 0 | 0 | 0 | 1 | 0 | 2 | 50.0% |" in text
    assert "| **scratch/manual** | 3 | 1 | 1 | 0 | 1 | 0 | 6 | 66.7% |" in text
    assert "| **all** | 3 | 1 | 1 | 0 | 1 | 0 | 6 | 66.7% |" in text
    assert "## Survivors: 2, 1 unexamined" in text
    assert "Equivalent: a copy either way." in text and "+    y = x.astype(d, copy=True)" in text
    assert f"### `{RELU}2` (no tests)\n\n**unexamined**" in text
    assert '`[survivors."scratch/manual/activations.py"."ReLU.backward"]`' in text, "where its entry would go"
    assert unexamined == 1 and stale == 0 and "Stale" not in text


def test_a_survivor_is_matched_by_its_function_and_change_whatever_its_number():
    """mutmut numbers a function's mutants in order, so the numbers shift when the function changes: an entry
    names the function and the change instead."""
    results = {"scratch/manual/linear.py": {LINEAR + "1": "killed", LINEAR + "7": "survived"}}
    diffs = {LINEAR + "7": DIFFS[LINEAR + "3"]}
    text, unexamined, stale = mutation.report(results, diffs, None, 90, mutation.load_explanations(LINEAR_EXPLAINED))
    assert (unexamined, stale) == (0, 0)
    assert f"### `{LINEAR}7` (survived)\n\nEquivalent: a copy either way." in text


def test_a_survivor_whose_change_differs_from_its_entry_is_unexamined_and_the_entry_stale(mutants):
    explanations = mutation.load_explanations(
        BOTH_EXPLAINED.replace("copy=False → copy=True", "copy=False → copy=None")
    )
    text, unexamined, stale = mutation.report(mutation.read_results(mutants), DIFFS, None, 90, explanations)
    assert (unexamined, stale) == (1, 1)
    assert f"### `{LINEAR}3` (survived)\n\n**unexamined**" in text
    assert "## Stale explanations: 1" in text
    assert "- `scratch/manual/linear.py` `Linear.forward`: `copy=False → copy=None`" in text
    assert "this run took" not in text


def test_an_entry_matches_only_its_own_file_function_and_change():
    (entry,) = mutation.load_explanations(LINEAR_EXPLAINED)
    assert (entry.file, entry.function, entry.before, entry.after) == (
        "scratch/manual/linear.py",
        "Linear.forward",
        "copy=False",
        "copy=True",
    )
    diff = DIFFS[LINEAR + "3"]
    assert entry.matches("scratch/manual/linear.py", "Linear.forward", diff)
    assert not entry.matches("scratch/manual/linear.py", "Linear.backward", diff), "another function"
    assert not entry.matches("scratch/autograd/functional/linear.py", "Linear.forward", diff), "another file"
    other_change = "--- a\n+++ b\n-    y = x.astype(d, copy=False)\n+    y = x.astype(None, copy=False)"
    assert not entry.matches("scratch/manual/linear.py", "Linear.forward", other_change), "the same line, changed"
    both = "--- a\n+++ b\n-    y = x.astype(d, copy=False)\n+    y = x.astype(d, copy=True) or True"
    assert not entry.matches("scratch/manual/linear.py", "Linear.forward", both), "more than the change"
    twice = "--- a\n+++ b\n-    f(copy=False, copy=False)\n+    f(copy=False, copy=True)"
    assert entry.matches("scratch/manual/linear.py", "Linear.forward", twice), "the second occurrence changed"


def test_the_function_of_a_mutant_comes_from_mutmuts_name():
    assert mutation.function_of(LINEAR + "12") == "Linear.forward"
    assert mutation.function_of("scratch.autograd.engine.xǁTensorǁ__init____mutmut_2") == "Tensor.__init__"
    assert mutation.function_of("scratch.autograd.engine.x__run_backward__mutmut_35") == "_run_backward"
    assert mutation.function_of("scratch.manual.losses.x__classes_last__mutmut_9") == "_classes_last"


@pytest.mark.parametrize(
    ("entry", "message"),
    [('"copy=True" = "copy"', "is not 'BEFORE → AFTER'"), ('"copy=False → copy=True" = "copyy"', "names no reason")],
)
def test_a_malformed_entry_is_an_error(entry, message):
    with pytest.raises(ValueError, match=message):
        mutation.load_explanations(REASONS + '[survivors."scratch/manual/linear.py"."Linear.forward"]\n' + entry)


def test_the_checked_in_explanations_load_and_use_every_reason():
    text = mutation.EXPLANATIONS.read_text()
    explanations = mutation.load_explanations(text)
    assert explanations, "the last run's survivors are explained"
    reasons = mutation.tomllib.loads(text)["reasons"]
    assert {e.reason for e in explanations} == set(reasons.values()), "a reason that no entry uses"
    for entry in explanations:
        assert (mutation.REPO / entry.file).is_file(), entry


def test_no_run_writes_the_report_and_fails_until_every_survivor_is_explained(mutants, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # main() changes folder; this puts the test's back afterwards
    monkeypatch.setattr(mutation, "REPO", tmp_path)
    monkeypatch.setattr(mutation, "get_diff_for_mutant", lambda name, path: DIFFS[name])
    explanations = tmp_path / "explanations.toml"
    monkeypatch.setattr(mutation, "EXPLANATIONS", explanations)
    explanations.write_text(LINEAR_EXPLAINED)
    out = tmp_path / "out"
    assert mutation.main(["--no-run", "--report", str(out), "--goal", "50"]) == 1
    assert "1 unexamined" in (out / "mutation.md").read_text()
    explanations.write_text(BOTH_EXPLAINED)
    assert mutation.main(["--no-run", "--report", str(out), "--goal", "50"]) == 0
    assert mutation.main(["--no-run", "--report", str(out), "--goal", "70"]) == 1, "66.7% is under the goal"
    explanations.write_text(BOTH_EXPLAINED + '"return dx → return 0" = "unreachable"\n')
    assert mutation.main(["--no-run", "--report", str(out), "--goal", "50"]) == 0, "a stale entry is only reported"
    assert "## Stale explanations: 1" in (out / "mutation.md").read_text()


def test_the_zoo_report_quotes_the_score_of_the_snapshot(mutants, tmp_path):
    from scratch_parity.parity_report import mutation_score

    snapshot = tmp_path / "mutation.md"
    snapshot.write_text(mutation.report(mutation.read_results(mutants), DIFFS, None, 90, [])[0])
    assert "**66.7%** (4 of 6 mutants killed)" in "\n".join(mutation_score(snapshot))
    assert "No mutation score recorded yet" in "\n".join(mutation_score(tmp_path / "missing.md"))


def test_survivors_are_marked_untested_before_a_run_so_new_tests_see_them(mutants):
    mutation.retest_survivors(mutants)
    codes = json.loads((mutants / "scratch/manual/linear.py.meta").read_text())["exit_code_by_key"]
    assert codes == {LINEAR + "1": 1, LINEAR + "2": 1, LINEAR + "3": None, LINEAR + "4": 36}
    codes = json.loads((mutants / "scratch/manual/activations.py.meta").read_text())["exit_code_by_key"]
    assert codes == {RELU + "1": 1, RELU + "2": None}
