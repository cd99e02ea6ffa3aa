"""Bad arguments end the argparse way: a clear message on stderr, exit status 2, no traceback, no training."""

import subprocess
import sys

import pytest

from scratch_parity.experiments.cli import main
from scratch_parity.experiments.config import parse_args

# argv -> a phrase the message must contain
BAD = {
    "unknown model": (["--model", "transformer"], "invalid choice: 'transformer'"),
    "unknown dataset": (["--dataset", "imagenet"], "invalid choice: 'imagenet'"),
    "rnn on images": (["--model", "rnn", "--dataset", "digits"], "model 'rnn' takes sequences"),
    "cnn on points": (["--model", "c5l3", "--dataset", "moons"], "model 'c5l3' takes images"),
    "vgg deeper than the image": (["--model", "vgg", "--widths", "4,4,4,4"], "multiple of 16"),
    "bad dtype": (["--dtype", "float16"], "invalid choice: 'float16'"),
    "mnist without a folder": (["--dataset", "mnist"], "--data-dir"),
    "missing data dir": (["--dataset", "cifar10", "--data-dir", "/no/such/folder"], "does not exist"),
    "resnet18 by hand only": (["--model", "resnet18", "--impl", "manual"], "has no manual implementation"),
    "unknown implementation": (["--impl", "manual,jax"], "unknown implementation(s) 'jax'"),
    "momentum for adam": (["--optimizer", "adam", "--momentum", "0.9"], "--momentum applies to sgd and rmsprop"),
    "gamma without schedule": (["--gamma", "0.5"], "--gamma needs --schedule"),
    "wrong hidden count": (["--model", "c5l3", "--hidden", "8"], "takes 2 value(s)"),
    "bad hidden list": (["--hidden", "8,x"], "comma-separated positive integers"),
    "zero epochs": (["--epochs", "0"], "positive integer"),
    "augment points": (["--augment"], "--augment applies to images"),
    "short palindromes": (["--model", "rnn", "--palindrome-length", "1"], "at least 2"),
}


def exit_of(argv, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    return raised.value.code, capsys.readouterr().err


@pytest.mark.parametrize("case", list(BAD))
def test_bad_arguments_exit_2_with_a_clear_message(case, capsys, tmp_path):
    argv, phrase = BAD[case]
    code, err = exit_of([*argv, "--results", str(tmp_path)], capsys)
    assert code == 2, f"{case}: exit status {code}"
    assert "scratch-train: error:" in err and phrase in err, f"{case}: {err}"
    assert "Traceback" not in err
    assert not any(tmp_path.iterdir()), "nothing may be written for bad arguments"


def test_data_folder_without_the_files_is_a_clear_error(capsys, tmp_path):
    code, err = exit_of(["--model", "vgg", "--dataset", "cifar10", "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and "cannot load 'cifar10'" in err and "data_batch_1.bin" in err, err


def test_an_image_size_the_cnn_cannot_pool_is_refused_before_loading(capsys, tmp_path):
    """28x28 mnist and c5l3's three max-pools: refused from the arguments alone (the folder is empty)."""
    code, err = exit_of(["--model", "c5l3", "--dataset", "mnist", "--data-dir", str(tmp_path)], capsys)
    assert code == 2 and "multiple of 8" in err and "28x28" in err, err


def test_resnet18_with_manual_among_others_skips_manual():
    cfg = parse_args(["--model", "resnet18", "--impl", "manual,torch"])
    assert cfg.impls == ("torch",) and cfg.skipped == ("manual",)
    assert cfg.dataset == "digits", "each model has a default data set that fits it"


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--help"])
    out = capsys.readouterr().out
    assert raised.value.code == 0
    for option in ("--impl", "--model", "--dataset", "--optimizer", "--schedule", "--clip", "--dtype", "--results"):
        assert option in out


def test_the_command_itself_prints_no_traceback(tmp_path):
    """As a process (what a user runs): status 2 and the message, quickly (nothing heavy imported)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scratch_parity.experiments.cli",
            "--model",
            "rnn",
            "--dataset",
            "moons",
            "--results",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "model 'rnn' takes sequences" in done.stderr and "Traceback" not in done.stderr
