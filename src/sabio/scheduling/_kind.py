"""The scheduler, a job kind of its own (one per workspace, as the kernel runs it)."""

from __future__ import annotations

from sabio.supervision import JobKind

__all__ = ["SCHEDULER"]

SCHEDULER = JobKind(
    name="scheduler",
    label="Scheduler",
    list_hint="`sabio scheduler status`",
    module="sabio.scheduling._supervisor",
    folder="schedulers",
    dead_reason=(
        "InternalServerError: the scheduler process (pid {pid}) died (killed, out of memory or "
        "machine restart). Start it again with `sabio scheduler start`; runs it missed follow "
        "the missed-run policy."
    ),
    stop_hint="`sabio scheduler stop`",
)
