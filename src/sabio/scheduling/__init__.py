"""Triggers: schedules (EventBridge's ``rate()``, ``cron()`` and ``at()`` expressions) and
data-arrival triggers that start pipeline executions (or processing jobs), run by a
supervised scheduler process with a run history. See ``docs/scheduling.md``.
"""

from sabio.scheduling._expressions import Expression, parse_expression
from sabio.scheduling._kind import SCHEDULER
from sabio.scheduling._scheduler import running_schedulers, start_scheduler, stop_scheduler
from sabio.scheduling._schedules import (
    create_schedule,
    delete_schedule,
    describe_schedule,
    list_runs,
    list_schedules,
    set_schedule_state,
)
from sabio.scheduling._targets import ScheduleTarget, start_target
from sabio.scheduling._tick import occurrence_name, tick

__all__ = [
    "SCHEDULER",
    "Expression",
    "ScheduleTarget",
    "create_schedule",
    "delete_schedule",
    "describe_schedule",
    "list_runs",
    "list_schedules",
    "occurrence_name",
    "parse_expression",
    "running_schedulers",
    "set_schedule_state",
    "start_scheduler",
    "start_target",
    "stop_scheduler",
    "tick",
]
