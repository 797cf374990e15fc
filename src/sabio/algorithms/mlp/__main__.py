"""Entry point: ``python -m sabio.algorithms.mlp``."""

from __future__ import annotations

from sabio.algorithms._program import main
from sabio.algorithms.mlp._algorithm import ALGORITHM

if __name__ == "__main__":
    raise SystemExit(main(ALGORITHM))
