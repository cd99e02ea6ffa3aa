"""``scratch-grade``: grade a class with scratch-check, or export a course's grading to Gradescope or GitHub Classroom.

    scratch-grade class submissions/ --module layers --only Linear,ReLU --weights w.json -j 8 --out gradebook/
    scratch-grade gradescope --module layers --only Linear,ReLU --weights w.json -o autograder.zip
    scratch-grade classroom --module layers --only Linear,ReLU --weights w.json -o template-repo/

``class`` grades every student folder of SUBMISSIONS (``scratch_parity.gradebook``) into OUT/gradebook.csv
and OUT/gradebook.json, and each student's results under OUT/<student>/. ``gradescope`` writes an
autograder zip (``scratch_parity.gradescope``), ``classroom`` a GitHub Classroom workflow
(``scratch_parity.classroom``); both carry this package and grade with the same options, so a
submission gets the same grade everywhere. ``full-marks RESULTS`` exits 0 when a results.json has
every test's full score (the workflow's test of one op). Exit status of ``class``: 0 when the
gradebook was written (whatever the grades), 2 when SUBMISSIONS holds no student folder.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from scratch_parity import classroom, gradescope
from scratch_parity.course import Course
from scratch_parity.gradebook import ClassGrading, Progress, students, write_gradebook


def course_options() -> argparse.ArgumentParser:
    """The options of a course (``scratch_parity.course.Course``), shared by the subcommands."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--module", required=True, help="the module a student hands in, e.g. layers (layers.py)")
    parser.add_argument("--only", help="comma-separated ops to grade, e.g. Linear,Conv2d (default: all)")
    parser.add_argument("--weights", help='JSON points per op, e.g. {"Conv2d": 3, "ReLU": 1} (default 1 each)')
    parser.add_argument("--seed", type=int, default=0, help="the seed the examples are drawn from (default 0)")
    parser.add_argument("--contract", choices=["manual", "autograd"], default="manual")
    parser.add_argument("--cpu-limit", type=int, default=120, help="CPU seconds for one op's checks (default 120)")
    parser.add_argument("--memory-limit", type=int, default=4096, help="MiB of address space of a runner")
    parser.add_argument("--call-timeout", type=float, default=60.0, help="wall seconds of one forward or backward")
    parser.add_argument("--allow", action="append", default=[], help="a module the submission may import (repeatable)")
    return parser


def grade_class(course: Course, args) -> int:
    submissions, out = Path(args.submissions), Path(args.out)
    folders = students(submissions, out)
    if not folders:
        print(f"scratch-grade: no student folder in {submissions}", file=sys.stderr)
        return 2
    started = time.monotonic()
    grading = ClassGrading(course, out, timeout=args.timeout)
    outcomes = grading.grade(folders, args.jobs, Progress(len(folders), course.maximum))
    write_gradebook(course, outcomes, out)
    seconds = time.monotonic() - started
    not_graded = sum(not outcome.graded for outcome in outcomes)
    print(
        f"{len(outcomes)} students graded in {seconds:.1f} s ({seconds / len(outcomes):.2f} s each, {args.jobs} at a "
        f"time), each out of {course.maximum:g}; {not_graded} could not be graded (0, with the reason). "
        f"Gradebook: {out / 'gradebook.csv'}, {out / 'gradebook.json'}",
        file=sys.stderr,
    )
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scratch-grade", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    course = course_options()
    grade = commands.add_parser("class", parents=[course], help="grade every student folder of SUBMISSIONS")
    grade.add_argument("submissions", help="a folder per student (named by the student's id), the module inside")
    grade.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="students graded at a time")
    grade.add_argument("--out", default="gradebook", help="the gradebook's folder (default gradebook/)")
    grade.add_argument("--timeout", type=float, default=1800.0, help="wall seconds for one student (default 1800)")
    zip_ = commands.add_parser("gradescope", parents=[course], help="write a Gradescope autograder zip")
    zip_.add_argument("-o", "--output", default="autograder.zip", help="the zip (default autograder.zip)")
    workflow = commands.add_parser("classroom", parents=[course], help="write a GitHub Classroom workflow")
    workflow.add_argument("-o", "--output", required=True, help="the template repository's folder")
    marks = commands.add_parser("full-marks", help="exit 0 when a results.json has every test's full score")
    marks.add_argument("results", help="a results.json (Gradescope's format)")
    args = parser.parse_args(argv)
    if args.command == "full-marks":
        return 0 if classroom.full_marks(Path(args.results)) else 1
    try:
        course = Course.from_args(args)
    except (OSError, ValueError) as e:
        parser.error(str(e))
    if args.command == "class":
        return grade_class(course, args)
    if args.command == "gradescope":
        what, path = "Gradescope autograder", gradescope.write_zip(course, Path(args.output))
    else:
        what, path = "GitHub Classroom workflow", classroom.write(course, Path(args.output))
    print(f"{what} for {course.module} ({len(course.ops)} ops, {course.maximum:g} points): {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
