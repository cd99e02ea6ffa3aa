"""A course's grading options: the module, the ops and their points, the seed and the limits.

``scratch-grade`` grades with them three ways (a class here, a Gradescope autograder, a GitHub
Classroom workflow), and each way runs ``scratch-check`` with the same options, so a submission gets
the same grade wherever it is graded. The maximum comes from the registry and these options alone
(``expected_checks``): every student of a course has the same one, whatever ran.
"""

import dataclasses
import json
from pathlib import Path

from scratch_parity.grading import expected_checks, gradescope, write_zero_results, zero_rows


@dataclasses.dataclass(frozen=True)
class Course:
    """What ``scratch-check`` is given for every submission of one assignment."""

    module: str
    only: tuple[str, ...] = ()  # the ops graded; () is every op of the registry
    weights: tuple[tuple[str, float], ...] = ()  # (op, points) as given; every other op is worth 1
    seed: int = 0
    contract: str = "manual"
    cpu_limit: int = 120
    memory_limit: int = 4096
    call_timeout: float = 60.0
    allow: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args) -> "Course":
        """The course of ``scratch-grade``'s options (``--module``, ``--only``, ``--weights FILE``, ...); unknown ops
        are refused (scratch-check would ignore them, and an op's points with them)."""
        from scratch_parity.registry import OPS_LIST

        known = [spec.name for spec in OPS_LIST]
        only = tuple(op.strip() for op in (args.only or "").split(",") if op.strip())
        weights = json.loads(Path(args.weights).read_text()) if args.weights else {}
        if not isinstance(weights, dict) or not all(isinstance(v, int | float) for v in weights.values()):
            raise ValueError(f'{args.weights}: the weights must be a JSON object of numbers, e.g. {{"Conv2d": 3}}')
        unknown = sorted({*only, *weights} - set(known))
        if unknown:
            raise ValueError(f"unknown ops: {', '.join(unknown)} (the registry's: {', '.join(known)})")
        return cls(
            module=args.module,
            only=only,
            weights=tuple(sorted((op, float(w)) for op, w in weights.items())),
            seed=args.seed,
            contract=args.contract,
            cpu_limit=args.cpu_limit,
            memory_limit=args.memory_limit,
            call_timeout=args.call_timeout,
            allow=tuple(args.allow),
        )

    @property
    def ops(self) -> list[str]:
        """The graded ops, in the grades' order."""
        return sorted(expected_checks(list(self.only) or None))

    def points(self) -> dict[str, float]:
        """Every graded op's points: its weight, 1 unless given."""
        weights = dict(self.weights)
        return {op: weights.get(op, 1.0) for op in self.ops}

    @property
    def maximum(self) -> float:
        return sum(self.points().values())

    def options(self) -> list[str]:
        """``scratch-check``'s options for this course, less the module, ``--submission``, ``--out`` and
        ``--weights`` (a file, whose place the caller knows); ``-n 0``: one process per submission."""
        options = ["--only", ",".join(self.only)] if self.only else []
        options += ["--seed", str(self.seed), "--contract", self.contract]
        options += ["--cpu-limit", str(self.cpu_limit), "--memory-limit", str(self.memory_limit)]
        options += ["--call-timeout", f"{self.call_timeout:g}", "-n", "0"]
        return options + [f"--allow={pattern}" for pattern in self.allow]

    def weights_json(self) -> str:
        """The ``--weights`` file: every graded op's points, written out."""
        return json.dumps(self.points(), indent=1) + "\n"

    def zero_results(self, reason: str) -> dict:
        """Gradescope's results for a submission that could not be graded: every op 0 of its points, with ``reason``."""
        return {**gradescope(zero_rows(self.points(), self.ops, reason)), "output": reason}

    def write_zero_results(self, out: Path, reason: str) -> dict:
        """``zero_results`` as results.json and grades.md in ``out``, as scratch-check would have written them."""
        return write_zero_results(out, zero_rows(self.points(), self.ops, reason), reason, f"`{self.module}`")
