"""The sections of ``scratch-reproduce``'s report: per part, its prose, tables and goals, from the part's runs.

Each section builder takes the runs (see experiments.tables), the plan and its figures' file names, and
gives the section's Markdown and its goal lines (``- **met**: ...`` or ``- **NOT MET**: ...``), which the
report also lists at its top.
"""

import math
from dataclasses import dataclass

import numpy as np

from scratch_parity.experiments.plan import C5L3_SETTINGS, Plan
from scratch_parity.experiments.registry import IMPLS
from scratch_parity.experiments.runs import timing_sources
from scratch_parity.experiments.tables import (
    NA,
    all_at_least,
    final,
    finals,
    first_epoch_reaching,
    goal_line,
    is_number,
    markdown_table,
    max_rel_diff,
    mean_std,
    median_epoch_time,
    pct,
    pct_mean_std,
    runs_of,
    sci,
)

MLP_GOAL = 0.97  # test accuracy, every implementation, moons and circles
AGREEMENT_GOAL = 1e-6  # max relative difference of the float64 loss curves, every pair of implementations
RNN_GOAL, RNN_GOAL_MAX_LENGTH = 0.99, 10  # test accuracy, every seed, every length <= 10


@dataclass
class Section:
    """A part's Markdown, and its goal lines (also listed at the report's top)."""

    markdown: str
    goals: list[str]


def _command(options: str) -> str:
    return f"`scratch-train {options}`"


OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"}


def training_text(cfg, optimizer: bool = True) -> str:
    """How a Config trains, in words: optimizer, lr, momentum, schedule, clipping, epochs, batches, dtype."""
    parts = [f"lr {cfg.lr:g}"]
    if cfg.momentum:
        parts.append(f"momentum {cfg.momentum:g}")
    if cfg.schedule == "exponential":
        parts.append(f"decayed by {cfg.gamma:g} per epoch")
    elif cfg.schedule == "step":
        parts.append(f"times {cfg.gamma:g} every {cfg.step_size} epochs")
    text = f"{OPTIMIZER_NAMES[cfg.optimizer]} ({', '.join(parts)}), " if optimizer else ""
    if cfg.clip:
        text += f"the gradient's norm clipped at {cfg.clip:g}, "
    return text + f"{cfg.epochs} epochs of batches of {cfg.batch_size}, {cfg.dtype}"


def mlp_section(runs: list[dict], plan: Plan, figure: str | None) -> Section:
    seed0 = plan.seeds[0]
    cfg = plan.experiments["mlp"][0].config  # NOTE: the runs differ by --dataset and --seed only
    some = next((r for r in runs if r["part"] == "mlp"), None)
    n_test = some["data"]["num_test"] if some else "?"
    lines = [
        "## 1. MLP on moons and circles",
        "",
        f"Hyper-parameters: {_command(plan.mlp + f' --dataset moons --seed {seed0}')} (and `--dataset circles`), "
        f"seeds {', '.join(map(str, plan.seeds))}: an MLP 2-{'-'.join(map(str, cfg.hidden))}-2 with "
        f"{cfg.activation}, {training_text(cfg)}; all three implementations from one state_dict and one batch "
        f"order. The data: {cfg.samples} points, moons with noise 0.2, circles with noise 0.05 (inner radius "
        "half the outer), split 80/20. A seed draws the data set, its split, the initial weights and the "
        "batch order, so each seed is a new data set.",
        "",
        f"Final test accuracy ({n_test} test points). The last column, an RBF SVM (scikit-learn's defaults) "
        "fitted to the same split, shows how much the noise of each split allows.",
        "",
    ]
    rows, goals, agreement = [], [], []
    for dataset in plan.mlp_datasets:
        group = runs_of(runs, "mlp", dataset)
        for run in group:
            rows.append(
                [dataset, run["seed"], *(pct(final(run, impl)) for impl in IMPLS), pct(run.get("svm_test_acc"))]
            )
        if len(group) > 1:
            rows.append(
                [
                    dataset,
                    "mean ± std",
                    *(pct_mean_std(finals(group, impl), per_seed=False) for impl in IMPLS),
                    pct_mean_std([r.get("svm_test_acc") for r in group], per_seed=False),
                ]
            )
        pairs = {}
        for a, b in (("manual", "autograd"), ("manual", "torch"), ("autograd", "torch")):
            diffs = [
                max_rel_diff(run["impls"][a][k], run["impls"][b][k])
                for run in group
                for k in ("train_loss", "test_loss")
                if a in run["impls"] and b in run["impls"]
            ]
            pairs[f"{a} vs {b}"] = max(diffs) if diffs else math.inf
        agreement.append((dataset, pairs))
    lines += [markdown_table(["data set", "seed", *IMPLS, "RBF SVM"], rows), ""]

    pair_names = list(agreement[0][1]) if agreement else []
    lines += [
        "Agreement in float64: the largest relative difference, |a - b| / max(|a|, |b|), between two "
        "implementations' loss curves (training and test loss, every epoch, every seed):",
        "",
        markdown_table(["data set", *pair_names], [[d, *(sci(p[n]) for n in pair_names)] for d, p in agreement]),
        "",
    ]

    for dataset in plan.mlp_datasets:
        group = {r["seed"]: r for r in runs_of(runs, "mlp", dataset)}
        if seed0 not in group:
            continue
        values = [final(group[seed0], impl) for impl in IMPLS]
        goals.append(
            goal_line(
                f"MLP test accuracy >= {MLP_GOAL:.0%} on {dataset} (seed {seed0}'s split), every implementation",
                all_at_least(values, MLP_GOAL),
                ", ".join(f"{impl} {pct(v)}" for impl, v in zip(IMPLS, values, strict=True)),
            )
        )
    worst = max(((v, d, n) for d, p in agreement for n, v in p.items()), default=(math.inf, "-", "-"))
    goals.append(
        goal_line(
            f"in float64 the three implementations' loss curves agree to {AGREEMENT_GOAL:g}",
            worst[0] <= AGREEMENT_GOAL,
            f"largest relative difference {sci(worst[0])} ({worst[2]}, {worst[1]})",
        )
    )
    lines += ["Goals:", "", *goals, ""]

    others = []
    for dataset in plan.mlp_datasets:
        for run in runs_of(runs, "mlp", dataset):
            if run["seed"] == seed0:
                continue
            values = [final(run, impl) for impl in IMPLS]
            measured = ", ".join(f"{impl} {pct(v)}" for impl, v in zip(IMPLS, values, strict=True))
            others.append(
                goal_line(
                    f"the same on {dataset}, seed {run['seed']}'s split",
                    all_at_least(values, MLP_GOAL),
                    f"{measured} (RBF SVM {pct(run.get('svm_test_acc'))})",
                )
            )
    if others:
        lines += [
            "The same hyper-parameters on the other seeds' data sets (not part of the goals: a new sample of "
            "the noisy data each; where the SVM stays below the threshold too, the split's noise sets the limit):",
            "",
            *others,
            "",
        ]
    if figure:
        lines += [f"![MLP loss curves and their differences]({figure})", ""]
    return Section("\n".join(lines), goals)


def c5l3_section(runs: list[dict], plan: Plan, figure: str | None) -> Section:
    impls = plan.c5l3_impls
    n_seeds = len(plan.seeds)
    params = {s.key: (runs_of(runs, "c5l3", s.key) or [{}])[0].get("num_parameters") for s in C5L3_SETTINGS}
    example = runs_of(runs, "c5l3", "baseline")
    data = example[0]["data"] if example else {"num_train": "?", "num_test": "?"}
    cfg = plan.experiments["c5l3"][0].config  # the baseline's: the text names what every setting shares
    lines = [
        "## 2. C5L3 ablation on digits",
        "",
        f"Common options: {_command(plan.c5l3)}, plus each setting's below; seeds "
        f"{', '.join(map(str, plan.seeds))}: {training_text(cfg, optimizer=False)}"
        + (f", the learning rate decayed by {cfg.gamma:g} per epoch" if cfg.schedule == "exponential" else "")
        + f". C5L3: five conv 3x3 blocks (widths {', '.join(map(str, cfg.widths))}; 2x2 max-pools after the "
        f"first, second and fifth), then linear layers of {', '.join(map(str, cfg.hidden))} and 10, on "
        f"scikit-learn's 8x8 digits ({data['num_train']} training / {data['num_test']} test images). "
        "A seed draws the split, the initial weights, the batch order (and augmentation) and the dropout "
        "masks. The dropout probability is 0.2: with layers this narrow, the layer's default 0.5 after "
        "every conv block kept the network near 30% in trial runs.",
        "",
        f"Final test accuracy: mean ± sample std over the {n_seeds} seeds, then each seed's value.",
        "",
    ]
    rows, means = [], {}
    for i, setting in enumerate(C5L3_SETTINGS, start=1):
        group = runs_of(runs, "c5l3", setting.key)
        cells = []
        for impl in impls:
            values = finals(group, impl)
            means[setting.key, impl] = mean_std(values)[0]
            cells.append(pct_mean_std(values))
        number = f"({i})" if not setting.extra else f"({i}, extra)"
        rows.append([number, setting.title, f"`{setting.options}`", params[setting.key], *cells])
    lines += [markdown_table(["#", "setting", "options", "parameters", *impls], rows, "lllr" + "r" * len(impls)), ""]

    notes, first = [], impls[0]
    base = means.get(("baseline", first), math.nan)
    for setting in C5L3_SETTINGS[1:]:
        mean = means.get((setting.key, first), math.nan)
        if is_number(mean) and is_number(base):
            notes.append(f"{setting.key} {100 * (mean - base):+.2f}")
    if notes:
        lines += [f"Change of the mean against the baseline ({first}, percentage points): {'; '.join(notes)}.", ""]
    for setting in C5L3_SETTINGS:
        group = runs_of(runs, "c5l3", setting.key)
        mean = means.get((setting.key, first), math.nan)
        if group and is_number(mean) and mean < 0.2:
            loss = mean_std(finals(group, first, "train_loss"))[0]
            text = (
                f"Setting {setting.key} stays at chance level (10 classes, {first}): its final training loss, "
                f"{loss:.3f} on average, is about ln 10 = 2.303, that of a constant prediction."
            )
            if setting.key == "no-bn":
                adam = means.get(("no-bn-adam", first))
                text += (
                    " Without BatchNorm's rescaling, the signal through five conv layers with PyTorch's default "
                    "initialisation is too weak for SGD at this learning rate to get going within the epochs given"
                    + (
                        f"; Adam, which rescales every parameter's step, does (no-bn-adam: {pct(adam)})."
                        if is_number(adam) and adam >= 0.5
                        else "."
                    )
                )
            lines += [text, ""]
    gaps = [
        (abs(means[s.key, impl] - means[s.key, first]), s.key, impl)
        for s in C5L3_SETTINGS
        for impl in impls[1:]
        if is_number(means.get((s.key, impl))) and is_number(means.get((s.key, first)))
    ]
    stds = [mean_std(finals(runs_of(runs, "c5l3", s.key), first))[1] for s in C5L3_SETTINGS]
    stds = [s for s in stds if is_number(s)]
    if gaps:
        gap = max(gaps)
        lines += [
            f"The implementations start from the same weights and see the same batches; in float32 their "
            f"rounding differences grow during training (and with dropout each draws its own masks), so their "
            f"final accuracies differ slightly: the largest gap between means is {100 * gap[0]:.2f} points "
            f"({gap[2]} vs {first}, {gap[1]}), against a median seed-to-seed std of "
            f"{100 * float(np.median(stds)) if stds else math.nan:.2f} points.",
            "",
        ]
    if figure:
        lines += [f"![C5L3 ablation]({figure})", ""]
    return Section("\n".join(lines), [])


def _norm_ratio(norms: dict | None, when: str) -> float:
    """||dL/dh_1|| / ||dL/dh_last|| of the first layer, with the ``when`` ('initial' or 'trained') weights."""
    if not norms:
        return math.nan
    row = norms[when][0]
    return float(row[0] / row[-1]) if row[-1] else math.nan


def rnn_section(runs: list[dict], plan: Plan, figures: list[str]) -> Section:
    impl = plan.rnn_impl
    cfg = plan.experiments["rnn"][0].config  # NOTE: the runs differ by --palindrome-length and --seed only
    norms = next((r["rnn_grad_norms"] for r in runs if r["part"] == "rnn" and r.get("rnn_grad_norms")), None)
    samples = norms["num_samples"] if norms else "up to 256"
    check = next((r for r in runs if r["part"] == "timing" and r["key"] == "rnn"), None)
    times = {i: median_epoch_time([check], i)[0] for i in check["impls"]} if check else {}
    fastest = min(times, key=times.get) if times and all(is_number(t) for t in times.values()) else None
    quickest = "; it is the quickest of the three for this RNN here" if fastest == impl else ""
    lines = [
        "## 3. Vanilla RNN on palindromes",
        "",
        f"Options: {_command(plan.rnn + ' --palindrome-length L')}, lengths "
        f"{', '.join(map(str, plan.lengths))}, seeds {', '.join(map(str, plan.seeds))}: one tanh layer of "
        f"{cfg.hidden[0]}, then a linear layer on the last hidden state; {training_text(cfg)}; {cfg.samples} "
        "palindromes per length, split 80/20. The "
        "input is the first L - 1 digits, the label the last, which equals the first: the network must carry "
        f"the first digit through L - 2 recurrent steps. The table is of one implementation, **{impl}**, to "
        f"keep the command short{quickest} (section 4 times all three). The gradient norms come from the hand-written "
        f"RNN's BPTT (`hidden_grad_norms()`) on {samples} test sequences, with {impl}'s initial and trained "
        f"weights of seed {plan.seeds[0]}" + (" loaded into it." if impl != "manual" else "."),
        "",
        "Final test accuracy; then, per seed, the best test accuracy during training and the first epoch it "
        "reached 99% (- never); then how much of the gradient at the last step reaches the first, "
        "||dL/dh_1|| / ||dL/dh_(L-1)||, with the initial and the trained weights.",
        "",
    ]
    rows, low, lost, never, ratios = [], [], [], [], {}
    for length in plan.lengths:
        group = runs_of(runs, "rnn", str(length))
        values = finals(group, impl)
        best = [max((v for v in r["impls"][impl]["test_acc"] if is_number(v)), default=None) for r in group]
        firsts = [first_epoch_reaching(r["impls"][impl]["test_acc"], RNN_GOAL) for r in group]
        norms = group[0].get("rnn_grad_norms") if group else None
        ratios[length] = (_norm_ratio(norms, "initial"), _norm_ratio(norms, "trained"))
        rows.append(
            [
                length,
                pct_mean_std(values),
                ", ".join(pct(b, 1) for b in best),
                ", ".join("-" if f is None else str(f) for f in firsts),
                sci(ratios[length][0]),
                sci(ratios[length][1]),
            ]
        )
        for run, value, top in zip(group, values, best, strict=True):
            if length <= RNN_GOAL_MAX_LENGTH:
                low.append((value if is_number(value) else -1.0, length, run["seed"]))
            if is_number(top) and top >= RNN_GOAL and not (is_number(value) and value >= RNN_GOAL):
                lost.append((length, run["seed"], top, value))
            elif not (is_number(top) and top >= RNN_GOAL):
                never.append((length, run["seed"], top))
    header = ["L", "final test accuracy", "best, per seed", "epoch >= 99%", "grad ratio, initial", "trained"]
    lines += [markdown_table(header, rows), ""]

    goals = []
    if low:
        worst = min(low)
        goals.append(
            goal_line(
                f"RNN ({impl}) test accuracy >= {RNN_GOAL:.0%} for every length <= {RNN_GOAL_MAX_LENGTH} on every seed",
                all(v >= RNN_GOAL for v, _, _ in low),
                f"lowest {pct(worst[0]) if worst[0] >= 0 else NA} (L = {worst[1]}, seed {worst[2]}) of {len(low)} runs",
            )
        )
    longer = [n for n in plan.lengths if n > RNN_GOAL_MAX_LENGTH]
    if longer:
        summary = []
        for n in longer:
            values = finals(runs_of(runs, "rnn", str(n)), impl)
            ok = sum(1 for v in values if is_number(v) and v >= RNN_GOAL)
            summary.append(f"L = {n}: {ok} of {len(values)} seeds at >= 99%")
        lines += [f"No goal beyond L = {RNN_GOAL_MAX_LENGTH}; measured: {'; '.join(summary)}.", ""]
    lines += ["Goal:", "", *goals, ""]

    lines += ["Where and why training fails for long sequences:", ""]
    initial = {n: r[0] for n, r in ratios.items() if is_number(r[0]) and r[0] > 0}
    if len(initial) >= 2:
        short, long_ = min(initial), max(initial)
        factors = [initial[n] ** (1 / (n - 2)) for n in initial if n > 2]
        per_step = float(np.exp(np.mean(np.log(factors)))) if factors else math.nan
        lines.append(
            f"- Where: at the first steps. With the initial weights (left panel) the gradient that reaches h_1, "
            f"where the digit to remember is read, is {sci(initial[short])} of the one at the last step for "
            f"L = {short} and {sci(initial[long_])} for L = {long_}: it shrinks by a factor of about "
            f"{per_step:.2f} per step back in time (geometric mean over the lengths), each step multiplying it "
            "by the transposed recurrent weights and tanh's derivative (at most 1). Why: the only signal that "
            "teaches the network to keep the first digit arrives through that vanishing gradient, while the "
            "later digits, which say nothing about the label, get gradients orders of magnitude larger. The "
            "longer the sequence, the weaker the signal, so the longer (and the more dependent on the seed) "
            "the search before the recurrent weights learn to carry the digit."
        )
    reached = {}
    for length in plan.lengths:
        group = runs_of(runs, "rnn", str(length))
        epochs = [e for e in (first_epoch_reaching(r["impls"][impl]["test_acc"], RNN_GOAL) for r in group) if e]
        if epochs:
            reached[length] = float(np.median(epochs))
    if reached:
        text = ", ".join(f"L = {n}: {e:g}" for n, e in reached.items())
        lines.append(f"- The first epoch at 99% test accuracy, median over the seeds that got there: {text}.")
    if never:
        text = "; ".join(f"L = {n}, seed {s} (best {pct(t, 1)})" for n, s, t in never)
        lines.append(f"- Runs that never reached 99% (stuck on a plateau, or still searching): {text}.")
    if lost:
        text = "; ".join(f"L = {n}, seed {s}: best {pct(t, 1)}, final {pct(v, 1)}" for n, s, t, v in lost)
        lines.append(f"- Runs that reached 99% and lost it again (a step into a steep region undid it): {text}.")
    if not never and not lost:
        lines.append("- Every run reached 99% and ended there.")
    if any(is_number(r[1]) for r in ratios.values()):
        lines.append(
            "- The right panel shows the same runs' trained weights, for comparison: where the task was learned "
            "the loss is small, and so are all the norms, and their shape is no longer the initial straight "
            "line; it depends on the run (the ratios are in the table's last column)."
        )
    if check:
        accs = ", ".join(f"{i} {pct(final(check, i))}" for i in check["impls"])
        epochs = len(next(iter(check["impls"].values()))["test_acc"])
        lines.append(
            f"- Section 4's run of all three implementations ({check['data']['name']}, seed {check['seed']}, "
            f"{epochs} epochs) ended at: {accs}."
        )
    lines.append("")
    for figure, alt in zip(figures, ("RNN gradient norm over time", "RNN test accuracy per epoch"), strict=False):
        lines += [f"![{alt}]({figure})", ""]
    return Section("\n".join(lines), goals)


def _fmt_s(value: float) -> str:
    if not is_number(value):
        return "n/a"
    return f"{1000 * value:.1f} ms" if value < 1 else f"{value:.2f} s"


def timing_section(runs: list[dict], plan: Plan) -> Section:
    sources = timing_sources(runs)
    dedicated = {r["key"]: r for r in runs if r["part"] == "timing"}
    names = {"mlp": "MLP (float64)", "c5l3": "C5L3 (float32)", "rnn": "RNN (float32)"}
    rows = []
    for experiment in plan.experiments["timing"]:
        model = experiment.key
        if model in sources:
            group = sources[model]
            epochs = len(group[0]["impls"]["torch"]["time_s"])
            source = f"section {('mlp', 'c5l3', 'rnn').index(model) + 1}: {len(group)} runs x {epochs} epochs"
        elif model in dedicated:
            group = [dedicated[model]]
            source = f"a run of its own: {_command(experiment.options)}"
        else:
            continue
        times = {impl: median_epoch_time(group, impl)[0] for impl in IMPLS}
        ratios = [times[impl] / times["torch"] if times["torch"] else math.nan for impl in IMPLS[:-1]]
        rows.append(
            [
                names[model],
                *(_fmt_s(times[impl]) for impl in IMPLS),
                *(f"{r:.2f}x" if is_number(r) else "n/a" for r in ratios),
                source,
            ]
        )
    lines = [
        "## 4. Wall time per epoch",
        "",
        "The median training time of one epoch (batching included, evaluation not), over every epoch of the "
        "runs named, and its ratio to torch's. One process, one thread (see the machine above); torch runs "
        "its own optimised kernels, manual and autograd NumPy.",
        "",
        markdown_table(
            ["model", *(f"{i} s/epoch" for i in IMPLS), *(f"{i} / torch" for i in IMPLS[:-1]), "measured on"],
            rows,
            "l" + "r" * 5 + "l",
        ),
        "",
    ]
    return Section("\n".join(lines), [])
