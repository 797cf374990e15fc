"""Entry point: ``python -m sabio.algorithms.xgboost``."""

from __future__ import annotations

from sabio.algorithms._program import main
from sabio.algorithms.xgboost._algorithm import ALGORITHM

if __name__ == "__main__":
    raise SystemExit(main(ALGORITHM))
