"""``sabio.model_monitor.model_monitoring``: SageMaker's DefaultModelMonitor (data quality):
baselines, schedules and executions over an endpoint's captured traffic.

Example:
    >>> from sabio.model_monitor import CronExpressionGenerator, DatasetFormat, DefaultModelMonitor
    >>> monitor = DefaultModelMonitor(role="any", instance_type="ml.m5.xlarge")  # doctest: +SKIP
    >>> monitor.suggest_baseline(baseline_dataset="s3://b/train.csv",
    ...                          dataset_format=DatasetFormat.csv(header=True),
    ...                          output_s3_uri="s3://b/baseline")  # doctest: +SKIP
    >>> monitor.create_monitoring_schedule(
    ...     endpoint_input="fraud", output_s3_uri="s3://b/reports",
    ...     schedule_cron_expression=CronExpressionGenerator.hourly())  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from sabio.exceptions import JobFailedError, NotFoundError, ValidationError
from sabio.model_monitor.monitoring_files import Constraints, ConstraintViolations, Statistics
from sabio.session import Session
from sabio.utils import unique_name

__all__ = [
    "BaseliningJob",
    "DefaultModelMonitor",
    "EndpointInput",
    "ModelQualityMonitor",
    "MonitoringExecution",
]

_OFFSET = re.compile(r"^-PT(?:(\d+)H)?(?:(\d+)M)?$")


class EndpointInput:
    """The endpoint a schedule monitors (SageMaker's ``EndpointInput``); for model quality,
    where the prediction is in its responses (``inference_attribute``: CSV index or JSON key;
    ``probability_attribute`` and ``probability_threshold_attribute`` for scores)."""

    def __init__(
        self,
        endpoint_name: str,
        destination: str = "/opt/ml/processing/input",
        inference_attribute: str | None = None,
        probability_attribute: str | None = None,
        probability_threshold_attribute: float | None = None,
        **_: Any,
    ) -> None:
        self.endpoint_name = endpoint_name
        self.destination = destination
        self.inference_attribute = inference_attribute
        self.probability_attribute = probability_attribute
        self.probability_threshold_attribute = probability_threshold_attribute


class _Job:
    """A monitoring job (baselining job or execution) as the SDK shows it."""

    def __init__(self, name: str, session: Session) -> None:
        self.job_name = name
        self.sagemaker_session = session

    def describe(self) -> dict[str, Any]:
        """DescribeProcessingJob-like description of the job."""
        from sabio._describe import describe_monitoring_job

        return describe_monitoring_job(self.sagemaker_session, self.job_name)

    def wait(self, logs: bool = True, timeout: float | None = 600.0) -> None:
        """Block until the job ends.

        Raises:
            JobFailedError: the job failed (with its reason).
        """
        from sabio import monitoring

        record = monitoring.wait(self.sagemaker_session.settings, self.job_name, timeout=timeout)
        if record.status != "Completed":
            raise JobFailedError(
                f"Monitoring job {self.job_name} {record.status}. Reason: {record.failure_reason}"
            )

    @property
    def output_uri(self) -> str:
        return str(self.describe()["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"])


class BaseliningJob(_Job):
    """A baselining job: its ``statistics.json`` and ``constraints.json``."""

    def baseline_statistics(self) -> Statistics:
        """The baseline's statistics."""
        return Statistics.from_s3_uri(
            f"{self.output_uri}/statistics.json", sagemaker_session=self.sagemaker_session
        )

    def suggested_constraints(self) -> Constraints:
        """The constraints suggested from the baseline."""
        return Constraints.from_s3_uri(
            f"{self.output_uri}/constraints.json", sagemaker_session=self.sagemaker_session
        )


class MonitoringExecution(_Job):
    """One execution of a monitoring schedule."""

    def statistics(self) -> Statistics:
        """The period's statistics."""
        return Statistics.from_s3_uri(
            f"{self.output_uri}/statistics.json", sagemaker_session=self.sagemaker_session
        )

    def constraint_violations(self) -> ConstraintViolations:
        """The period's constraint violations (an empty list when none)."""
        return ConstraintViolations.from_s3_uri(
            f"{self.output_uri}/constraint_violations.json",
            sagemaker_session=self.sagemaker_session,
        )


def _uri(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    uri = getattr(value, "file_s3_uri", None)
    if uri is None:
        raise ValidationError(f"{what} must be an s3:// URI or a {what.title()} object.")
    return str(uri)


def _offset(value: str, what: str) -> float:
    match = _OFFSET.match(value)
    if match is None:
        raise ValidationError(
            f"{what} must be an ISO 8601 offset before now like '-PT1H' or '-PT0H', got {value!r}."
        )
    return -(int(match.group(1) or 0) * 3600 + int(match.group(2) or 0) * 60)


class DefaultModelMonitor:
    """Data-quality monitoring of an endpoint (SageMaker's ``DefaultModelMonitor``).

    Args:
        role, instance_count, instance_type, volume_size_in_gb, ...: accepted for compatibility
            (jobs run here).
        max_runtime_in_seconds: accepted; monitoring jobs are not cut short.
        base_job_name: prefix of generated job names.
        sagemaker_session: the session (default: a new one).
    """

    def __init__(
        self,
        role: str | None = None,
        instance_count: int = 1,
        instance_type: str = "ml.m5.xlarge",
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: Any = None,
        network_config: Any = None,
    ) -> None:
        self.role = role
        self.instance_count = instance_count
        self.instance_type = instance_type
        self.base_job_name = base_job_name
        self.sagemaker_session = sagemaker_session or Session()
        self.env = dict(env or {})
        self.latest_baselining_job: BaseliningJob | None = None
        self.latest_baselining_job_name: str | None = None
        self.monitoring_schedule_name: str | None = None

    # ------------------------------------------------------------------ baseline
    def suggest_baseline(
        self,
        baseline_dataset: str,
        dataset_format: dict[str, Any],
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
    ) -> BaseliningJob:
        """Run a baselining job: ``statistics.json`` and ``constraints.json`` of a CSV dataset.

        Raises:
            ValidationError: a dataset format other than CSV, a header claimed on a file
                without one, or preprocessor scripts (not supported).
            NotFoundError: the dataset does not exist.
            JobFailedError: (``wait``) the job failed.
        """
        from sabio import monitoring

        if record_preprocessor_script or post_analytics_processor_script:
            raise ValidationError(
                "sabio's baselining does not run record_preprocessor_script or "
                "post_analytics_processor_script; prepare the CSV dataset beforehand."
            )
        if "csv" not in (dataset_format or {}):
            raise ValidationError(
                f"sabio baselines CSV datasets only; got dataset_format={dataset_format!r}. "
                "Pass DatasetFormat.csv(header=True) (or header=False)."
            )
        session = self.sagemaker_session
        name = job_name or unique_name(self.base_job_name or "baseline-suggestion-job")
        output = output_s3_uri or f"s3://{session.default_bucket()}/{name}/output"
        if not baseline_dataset.startswith("s3://"):
            baseline_dataset = session.upload_data(baseline_dataset, key_prefix=f"{name}/input")
        spec = monitoring.MonitoringJobSpec(
            job_name=name,
            job_type="DataQualityBaseline",
            output_uri=output,
            dataset_uri=baseline_dataset,
            header=bool(dataset_format["csv"].get("header", True)),
        )
        monitoring.submit(session.settings, spec, session.store)
        job = BaseliningJob(name, session)
        self.latest_baselining_job, self.latest_baselining_job_name = job, name
        if wait:
            job.wait(logs=logs)
        return job

    def baseline_statistics(self) -> Statistics:
        """The latest baselining job's statistics."""
        return self._baselining().baseline_statistics()

    def suggested_constraints(self) -> Constraints:
        """The latest baselining job's constraints."""
        return self._baselining().suggested_constraints()

    def _baselining(self) -> BaseliningJob:
        if self.latest_baselining_job is None:
            raise ValidationError("No baselining job yet: call suggest_baseline() first.")
        return self.latest_baselining_job

    # ------------------------------------------------------------------ schedule
    def create_monitoring_schedule(
        self,
        endpoint_input: Any = None,
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        constraints: Any = None,
        statistics: Any = None,
        monitor_schedule_name: str | None = None,
        schedule_cron_expression: str | None = None,
        enable_cloudwatch_metrics: bool = True,
        batch_transform_input: Any = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Monitor an endpoint's captured traffic against a baseline on a schedule.

        ``statistics``/``constraints`` default to the latest baselining job's. Executions
        run when due (``sabio monitoring run-due``, or the scheduler) or on demand
        (:meth:`run_monitoring_period`); ``CronExpressionGenerator.now()`` runs one now over
        ``[now + data_analysis_start_time, now + data_analysis_end_time)``.

        Raises:
            ValidationError: no endpoint, an endpoint without data capture, a bad expression,
                or batch transform input (not supported).
            NotFoundError: the endpoint or a baseline file does not exist.
        """
        from sabio import monitoring

        if batch_transform_input is not None:
            raise ValidationError("sabio monitors endpoints' captured traffic only.")
        if record_preprocessor_script or post_analytics_processor_script:
            raise ValidationError("sabio's monitoring does not run preprocessor scripts.")
        endpoint = getattr(endpoint_input, "endpoint_name", endpoint_input)
        if not isinstance(endpoint, str) or not endpoint:
            raise ValidationError(
                "create_monitoring_schedule needs endpoint_input (the endpoint's name or "
                "predictor)."
            )
        session = self.sagemaker_session
        if statistics is None and self.latest_baselining_job is not None:
            statistics = self.baseline_statistics()
        if constraints is None and self.latest_baselining_job is not None:
            constraints = self.suggested_constraints()
        stats_uri, constraints_uri = (
            _uri(statistics, "statistics"),
            _uri(constraints, "constraints"),
        )
        if not stats_uri or not constraints_uri:
            raise ValidationError(
                "create_monitoring_schedule needs statistics and constraints: run "
                "suggest_baseline() first or pass them."
            )
        expression = schedule_cron_expression or "cron(0 * ? * * *)"
        monitoring.check_expression(expression)
        name = monitor_schedule_name or unique_name(self.base_job_name or "monitoring-schedule")
        output = output_s3_uri or f"s3://{session.default_bucket()}/{name}/output"
        spec = monitoring.MonitoringScheduleSpec(
            schedule_name=name,
            endpoint_name=endpoint,
            schedule_expression=expression,
            capture_prefix=monitoring.capture_prefix(session.settings, endpoint),
            statistics_uri=stats_uri,
            constraints_uri=constraints_uri,
            output_uri=output,
        )
        monitoring.create_schedule(session.settings, spec, session.store)
        self.monitoring_schedule_name = name
        if expression == "NOW":
            now = time.time()
            start = now + _offset(data_analysis_start_time or "-PT1H", "data_analysis_start_time")
            end = now + _offset(data_analysis_end_time or "-PT0H", "data_analysis_end_time")
            monitoring.run_monitoring_period(session.settings, name, start, end, wait_for=False)

    def _schedule(self) -> str:
        if self.monitoring_schedule_name is None:
            raise ValidationError("No monitoring schedule yet: call create_monitoring_schedule().")
        return self.monitoring_schedule_name

    def describe_schedule(self) -> dict[str, Any]:
        """DescribeMonitoringSchedule of this monitor's schedule."""
        from sabio._describe import describe_monitoring_schedule

        return describe_monitoring_schedule(self.sagemaker_session, self._schedule())

    def run_monitoring_period(
        self, start_time: dt.datetime | float, end_time: dt.datetime | float, wait: bool = True
    ) -> MonitoringExecution:
        """Run one execution now over the traffic captured in ``[start_time, end_time)``
        (sabio's on-demand run; the schedule's own runs use the same job).

        Raises:
            JobFailedError: (``wait``) the execution failed.
        """
        from sabio import monitoring

        def seconds(value: dt.datetime | float) -> float:
            return value.timestamp() if isinstance(value, dt.datetime) else float(value)

        record = monitoring.run_monitoring_period(
            self.sagemaker_session.settings,
            self._schedule(),
            seconds(start_time),
            seconds(end_time),
            wait_for=False,
        )
        execution = MonitoringExecution(record.name, self.sagemaker_session)
        if wait:
            execution.wait()
        return execution

    def list_executions(self) -> list[MonitoringExecution]:
        """This schedule's executions, oldest first (SageMaker's order)."""
        from sabio import monitoring

        records = monitoring.executions(self.sagemaker_session.settings, self._schedule())
        return [MonitoringExecution(r.name, self.sagemaker_session) for r in reversed(records)]

    def _latest_completed(self) -> MonitoringExecution | None:
        from sabio import monitoring

        records = monitoring.executions(self.sagemaker_session.settings, self._schedule())
        for record in records:
            if record.status == "Completed":
                return MonitoringExecution(record.name, self.sagemaker_session)
        return None

    def latest_monitoring_statistics(self) -> Statistics | None:
        """The newest completed execution's statistics (None when there is none)."""
        execution = self._latest_completed()
        return None if execution is None else execution.statistics()

    def latest_monitoring_constraint_violations(self) -> ConstraintViolations | None:
        """The newest completed execution's violations (None when there is none)."""
        execution = self._latest_completed()
        return None if execution is None else execution.constraint_violations()

    def stop_monitoring_schedule(self) -> None:
        """Stop the schedule (no more executions until started again)."""
        from sabio import monitoring

        monitoring.stop_schedule(self.sagemaker_session.settings, self._schedule())

    def start_monitoring_schedule(self) -> None:
        """Start the stopped schedule again."""
        from sabio import monitoring

        monitoring.start_schedule(self.sagemaker_session.settings, self._schedule())

    def delete_monitoring_schedule(self) -> None:
        """Delete the schedule (executions' files stay)."""
        from sabio import monitoring

        monitoring.delete_schedule(self.sagemaker_session.settings, self._schedule())
        self.monitoring_schedule_name = None

    @classmethod
    def attach(cls, monitor_schedule_name: str, sagemaker_session: Session | None = None) -> Any:
        """The monitor of an existing schedule.

        Raises:
            NotFoundError: no such schedule.
        """
        from sabio import monitoring

        session = sagemaker_session or Session()
        try:
            monitoring.executions(session.settings, monitor_schedule_name)
        except NotFoundError:
            raise
        monitor = cls(sagemaker_session=session)
        monitor.monitoring_schedule_name = monitor_schedule_name
        return monitor


# SageMaker keeps ModelQualityMonitor in this module; sabio's lives next door (module size).
from sabio.model_monitor.model_quality import ModelQualityMonitor  # noqa: E402
