"""Training one implementation for all epochs, with progress bars, into the record's per-epoch entries.

Before an implementation trains, both random generators are reseeded with ``--seed`` (torch's, for the
torch twins' dropout; ``scratch.random``'s, for the scratch ones'), so each implementation's run is
repeatable. The masks still differ between implementations (two different generators): with dropout,
their curves differ by that randomness only. Everything else (initial weights, batches, augmentation)
is identical.

Progress bars (tqdm) go to stderr and turn themselves off when it is not a terminal (``disable=None``);
then a line per epoch (every few epochs in long runs) is printed instead, so logs still show progress.
"""

import time

from tqdm import tqdm

from scratch_parity.experiments.batching import epoch_batches, num_batches
from scratch_parity.experiments.records import epoch_entry, implementation_entry
from scratch_parity.experiments.runners import Trainer

LOG_LINES = 10  # without progress bars: at most about this many epoch lines per implementation


def seed_everything(seed: int) -> None:
    import torch

    import scratch.random

    torch.manual_seed(seed)
    scratch.random.manual_seed(seed)


def _bars_disabled(progress: bool | None):
    """tqdm's ``disable``: None lets tqdm decide (off when stderr is not a terminal)."""
    return None if progress is None else not progress


def train_implementation(cfg, trainer: Trainer, split, progress: bool | None = None, quiet: bool = False) -> dict:
    """Train for ``cfg.epochs`` epochs, evaluating on the test set after each; the record's entry for it.

    ``quiet``: without progress bars, no epoch lines either (a caller running many runs prints its own).
    """
    seed_everything(cfg.seed)
    disable = _bars_disabled(progress)
    epochs, per_class = [], []
    steps = num_batches(split.num_train, cfg.batch_size)
    flip = cfg.augment_flip or 0.0
    log_every = -(-cfg.epochs // LOG_LINES)
    with tqdm(total=cfg.epochs, desc=f"{trainer.impl:>8}", unit="epoch", disable=disable, dynamic_ncols=True) as bar:
        for epoch in range(cfg.epochs):
            lr = trainer.lr
            batches = epoch_batches(
                split.x_train, split.y_train, cfg.batch_size, cfg.seed, epoch, cfg.augment_padding, flip
            )
            inner = tqdm(
                batches,
                total=steps,
                desc=f"epoch {epoch + 1}",
                unit="batch",
                leave=False,
                disable=disable,
                dynamic_ncols=True,
            )
            start = time.perf_counter()
            train = trainer.train_epoch(inner)
            time_s = time.perf_counter() - start
            inner.close()
            start = time.perf_counter()
            test_loss, test_acc, per_class = trainer.evaluate(split.x_test, split.y_test)
            eval_time_s = time.perf_counter() - start
            epochs.append(epoch_entry(epoch + 1, lr, train, (test_loss, test_acc), time_s, eval_time_s))
            bar.set_postfix(loss=f"{train[0]:.4f}", test_acc=f"{test_acc:.3f}")
            bar.update()
            if bar.disable and not quiet and ((epoch + 1) % log_every == 0 or epoch + 1 == cfg.epochs):
                print(
                    f"{trainer.impl:>8} epoch {epoch + 1:>3}/{cfg.epochs}: train loss {train[0]:.4f} acc {train[1]:.3f}"
                    f" | test loss {test_loss:.4f} acc {test_acc:.3f} | {time_s:.2f} s",
                    flush=True,
                )
    return implementation_entry(epochs, per_class)
