"""The table printed at the end of a run: final numbers per implementation and the time ratio to torch."""


def _fmt(value, spec: str) -> str:
    return "-" if value is None or value != value else format(value, spec)


def summary_table(record: dict) -> str:
    """One row per implementation: final train and test loss, test accuracy, training time, time / torch's."""
    impls = record["implementations"]
    torch_time = impls["torch"]["train_time_s"] if "torch" in impls else None
    header = f"{'impl':<9}{'train loss':>11}{'test loss':>11}{'test acc':>10}{'train time':>12}{'vs torch':>10}"
    lines = [header, "-" * len(header)]
    for impl, entry in impls.items():
        last = entry["epochs"][-1]
        ratio = entry["train_time_s"] / torch_time if torch_time else None
        lines.append(
            f"{impl:<9}{_fmt(last['train_loss'], '.4f'):>11}{_fmt(last['test_loss'], '.4f'):>11}"
            f"{_fmt(100 * last['test_acc'] if last['test_acc'] is not None else None, '.2f') + '%':>10}"
            f"{_fmt(entry['train_time_s'], '.2f') + ' s':>12}{_fmt(ratio, '.2f') + 'x' if ratio else '-':>10}"
        )
    for impl, why in record.get("skipped", {}).items():
        lines.append(f"{impl:<9}skipped: {why}")
    return "\n".join(lines)
