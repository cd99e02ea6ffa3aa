"""``python -m scratch_parity MODULE ...`` is ``scratch-check MODULE ...``."""

from scratch_parity.check import main

raise SystemExit(main())
