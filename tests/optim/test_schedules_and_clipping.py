"""scratch.optim's learning-rate schedules and gradient clipping against torch's.

1. schedules: ExponentialLR and StepLR over 30 epochs, one or two parameter groups with their own
   lrs: ``get_last_lr()`` and every group's lr equal torch's at every epoch, also across a mid-run
   resume (fresh optimizer and scheduler loading the state_dicts), and the state_dict keys are torch's;
2. clipping: ``clip_grad_norm_`` with norms 2, 1 and inf, parameters of both worlds, float64 and
   float32: the returned total norm and the clipped gradients equal torch's, and gradients whose
   norm is below ``max_norm`` are left exactly as they were.
"""

import math
from dataclasses import asdict, dataclass

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratch.optim
from scratch.autograd import Tensor
from scratch_parity.registry import TOLERANCES
from scratch_parity.strategies import SEEDS
from tests.optim import IMPL, TOLERANCE, WORLDS, compare, get_grad, make_linear, reproduction, set_grad, torch_twins

EPOCHS = 30
SCHEDULES = ["ExponentialLR", "StepLR"]

# -- 1. schedules -------------------------------------------------------------------------------------


def draw_schedule(data, name: str) -> dict:
    gamma = data.draw(st.sampled_from([0.1, 0.5, 0.9, 0.99]) | st.floats(0.05, 1.0), label=f"{name} gamma")
    if name == "StepLR":
        return dict(step_size=data.draw(st.integers(1, 7), label="StepLR step_size"), gamma=gamma)
    return dict(gamma=gamma)


def sgd_with_groups(params: list, lrs: list, world) -> object:
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, lrs, strict=True)]
    return (scratch.optim.SGD if world == "scratch" else torch.optim.SGD)(groups, momentum=0.9)


def torch_scheduler(name: str, optimizer, kwargs: dict):
    return getattr(torch.optim.lr_scheduler, name)(optimizer, **kwargs)


def check_schedule(name: str, kwargs: dict, lrs: list, resume_at: int | None = None) -> list:
    """EPOCHS epochs of scratch's and torch's ``name`` over SGD groups with initial ``lrs``, compared every epoch.

    With ``resume_at=k``, after epoch k the scratch side continues with a fresh optimizer and a fresh scheduler
    that load the old ones' state_dicts. Returns the discrepancies; raises ParityError on the first difference.
    """
    reproduce = reproduction(
        "from tests.optim.test_schedules_and_clipping import check_schedule",
        f"check_schedule({name!r}, {kwargs!r}, {lrs!r}, resume_at={resume_at!r})",
    )
    params = [Tensor(np.zeros(1), requires_grad=True) for _ in lrs]
    optimizer = sgd_with_groups(params, lrs, "scratch")
    twin = sgd_with_groups([torch.zeros(1, requires_grad=True) for _ in lrs], lrs, "torch")
    ours, theirs = (
        getattr(scratch.optim, name)(optimizer, **kwargs),
        getattr(torch.optim.lr_scheduler, name)(twin, **kwargs),
    )
    tol = TOLERANCES["float64"]
    found = []
    for epoch in range(EPOCHS + 1):
        if epoch > 0:
            optimizer.step()
            twin.step()
            ours.step()
            theirs.step()
        what = f"{name}({kwargs}) at epoch {epoch} (last_epoch {ours.last_epoch}, torch's {theirs.last_epoch})"
        expected = theirs.get_last_lr()
        found.append(compare(ours.get_last_lr(), expected, tol, f"{what}: get_last_lr()", reproduce))
        groups_lr = [g["lr"] for g in optimizer.param_groups]
        found.append(compare(groups_lr, expected, tol, f"{what}: the optimizer's param_groups' lr", reproduce))
        assert ours.last_epoch == theirs.last_epoch == epoch, f"{what}\n{reproduce}"
        if epoch == resume_at:
            ours_state, theirs_state = ours.state_dict(), theirs.state_dict()
            assert set(ours_state) <= set(theirs_state), (
                f"{what}: state_dict keys {sorted(ours_state)}, torch's {sorted(theirs_state)}"
            )
            saved = optimizer.state_dict()
            optimizer = sgd_with_groups(params, [0.123] * len(lrs), "scratch")  # lrs come from the state_dict
            optimizer.load_state_dict(saved)
            ours = getattr(scratch.optim, name)(optimizer, **kwargs)
            ours.load_state_dict(ours_state)
    return found


@pytest.mark.parametrize("name", SCHEDULES)
@given(data=st.data())
def test_schedule_matches_torch(name, data, parity):
    kwargs = draw_schedule(data, name)
    lrs = data.draw(st.lists(st.sampled_from([0.1, 1.0]) | st.floats(1e-4, 1.0), min_size=1, max_size=2), label="lrs")
    resume_at = data.draw(st.none() | st.integers(0, EPOCHS - 1), label="resume after epoch")
    with parity.measure(name, IMPL, f"{EPOCHS} epochs vs torch.optim.lr_scheduler", "float64"):
        for d in check_schedule(name, kwargs, lrs, resume_at):
            parity.add(d)


@pytest.mark.parametrize("name", SCHEDULES)
def test_a_torch_scheduler_state_dict_loads(name):
    kwargs = dict(gamma=0.5) if name == "ExponentialLR" else dict(step_size=2, gamma=0.5)
    optimizer = sgd_with_groups([Tensor(np.zeros(1), requires_grad=True)], [1.0], "scratch")
    twin = sgd_with_groups([torch.zeros(1, requires_grad=True)], [1.0], "torch")
    ours, theirs = (
        getattr(scratch.optim, name)(optimizer, **kwargs),
        getattr(torch.optim.lr_scheduler, name)(twin, **kwargs),
    )
    for _ in range(3):
        twin.step()
        theirs.step()
    optimizer.load_state_dict({"state": {}, "param_groups": twin.state_dict()["param_groups"]})
    ours.load_state_dict(theirs.state_dict())
    for _ in range(5):
        optimizer.step()
        twin.step()
        ours.step()
        theirs.step()
        assert ours.get_last_lr() == theirs.get_last_lr() and ours.last_epoch == theirs.last_epoch


@pytest.mark.parametrize("name", SCHEDULES)
def test_an_lr_changed_by_hand_is_kept_as_in_torchs_chainable_form(name):
    kwargs = dict(gamma=0.5) if name == "ExponentialLR" else dict(step_size=2, gamma=0.5)
    optimizer = sgd_with_groups([Tensor(np.zeros(1), requires_grad=True)], [1.0], "scratch")
    twin = sgd_with_groups([torch.zeros(1, requires_grad=True)], [1.0], "torch")
    ours, theirs = getattr(scratch.optim, name)(optimizer, **kwargs), torch_scheduler(name, twin, kwargs)
    for epoch in range(1, 9):
        if epoch == 3:
            optimizer.param_groups[0]["lr"] *= 10
            twin.param_groups[0]["lr"] *= 10
        optimizer.step()
        twin.step()
        ours.step()
        theirs.step()
        lrs, torch_lrs = ours.get_last_lr(), theirs.get_last_lr()
        assert lrs == torch_lrs, f"{name}, epoch {epoch}: lr {lrs}, torch's {torch_lrs}"


@pytest.mark.parametrize("name", SCHEDULES)
def test_resuming_without_initial_lr_raises_keyerror_as_torch(name):
    kwargs = dict(gamma=0.5, last_epoch=4) if name == "ExponentialLR" else dict(step_size=2, last_epoch=4)
    with pytest.raises(KeyError):
        getattr(torch.optim.lr_scheduler, name)(sgd_with_groups([torch.zeros(1)], [0.1], "torch"), **kwargs)
    with pytest.raises(KeyError, match=r"initial_lr.*param_groups\[0\]"):
        getattr(scratch.optim, name)(sgd_with_groups([Tensor(np.zeros(1))], [0.1], "scratch"), **kwargs)


def test_step_lr_refuses_a_step_size_below_one_naming_it():
    """torch takes step_size=0 and divides by zero at the first step; scratch refuses it at once."""
    with pytest.raises(ValueError, match="got 0"):
        scratch.optim.StepLR(sgd_with_groups([Tensor(np.zeros(1))], [0.1], "scratch"), step_size=0)


# -- 2. clipping --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gradients:
    """The gradients of a Linear layer's parameters, drawn from a seed; the bias may have none."""

    in_features: int
    out_features: int
    bias: bool
    bias_grad: bool
    scale: float
    seed: int


def check_clipping(world: str, dtype: str, norm_type: float, grads: Gradients, ratio: float) -> list:
    """clip_grad_norm_ on both sides with max_norm = ratio * the total norm; returns the discrepancies."""
    reproduce = reproduction(
        "from tests.optim.test_schedules_and_clipping import Gradients, check_clipping",
        f"check_clipping({world!r}, {dtype!r}, {norm_type!r}, Gradients(**{asdict(grads)!r}), {ratio!r})",
    )
    g = grads
    _, named = make_linear(world, g.in_features, g.out_features, g.bias, dtype, g.seed)
    params = [p for _, p in named]
    twins = torch_twins(params, dtype)
    rng = np.random.default_rng([g.seed, 2])
    before = [(rng.standard_normal(p.shape) * g.scale).astype(dtype) for p in params]
    if g.bias and not g.bias_grad:
        before[1] = None
    for p, twin, array in zip(params, twins, before, strict=True):
        set_grad(world, p, None if array is None else array.copy())
        twin.grad = None if array is None else torch.from_numpy(array.copy())
    flat = np.concatenate([a.ravel() for a in before if a is not None]).astype(np.float64)
    max_norm = ratio * float(np.linalg.norm(flat, norm_type))

    total = scratch.optim.clip_grad_norm_(params, max_norm, norm_type)
    torch_total = torch.nn.utils.clip_grad_norm_(twins, max_norm, norm_type)
    tol = TOLERANCE[dtype]
    what = f"clip_grad_norm_ (norm {norm_type:g}, {dtype}, {world} parameters, max_norm {max_norm!r})"
    assert isinstance(total, float), f"{what}: returned a {type(total).__name__}, expected a float"
    found = [compare(total, torch_total.item(), tol, f"{what}: the returned total norm", reproduce)]
    for (name, p), twin, array in zip(named, twins, before, strict=True):
        if array is None:
            assert p.grad is None and twin.grad is None, f"{what}: {name} had no gradient and must keep none"
            continue
        found.append(
            compare(get_grad(world, p), twin.grad.numpy(), tol, f"{what}: {name}'s clipped gradient", reproduce)
        )
        if max_norm >= 1.01 * (torch_total.item() + 1e-6):  # below max_norm: untouched, bit for bit
            assert np.array_equal(get_grad(world, p), array), f"{what}: {name}'s gradient changed\n{reproduce}"
    return found


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("world", WORLDS)
@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf], ids=["norm2", "norm1", "norm_inf"])
@given(data=st.data())
def test_clip_grad_norm_matches_torch(norm_type, world, dtype, data, parity):
    bias = data.draw(st.booleans(), label="bias")
    grads = Gradients(
        in_features=data.draw(st.integers(1, 4), label="in_features"),
        out_features=data.draw(st.integers(1, 3), label="out_features"),
        bias=bias,
        bias_grad=bias and data.draw(st.booleans(), label="bias has a gradient"),
        scale=data.draw(st.sampled_from([1e-3, 1.0, 100.0]), label="gradient scale"),
        seed=data.draw(SEEDS, label="seed"),
    )
    ratio = data.draw(st.sampled_from([0.01, 0.5, 0.999, 1.5, 10.0]) | st.floats(0.01, 3.0), label="max_norm / norm")
    with parity.measure("clip_grad_norm_", IMPL, f"norm {norm_type:g} vs torch.nn.utils ({world} params)", dtype):
        for d in check_clipping(world, dtype, norm_type, grads, ratio):
            parity.add(d)


def test_clip_grad_norm_takes_one_parameter_skips_missing_grads_and_accepts_inf_as_text():
    def both(max_norm, norm_type, ours, theirs):
        return scratch.optim.clip_grad_norm_(ours, max_norm, norm_type), torch.nn.utils.clip_grad_norm_(
            theirs, max_norm, norm_type
        )

    p, t = Tensor(np.zeros(2), requires_grad=True), torch.zeros(2, dtype=torch.float64, requires_grad=True)
    p.grad, t.grad = Tensor(np.array([3.0, -4.0])), torch.tensor([3.0, -4.0], dtype=torch.float64)
    total, torch_total = both(1.0, 2.0, p, t)  # one parameter, not in a list
    assert total == 5.0 == torch_total.item()
    np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-15)
    total, torch_total = both(0.5, "inf", [p], [t])
    assert total == torch_total.item()
    np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-15)
    without = [Tensor(np.ones(2), requires_grad=True)], [torch.ones(2, requires_grad=True)]
    assert both(1.0, 2.0, *without) == (0.0, torch.tensor(0.0))


def test_clip_grad_norm_refuses_a_nonfinite_norm_when_asked_as_torch():
    t = torch.zeros(2, requires_grad=True)
    t.grad = torch.tensor([math.inf, 1.0])
    with pytest.raises(RuntimeError):
        torch.nn.utils.clip_grad_norm_([t], 1.0, error_if_nonfinite=True)
    p = Tensor(np.zeros(2), requires_grad=True)
    p.grad = Tensor(np.array([math.inf, 1.0]))
    with pytest.raises(RuntimeError, match="non-finite"):
        scratch.optim.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
