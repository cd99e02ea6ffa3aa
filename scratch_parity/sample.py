"""A sample: everything one parity check feeds to every implementation, made from a seed.

From (op, config, seed, dtype) come the forward's arguments, a state_dict for the layer (weights
and buffers, loaded into every side), an upstream gradient ``dout`` and, for dropout, a keep-mask.
Nothing here depends on the implementation under test, so every side sees identical numbers, and
four printed values reproduce a failure.
"""

import inspect
from dataclasses import dataclass

import numpy as np
import torch

import reference
from scratch_parity.registry import OpSpec
from scratch_parity.strategies import Config

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclass(frozen=True)
class Sample:
    spec: OpSpec
    config: Config
    seed: int
    dtype: str
    inputs: tuple
    state: dict
    mask: np.ndarray | None
    smooth: bool = False

    def dout(self, shape) -> np.ndarray:
        """A random upstream gradient of the output's shape (not just ones: sum() hides bugs)."""
        return np.random.default_rng([self.seed, 1]).standard_normal(shape).astype(self.dtype)


def make_sample(spec: OpSpec, config: Config, seed: int, dtype: str = "float64", smooth: bool = False) -> Sample:
    rng = np.random.default_rng(seed)
    inputs = tuple(
        a.astype(dtype) if np.issubdtype(a.dtype, np.floating) else a
        for a in map(np.asarray, spec.make_inputs(rng, config, smooth))
    )
    state = {k: _fill(k, tuple(v.shape), rng, dtype) for k, v in _torch_layer(spec, config).state_dict().items()}
    mask = None
    if spec.random_mask:
        mask = np.random.default_rng([seed, 2]).random(config.shape) >= config.kwargs["p"]
    return Sample(spec, config, seed, dtype, inputs, state, mask, smooth)


def build(spec: OpSpec, namespace, config: Config, **dtype):
    """Instantiate ``spec``'s layer from ``namespace`` (scratch.manual, reference, a student's module).

    ``dtype`` is passed only to layers whose constructor takes one (those with parameters), as in torch.
    """
    if spec.build is not None:
        return spec.build(namespace, config, **dtype)
    cls = getattr(namespace, spec.name)
    takes_dtype = "dtype" in inspect.signature(cls).parameters
    return cls(**config.kwargs, **(dtype if takes_dtype else {}))


def _torch_layer(spec, config):
    return build(spec, reference, config, dtype=torch.float64)


def _fill(key: str, shape: tuple, rng: np.random.Generator, dtype: str) -> np.ndarray:
    """A drawn value for one state_dict entry: counters are integers, variances are positive."""
    if key.endswith("num_batches_tracked"):
        return np.asarray(rng.integers(0, 5), dtype=np.int64)
    if key.endswith("running_var"):
        return rng.uniform(0.5, 2.0, shape).astype(dtype)
    return (rng.standard_normal(shape) * 0.5).astype(dtype)
