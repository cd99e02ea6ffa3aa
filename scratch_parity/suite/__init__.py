"""The parity suite's test templates: ``pytest --pyargs scratch_parity.suite [--impl=mypkg.layers]``.

test_parity        the generic checks of every registry op (forward, gradient, finite differences,
                   contract, bad input), on hypothesis draws;
test_extra_checks  the bug zoo's own checks (extremes, fresh masks, accumulation, whole sequences).
"""
