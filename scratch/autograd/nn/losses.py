"""Losses as modules: ``loss = criterion(input, target)``, then ``loss.backward()``."""

from scratch.autograd import functional as F
from scratch.autograd.nn.module import Module
from scratch.validation import check_reduction


class CrossEntropyLoss(Module):
    """Softmax and negative log-likelihood of class-index targets (see ``functional.cross_entropy``)."""

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        self.reduction = check_reduction(reduction)

    def forward(self, input, target):
        return F.cross_entropy(input, target, reduction=self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class SigmoidFocalLoss(Module):
    """Focal loss on logits (see ``functional.sigmoid_focal_loss``); reduction 'none' by default, as torchvision."""

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"):
        super().__init__()
        self.alpha, self.gamma = float(alpha), float(gamma)
        self.reduction = check_reduction(reduction)

    def forward(self, input, target):
        return F.sigmoid_focal_loss(input, target, self.alpha, self.gamma, self.reduction)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}, gamma={self.gamma}, reduction={self.reduction!r}"
