"""This project's tests: the hypothesis profiles (``scratch_parity.profiles``).

The plugin (``scratch_parity.plugin``, loaded through its entry point) gives the options and the
``numpy_errors_raise`` fixture, which pyproject.toml applies to every test; the parity suite's own
fixtures are in ``scratch_parity/suite/conftest.py``.
"""

from scratch_parity import profiles

profiles.load()
