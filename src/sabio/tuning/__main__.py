"""``python -m sabio.tuning <tuning-job-folder> [--warm-pool ARG]``: run a tuning job's
supervisor (started by ``sabio.tuning.submit`` or ``resume``)."""

from __future__ import annotations

from sabio import supervision
from sabio.tuning._kind import TUNING
from sabio.tuning._supervisor import TuningProgram

if __name__ == "__main__":
    supervision.main(TUNING, TuningProgram())
