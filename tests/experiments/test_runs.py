"""Short training runs through the CLI: what they write, and the three implementations agreeing.

Each run calls ``main`` in-process with tiny models and data, writing into pytest's tmp_path.
"""

import numpy as np
import pytest

from scratch.data import digits
from scratch_parity.experiments.batching import epoch_batches
from scratch_parity.experiments.cli import main
from scratch_parity.experiments.records import read_record, run_dir

IMPLS = ("manual", "autograd", "torch")
EPOCH_KEYS = {"epoch", "lr", "train_loss", "train_acc", "test_loss", "test_acc", "time_s", "eval_time_s"}


def train(tmp_path, *argv) -> tuple[dict, object]:
    assert main([*argv, "--results", str(tmp_path), "--name", "run", "--no-progress"]) == 0
    folder = tmp_path / "run"
    return read_record(folder), folder


def test_a_short_mlp_run_writes_the_record_and_plots_and_learns(tmp_path):
    record, folder = train(tmp_path, "--samples", "300", "--hidden", "8,8", "--epochs", "3", "--lr", "0.02")
    assert record["format"] == "scratch-train/1" and record["name"] == "run"
    assert record["config"]["model"] == "mlp" and record["config"]["dataset"] == "moons"
    assert record["config"]["impls"] == list(IMPLS) and record["config"]["hidden"] == [8, 8]
    assert record["data"] == {
        "name": "moons",
        "kind": "points",
        "num_classes": 2,
        "class_names": ["0", "1"],
        "input_shape": [2],
        "num_train": 240,
        "num_test": 60,
    }
    assert record["model"]["num_parameters"] == (2 * 8 + 8) + (8 * 8 + 8) + (8 * 2 + 2)
    assert list(record["implementations"]) == list(IMPLS) and record["skipped"] == {}
    for impl, entry in record["implementations"].items():
        epochs = entry["epochs"]
        assert [e["epoch"] for e in epochs] == [1, 2, 3]
        assert all(set(e) == EPOCH_KEYS for e in epochs)
        assert all(0 <= e["train_acc"] <= 1 and 0 <= e["test_acc"] <= 1 and e["time_s"] > 0 for e in epochs)
        assert epochs[-1]["train_loss"] < epochs[0]["train_loss"], f"{impl}: the training loss must decrease"
        assert entry["train_time_s"] == pytest.approx(sum(e["time_s"] for e in epochs))
        assert len(entry["test_per_class_acc"]) == 2
    assert record["plots"] == ["curves.png"] and record["rnn_grad_norms"] is None
    assert (folder / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


CASES = {
    "mlp, sgd + momentum, step schedule, clipping": "--samples 200 --hidden 16,16 --epochs 3 --batch-size 16 "
    "--optimizer sgd --lr 0.1 --schedule step --step-size 1 --clip 0.1",  # the clip binds
    "mlp, adam, exponential schedule": "--samples 200 --hidden 16,16 --activation tanh --epochs 3 --batch-size 16 "
    "--schedule exponential",
    "c5l3 with batch norm on digits, augmented": "--model c5l3 --widths 2,3,3,3,2 --hidden 8,8 --epochs 2 "
    "--train-limit 64 --test-limit 40 --batch-size 16 --optimizer rmsprop --augment",
}


@pytest.mark.parametrize("case", list(CASES))
def test_in_float64_the_three_implementations_agree_epoch_by_epoch(case, tmp_path):
    """Same weights, same batches (and augmentation), no dropout: the curves agree to 1e-9, relative."""
    record, _ = train(tmp_path, *CASES[case].split(), "--dtype", "float64")
    runs = record["implementations"]
    for key in ("train_loss", "test_loss", "train_acc", "test_acc", "lr"):
        expected = [e[key] for e in runs["torch"]["epochs"]]
        for impl in ("manual", "autograd"):
            got = [e[key] for e in runs[impl]["epochs"]]
            np.testing.assert_allclose(got, expected, rtol=1e-9, err_msg=f"{case}: {key}, {impl} vs torch")
    for impl in ("manual", "autograd"):
        assert runs[impl]["test_per_class_acc"] == runs["torch"]["test_per_class_acc"]


def test_per_class_accuracy_on_images_adds_up_and_is_plotted(tmp_path):
    record, folder = train(tmp_path, "--dataset", "digits", "--hidden", "16", "--epochs", "1", "--impl", "torch")
    assert record["data"]["input_shape"] == [1, 8, 8] and record["model"]["kwargs"]["in_features"] == 64
    y_test = digits(seed=0).y_test
    counts = np.bincount(y_test, minlength=10)
    entry = record["implementations"]["torch"]
    per_class = np.array(entry["test_per_class_acc"])
    assert per_class.shape == (10,)
    assert (per_class * counts).sum() / counts.sum() == pytest.approx(entry["epochs"][-1]["test_acc"])
    assert record["plots"] == ["curves.png", "per_class.png"] and (folder / "per_class.png").is_file()


@pytest.mark.parametrize("impls", ["manual,torch", "autograd,torch"])
def test_an_rnn_run_plots_the_gradient_norm_over_time(impls, tmp_path):
    """With manual: its own trained weights; without: a hand-written model loaded with the first one's."""
    argv = f"--model rnn --palindrome-length 5 --samples 100 --hidden 6 --epochs 2 --impl {impls}"
    record, folder = train(tmp_path, *argv.split())
    norms = record["rnn_grad_norms"]
    assert norms["source"] == impls.split(",")[0] and norms["num_samples"] == 20
    for when in ("initial", "trained"):
        assert np.shape(norms[when]) == (1, 4), "one norm per layer and input step (length - 1)"
        assert all(v > 0 for v in norms[when][0])
    assert "rnn_grad_norms.png" in record["plots"] and (folder / "rnn_grad_norms.png").is_file()


def test_the_batches_of_an_epoch_are_the_same_for_every_caller_and_change_across_epochs():
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    first = list(epoch_batches(x, y, 4, seed=3, epoch=0))
    again = list(epoch_batches(x, y, 4, seed=3, epoch=0))
    other = list(epoch_batches(x, y, 4, seed=3, epoch=1))
    assert [len(b) for b, _ in first] == [4, 4, 2]
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(first, again, strict=True))
    assert sorted(np.concatenate([yb for _, yb in first])) == list(range(10))
    assert not np.array_equal(np.concatenate([yb for _, yb in first]), np.concatenate([yb for _, yb in other]))


def test_run_folders_are_named_from_model_dataset_and_time_and_never_clash(tmp_path):
    import datetime

    now = datetime.datetime(2025, 1, 2, 3, 4, 5)
    a = run_dir(str(tmp_path), None, "mlp", "moons", now)
    b = run_dir(str(tmp_path), None, "mlp", "moons", now)
    assert a.name == "mlp-moons-20250102-030405" and b.name == "mlp-moons-20250102-030405-2"
    assert run_dir(str(tmp_path), "mine", "mlp", "moons") == tmp_path / "mine"


def test_with_dropout_only_torch_draws_other_masks(tmp_path):
    """manual and autograd share scratch's generator (same masks); torch draws its own, so its curve differs."""
    argv = "--model c5l3 --widths 2,3,3,3,2 --hidden 8,8 --dropout linear --epochs 1 --train-limit 48 --dtype float64"
    record, _ = train(tmp_path, *argv.split())
    losses = {impl: entry["epochs"][0]["train_loss"] for impl, entry in record["implementations"].items()}
    assert losses["manual"] == pytest.approx(losses["autograd"], rel=1e-9)
    assert losses["torch"] != pytest.approx(losses["manual"], rel=1e-6)
