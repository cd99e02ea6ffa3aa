"""The ``scratch-train`` command (being built)."""


def main(argv=None) -> int:
    raise SystemExit("scratch-train: not implemented yet")
