"""The monitoring job kind (baselining jobs and monitoring executions) and schedule records."""

from __future__ import annotations

from sabio.catalog import RecordKind
from sabio.supervision import JobKind

__all__ = ["MONITORING", "SCHEDULE"]

#: Baselining jobs and monitoring executions: supervised jobs (SageMaker runs both as
#: processing jobs).
MONITORING = JobKind(
    name="monitoring",
    label="Monitoring job",
    list_hint="`sabio monitoring executions <schedule>`",
    module="sabio.monitoring._supervisor",
    folder="monitoring",
    warm_up=("pandas", "numpy", "sabio.monitoring._statistics", "sabio.storage"),
    stop_hint="`sabio jobs stop`",
)

#: Monitoring schedules (status ``Scheduled`` or ``Stopped``; never final).
SCHEDULE = RecordKind(
    name="monitoring-schedule",
    label="Monitoring schedule",
    list_hint="`sabio monitoring schedules`",
    terminal=frozenset(),
)
