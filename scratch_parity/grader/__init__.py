"""The grader's two processes: a trusted parent that checks, and an untrusted runner that only computes.

    parent (trusted: pytest, the registry, torch)          runner (untrusted: the student's module)
      draws the samples, computes torch's answers,   <->     imports the student's module, numpy, the
      compares, writes the results after the runner           standard library and scratch_parity.base,
      is gone                                                 builds layers and runs forward/backward
                     arrays only: .npz messages, pickle refused

protocol   the messages: a length, then an .npz (allow_pickle=False) whose "__meta__" is JSON
sandbox    what the runner does to itself before it imports student code: limits, user, audit hook
runner     the runner's main loop: the module's names, then one request at a time
process    the parent's side of one runner process: start it with its limits, call it, kill it
remote     the adapter: a student's module, seen through the contracts of scratch_parity.implementations

The runner side (protocol, sandbox, runner) imports only the standard library and numpy, and is started
as plain files (never through the scratch_parity package), so that nothing of the grader is importable
from the student's process.
"""
