"""The array-module switch, tested without a GPU on the stand-in device of ``scratch_parity/fake_device.py``.

Every registry op, hand-written and autograd, runs on device arrays and gives the NumPy answer to
the last bit or two (float64: the stand-in computes with NumPy, though ``**`` may take another
rounding path, as a GPU's does), with every result left on the device. A host array slipping into
device code raises, as it would with CuPy. ``pytest --device=fake`` runs the whole parity suite this
way, and ``--device=cupy`` on a real GPU.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scratch.autograd.nn as autograd_nn
import scratch.manual as manual
from scratch.kernels import conv
from scratch.kernels.backend import get_array_module, is_array, to_device
from scratch.optim import SGD, Adam
from scratch_parity import fake_device
from scratch_parity.fake_device import FakeDeviceArray, HostDeviceMixError
from scratch_parity.implementations import BUILT_IN, implementation
from scratch_parity.registry import OPS_LIST
from scratch_parity.sample import make_sample
from scratch_parity.strategies import SEEDS

ROOT = Path(__file__).resolve().parents[1]
xp = fake_device.xp


@pytest.fixture(autouse=True, scope="module")
def device():
    fake_device.register()
    yield
    fake_device.unregister()


def test_the_stand_in_keeps_cupys_rules():
    a = xp.asarray(np.arange(3.0))
    assert get_array_module(a) is xp and is_array(a) and not isinstance(a, np.ndarray)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(a)
    with pytest.raises(HostDeviceMixError):
        a + np.ones(3)  # host and device mixed
    assert isinstance(a.sum(), FakeDeviceArray)  # reductions stay on the device
    np.testing.assert_array_equal(to_device(a, np), np.arange(3.0))
    assert to_device(a, xp) is a


@pytest.mark.parametrize("spec", OPS_LIST, ids=lambda s: s.name)
@pytest.mark.parametrize("label", list(BUILT_IN))
@given(data=st.data())
def test_every_op_runs_on_the_device_as_on_the_host(spec, label, data):
    config = data.draw(spec.configs, label=f"{spec.name} config")
    sample = make_sample(spec, config, data.draw(SEEDS, label="seed"), "float64")
    on_host = implementation(*BUILT_IN[label]).run(spec, sample)
    on_device = implementation(*BUILT_IN[label], xp=xp).run(spec, sample)  # results come back to the host
    pairs = [("output", on_device.output, on_host.output)]
    assert on_device.grads.keys() == on_host.grads.keys()
    pairs += [(f"grads[{k!r}]", on_device.grads[k], v) for k, v in on_host.grads.items()]
    pairs += [(f"state[{k!r}]", on_device.state[k], v) for k, v in on_host.state.items()]
    for what, got, want in pairs:
        # a few units in the last place of float64, relative to the array's scale (a difference of two
        # nearly equal terms keeps the absolute rounding error, not the relative one)
        scale = float(np.max(np.abs(want), initial=0.0))
        np.testing.assert_allclose(
            got, want, rtol=1e-14, atol=1e-14 * scale, err_msg=f"device (actual) vs host: {what}"
        )


def test_results_stay_on_the_device():
    layer = manual.Conv2d(2, 3, 3, padding=1, dtype=np.float64).to(xp)
    assert all(isinstance(p.data, FakeDeviceArray) for p in layer.parameters())
    x = xp.asarray(np.random.default_rng(0).standard_normal((2, 2, 5, 5)))
    y = layer(x)
    dx = layer.backward(xp.ones_like(y))
    assert all(isinstance(a, FakeDeviceArray) for a in (y, dx, layer.grads["weight"], layer.grads["bias"]))
    back = layer.to(np)
    assert all(type(p.data) is np.ndarray for p in back.parameters())


def test_a_host_array_in_device_code_is_caught():
    """The stand-in's point: a layer that builds a host array in backward fails loudly, as on a GPU."""

    class LeakyReLU(manual.ReLU):
        def df(self, x, dout):
            return np.where(x > 0, dout, np.zeros(x.shape))  # BUG: np.zeros is a host array

    layer = LeakyReLU()
    x = xp.asarray(np.array([-1.0, 2.0]))
    layer(x)
    with pytest.raises(HostDeviceMixError):
        layer.backward(xp.ones_like(x))


def test_autograd_modules_and_optimizers_on_the_device():
    rng = np.random.default_rng(0)
    x, target = rng.standard_normal((4, 3)), np.array([0, 1, 1, 0])

    def train(device_xp, optimizer_class):
        model = autograd_nn.Sequential(
            autograd_nn.Linear(3, 5, dtype=np.float64), autograd_nn.Linear(5, 2, dtype=np.float64)
        )
        model.load_state_dict(
            {k: np.full(v.shape, 0.1) * (i + 1) for i, (k, v) in enumerate(model.state_dict().items())}
        )
        model.to(device_xp)
        opt = optimizer_class(model.parameters(), lr=0.1)
        loss_fn = autograd_nn.CrossEntropyLoss()
        for _ in range(3):
            opt.zero_grad()
            loss = loss_fn(model(to_device(x, device_xp)), to_device(target, device_xp))
            loss.backward()
            opt.step()
        return {k: to_device(v, np) for k, v in model.state_dict().items()}, [p.data for p in model.parameters()]

    for optimizer_class in (SGD, Adam):
        host_state, _ = train(np, optimizer_class)
        device_state, device_params = train(xp, optimizer_class)
        assert all(isinstance(p, FakeDeviceArray) for p in device_params)
        for key, value in host_state.items():
            np.testing.assert_array_equal(device_state[key], value, err_msg=f"{optimizer_class.__name__}: {key}")


def test_the_conv_kernels_chunked_on_the_device():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((3, 2, 6, 6)), rng.standard_normal((4, 2, 3, 3)), rng.standard_normal(4)
    on_host, _ = conv.conv2d_forward(x, w, b, (2, 2), (1, 1))
    with conv.cols_memory_cap(1):  # one image per chunk
        y, cols = conv.conv2d_forward(*(xp.asarray(a) for a in (x, w, b)), (2, 2), (1, 1))
    assert cols is None and isinstance(y, FakeDeviceArray)
    np.testing.assert_array_equal(to_device(y, np), on_host)


def run_pytest(*args):
    env = {**os.environ, "CI": "1"}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_the_device_flag_runs_the_parity_suite_on_the_stand_in():
    result = run_pytest(
        "scratch_parity/suite/test_parity.py", "--device=fake", "-k", "gradient and (Conv2d or BatchNorm2d)"
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "8 passed" in result.stdout, result.stdout[-500:]


def test_the_device_flag_skips_cleanly_without_a_gpu():
    try:
        import cupy  # noqa: F401

        pytest.skip("CuPy is installed here: this test is about machines without it")
    except ImportError:
        pass
    result = run_pytest("scratch_parity/suite/test_parity.py", "--device=cupy", "-k", "gradient and Linear", "-rs")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "skipped" in result.stdout and "--device=cupy: no usable CUDA GPU" in result.stdout
