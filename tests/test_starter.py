"""The starter kit: a module with no solution in it, built on scratch_parity.base, that the checker can grade.

The generated module imports numpy and scratch_parity.base alone; its classes have scratch.manual's
constructors and torch's state_dicts, and forward and backward left to write. Filled in (here by delegating
to scratch.manual's layers), it passes the checker's hand-written contract: the base's bookkeeping is what
the checker reads.
"""

import ast
import functools
import inspect
import shutil
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import reference
import scratch.manual as ours
from scratch_parity import base
from scratch_parity.checks import assert_close
from scratch_parity.implementations import TORCH, ManualContract
from scratch_parity.registry import OPS, TOLERANCES
from scratch_parity.sample import build, make_sample
from scratch_parity.starter import LAYERS, main, starter_module
from scratch_parity.strategies import SEEDS

SOURCE = starter_module()


def starter() -> types.ModuleType:
    """The generated module, executed (as a student's ``mylayers.py`` would be imported)."""
    module = types.ModuleType("mylayers")
    exec(compile(SOURCE, "mylayers.py", "exec"), module.__dict__)
    return module


STARTER = starter()


def imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
    return names


# -- (a) no solution inside --------------------------------------------------------------------------


def test_the_starter_imports_numpy_and_the_base_only():
    assert imported_modules(SOURCE) == {"numpy", "scratch_parity.base"}
    for name in LAYERS:
        assert getattr(STARTER, name).__bases__ == (base.Module,), f"{name} must subclass the base, not a solution"
    assert STARTER.Sequential is base.Sequential


def test_the_base_imports_the_standard_library_and_numpy_only():
    tops = {name.split(".")[0] for name in imported_modules(Path(base.__file__).read_text())}
    assert tops <= set(sys.stdlib_module_names) | {"numpy"}, tops


def test_the_starter_runs_where_only_numpy_and_the_base_are_importable(tmp_path):
    """As in the grader's runner: base.py copied alone beside an empty __init__, the site packages cut off."""
    (tmp_path / "scratch_parity").mkdir()
    (tmp_path / "scratch_parity" / "__init__.py").write_text("")
    shutil.copy(base.__file__, tmp_path / "scratch_parity" / "base.py")
    (tmp_path / "mylayers.py").write_text(SOURCE)
    script = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = [{str(tmp_path)!r}, {str(Path(np.__file__).parents[1])!r}]

        class Refuse:
            def find_spec(self, name, path=None, target=None):
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("numpy", "scratch_parity", "mylayers"):
                    raise ImportError(f"not allowed: {{name}}")

        sys.meta_path.insert(0, Refuse())
        import mylayers
        assert all(hasattr(mylayers, name) for name in {LAYERS!r})
        layer = mylayers.Sequential(mylayers.Linear(3, 2), mylayers.BatchNorm1d(2, dtype=mylayers.np.float64))
        print(sorted(layer.state_dict()))
        """
    )
    done = subprocess.run([sys.executable, "-I", "-S", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "'1.num_batches_tracked'" in done.stdout


def test_the_command_writes_the_starter_and_keeps_an_existing_file(tmp_path):
    path = tmp_path / "mylayers.py"
    assert main([str(path)]) == 0
    assert path.read_text() == SOURCE
    assert main([str(path)]) == 2, "an existing file is not overwritten without --force"
    assert main([str(path), "--force", "--blank"]) == 0, "--blank is still accepted"
    assert path.read_text() == SOURCE


# -- (b) scratch.manual's constructors, torch's state_dicts ------------------------------------------


@pytest.mark.parametrize("name", LAYERS)
def test_constructors_and_stubs_have_scratch_manuals_signatures(name):
    mine, solution = getattr(STARTER, name), getattr(ours, name)
    assert inspect.signature(mine) == inspect.signature(solution)
    for method in ("forward", "backward"):
        assert inspect.signature(getattr(mine, method)) == inspect.signature(getattr(solution, method))


@pytest.mark.parametrize("name", LAYERS)
@settings(max_examples=10)
@given(data=st.data())
def test_every_layer_builds_with_torchs_state_dict(name, data):
    spec = OPS[name]
    config = data.draw(spec.configs, label="config")
    dtype = data.draw(st.sampled_from(["float32", "float64"]), label="dtype")
    layer = build(spec, STARTER, config, dtype=np.dtype(dtype))
    torch_layer = build(spec, reference, config, dtype=getattr(torch, dtype))
    expected = reference.to_numpy(torch_layer.state_dict())
    state = layer.state_dict()
    assert list(state) == list(expected)
    for key, array in state.items():
        assert (array.shape, array.dtype) == (expected[key].shape, expected[key].dtype), key
    assert [n for n, _ in layer.named_parameters()] == [n for n, _ in torch_layer.named_parameters()]

    sample = make_sample(spec, config, data.draw(SEEDS, label="seed"), dtype)
    layer.load_state_dict(sample.state)
    for key, array in layer.state_dict().items():
        assert array.dtype == expected[key].dtype, f"{key}: loading changed the dtype"
        np.testing.assert_array_equal(array, sample.state[key], err_msg=key)

    # -- (c) forward and backward are to write, and say so
    assert layer.train(config.training) is layer and layer.training == config.training
    with pytest.raises(NotImplementedError, match=rf"^{name}\.forward: write it"):
        layer(*sample.inputs)
    with pytest.raises(NotImplementedError, match=rf"^{name}\.backward: write it"):
        layer.backward(np.ones(config.shape))


# -- (d) filled in, the starter passes the checker's contract ------------------------------------------


def filled(name: str) -> type:
    """The starter's class with forward and backward "written": by delegating to scratch.manual's twin.

    Only the base's bookkeeping reaches the checker: the twin is loaded from this layer's state, and its
    gradients come back through ``accumulate_grad``, its running statistics through ``load_state_dict``.
    """
    starter_class = getattr(STARTER, name)

    class Filled(starter_class):
        @functools.wraps(starter_class.__init__)  # keeps the signature: the checker looks for ``dtype``
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.twin = getattr(ours, name)(*args, **kwargs)

        def forward(self, *inputs):
            self.twin.load_state_dict(self.state_dict())
            self.twin.train(self.training)
            if hasattr(self, "sample_mask"):
                self.twin.sample_mask = self.sample_mask  # the mask the checker injected into this layer
            out = self.twin.forward(*inputs)
            self.load_state_dict(self.twin.state_dict())  # running statistics moved
            return out

        def backward(self, dout):
            self.twin.zero_grad()
            dx = self.twin.backward(dout)
            for key, grad in self.twin.grads.items():
                self.accumulate_grad(key, grad)
            return dx

    Filled.__name__ = Filled.__qualname__ = name
    return Filled


FILLED = types.SimpleNamespace(
    **{name: filled(name) for name in LAYERS}, Sequential=base.Sequential, __name__="filled_starter"
)


@pytest.mark.parametrize("name", ["Linear", "ReLU", "BatchNorm1d", "Dropout", "RNNCell", "Sequential"])
@settings(max_examples=8)
@given(data=st.data())
def test_a_filled_starter_gives_torchs_answers_through_the_checkers_contract(name, data):
    spec = OPS[name]
    config = data.draw(spec.configs, label="config")
    sample = make_sample(spec, config, data.draw(SEEDS, label="seed"), "float64")
    impl = ManualContract(FILLED, label="filled_starter")
    mine, theirs = impl.run(spec, sample), TORCH.run(spec, sample)
    assert mine.backward_error is None, mine.backward_error
    tol = TOLERANCES["float64"]
    assert_close(mine.output, theirs.output, tol, "output", sample, impl)
    for field in ("grads", "state"):
        ours_, torchs = getattr(mine, field), getattr(theirs, field)
        assert sorted(ours_) == sorted(torchs), field
        for key, expected in torchs.items():
            if expected is None:  # torch's gradient of an unused parameter
                assert ours_[key] is None, key
            else:
                assert_close(ours_[key], expected, tol, f"{field}[{key!r}]", sample, impl)


# -- (e) Sequential chains ------------------------------------------------------------------------------


def test_the_bases_sequential_chains_as_scratch_manuals():
    f64 = np.float64
    mine = base.Sequential(FILLED.Linear(4, 3, dtype=f64), FILLED.ReLU(), FILLED.Linear(3, 2, dtype=f64))
    solution = ours.Sequential(ours.Linear(4, 3, dtype=f64), ours.ReLU(), ours.Linear(3, 2, dtype=f64))
    mine.load_state_dict(solution.state_dict())
    assert len(mine) == 3 and isinstance(mine[1], FILLED.ReLU)
    assert list(mine.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]

    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 2))
    for _ in range(2):  # gradients accumulate over backward calls
        np.testing.assert_array_equal(mine(x), solution(x))
        np.testing.assert_array_equal(mine.backward(dout), solution.backward(dout))
    expected = {name: p.grad for name, p in solution.named_parameters()}
    assert {name: p.grad for name, p in mine.named_parameters()}.keys() == expected.keys()
    for name, p in mine.named_parameters():
        np.testing.assert_array_equal(p.grad, expected[name], err_msg=name)
    assert len(list(mine.parameters())) == 4

    mine.zero_grad()
    assert all(p.grad is None for p in mine.parameters())
    assert mine.eval() is mine and not any(layer.training for layer in [mine, *mine.layers])
    assert mine.train() is mine and all(layer.training for layer in [mine, *mine.layers])


# -- (f) load_state_dict and the rest of the bookkeeping ----------------------------------------------


def batch_norm_state(**changes):
    state = STARTER.BatchNorm1d(3).state_dict()
    state.update(changes)
    return state


def test_a_counter_takes_a_whole_float_and_refuses_a_fraction():
    layer = STARTER.BatchNorm1d(3)
    layer.load_state_dict(batch_norm_state(num_batches_tracked=np.float64(4.0)))
    assert layer.buffers["num_batches_tracked"] == 4 and layer.buffers["num_batches_tracked"].dtype == np.int64
    with pytest.raises(RuntimeError, match=r"num_batches_tracked.*2\.5"):
        layer.load_state_dict(batch_norm_state(num_batches_tracked=2.5))
    assert layer.buffers["num_batches_tracked"] == 4, "nothing is copied when a check fails"


def test_load_state_dict_names_missing_unexpected_and_misshapen_keys():
    layer = STARTER.BatchNorm1d(3)
    state = batch_norm_state(running_mean=np.ones(4), extra=np.zeros(1))
    del state["bias"]
    with pytest.raises(RuntimeError) as error:
        layer.load_state_dict(state)
    message = str(error.value)
    assert "BatchNorm1d" in message and "Missing key(s) in state_dict: 'bias'" in message
    assert "Unexpected key(s) in state_dict: 'extra'" in message
    assert "size mismatch for running_mean" in message and "(4,)" in message and "(3,)" in message
    layer.load_state_dict({"weight": np.full(3, 2.0)}, strict=False)
    assert layer.params["weight"].tolist() == [2.0] * 3 and layer.params["weight"].dtype == np.float32


def test_parameters_and_gradients():
    layer = STARTER.Linear(2, 3)
    (name, weight), (_, bias) = layer.named_parameters()
    assert name == "weight" and weight.shape == (3, 2) and weight.grad is None
    weight.data = 1.0  # written in place, as an optimizer's update
    assert (layer.params["weight"] == 1.0).all()
    layer.accumulate_grad("bias", np.ones(3, np.float32))
    layer.accumulate_grad("bias", np.ones(3, np.float32))
    assert bias.grad.tolist() == [2.0] * 3
    with pytest.raises(KeyError, match="'biass'"):
        layer.accumulate_grad("biass", np.ones(3))
    layer.zero_grad()
    assert bias.grad is None
    with pytest.raises(RuntimeError, match="before forward"):
        layer.saved()


def test_dropout_draws_its_mask_with_numpy():
    mask = STARTER.Dropout(0.25).sample_mask((10_000,))
    assert mask.shape == (10_000,) and mask.dtype == bool and 0.7 < mask.mean() < 0.8
