"""Training runs of the seed assignments' models with all three implementations (the ``scratch-train`` CLI).

One concern per module (see README.md in this folder for usage and the decisions taken):

    config        argparse and every check of the arguments, into a frozen ``Config``
    registry      the models and data sets, what fits what, and their builders (shared initial weights)
    batching      the seeded batches (and augmentation) of an epoch, the same for every implementation
    runners       one trainer per implementation: train_epoch(batches), evaluate(x, y), state_dict()
    training      one implementation for all epochs, with progress bars
    diagnostics   the RNN's ||dL/dh_t|| over time, from the hand-written BPTT
    records       the run's folder and its JSON record
    plots         the run's PNG figures, drawn from the record
    summary       the table printed at the end
    cli           ``main(argv=None) -> int``: the command itself; ``train_record(cfg)``: one run, its record
    reproduce     ``scratch-reproduce``: the seed course's experiments, into report/experiments.md (the CLI only)
    plan          its runs, full size and ``--quick``: each one's options and the checked ``Config`` they give
    runs          training them in-process (``train_record``), each record reduced to the numbers of the report
    sections      the report's prose, tables and goals, one builder per part; report: the whole, header first
    tables        the statistics and Markdown tables of that report; figures: its PNGs

torch is imported inside this package only (never by ``scratch``), and only once the arguments are checked.
"""
