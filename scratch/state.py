"""Loading a state_dict into live arrays: one implementation for the hand-written and the autograd modules."""

import numpy as np

from scratch.kernels.backend import get_array_module, to_device


def load_arrays(owner: str, own: dict, state_dict, strict: bool = True) -> None:
    """Copy ``state_dict``'s values into the arrays of ``own`` (key -> live array), in place.

    Each array keeps its dtype (a float32 layer stays float32) and its identity (views stay live).
    Values may be anything array-like (NumPy arrays, CuPy arrays, or torch tensors moved with
    ``.numpy()``); each is copied into the live array on that array's own device.
    Raises ``RuntimeError`` naming missing or unexpected keys and shape mismatches, as torch does;
    nothing is copied unless every check passes.
    """
    given = dict(state_dict)
    problems = []
    if strict:
        missing = [k for k in own if k not in given]
        unexpected = [k for k in given if k not in own]
        if missing:
            problems.append(f"Missing key(s) in state_dict: {', '.join(map(repr, missing))}.")
        if unexpected:
            problems.append(f"Unexpected key(s) in state_dict: {', '.join(map(repr, unexpected))}.")
    values = {key: to_device(given[key], np) for key in own if key in given}  # on the host, to check
    for key, value in values.items():
        target = own[key]
        if target.dtype.kind in "iu" and value.dtype.kind not in "iu":
            problems.append(f"{key} is a counter ({target.dtype}); refusing to truncate a {value.dtype} value.")
        if value.shape != target.shape:
            problems.append(
                f"size mismatch for {key}: copying a param with shape {value.shape} from "
                f"checkpoint, the shape in current model is {target.shape}."
            )
    if problems:
        raise RuntimeError(f"Error(s) in loading state_dict for {owner}:\n\t" + "\n\t".join(problems))
    for key, value in values.items():
        own[key][...] = to_device(value, get_array_module(own[key]))
