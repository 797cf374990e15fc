"""The transform job kind, as the job kernel knows it."""

from __future__ import annotations

from sabio.supervision import JobKind

__all__ = ["TRANSFORM"]

TRANSFORM = JobKind(
    name="transform",
    label="Transform job",
    list_hint="`sabio transform list`",
    module="sabio.transform._supervisor",
    folder="transforms",
    dead_reason=(
        "InternalServerError: the transform job's supervisor process (pid {pid}) died without "
        "recording an outcome (killed, out of memory or machine restart). Its workers were "
        "stopped; run the job again."
    ),
    warm_up=("sabio.inference", "sabio.transform._worker", "sabio.storage"),
    stop_hint="`sabio transform stop`",
)
