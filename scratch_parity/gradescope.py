"""``scratch-grade gradescope``: a Gradescope autograder zip that grades with scratch-check and the course's options.

Gradescope unpacks the zip into /autograder/source, runs ``setup.sh`` once (as root) to build the
image, then ``run_autograder`` for each submission (the student's files in /autograder/submission),
which must leave /autograder/results/results.json. The zip holds:

    setup.sh            Python 3 and a venv (/autograder/venv); torch pinned to the version installed
                        here, from the CPU index; this package with its check extra, from the copy below
    run_autograder      scratch-check on the submission's module with the course's options written in;
                        when the module is missing, or the checker wrote no results, every op scores
                        0 of its points with the reason (zero_results.json, filled in by the shell)
    weights.json        the points of every graded op
    zero_results.json   the results of a submission that could not be graded, its reason left open
    scratch-parity/     this package (``scratch_parity.carry``)

``AUTOGRADER_ROOT`` (default /autograder) and ``SCRATCH_PARITY_PYTHON`` (default the venv setup.sh
makes) let both scripts run in any folder laid out as /autograder is, as the tests do.
"""

import json
import shlex
import zipfile
from pathlib import Path

from scratch_parity import carry
from scratch_parity.course import Course

REASON = "@REASON@"
"""The placeholder of zero_results.json that run_autograder replaces with the reason (plain text)."""

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (this zip unpacked in
# /autograder/source). Written by scratch-grade gradescope: Python 3 and a venv (/autograder/venv),
# @TORCH@ for the CPU, and the checker from the copy of scratch-parity in this zip.
# The image's python3 must be one that @TORCH@ has wheels for (Ubuntu 22.04: 3.10, 24.04: 3.12).
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q python3 python3-venv
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --quiet --upgrade pip
@INSTALL@
"$ROOT/venv/bin/python" -c "import torch, scratch_parity.check; print('checker ready, torch', torch.__version__)"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission (copied to /autograder/run_autograder, run from /autograder).
# Written by scratch-grade gradescope: scratch-check grades the submission's @MODULE@ with the course's
# options (below) into results/results.json. When the module is missing, or the checker wrote no
# results, every op scores 0 of its points with the reason. AUTOGRADER_ROOT (default /autograder) and
# SCRATCH_PARITY_PYTHON (default the venv setup.sh made) let it run elsewhere, e.g. in a test.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${SCRATCH_PARITY_PYTHON:-$ROOT/venv/bin/python}"
SOURCE="$ROOT/source"
SUBMISSION="$ROOT/submission"
RESULTS="$ROOT/results"
mkdir -p "$RESULTS"

zero_results() {  # every op 0 of its points, with the reason ($1: plain text, no quotes)
    sed "s|@REASON@|$1|g" "$SOURCE/zero_results.json" > "$RESULTS/results.json"
    echo "every op scored 0: $1"
}

if [ ! -f "$SUBMISSION/@FILE@.py" ] && [ ! -d "$SUBMISSION/@FILE@" ]; then
    found=$(cd "$SUBMISSION" 2>/dev/null && ls -A | tr -cd '[:alnum:]._ \\n-' | tr '\\n' ' ')
    found="${found% }"
    zero_results "no @FILE@.py in the submission (it holds: ${found:-nothing}): upload @FILE@.py itself"
    exit 0
fi

cd "$RESULTS"  # not the submission's folder: python -m puts the current folder on the checker's path
"$PYTHON" -m scratch_parity @MODULE@ --submission "$SUBMISSION" --out "$RESULTS" --weights "$SOURCE/weights.json" \\
    @OPTIONS@
status=$?
if [ "$status" -ge 2 ] || ! "$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$RESULTS/results.json"; then
    zero_results "the checker stopped with status $status before writing results"
fi
exit 0
"""


def fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    return template


def scripts(course: Course) -> dict[str, str]:
    """setup.sh and run_autograder for ``course``."""
    install = carry.install_lines('"$ROOT/venv/bin/python" -m pip', f"$SOURCE/{carry.FOLDER}")
    return {
        "setup.sh": fill(SETUP, TORCH=carry.torch_pin(), INSTALL="\n".join(install)),
        "run_autograder": fill(
            RUN,
            MODULE=shlex.quote(course.module),
            FILE=course.module.replace(".", "/"),
            OPTIONS=shlex.join(course.options()),
        ),
    }


def bundle(course: Course) -> dict[str, tuple[bytes, int]]:
    """The zip's files, by their path in it, with their modes."""
    files = {name: (text.encode(), 0o755) for name, text in scripts(course).items()}
    files["weights.json"] = (course.weights_json().encode(), 0o644)
    files["zero_results.json"] = ((json.dumps(course.zero_results(REASON), indent=1) + "\n").encode(), 0o644)
    for relative, content in carry.package_files().items():
        files[f"{carry.FOLDER}/{relative}"] = (content, 0o644)
    return files


def write_zip(course: Course, target: Path) -> Path:
    """The autograder zip at ``target``: its files at the root, in a fixed order and date (the same zip
    for the same course and package)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (content, mode) in sorted(bundle(course).items()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return target
