"""Entry point: ``python -m sabio.algorithms.text_classifier``."""

from __future__ import annotations

from sabio.algorithms.text_classifier._program import main

if __name__ == "__main__":
    raise SystemExit(main())
