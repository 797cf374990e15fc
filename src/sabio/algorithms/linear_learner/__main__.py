"""Entry point: ``python -m sabio.algorithms.linear_learner``."""

from __future__ import annotations

from sabio.algorithms._program import main
from sabio.algorithms.linear_learner._algorithm import ALGORITHM

if __name__ == "__main__":
    raise SystemExit(main(ALGORITHM))
