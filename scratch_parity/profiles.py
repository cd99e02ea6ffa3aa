"""Hypothesis profiles of the parity suite and of this project's tests.

``default`` (quick), ``ci`` (the same, derandomized: loaded when CI is set), ``thorough`` (many
examples: ``HYPOTHESIS_PROFILE=thorough make test``) and ``grading`` (scratch-check's: seeded, no
example database). A conftest calls ``load()``; the pytest plugin does not, so that installing the
package changes no other project's hypothesis settings.
"""

import os

from hypothesis import HealthCheck, settings

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PROFILES = {
    "default": dict(max_examples=20, **_common),
    "ci": dict(max_examples=20, derandomize=True, print_blob=True, **_common),
    "thorough": dict(max_examples=500, **_common),
    # scratch-check: the examples from --hypothesis-seed alone, and no example database (none is read from,
    # or written to, the folder of the module under check), so a submission's grade is the same every time
    "grading": dict(max_examples=20, database=None, print_blob=True, **_common),
}


def load() -> str:
    """Register the profiles and load the one that ``HYPOTHESIS_PROFILE`` (or CI) asks for; its name."""
    for name, kwargs in PROFILES.items():
        settings.register_profile(name, **kwargs)
    name = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
    settings.load_profile(name)
    return name
