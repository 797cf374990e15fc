"""The processing job kind, as the job kernel knows it."""

from __future__ import annotations

from sabio.supervision import JobKind

__all__ = ["PROCESSING"]

PROCESSING = JobKind(
    name="processing",
    label="Processing job",
    list_hint="`sabio processing list`",
    module="sabio.processing_jobs._supervisor",
    folder="processing",
    dead_reason=(
        "InternalServerError: the processing job's supervisor process (pid {pid}) died without "
        "recording an outcome (killed, out of memory or machine restart). Its programs were "
        "stopped; run the job again."
    ),
    stop_hint="`sabio processing stop`",
)
