"""Batch norm's running statistics, shared by the hand-written and the autograd layer."""


def momentum_factor(momentum: float | None, num_batches_tracked: int) -> float:
    """The weight of the new batch: ``momentum``, or 1 / num_batches_tracked (a cumulative average) for None."""
    return 1.0 / float(num_batches_tracked) if momentum is None else float(momentum)


def update_running_stats(running_mean, running_var, mean, var, n: int, factor: float) -> None:
    """running = (1 - factor) * running + factor * batch, in place, per channel.

    NOTE: running_var moves towards the *unbiased* batch variance, var * n / (n - 1), while the
    forward normalises with the biased one: that is torch's rule (and the original paper's).
    """
    running_mean[...] = (1 - factor) * running_mean + factor * mean
    running_var[...] = (1 - factor) * running_var + factor * (var * (n / (n - 1)))
