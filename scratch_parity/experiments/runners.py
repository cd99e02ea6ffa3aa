"""One trainer per implementation, all with the same interface and the same training loop.

    trainer = make_trainer(impl, model, cfg)
    loss, acc = trainer.train_epoch(batches)          # one epoch: a step per batch, then the schedule
    loss, acc, per_class = trainer.evaluate(x, y)     # eval mode, no gradients
    trainer.state_dict()                              # the weights as NumPy arrays, torch's keys

A step is: zero the gradients, forward, loss (mean cross-entropy), backward, clip the total gradient
norm (``--clip``), optimizer step. The schedule steps once per epoch. The loop is written once, in
``Trainer``; an implementation supplies its forward/backward, its evaluation forward, its optimizer
module and its clipping:

    manual     out = model(x); loss = loss_fn(out, y); model.backward(loss_fn.backward())   scratch.optim
    autograd   loss = loss_fn(model(Tensor(x)), y); loss.backward()                         scratch.optim
    torch      loss = loss_fn(model(x), y); loss.backward()                                 torch.optim

The reported training loss and accuracy of an epoch are averages over its samples of what each step
saw (weights changing during the epoch, train mode); the test ones come from ``evaluate``.
"""

import math
from collections.abc import Iterable

import numpy as np

OPTIMIZER_CLASSES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"}
EVAL_CHUNK = 500  # samples per evaluation forward


def optimizer_kwargs(cfg) -> dict:
    """The optimizer's keyword arguments; what is not given keeps the optimizer's (torch's) default."""
    kwargs = {"lr": cfg.lr}
    if cfg.momentum is not None:
        kwargs["momentum"] = cfg.momentum
    if cfg.weight_decay is not None:
        kwargs["weight_decay"] = cfg.weight_decay
    return kwargs


def per_class_accuracy(predictions: np.ndarray, y: np.ndarray, num_classes: int) -> list[float]:
    """Accuracy of each class's samples; NaN for a class with no sample."""
    counts = np.bincount(y, minlength=num_classes)
    hits = np.bincount(y[predictions == y], minlength=num_classes)
    return [float(h / c) if c else math.nan for h, c in zip(hits, counts, strict=True)]


class Trainer:
    """The training loop and evaluation; subclasses fill in the five implementation-specific methods."""

    impl = ""

    def __init__(self, model, cfg, num_classes: int):
        self.model, self.num_classes, self.clip = model, num_classes, cfg.clip
        optim, schedulers = self._optim_modules()
        self.params = list(self._parameters())  # NOTE: one list: the optimizer keys its state by these objects
        self.optimizer = getattr(optim, OPTIMIZER_CLASSES[cfg.optimizer])(self.params, **optimizer_kwargs(cfg))
        if cfg.schedule == "exponential":
            self.scheduler = schedulers.ExponentialLR(self.optimizer, gamma=cfg.gamma)
        elif cfg.schedule == "step":
            self.scheduler = schedulers.StepLR(self.optimizer, step_size=cfg.step_size, gamma=cfg.gamma)
        else:
            self.scheduler = None

    # -- the interface ----------------------------------------------------------------------------
    def train_epoch(self, batches: Iterable[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
        """One epoch: a step per batch, then the schedule's step. Returns (mean loss, accuracy) over its samples."""
        self._set_training(True)
        total_loss, correct, seen = 0.0, 0, 0
        for x, y in batches:
            self.optimizer.zero_grad()
            loss, logits = self._forward_backward(x, y)
            if self.clip is not None:
                self._clip_grad(self.clip)
            self.optimizer.step()
            total_loss += loss * len(y)
            correct += int((logits.argmax(axis=1) == y).sum())
            seen += len(y)
        if self.scheduler is not None:
            self.scheduler.step()
        if seen == 0:
            raise ValueError("train_epoch: no batches")
        return total_loss / seen, correct / seen

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float, list[float]]:
        """(mean loss, accuracy, per-class accuracy) on (x, y), in eval mode, in chunks of EVAL_CHUNK samples."""
        self._set_training(False)
        total_loss, predictions = 0.0, []
        for start in range(0, len(y), EVAL_CHUNK):
            xb, yb = x[start : start + EVAL_CHUNK], y[start : start + EVAL_CHUNK]
            loss_sum, logits = self._forward_eval(xb, yb)
            total_loss += loss_sum
            predictions.append(logits.argmax(axis=1))
        predictions = np.concatenate(predictions)
        accuracy = float((predictions == y).mean())
        return total_loss / len(y), accuracy, per_class_accuracy(predictions, y, self.num_classes)

    @property
    def lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def state_dict(self) -> dict[str, np.ndarray]:
        return {k: np.array(v) for k, v in self.model.state_dict().items()}

    # -- what an implementation supplies ----------------------------------------------------------
    def _optim_modules(self):
        """(the optimizers' module, the schedulers' module)."""
        raise NotImplementedError

    def _parameters(self):
        return self.model.parameters()

    def _forward_backward(self, x, y) -> tuple[float, np.ndarray]:
        """Forward and backward of the mean cross-entropy: (loss, logits as an array)."""
        raise NotImplementedError

    def _forward_eval(self, x, y) -> tuple[float, np.ndarray]:
        """Forward without gradients: (summed cross-entropy, logits as an array)."""
        raise NotImplementedError

    def _clip_grad(self, max_norm: float) -> None:
        raise NotImplementedError

    def _set_training(self, mode: bool) -> None:
        self.model.train(mode)


class _ScratchTrainer(Trainer):
    def _optim_modules(self):
        import scratch.optim

        return scratch.optim, scratch.optim.lr_scheduler

    def _clip_grad(self, max_norm: float) -> None:
        import scratch.optim

        scratch.optim.clip_grad_norm_(self.params, max_norm)


class ManualTrainer(_ScratchTrainer):
    """scratch.manual: hand-written forward and backward."""

    impl = "manual"

    def __init__(self, model, cfg, num_classes: int):
        import scratch.manual

        super().__init__(model, cfg, num_classes)
        self.loss_fn, self.eval_loss_fn = scratch.manual.CrossEntropyLoss(), scratch.manual.CrossEntropyLoss("sum")

    def _forward_backward(self, x, y):
        logits = self.model(x)
        loss = self.loss_fn(logits, y)
        self.model.backward(self.loss_fn.backward())
        return float(loss), logits

    def _forward_eval(self, x, y):
        logits = self.model(x)
        return float(self.eval_loss_fn(logits, y)), logits


class AutogradTrainer(_ScratchTrainer):
    """scratch.autograd: the define-by-run engine."""

    impl = "autograd"

    def __init__(self, model, cfg, num_classes: int):
        import scratch.autograd.nn

        super().__init__(model, cfg, num_classes)
        nn = scratch.autograd.nn
        self.loss_fn, self.eval_loss_fn = nn.CrossEntropyLoss(), nn.CrossEntropyLoss("sum")

    def _forward_backward(self, x, y):
        from scratch.autograd import Tensor

        logits = self.model(Tensor(x))
        loss = self.loss_fn(logits, y)
        loss.backward()
        return loss.item(), logits.data

    def _forward_eval(self, x, y):
        from scratch.autograd import Tensor, no_grad

        with no_grad():
            logits = self.model(Tensor(x))
            return self.eval_loss_fn(logits, y).item(), logits.data


class TorchTrainer(Trainer):
    """torch, the reference: torch.nn modules and torch.optim."""

    impl = "torch"

    def __init__(self, model, cfg, num_classes: int):
        import torch

        super().__init__(model, cfg, num_classes)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.eval_loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")

    def _optim_modules(self):
        import torch

        return torch.optim, torch.optim.lr_scheduler

    def _clip_grad(self, max_norm: float) -> None:
        import torch

        torch.nn.utils.clip_grad_norm_(self.params, max_norm)

    def _forward_backward(self, x, y):
        import torch

        logits = self.model(torch.from_numpy(x))
        loss = self.loss_fn(logits, torch.from_numpy(y))
        loss.backward()
        return loss.item(), logits.detach().numpy()

    def _forward_eval(self, x, y):
        import torch

        with torch.no_grad():
            logits = self.model(torch.from_numpy(x))
            return self.eval_loss_fn(logits, torch.from_numpy(y)).item(), logits.numpy()

    def state_dict(self) -> dict[str, np.ndarray]:
        from reference import to_numpy

        return to_numpy(self.model.state_dict())


TRAINERS = {"manual": ManualTrainer, "autograd": AutogradTrainer, "torch": TorchTrainer}


def make_trainer(impl: str, model, cfg, num_classes: int) -> Trainer:
    return TRAINERS[impl](model, cfg, num_classes)
