"""What a schedule starts: a pipeline execution or a processing job (:func:`start_target`),
and the due executions of monitoring schedules (:func:`start_due_monitoring`). The one place
a scheduled run is started."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from sabio._config import Settings

__all__ = ["ScheduleTarget", "start_due_monitoring", "start_target"]


class ScheduleTarget(BaseModel):
    """Exactly one of:

    Attributes:
        pipeline_name: a pipeline in the catalog; each run is an execution with the
            schedule's parameters (and, for a data-arrival trigger, the object's URI).
        processing_job: a CreateProcessingJob request (SageMaker's shape); each run is a job
            named ``<ProcessingJobName>-<timestamp>``, its ``Environment`` extended with the
            parameters.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    pipeline_name: str | None = None
    processing_job: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one(self) -> ScheduleTarget:
        if (self.pipeline_name is None) == (self.processing_job is None):
            raise ValueError("give exactly one of pipeline_name and processing_job")
        return self

    def describe(self) -> str:
        """A short text of what runs, for tables and logs."""
        if self.pipeline_name is not None:
            return f"pipeline {self.pipeline_name}"
        assert self.processing_job is not None
        return f"processing job {self.processing_job.get('ProcessingJobName')}-*"

    def check(self) -> None:
        """Refuse a target that cannot start (a malformed processing request).

        Raises:
            ValidationError: names what is wrong.
        """
        if self.processing_job is not None:
            from sabio.processing_jobs import ProcessingJobSpec

            ProcessingJobSpec.from_create_processing_job(self.processing_job)


def start_target(
    settings: Settings, target: ScheduleTarget, parameters: dict[str, Any], trigger: str
) -> str:
    """Start one run of ``target`` with ``parameters``; return the execution's or job's name.

    Raises:
        SabioError: the run could not start (the scheduler records the reason).
    """
    if target.pipeline_name is not None:
        from sabio.pipelines import start_execution

        return start_execution(settings, target.pipeline_name, dict(parameters), trigger=trigger)
    from sabio.processing_jobs import ProcessingJobSpec, start_processing_job
    from sabio.utils import unique_name

    assert target.processing_job is not None
    request = dict(target.processing_job)
    request["ProcessingJobName"] = unique_name(str(request.get("ProcessingJobName") or "job"))
    request["Environment"] = {
        **dict(request.get("Environment") or {}),
        **{str(k): str(v) for k, v in parameters.items()},
        "SABIO_TRIGGER": trigger,
    }
    return start_processing_job(settings, ProcessingJobSpec.from_create_processing_job(request))


def start_due_monitoring(settings: Settings, now: float) -> list[str]:
    """Start the monitoring executions due at ``now`` (each ``Scheduled`` monitoring
    schedule's latest period, by its cron); return their names.

    Two schedulers never start one period twice: its execution is named after the period
    and the catalog grants a job name once (see :func:`sabio.monitoring.run_due`).
    """
    from sabio import monitoring

    return [record.name for record in monitoring.run_due(settings, now=now)]
