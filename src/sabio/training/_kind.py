"""The training job kind, as the job kernel knows it."""

from __future__ import annotations

from sabio.supervision import JobKind

__all__ = ["TRAINING"]

TRAINING = JobKind(
    name="training",
    label="Training job",
    list_hint="`sabio jobs list`",
    module="sabio.training._supervisor",
    folder="jobs",
    # The supervisor records Stopping itself once it has signalled the programs.
    stop_status=None,
    dead_reason=(
        "InternalServerError: the job's supervisor process (pid {pid}) died without recording "
        "an outcome (killed, out of memory or machine restart). Its programs were stopped; "
        "re-run the job."
    ),
    stop_hint="`sabio jobs stop`",
)
