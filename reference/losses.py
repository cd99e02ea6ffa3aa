"""Sigmoid focal loss in torch, with torchvision.ops.sigmoid_focal_loss's signature and formula."""

import torch
import torch.nn.functional as F


def sigmoid_focal_loss(inputs, targets, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"):
    """loss = alpha_t * BCE(x, t) * (1 - p_t)**gamma  (Lin et al., 2017), as torchvision defines it.

    BCE is -(t log s + (1 - t) log(1 - s)) with log s = logsigmoid(x) and log(1 - s) = logsigmoid(-x),
    and 1 - p_t = s (1 - t) + (1 - s) t with 1 - s = sigmoid(-x): stable for large |x|.
    """
    if targets.shape != inputs.shape:
        raise ValueError(f"Target size ({targets.shape}) must be the same as input size ({inputs.shape})")
    targets = targets.to(inputs.dtype)
    ce = -(targets * F.logsigmoid(inputs) + (1 - targets) * F.logsigmoid(-inputs))
    one_minus_p_t = torch.sigmoid(inputs) * (1 - targets) + torch.sigmoid(-inputs) * targets
    loss = ce * one_minus_p_t**gamma
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid value for arg 'reduction': '{reduction}'; supported: 'none', 'mean', 'sum'")


class SigmoidFocalLoss(torch.nn.Module):
    """Module form of ``sigmoid_focal_loss``: ``SigmoidFocalLoss(alpha, gamma, reduction)(inputs, targets)``."""

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"):
        super().__init__()
        if reduction not in ("none", "mean", "sum"):
            raise ValueError(f"Invalid value for arg 'reduction': '{reduction}'; supported: 'none', 'mean', 'sum'")
        self.alpha, self.gamma, self.reduction = alpha, gamma, reduction

    def forward(self, inputs, targets):
        return sigmoid_focal_loss(inputs, targets, self.alpha, self.gamma, self.reduction)
