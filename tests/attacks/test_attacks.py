"""The attack zoo: submissions that try to forge their grade, each graded by scratch-check as a student's is.

Each file in ``submissions/`` is one attack, a module a dishonest student could hand in; its docstring
says what it tries. Every attack must score what an honest module computing the same numbers earns
(here 0: their layers compute zeros, or nothing), with the reason in the results; the results must be
the grader's own, before and after the attack's processes could have acted; and the grader's files
must be as they were. ``honest`` is the control that must earn full marks through the same runner.
With ``--parity-report=DIR`` the table of attacks and outcomes goes to DIR/attacks.md.
"""

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import scratch_parity
from scratch_parity.grader import process

SUBMISSIONS = Path(__file__).parent / "submissions"
PACKAGE = Path(scratch_parity.__file__).parent
LIMITS = ["--cpu-limit", "3", "--call-timeout", "10", "--memory-limit", "2048"]


@dataclass(frozen=True)
class Attack:
    name: str
    op: str
    reason: str = ""  # a piece of the reason that results.json gives for the 0
    wait: float = 0.0  # seconds to wait before reading the results again (for processes left behind)
    options: tuple[str, ...] = ()  # scratch-check's options for this attack, after LIMITS
    needs_own_file_system: bool = False  # only the runner's own file system stops it (root and a mount namespace)

    @property
    def description(self) -> str:
        source = (SUBMISSIONS / f"{self.name}.py").read_text()
        return source.split('"""')[1].strip().replace("\n", " ")


ATTACKS = [
    Attack("solution_import", "ReLU", "does not allow importing 'scratch.manual'"),
    Attack("checker_patch", "ReLU", "differs"),
    Attack("report_patch", "ReLU", "differs"),
    Attack("results_rewrite", "ReLU", "differs", wait=1.0),
    Attack("detached_child", "ReLU", "differs", wait=4.0),
    Attack("torch_inside", "ReLU", "does not allow importing 'torch'"),
    Attack("stack_walk", "ReLU", "differs"),
    Attack("exit_in_forward", "ReLU", "exited with status 0"),
    Attack("kill_self", "ReLU", "killed by SIGKILL"),
    # a wall limit well past the CPU limit: on a loaded machine 3 CPU seconds can take more than 4 wall seconds
    Attack("spin_ignoring_alarm", "ReLU", "CPU limit of 3 s", options=("--call-timeout", "60")),
    Attack("sleep_forever", "ReLU", "within 4 s (wall clock)", options=("--call-timeout", "4")),
    Attack("huge_allocation", "ReLU", "MemoryError"),
    Attack("seterr_overflow", "Sigmoid", "loosened NumPy's floating-point errors (over)"),
    Attack("random_patch", "ReLU", "differs"),
    Attack("edit_grader_files", "ReLU", "differs"),
    Attack("network", "ReLU", "does not allow importing 'socket'"),
    Attack("forge_replies", "ReLU", "not a message of the grader's"),
    Attack("flood_output", "ReLU", "File too large"),
    Attack("hook_emptied", "ReLU", "differs", needs_own_file_system=True),
]


def grade(module_file: Path, op: str, folder: Path, *options: str) -> tuple[subprocess.CompletedProcess, Path]:
    """scratch-check on one submission file, copied alone into a folder of its own, for one op."""
    submission = folder / "submission"
    submission.mkdir(parents=True, exist_ok=True)
    (submission / module_file.name).write_bytes(module_file.read_bytes())
    out = folder / "out"
    command = [sys.executable, "-m", "scratch_parity", module_file.stem, "--submission", str(submission)]
    command += ["--out", str(out), "--only", op, "-n", "0", *LIMITS, *options]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)
    return done, out


def results_of(out: Path) -> dict:
    return {t["name"]: t for t in json.loads((out / "results.json").read_text())["tests"]}


def package_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def attack_row(attack: Attack, score: float, output: str) -> dict:
    return dict(name=attack.name, op=attack.op, description=attack.description, score=score, output=output[:300])


def test_the_honest_control_earns_full_marks(tmp_path):
    done, out = grade(SUBMISSIONS / "honest.py", "ReLU", tmp_path)
    relu = results_of(out)["ReLU"]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert relu["score"] == relu["max_score"] == 1.0, relu


def test_an_honest_layer_that_computes_zeros_earns_nothing(tmp_path):
    """The attacks' honest twin: consistent (its zero gradient is the derivative of its zero output), shaped
    and typed right, and still none of the work done; its forward is wrong, so nothing counts."""
    done, out = grade(SUBMISSIONS / "zero_relu.py", "ReLU", tmp_path)
    relu = results_of(out)["ReLU"]
    assert done.returncode == 1 and relu["score"] == 0, relu
    assert relu["output"].startswith("fails: forward, gradient"), relu["output"]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_an_attack_earns_nothing_and_leaves_the_results_alone(attack, tmp_path, record_property):
    if attack.needs_own_file_system and not process.isolation().own_file_system:
        pytest.skip(
            f"{attack.name} is stopped only where the grader is root with a mount namespace; here: "
            f"{process.isolation().describe()}"
        )
    before = package_fingerprint()
    done, out = grade(SUBMISSIONS / f"{attack.name}.py", attack.op, tmp_path, *attack.options)
    written = (out / "results.json").read_text()
    time.sleep(attack.wait)
    results = results_of(out)
    record_property("attack", attack_row(attack, results[attack.op]["score"], results[attack.op]["output"]))
    assert done.returncode == 1, f"status {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
    assert set(results) == {attack.op}, f"the op must count, whatever happened: {sorted(results)}"
    assert results[attack.op]["max_score"] == 1.0 and results[attack.op]["score"] == 0, results[attack.op]
    assert attack.reason in results[attack.op]["output"], results[attack.op]["output"]
    assert (out / "results.json").read_text() == written, "the results changed after the grader had written them"
    assert "hacked" not in written and "999" not in written
    assert package_fingerprint() == before, "the grader's files changed"


def test_the_runner_has_a_file_system_of_its_own_where_the_grader_is_root():
    """CI grades as root: there the runner must see numpy and its submission only (the audit hook alone can be
    emptied from inside, see the hook_emptied attack). A non-root developer gets the reason instead."""
    if os.geteuid() != 0:
        pytest.skip("not root: the runner keeps the grader's user and file system (docs/grading.md)")
    isolation = process.isolation()
    assert isolation.own_file_system and isolation.uid is not None and isolation.network_namespace, isolation


def test_a_link_planted_as_a_results_file_is_replaced_not_followed(tmp_path):
    """results.json and grades.md are written beside and moved into place: a link there is not written through."""
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    out = tmp_path / "grade" / "out"
    out.mkdir(parents=True)
    for name in ("results.json", "grades.md"):
        (out / name).symlink_to(victim)
    done, _ = grade(SUBMISSIONS / "honest.py", "ReLU", tmp_path / "grade")
    assert victim.read_text() == "untouched", done.stdout[-2000:]
    assert not (out / "results.json").is_symlink() and results_of(out)["ReLU"]["score"] == 1.0


def test_a_module_that_does_not_import_scores_zero_of_the_whole(tmp_path):
    """Not "0 of 0": every selected op counts, each with the import's reason, and the status says so."""
    broken = tmp_path / "syntax_error.py"
    broken.write_text("class ReLU(\n")
    done, out = grade(broken, "ReLU,Linear", tmp_path / "grade")
    results = results_of(out)
    assert done.returncode == 1
    assert set(results) == {"ReLU", "Linear"} and all(t["score"] == 0 for t in results.values()), results
    assert all("SyntaxError" in t["output"] for t in results.values()), results
    assert "Score: 0.00 of 2.00" in (out / "grades.md").read_text()


def test_the_same_submission_gets_the_same_grade_five_times(tmp_path):
    """A bug that only some examples reveal: five gradings, five identical results files, no example database."""
    flaky = tmp_path / "flaky.py"
    flaky.write_text(
        (SUBMISSIONS / "honest.py")
        .read_text()
        .replace("return dout * (self.cache > 0)", "return dout * (self.cache > 0.3)")
    )
    texts = set()
    for i in range(5):
        _, out = grade(flaky, "ReLU", tmp_path / f"run{i}")
        texts.add((out / "results.json").read_text())
        assert not (tmp_path / f"run{i}" / "submission" / ".hypothesis").exists()
    assert len(texts) == 1
    (result,) = texts
    assert 0 < json.loads(result)["score"] < 1, result


def test_a_network_server_of_this_machine_is_out_of_reach(tmp_path):
    """The socket attack, with a real server on the loopback that would answer: nothing reaches it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    reached = []

    def serve():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not reached:
            try:
                connection, _ = server.accept()
                reached.append(True)
                connection.close()
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    env_module = tmp_path / "network.py"
    port = server.getsockname()[1]
    env_module.write_text((SUBMISSIONS / "network.py").read_text().replace('"9"', f'"{port}"'))
    _, out = grade(env_module, "ReLU", tmp_path / "grade")
    server.close()
    assert results_of(out)["ReLU"]["score"] == 0 and not reached


def test_links_in_the_submission_are_not_followed(tmp_path):
    """A link to a secret of the grader's machine, or to /dev/zero, is not copied (the copy is made as root)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-OF-THE-GRADER")
    submission = tmp_path / "grade" / "submission"
    submission.mkdir(parents=True)
    (submission / "honest.py").write_text((SUBMISSIONS / "honest.py").read_text() + "\nfrom leak import *  # noqa\n")
    (submission / "leak.py").symlink_to(secret)
    (submission / "zero.py").symlink_to("/dev/zero")
    out = tmp_path / "grade" / "out"
    command = [sys.executable, "-m", "scratch_parity", "honest", "--submission", str(submission), "--out", str(out)]
    done = subprocess.run([*command, "--only", "ReLU", "-n", "0", *LIMITS], capture_output=True, text=True, timeout=300)
    relu = results_of(out)["ReLU"]
    assert relu["score"] == 0 and "importing 'leak'" in relu["output"], relu  # never copied: not its own
    assert "SECRET-OF-THE-GRADER" not in (out / "results.json").read_text() + done.stdout


def test_a_helper_module_of_the_submission_may_bear_a_name_of_the_runners(tmp_path):
    """The runner's own modules (protocol, sandbox, runner) leave no trace a submission's helper could meet."""
    submission = tmp_path / "grade" / "submission"
    submission.mkdir(parents=True)
    (submission / "protocol.py").write_text("import numpy as np\n\n\ndef relu(x):\n    return np.maximum(x, 0)\n")
    (submission / "layers.py").write_text(
        (SUBMISSIONS / "honest.py").read_text().replace("np.maximum(x, 0)", "__import__('protocol').relu(x)")
    )
    out = tmp_path / "grade" / "out"
    command = [sys.executable, "-m", "scratch_parity", "layers", "--submission", str(submission), "--out", str(out)]
    subprocess.run([*command, "--only", "ReLU", "-n", "0", *LIMITS], capture_output=True, text=True, timeout=300)
    assert results_of(out)["ReLU"]["score"] == 1.0, results_of(out)["ReLU"]["output"]
