"""Entry point for ``python -m research``."""

from research.cli import main

raise SystemExit(main())
