"""torch's dropout, with the random mask drawn in one method that a test can replace."""

import torch


class Dropout(torch.nn.Dropout):
    """torch.nn.Dropout, computed as torch computes it: y = x * (keep / (1 - p)).

    ``keep`` comes from ``sample_mask``, which draws it exactly as torch's CPU kernel does
    (``bernoulli_(1 - p)`` on torch's default generator), so under the same ``torch.manual_seed``
    this layer returns bit for bit what ``torch.nn.functional.dropout`` returns; a test holds it to
    that. Replacing ``sample_mask`` on an instance injects a mask.
    """

    def sample_mask(self, shape, dtype=torch.float32) -> torch.Tensor:
        """A keep-mask of 0s and 1s, 1 with probability 1 - p."""
        return torch.empty(shape, dtype=dtype).bernoulli_(1 - self.p)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return input
        if self.p == 1.0:
            return input * torch.zeros_like(input)
        keep = self.sample_mask(input.shape, input.dtype).to(input.dtype)
        return input * (keep / (1 - self.p))
