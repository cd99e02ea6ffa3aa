"""Benchmarks run apart from the tests: ``.venv/bin/pytest bench --benchmark-only``."""
