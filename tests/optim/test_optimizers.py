"""scratch.optim's optimizers against torch.optim, for the parameters of both worlds.

1. parity: from one start, the scratch optimizer and torch.optim take 20 steps fed the same gradients,
   and the parameters agree after every step (float64 and float32, manual and autograd parameters).
   Each step draws a minibatch from the seed; the scratch layer computes its own gradient of a
   least-squares loss (manual: ``backward``; autograd: ``loss.backward()``) and torch's twin
   parameters get copies of it. Hypothesis draws the hyper-parameters and the problem: layer size,
   an optional second parameter group for the bias (own lr and weight decay), and steps at which the
   bias has no gradient (skipped, as in torch);
2. state_dict round trip mid-run: after step k both sides continue from fresh optimizers loading one
   state_dict (scratch's, or torch's), converted for the other side; scratch's own round trip continues
   bit for bit, and the layouts agree (same state keys per index, same hyper-parameters);
3. contract: updates in place, gradients never written, skipped parameters get no state, zero_grad,
   dtype kept, one optimizer over both worlds at once;
4. bad hyper-parameters and bad parameter lists: torch's exception type, a message naming the value.
"""

import copy
import math
from dataclasses import asdict, dataclass
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import scratch.optim
from scratch.autograd import Tensor
from scratch_parity.strategies import SEEDS
from tests.optim import (
    IMPL,
    TOLERANCE,
    WORLDS,
    compare,
    get_grad,
    make_linear,
    reproduction,
    set_grad,
    torch_twins,
)

STEPS = 20
OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop"]
SKIP_PROBABILITY = 0.25  # of a step at which the bias has no gradient


@dataclass(frozen=True)
class Problem:
    """A Linear layer fitted to random targets by least squares, one fresh minibatch per step."""

    in_features: int
    out_features: int
    bias: bool
    batch: int
    seed: int
    bias_group: dict | None = None  # the bias's own hyper-parameters, in a second parameter group


# -- drawing ------------------------------------------------------------------------------------------


def draw_hyper_parameters(data, name: str) -> dict:
    """Valid hyper-parameters of optimizer ``name``, each a labelled draw."""

    def draw(label, strategy):
        return data.draw(strategy, label=f"{name} {label}")

    if name == "SGD":
        momentum = draw("momentum", st.sampled_from([0.0, 0.5, 0.9]))
        nesterov = momentum > 0 and draw("nesterov", st.booleans())
        return dict(
            lr=draw("lr", st.sampled_from([1e-3, 0.01, 0.1]) | st.floats(1e-3, 0.1)),
            momentum=momentum,
            dampening=0.0 if nesterov else draw("dampening", st.sampled_from([0.0, 0.1, 0.5])),
            weight_decay=draw("weight_decay", st.sampled_from([0.0, 1e-4, 0.1])),
            nesterov=nesterov,
            maximize=draw("maximize", st.booleans()),
        )
    if name in ("Adam", "AdamW"):
        return dict(
            lr=draw("lr", st.sampled_from([1e-3, 0.01, 0.1]) | st.floats(1e-4, 0.1)),
            betas=(draw("beta1", st.sampled_from([0.0, 0.5, 0.9])), draw("beta2", st.sampled_from([0.9, 0.99, 0.999]))),
            eps=draw("eps", st.sampled_from([1e-8, 1e-6, 1e-3])),
            weight_decay=draw("weight_decay", st.sampled_from([0.0, 1e-2, 0.1])),
            amsgrad=draw("amsgrad", st.booleans()),
            maximize=draw("maximize", st.booleans()),
        )
    return dict(  # RMSprop
        lr=draw("lr", st.sampled_from([1e-3, 0.01]) | st.floats(1e-4, 0.01)),  # steps reach γ / √(1 - α) / (1 - μ)
        alpha=draw("alpha", st.sampled_from([0.9, 0.99])),
        eps=draw("eps", st.sampled_from([1e-8, 1e-6])),
        weight_decay=draw("weight_decay", st.sampled_from([0.0, 1e-2])),
        momentum=draw("momentum", st.sampled_from([0.0, 0.5, 0.9])),
        centered=draw("centered", st.booleans()),
        maximize=draw("maximize", st.booleans()),
    )


def draw_problem(data, hyper: dict) -> Problem:
    bias = data.draw(st.booleans(), label="bias")
    bias_group = None
    if bias and data.draw(st.booleans(), label="bias in its own parameter group"):
        lr_factor = data.draw(st.sampled_from([0.1, 2.0]), label="bias lr / lr")
        bias_group = dict(lr=hyper["lr"] * lr_factor, weight_decay=0.0)
    return Problem(
        in_features=data.draw(st.integers(1, 4), label="in_features"),
        out_features=data.draw(st.integers(1, 3), label="out_features"),
        bias=bias,
        batch=data.draw(st.integers(1, 4), label="batch"),
        seed=data.draw(SEEDS, label="seed"),
        bias_group=bias_group,
    )


# -- one run of both sides ----------------------------------------------------------------------------


def groups(params: list, problem: Problem) -> list:
    """The weight in the first group, the bias in a second one with its own hyper-parameters, if asked."""
    if problem.bias_group is None:
        return params
    return [{"params": params[:1]}, {"params": params[1:], **problem.bias_group}]


def numpy_state_dict(state_dict: dict) -> dict:
    """A torch optimizer's state_dict with its tensors as arrays (copies)."""
    state = {
        i: {k: v.numpy().copy() if torch.is_tensor(v) else v for k, v in s.items()}
        for i, s in state_dict["state"].items()
    }
    return {"state": state, "param_groups": copy.deepcopy(state_dict["param_groups"])}


def torch_state_dict(state_dict: dict) -> dict:
    """A scratch optimizer's state_dict with its arrays as tensors (copies)."""
    state = {
        i: {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in s.items()}
        for i, s in state_dict["state"].items()
    }
    return {"state": state, "param_groups": copy.deepcopy(state_dict["param_groups"])}


class Run:
    """A scratch Linear and its scratch optimizer beside torch twins and torch.optim, fed the same gradients."""

    def __init__(self, name: str, hyper: dict, problem: Problem, world: str, dtype: str, reproduce: str):
        self.name, self.hyper, self.problem, self.world, self.dtype = name, hyper, problem, world, dtype
        self.reproduce, self.tol = reproduce, TOLERANCE[dtype]
        p = problem
        self.layer, named = make_linear(world, p.in_features, p.out_features, p.bias, dtype, p.seed)
        self.names, self.params = [n for n, _ in named], [p for _, p in named]
        self.torch_params = torch_twins(self.params, dtype)
        self.optimizer = getattr(scratch.optim, name)(groups(self.params, problem), **hyper)
        self.torch_optimizer = getattr(torch.optim, name)(groups(self.torch_params, problem), **hyper)
        self.rng = np.random.default_rng([problem.seed, 1])
        self.history = []  # the scratch parameters after every step

    def gradients(self) -> None:
        """Minibatch, forward and backward on the scratch side; copies of its gradients to torch's side."""
        p = self.problem
        # inputs of norm ~1: the loss's curvature is ~1, so the drawn learning rates stay in the convergent
        # regime (a diverging run makes float32 compare its rounding at the scale of its largest excursion)
        x = (self.rng.standard_normal((p.batch, p.in_features)) / math.sqrt(p.in_features)).astype(self.dtype)
        target = self.rng.standard_normal((p.batch, p.out_features)).astype(self.dtype)
        skip_bias = self.rng.random() < SKIP_PROBABILITY
        if self.world == "scratch.manual":  # loss = mean((y - target)²) / 2, backward by hand
            y = self.layer(x)
            self.layer.backward((y - target) / y.size)
        else:
            y = self.layer(Tensor(x))
            loss = ((y - Tensor(target)) ** 2).mean() * 0.5
            loss.backward()
        if p.bias and skip_bias:
            set_grad(self.world, self.params[1], None)
        for param, twin in zip(self.params, self.torch_params, strict=True):
            g = get_grad(self.world, param)
            twin.grad = None if g is None else torch.from_numpy(g)

    def step(self) -> None:
        self.optimizer.zero_grad()
        self.torch_optimizer.zero_grad()
        self.gradients()
        self.optimizer.step()
        self.torch_optimizer.step()
        self.history.append([np.array(p.data) for p in self.params])

    def compare(self, step: int) -> list:
        found = []
        for name, p, twin in zip(self.names, self.params, self.torch_params, strict=True):
            what = (
                f"{self.name} ({self.dtype}, {self.world} parameters): after step {step} of {STEPS}, parameter {name!r}"
            )
            found.append(compare(p.data, twin.detach().numpy(), self.tol, what, self.reproduce, "torch.optim"))
        return found

    def resume(self, source: str) -> None:
        """Replace both optimizers by fresh ones that load one state_dict, ``source``'s, converted for the other."""
        ours, theirs = self.optimizer.state_dict(), self.torch_optimizer.state_dict()
        self.compare_layouts(ours, theirs)
        if source == "torch":
            ours, theirs = numpy_state_dict(theirs), theirs
        else:
            theirs = torch_state_dict(ours)
        self.optimizer = getattr(scratch.optim, self.name)(groups(self.params, self.problem), **self.hyper)
        self.torch_optimizer = getattr(torch.optim, self.name)(groups(self.torch_params, self.problem), **self.hyper)
        self.optimizer.load_state_dict(ours)
        self.torch_optimizer.load_state_dict(theirs)

    def compare_layouts(self, ours: dict, theirs: dict) -> None:
        """torch's layout: the same state keys per parameter index, values close; the same hyper-parameters."""
        where = f"{self.name} state_dict after step {len(self.history)}"
        layout = {i: sorted(s) for i, s in ours["state"].items()}
        torch_layout = {i: sorted(s) for i, s in theirs["state"].items()}
        assert layout == torch_layout, f"{where}: state keys {layout}, torch's {torch_layout}\n{self.reproduce}"
        for i, s in theirs["state"].items():
            for key, value in s.items():
                what = f"{where}: state[{i}][{key!r}]"
                yours = np.asarray(ours["state"][i][key], dtype=np.float64)
                compare(yours, value.double().numpy(), self.tol, what, self.reproduce, "torch.optim")
        for ours_group, torch_group in zip(ours["param_groups"], theirs["param_groups"], strict=True):
            shared = {k: v for k, v in torch_group.items() if k in ours_group}
            assert {k: ours_group[k] for k in shared} == shared, f"{where}: groups {ours_group}, torch's {torch_group}"


def run_against_torch(
    name: str,
    hyper: dict,
    problem: Problem,
    world: str = "scratch.manual",
    dtype: str = "float64",
    resume_at: int | None = None,
    resume_from: str = "scratch",
) -> Run:
    """Run both sides for STEPS steps, comparing the parameters after each; raise ParityError at the first
    step outside the tolerance. With ``resume_at=k``, both continue after step k from fresh optimizers that
    load ``resume_from``'s state_dict. The run's ``discrepancies`` hold every comparison."""
    args = [repr(name), repr(hyper), f"Problem(**{asdict(problem)!r})", f"world={world!r}", f"dtype={dtype!r}"]
    if resume_at is not None:
        args += [f"resume_at={resume_at}", f"resume_from={resume_from!r}"]
    reproduce = reproduction(
        "from tests.optim.test_optimizers import Problem, run_against_torch",
        f"run = run_against_torch({', '.join(args)})",
        "print(max(d.max_rel for d in run.discrepancies))",
    )
    run = Run(name, hyper, problem, world, dtype, reproduce)
    run.discrepancies = []
    for step in range(1, STEPS + 1):
        run.step()
        run.discrepancies += run.compare(step)
        if step == resume_at:
            run.resume(resume_from)
    return run


# -- 1. parity ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("world", WORLDS)
@pytest.mark.parametrize("name", OPTIMIZERS)
@given(data=st.data())
def test_steps_match_torch(name, world, dtype, data, parity):
    hyper = draw_hyper_parameters(data, name)
    problem = draw_problem(data, hyper)
    with parity.measure(name, IMPL, f"{STEPS} steps vs torch.optim ({world} params)", dtype):
        for d in run_against_torch(name, hyper, problem, world, dtype).discrepancies:
            parity.add(d)


# -- 2. state_dict round trip -------------------------------------------------------------------------


@pytest.mark.parametrize("name", OPTIMIZERS)
@given(data=st.data())
def test_state_dict_round_trip_mid_run(name, data, parity):
    hyper = draw_hyper_parameters(data, name)
    problem = draw_problem(data, hyper)
    world = data.draw(st.sampled_from(WORLDS), label="world")
    resume_at = data.draw(st.integers(1, STEPS - 1), label="resume after step")
    source = data.draw(st.sampled_from(["scratch", "torch"]), label="state_dict of")
    with parity.measure(name, IMPL, f"state_dict round trip after step k of {STEPS}", "float64"):
        resumed = run_against_torch(name, hyper, problem, world, "float64", resume_at, source)
        for d in resumed.discrepancies:
            parity.add(d)
    if source == "scratch":  # scratch's own round trip continues exactly as an uninterrupted run
        straight = run_against_torch(name, hyper, problem, world, "float64")
        for step, (a, b) in enumerate(zip(resumed.history, straight.history, strict=True), start=1):
            for pname, x, y in zip(resumed.names, a, b, strict=True):
                assert np.array_equal(x, y), (
                    f"{name}: after a state_dict round trip at step {resume_at}, parameter {pname!r} at step {step} "
                    f"differs from an uninterrupted run\n{resumed.reproduce}"
                )


def test_load_state_dict_refuses_other_groups_as_torch():
    def tensors():
        return [Tensor(np.zeros(n), requires_grad=True) for n in (2, 3)]

    twins = [torch.zeros(n, requires_grad=True) for n in (2, 3)]
    torch_two_groups = torch.optim.SGD([{"params": twins[:1]}, {"params": twins[1:]}], lr=0.1)
    with pytest.raises(ValueError):
        torch_two_groups.load_state_dict(torch.optim.SGD(twins, lr=0.1).state_dict())
    params = tensors()
    one_group = scratch.optim.SGD(params, lr=0.1).state_dict()
    with pytest.raises(ValueError, match="number of parameter groups"):
        scratch.optim.SGD([{"params": params[:1]}, {"params": params[1:]}], lr=0.1).load_state_dict(one_group)
    three = scratch.optim.SGD([*tensors(), Tensor(np.zeros(1), requires_grad=True)], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="group 0 has 3 parameters there, 2 here"):
        scratch.optim.SGD(params, lr=0.1).load_state_dict(three)


def test_state_dict_and_load_state_dict_copy_the_arrays():
    """Saving gives copies, and loading copies in (as torch deep-copies): a saved state_dict stays as saved."""
    p = Tensor(np.zeros(3), requires_grad=True)
    optimizer = scratch.optim.Adam([p], lr=0.1, amsgrad=True)
    p.grad = Tensor(np.ones(3))
    optimizer.step()
    saved = optimizer.state_dict()
    kept = copy.deepcopy(saved)
    optimizer.step()
    fresh = scratch.optim.Adam([p], lr=0.1, amsgrad=True)
    fresh.load_state_dict(saved)
    fresh.step()
    for key, value in kept["state"][0].items():
        assert np.array_equal(saved["state"][0][key], value), f"state[0][{key!r}] of the saved state_dict changed"


# -- 3. contract --------------------------------------------------------------------------------------

CONTRACT_HYPER = {  # every branch that makes a new array from the gradient: weight decay, momentum, amsgrad
    "SGD": dict(lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True),
    "Adam": dict(lr=0.1, weight_decay=0.1, amsgrad=True),
    "AdamW": dict(lr=0.1, amsgrad=True),
    "RMSprop": dict(lr=0.1, weight_decay=0.1, momentum=0.9, centered=True),
}
# ... and the same without them, where the gradient array itself reaches the update (and must not be written)
PLAIN_HYPER = {
    "SGD": dict(lr=0.1, momentum=0.9),
    "Adam": dict(lr=0.1),
    "AdamW": dict(lr=0.1, weight_decay=0.0),
    "RMSprop": dict(lr=0.1, momentum=0.9, centered=True),
}


@pytest.mark.parametrize("hyper", [CONTRACT_HYPER, PLAIN_HYPER], ids=["every-branch", "plain"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("world", WORLDS)
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_updates_in_place_keeps_dtype_and_never_writes_gradients(name, world, dtype, hyper):
    _, named = make_linear(world, 3, 2, True, dtype, seed=0)
    params = [p for _, p in named]
    arrays = [p.data for p in params]
    before = [a.copy() for a in arrays]
    grads = [np.random.default_rng(i).standard_normal(p.shape).astype(dtype) for i, p in enumerate(params)]
    for p, g in zip(params, grads, strict=True):
        set_grad(world, p, g.copy())
    optimizer = getattr(scratch.optim, name)(params, **hyper[name])
    for _ in range(2):
        optimizer.step()
    for (pname, p), array, old, g in zip(named, arrays, before, grads, strict=True):
        assert p.data is array, f"{name}: {pname} is a new array; the layer's own array must be updated in place"
        assert not np.array_equal(array, old), f"{name}: {pname} did not move"
        assert array.dtype == np.dtype(dtype), f"{name}: {pname} became {array.dtype}"
        assert np.array_equal(get_grad(world, p), g), f"{name}: step wrote into {pname}'s gradient"
        for key, value in optimizer.state[p].items():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.dtype(dtype), f"{name}: state[{key!r}] of {pname} is {value.dtype}"


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_parameters_without_gradient_are_skipped_and_get_no_state_as_in_torch(name):
    _, named = make_linear("scratch.manual", 3, 2, True, "float64", seed=1)
    weight, bias = (p for _, p in named)
    bias_before = bias.data.copy()
    twins = torch_twins([weight, bias], "float64")
    ours = getattr(scratch.optim, name)([weight, bias], **CONTRACT_HYPER[name])
    theirs = getattr(torch.optim, name)(twins, **CONTRACT_HYPER[name])
    for _ in range(3):
        g = np.ones(weight.shape)
        weight.grad, twins[0].grad = g, torch.ones(weight.shape, dtype=torch.float64)
        ours.step()
        theirs.step()
    assert np.array_equal(bias.data, bias_before), f"{name}: a parameter without a gradient moved"
    assert bias not in ours.state and list(ours.state_dict()["state"]) == list(theirs.state_dict()["state"]) == [0]
    np.testing.assert_allclose(weight.data, twins[0].detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("world", WORLDS)
def test_zero_grad_sets_none_or_zeros_in_place(world):
    layer, named = make_linear(world, 2, 2, True, "float64", seed=2)
    params = [p for _, p in named]
    optimizer = scratch.optim.SGD(params, lr=0.1)
    for p in params:
        set_grad(world, p, np.ones(p.shape))
    arrays = [p.grad if world == "scratch.manual" else p.grad.data for p in params]
    optimizer.zero_grad(set_to_none=False)
    for p, array in zip(params, arrays, strict=True):
        assert (p.grad if world == "scratch.manual" else p.grad.data) is array and not array.any()
    optimizer.zero_grad()
    assert all(p.grad is None for p in params)
    if world == "scratch.manual":
        assert layer.grads == {}, "the manual layer must forget its gradients, as Module.zero_grad does"


def test_one_optimizer_steps_both_worlds_at_once():
    """A hand-written Linear feeding an autograd Linear, in one Adam with two parameter groups, against torch.

    The chain rule crosses the worlds by hand: the autograd input's gradient is the manual layer's dout.
    """
    manual_layer, manual_named = make_linear("scratch.manual", 3, 2, True, "float64", seed=3)
    autograd_layer, autograd_named = make_linear("scratch.autograd.nn", 2, 1, True, "float64", seed=4)
    worlds = ["scratch.manual"] * len(manual_named) + ["scratch.autograd.nn"] * len(autograd_named)
    params = [p for _, p in manual_named + autograd_named]
    twins = torch_twins(params, "float64")
    hyper = dict(lr=0.05, weight_decay=0.01, amsgrad=True)
    ours = scratch.optim.Adam([{"params": params[:2]}, {"params": params[2:], "lr": 0.2}], **hyper)
    theirs = torch.optim.Adam([{"params": twins[:2]}, {"params": twins[2:], "lr": 0.2}], **hyper)
    rng = np.random.default_rng(5)
    for step in range(1, 11):
        ours.zero_grad()
        theirs.zero_grad()
        hidden = Tensor(manual_layer(rng.standard_normal((4, 3))), requires_grad=True)
        y = autograd_layer(hidden)
        (y * y).sum().backward()
        manual_layer.backward(hidden.grad.data)
        for p, twin, world in zip(params, twins, worlds, strict=True):
            twin.grad = torch.from_numpy(get_grad(world, p))
        ours.step()
        theirs.step()
        for p, twin in zip(params, twins, strict=True):
            np.testing.assert_allclose(p.data, twin.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=f"step {step}")


def test_add_param_group_and_repr_as_torch():
    p, q = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    optimizer = scratch.optim.SGD([p], lr=0.1, momentum=0.9)
    optimizer.add_param_group({"params": q, "lr": 0.01})
    twin = torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=0.1, momentum=0.9)
    twin.add_param_group({"params": torch.ones(3, requires_grad=True), "lr": 0.01})
    ours, theirs = optimizer.state_dict()["param_groups"], twin.state_dict()["param_groups"]
    assert [g["params"] for g in ours] == [g["params"] for g in theirs] == [[0], [1]]
    assert [{k: g[k] for k in ours[i]} for i, g in enumerate(theirs)] == ours
    assert "Parameter Group 1" in repr(optimizer) and "lr: 0.01" in repr(optimizer)


# -- 4. bad hyper-parameters and parameter lists ------------------------------------------------------

BAD_HYPER = [
    ("SGD", dict(lr=-0.1), r"learning rate: -0\.1"),
    ("SGD", dict(momentum=-0.5), r"momentum value: -0\.5"),
    ("SGD", dict(weight_decay=-1e-4), r"weight_decay value: -0\.0001"),
    ("SGD", dict(momentum=0.9, dampening=0.1, nesterov=True), r"dampening=0\.1"),
    ("SGD", dict(nesterov=True), r"momentum=0\b"),
    ("Adam", dict(lr=-1e-3), r"learning rate: -0\.001"),
    ("Adam", dict(eps=-1e-8), r"epsilon value: -1e-08"),
    ("Adam", dict(betas=(1.0, 0.999)), r"index 0: 1\.0"),
    ("Adam", dict(betas=(0.9, -0.1)), r"index 1: -0\.1"),
    ("Adam", dict(weight_decay=-0.1), r"weight_decay value: -0\.1"),
    ("AdamW", dict(betas=(0.9, 1.0)), r"index 1: 1\.0"),
    ("AdamW", dict(lr=-1.0), r"learning rate: -1\.0"),
    ("RMSprop", dict(lr=-0.01), r"learning rate: -0\.01"),
    ("RMSprop", dict(alpha=-0.5), r"alpha value: -0\.5"),
    ("RMSprop", dict(eps=-1.0), r"epsilon value: -1\.0"),
    ("RMSprop", dict(momentum=-0.1), r"momentum value: -0\.1"),
    ("RMSprop", dict(weight_decay=-0.1), r"weight_decay value: -0\.1"),
]


@pytest.mark.parametrize(("name", "kwargs", "match"), BAD_HYPER, ids=[f"{n}-{k}" for n, k, _ in BAD_HYPER])
def test_bad_hyper_parameters_raise_torchs_error_naming_the_value(name, kwargs, match):
    with pytest.raises(ValueError):
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError, match=match):
        getattr(scratch.optim, name)([Tensor(np.zeros(2), requires_grad=True)], **kwargs)


def test_bad_hyper_parameters_in_a_group_are_refused_too():
    p = Tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError, match=r"index 0: 1\.5"):
        scratch.optim.Adam([{"params": [p], "betas": (1.5, 0.9)}])


BAD_PARAMS = [  # (why, the params argument made from a list of parameters, exception, message)
    ("empty list", lambda ps: [], ValueError, "empty parameter list"),
    ("one parameter, not in a list", lambda ps: ps[0], TypeError, "iterable"),
    ("a set", lambda ps: [{"params": set(ps)}], TypeError, "ordered collections"),
    ("one parameter in two groups", lambda ps: [{"params": ps}, {"params": ps[:1]}], ValueError, "more than one"),
]


@pytest.mark.parametrize(("make", "error", "match"), [c[1:] for c in BAD_PARAMS], ids=[c[0] for c in BAD_PARAMS])
def test_bad_parameter_lists_raise_torchs_error(make, error, match):
    with pytest.raises(error):
        torch.optim.SGD(make([torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]), lr=0.1)
    for world in WORLDS:
        _, named = make_linear(world, 3, 2, True, "float64", seed=0)
        with pytest.raises(error, match=match):
            scratch.optim.SGD(make([p for _, p in named]), lr=0.1)


def test_non_parameters_and_misshapen_gradients_are_named():
    with pytest.raises(TypeError, match="ndarray"):
        scratch.optim.SGD([np.zeros(2)], lr=0.1)
    with pytest.raises(TypeError, match="int64"):
        scratch.optim.SGD([SimpleNamespace(data=np.zeros(2, dtype=np.int64), grad=None)], lr=0.1)
    p = Tensor(np.zeros((2, 3)), requires_grad=True)
    p.grad = Tensor(np.ones(3))
    with pytest.raises(RuntimeError, match=r"parameter 0 has shape \[3\].*\[2, 3\]"):
        scratch.optim.SGD([p], lr=0.1).step()


def test_closure_is_called_and_its_loss_returned():
    p = Tensor(np.zeros(1), requires_grad=True)
    optimizer = scratch.optim.SGD([p], lr=0.5)

    def closure():
        optimizer.zero_grad()
        loss = ((p - Tensor(np.ones(1))) ** 2).sum()
        loss.backward()
        return loss

    loss = optimizer.step(closure)
    assert math.isclose(loss.item(), 1.0) and math.isclose(p.data[0], 1.0)
