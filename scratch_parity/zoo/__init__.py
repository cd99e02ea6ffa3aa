"""The bug zoo: classic backward-pass bugs planted in our own layers, and the harness that runs them.

``mutants`` is the catalogue (each bug one step away from a correct layer), ``harness`` runs every
check of the suite, and the zoo's own extra ones, against one mutant on fixed examples.

Each mutant is also an implementation that ``scratch-check`` takes by name, to see what the checker
says of a known bug::

    scratch-check scratch_parity.zoo:relu-mutates-dout --only ReLU
"""


def __getattr__(name: str):
    """``scratch_parity.zoo:<mutant name>``: the mutant's namespace (scratch.manual with its one bug)."""
    from scratch_parity.zoo.mutants import MUTANTS

    for mutant in MUTANTS:
        if mutant.name == name:
            layers = mutant.make_module()
            layers.__doc__ = f"zoo bug {mutant.name} ({mutant.op}): {mutant.description}"
            return layers
    raise AttributeError(f"the bug zoo has no mutant {name!r}; see scratch_parity.zoo.mutants.MUTANTS for the names")
