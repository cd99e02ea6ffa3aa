"""``scratch-reproduce``'s plan: every run of both sizes is a checked Config, the one its options give the CLI."""

import pytest

from scratch_parity.experiments.config import Config, parse_args
from scratch_parity.experiments.plan import C5L3_SETTINGS, FULL, PARTS, QUICK, make_plan
from scratch_parity.experiments.registry import IMPLS


@pytest.mark.parametrize("plan", [FULL, QUICK], ids=["full", "quick"])
def test_every_run_of_the_plan_is_the_config_its_options_give(plan):
    assert tuple(plan.experiments) == PARTS
    for part, experiments in plan.experiments.items():
        for experiment in experiments:
            assert experiment.part == part
            assert isinstance(experiment.config, Config)
            assert experiment.config == parse_args(list(experiment.argv)), experiment.options
            assert experiment.options.split() == list(experiment.argv)
            assert experiment.config.progress is None, "the command sets the progress bars, not the plan"


@pytest.mark.parametrize("plan", [FULL, QUICK], ids=["full", "quick"])
def test_the_plan_runs_each_part_over_its_keys_and_seeds(plan):
    runs = plan.experiments
    assert [(e.key, e.config.seed) for e in runs["mlp"]] == [(d, s) for d in plan.mlp_datasets for s in plan.seeds]
    assert all(e.config.dataset == e.key and e.config.dtype == "float64" for e in runs["mlp"])
    assert [(e.key, e.config.seed) for e in runs["c5l3"]] == [(c.key, s) for c in C5L3_SETTINGS for s in plan.seeds]
    assert all(e.config.impls == plan.c5l3_impls for e in runs["c5l3"])
    assert [(e.key, e.config.seed) for e in runs["rnn"]] == [(str(n), s) for n in plan.lengths for s in plan.seeds]
    assert all(e.config.palindrome_length == int(e.key) for e in runs["rnn"])
    assert all(e.config.impls == (plan.rnn_impl,) for e in runs["rnn"])
    assert [e.key for e in runs["timing"]] == ["mlp", "c5l3", "rnn"]
    assert all(e.config.model == e.key and e.config.impls == IMPLS for e in runs["timing"])


def test_a_bad_option_in_a_plan_fails_when_it_is_built_the_cli_way(capsys):
    with pytest.raises(SystemExit) as raised:
        make_plan(False, (0,), "--model mlp --widths 8", QUICK.c5l3, QUICK.rnn, {})
    assert raised.value.code == 2
    assert "--widths does not apply to model 'mlp'" in capsys.readouterr().err
