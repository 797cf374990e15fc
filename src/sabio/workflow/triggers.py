"""``sabio.workflow.triggers.PipelineSchedule``: SageMaker's pipeline schedules, run by the
workspace's scheduler (``sabio scheduler start``; see ``docs/scheduling.md``).

Example:
    >>> from sabio.workflow.triggers import PipelineSchedule
    >>> PipelineSchedule(rate=(5, "minutes")).resolve_schedule_expression()
    'rate(5 minutes)'
    >>> PipelineSchedule(cron="0 12 * * ? *").resolve_schedule_expression()
    'cron(0 12 * * ? *)'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sabio.exceptions import ValidationError

if TYPE_CHECKING:
    from sabio.session import Session
    from sabio.workflow.parameters import Parameter

__all__ = ["PipelineSchedule", "Trigger", "delete_triggers", "describe_trigger", "put_triggers"]

_ROLE = "arn:aws:iam::000000000000:role/sabio-local-execution-role"


class Trigger:
    """A pipeline trigger: its ``name`` (default the pipeline's) and whether it is
    ``enabled``."""

    def __init__(self, name: str | None = None, enabled: bool = True) -> None:
        self.name = name
        self.enabled = enabled

    def resolve_trigger_name(self, pipeline_name: str) -> str:
        """The trigger's name, the pipeline's when none was given."""
        if self.name is None:
            self.name = pipeline_name
        return self.name

    def resolve_trigger_state(self) -> str:
        """``ENABLED`` or ``DISABLED``."""
        return "ENABLED" if self.enabled else "DISABLED"


class PipelineSchedule(Trigger):
    """A schedule of a pipeline: exactly one of ``at`` (a datetime, UTC when naive),
    ``rate`` (``(5, "minutes")``) or ``cron`` (``"0 12 * * ? *"``), from ``start_date``
    (default now). SageMaker's signature.
    """

    def __init__(
        self,
        name: str | None = None,
        enabled: bool = True,
        start_date: dt.datetime | None = None,
        at: dt.datetime | None = None,
        rate: tuple[int, str] | None = None,
        cron: str | None = None,
    ) -> None:
        super().__init__(name, enabled)
        self.start_date = start_date
        self.at = at
        self.rate = rate
        self.cron = cron

    def resolve_schedule_expression(self) -> str:
        """The EventBridge expression: ``at(...)``, ``rate(...)`` or ``cron(...)``.

        Raises:
            ValidationError: none or several of ``at``, ``rate`` and ``cron``, or a wrong type.
        """
        given = [x for x in (self.at, self.rate, self.cron) if x is not None]
        if len(given) != 1:
            raise ValidationError(
                "PipelineSchedule needs exactly one of at=, rate= or cron= (got "
                f"{len(given)}), e.g. PipelineSchedule(rate=(1, 'hour'))."
            )
        if self.at is not None:
            if not isinstance(self.at, dt.datetime):
                raise ValidationError(f"at= must be a datetime, got {self.at!r}.")
            moment = self.at.astimezone(dt.UTC) if self.at.tzinfo else self.at
            return f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})"
        if self.rate is not None:
            if not isinstance(self.rate, tuple) or len(self.rate) != 2:
                raise ValidationError(f"rate= must be (value, unit), got {self.rate!r}.")
            return f"rate({self.rate[0]} {self.rate[1]})"
        if not isinstance(self.cron, str):
            raise ValidationError(f"cron= must be a string, got {self.cron!r}.")
        return f"cron({self.cron})"


def _schedule_arn(session: Session, name: str) -> str:
    return f"arn:aws:scheduler:{session.boto_region_name}:000000000000:schedule/default/{name}"


def put_triggers(
    session: Session,
    pipeline_name: str,
    parameters: Sequence[Parameter],
    triggers: Sequence[Trigger],
) -> list[str]:
    """Create (or replace) the schedules of a pipeline; return their ARNs.

    As in SageMaker, scheduled executions run with the parameters' defaults, so every
    parameter needs one.

    Raises:
        ValidationError: a parameter without a default, or a bad schedule.
    """
    from sabio.exceptions import NotFoundError
    from sabio.scheduling import create_schedule, delete_schedule, describe_schedule

    missing = [p.name for p in parameters if getattr(p, "default_value", None) is None]
    if missing:
        raise ValidationError(
            f"Pipeline {pipeline_name!r}: scheduled executions run with the parameters' "
            f"defaults; give these a default_value: {missing}."
        )
    arns = []
    for trigger in triggers:
        if not isinstance(trigger, PipelineSchedule):
            raise ValidationError(f"Unsupported trigger {trigger!r}: use PipelineSchedule.")
        name = trigger.resolve_trigger_name(pipeline_name)
        expression = trigger.resolve_schedule_expression()
        try:
            describe_schedule(session.settings, name)
            delete_schedule(session.settings, name)
        except NotFoundError:
            pass
        create_schedule(
            session.settings,
            name,
            pipeline_name=pipeline_name,
            expression=expression,
            start_date=trigger.start_date,
            enabled=trigger.enabled,
        )
        arns.append(_schedule_arn(session, name))
    return arns


def describe_trigger(session: Session, trigger_name: str) -> dict[str, Any]:
    """A schedule in the SageMaker SDK's ``describe_trigger`` shape.

    Raises:
        NotFoundError: no such schedule.
    """
    from sabio.scheduling import describe_schedule

    schedule = describe_schedule(session.settings, trigger_name)
    return {
        "Schedule_Arn": _schedule_arn(session, schedule.name),
        "Schedule_Expression": schedule.expression,
        "Schedule_State": schedule.state,
        "Schedule_Start_Date": dt.datetime.fromtimestamp(schedule.start_at, tz=dt.UTC),
        "Schedule_Role": _ROLE,
    }


def delete_triggers(session: Session, trigger_names: Sequence[str]) -> None:
    """Delete schedules by name.

    Raises:
        NotFoundError: one does not exist.
    """
    from sabio.scheduling import delete_schedule

    for name in trigger_names:
        delete_schedule(session.settings, name)
