"""Training runs of the seed assignments' models with all three implementations (the ``scratch-train`` CLI)."""
