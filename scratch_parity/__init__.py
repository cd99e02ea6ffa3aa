"""scratch-parity's tool: the op registry and the checks that hold any implementation of a layer to torch.

    registry, strategies, sample   one entry per op (in the spirit of PyTorch's OpInfo): valid
                                   configurations as hypothesis strategies, inputs from a seed,
                                   tolerances, known divergences and the bad inputs that must raise
    implementations                the adapters: hand-written layers, autograd modules, torch
    checks, parity, sequence       the comparisons and their explanations, the generic checks, the RNN
                                   over whole sequences
    suite/                         the test templates: ``pytest --pyargs scratch_parity.suite``
    plugin, grading, parity_report the pytest plugin (options, verdicts per op and grades, the report)
    check, starter, base           ``scratch-check``, ``scratch-starter`` and the starter's base class
    grader/                        the two processes of grading: the runner that runs a submission, confined
    grade, course, gradebook,      ``scratch-grade``: a whole class, a Gradescope autograder, a GitHub
    gradescope, classroom, carry   Classroom workflow, from one course's options
    zoo/                           the bug zoo: classic backward-pass bugs and the harness that runs them
    experiments/                   ``scratch-train`` and ``scratch-reproduce``

The checker needs the ``check`` extra (torch, pytest, hypothesis): ``pip install 'scratch-parity[check]'``.
``scratch`` itself never imports torch, and ``reference`` (the torch twins) never imports ``scratch``.
"""
