"""Move a state_dict between worlds: torch tensors <-> NumPy arrays, keys unchanged."""

import numpy as np
import torch


def to_numpy(state_dict) -> dict[str, np.ndarray]:
    """A torch state_dict as NumPy arrays (copies), ready for ``scratch`` layers' load_state_dict."""
    return {k: v.detach().cpu().numpy().copy() for k, v in state_dict.items()}


def to_torch(state_dict) -> dict[str, torch.Tensor]:
    """A NumPy state_dict as torch tensors (copies), ready for a torch module's load_state_dict."""
    return {k: torch.from_numpy(np.array(v)) for k, v in state_dict.items()}
