"""Learning-rate schedules, as torch.optim.lr_scheduler: they change each group's ``lr`` on ``step()``.

Usage, as in torch: one ``scheduler.step()`` per epoch, after that epoch's ``optimizer.step()`` calls.

    ExponentialLR   lr_e = lr_0 γ^e
    StepLR          lr_e = lr_0 γ^⌊e / step_size⌋

where e is ``last_epoch``, the number of ``step()`` calls so far: constructing a scheduler counts as
epoch 0 (it leaves the lr as it is), so after e calls of ``step()`` the lr is lr_e.
NOTE: the lr is computed as torch computes it, by multiplying the group's *current* lr by γ when an
epoch calls for it (the chainable form), not as lr_0 γ^e: so the rounding is torch's, a change to
``group["lr"]`` by hand or by another scheduler is kept, and two schedulers compose.
"""


class LRScheduler:
    """Counts epochs in ``last_epoch`` and writes ``get_lr()``'s values into ``optimizer.param_groups``."""

    hyper_parameters: tuple[str, ...] = ()  # the subclass's own, saved in its state_dict

    def __init__(self, optimizer, last_epoch: int = -1):
        if not hasattr(optimizer, "param_groups"):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer (it has no param_groups)")
        self.optimizer = optimizer
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group in groups:
                group.setdefault("initial_lr", group["lr"])  # as torch: kept in the optimizer's groups
        else:
            for i, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer "
                        f"(last_epoch={last_epoch}); resume from a state_dict, or pass last_epoch=-1"
                    )
        self.base_lrs = [group["initial_lr"] for group in groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self.step()  # epoch 0 (or the epoch after the one resumed from)

    def get_lr(self) -> list[float]:
        """The lr of every group for epoch ``last_epoch``, from the groups' current lrs."""
        raise NotImplementedError

    def step(self) -> None:
        """Count one epoch and set each group's lr for it."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The lr of every group as the last ``step()`` (or the constructor) set it."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """torch's keys: the hyper-parameters, "base_lrs", "last_epoch", "_step_count", "_last_lr"."""
        names = (*self.hyper_parameters, "base_lrs", "last_epoch", "_step_count", "_last_lr")
        return {name: _copied(getattr(self, name)) for name in names}

    def load_state_dict(self, state_dict: dict) -> None:
        """Take those keys back (a torch scheduler's state_dict loads too; its other keys are ignored)."""
        names = (*self.hyper_parameters, "base_lrs", "last_epoch", "_step_count", "_last_lr")
        missing = [name for name in names if name not in state_dict]
        if missing:
            raise KeyError(f"{type(self).__name__}: the state_dict lacks {', '.join(map(repr, missing))}")
        for name in names:
            setattr(self, name, _copied(state_dict[name]))


class ExponentialLR(LRScheduler):
    """lr_e = lr_0 γ^e: every ``step()`` multiplies each group's lr by γ."""

    hyper_parameters = ("gamma",)

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        return lrs if self.last_epoch == 0 else [lr * self.gamma for lr in lrs]


class StepLR(LRScheduler):
    """lr_e = lr_0 γ^⌊e / step_size⌋: each group's lr is multiplied by γ every ``step_size`` epochs."""

    hyper_parameters = ("step_size", "gamma")

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        if not step_size > 0:
            # NOTE: torch takes any step_size here and fails later (step_size=0 divides by zero at the
            # first step); refusing it at construction names the value at fault.
            raise ValueError(f"StepLR: step_size must be a positive number of epochs, got {step_size}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lrs
        return [lr * self.gamma for lr in lrs]


def _copied(value):
    return list(value) if isinstance(value, list) else value
