"""BatchNorm's running statistics over many steps, then eval, against torch."""

import numpy as np
import pytest
import torch

import reference
import scratch.manual as nn


@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize(
    ("name", "shape"), [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 2, 3))]
)
def test_running_statistics_follow_torch_over_many_steps(name, shape, momentum):
    ours = getattr(nn, name)(3, momentum=momentum, dtype=np.float64)
    theirs = getattr(reference, name)(3, momentum=momentum, dtype=torch.float64)
    rng = np.random.default_rng(0)
    for _ in range(10):
        x = rng.standard_normal(shape) * 2 + 1
        ours(x)
        theirs(torch.from_numpy(x))
    for key, value in reference.to_numpy(theirs.state_dict()).items():
        np.testing.assert_allclose(ours.state_dict()[key], value, rtol=1e-12, err_msg=key)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(ours(x), theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-12)
    assert int(ours.buffers["num_batches_tracked"]) == 10
