"""The tuning job kind, as the job kernel knows it."""

from __future__ import annotations

from sabio.supervision import JobKind

__all__ = ["TUNING"]

TUNING = JobKind(
    name="tuning",
    label="Tuning job",
    list_hint="`sabio tuning list`",
    module="sabio.tuning",
    folder="tuning-jobs",
    dead_reason=(
        "InternalServerError: the tuning job's supervisor process (pid {pid}) died without "
        "recording an outcome (killed, out of memory or machine restart); its running trials "
        "were stopped. Start a new tuning job with a warm start from {name!r} to reuse its "
        "finished trials."
    ),
    stop_hint="`sabio tuning stop`",
)
