"""A loss's reduction, for arrays and autograd Tensors alike (both have ``mean`` and ``sum``)."""


def reduce(loss, reduction: str):
    """'none': per-element losses; 'mean': their average; 'sum': their sum."""
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()
