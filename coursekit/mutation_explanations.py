"""Why each mutant that survives `make mutation` survives: {mutant name: (marker, reason)}."""

EXPLANATIONS: dict[str, tuple[str, str]] = {}
