"""``python -m coursekit MODULE ...`` is ``scratch-check MODULE ...``."""

from coursekit.check import main

raise SystemExit(main())
