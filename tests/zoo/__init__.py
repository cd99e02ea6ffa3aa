"""The bug zoo: classic backward-pass bugs planted in our own layers, and the checks that catch them.

``mutants`` is the catalogue, ``harness`` runs the generic checks (and the zoo's own extra ones)
against one mutant, ``test_zoo`` asserts that every mutant is caught and that scratch.manual is not.
"""
