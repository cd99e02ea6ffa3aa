"""The torch twin of ``scratch.data.augment``: random horizontal flip and pad-and-crop translation.

``apply_augmentation`` takes the same decisions as the NumPy version (flips (N,) bool, offsets
(N, 2) of (dy, dx) crop corners in the zero-padded image, each in [0, 2 * padding]) as NumPy arrays
or tensors, and returns exactly the NumPy result: draw once with ``scratch.data.draw_augmentation``
and feed both. It is written the torch way (``F.pad``, slicing, ``torch.flip``), independently of
the NumPy gather, so agreement checks the convention rather than one piece of code twice.
Order: the crop first, then the flip (torchvision's RandomCrop, RandomHorizontalFlip order).
"""

import torch
import torch.nn.functional as F


def draw_augmentation(
    n: int, generator: torch.Generator | None = None, padding: int = 4, p_flip: float = 0.5
) -> tuple[torch.Tensor, torch.Tensor]:
    """Decisions drawn from torch's generator (for a torch-only pipeline): flips (n,) bool, offsets
    (n, 2) int64 uniform in [0, 2 * padding]. Not the NumPy stream: to match ``scratch`` exactly,
    draw with ``scratch.data.draw_augmentation`` instead and pass its arrays to ``apply_augmentation``."""
    flips = torch.rand(n, generator=generator) < p_flip
    offsets = torch.randint(0, 2 * padding + 1, (n, 2), generator=generator, dtype=torch.int64)
    return flips, offsets


def apply_augmentation(images: torch.Tensor, flips, offsets, padding: int) -> torch.Tensor:
    """(N, C, H, W) -> (N, C, H, W): zero-pad by ``padding``, crop H x W at ``offsets[i]``, then
    mirror along W where ``flips[i]``. A new tensor of the same dtype; ``images`` is left alone."""
    flips = torch.as_tensor(flips, dtype=torch.bool)
    offsets = torch.as_tensor(offsets, dtype=torch.int64)
    if images.dim() != 4:
        raise ValueError(f"augmentation: expected images (N, C, H, W), got shape {tuple(images.shape)}")
    if padding < 0:
        raise ValueError(f"augmentation: padding must be a non-negative integer, got {padding!r}")
    N, _, H, W = images.shape
    if flips.shape != (N,) or offsets.shape != (N, 2):
        raise ValueError(
            f"augmentation: expected flips ({N},) and offsets ({N}, 2), got "
            f"{tuple(flips.shape)} and {tuple(offsets.shape)}"
        )
    if N and (offsets.min() < 0 or offsets.max() > 2 * padding):
        raise ValueError(f"augmentation: offsets must lie in [0, {2 * padding}] for padding {padding}")
    if N == 0:
        return images.clone()
    padded = F.pad(images, (padding, padding, padding, padding))  # (left, right, top, bottom), zeros
    crops = torch.stack([padded[i, :, dy : dy + H, dx : dx + W] for i, (dy, dx) in enumerate(offsets.tolist())])
    # NOTE: torch.where with the mask broadcast over (C, H, W) flips only the chosen images.
    return torch.where(flips[:, None, None, None], crops.flip(-1), crops)
