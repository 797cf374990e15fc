"""``sabio.model_monitor.model_quality``: SageMaker's ModelQualityMonitor — an endpoint's
captured predictions against ground truth uploaded later (also importable from
``sabio.model_monitor.model_monitoring``, SageMaker's module)."""

from __future__ import annotations

from typing import Any

from sabio.exceptions import ValidationError
from sabio.model_monitor.model_monitoring import (
    BaseliningJob,
    DefaultModelMonitor,
    _uri,
)
from sabio.utils import unique_name

__all__ = ["ModelQualityMonitor"]


class ModelQualityMonitor(DefaultModelMonitor):
    """Model-quality monitoring (SageMaker's ``ModelQualityMonitor``): an endpoint's captured
    predictions against ground truth uploaded later, merged on ``inference_id``.

    Ground truth files (JSON Lines under ``ground_truth_input``, any layout) hold
    ``{"groundTruthData": {"data": "1", "encoding": "CSV"}, "eventMetadata": {"eventId":
    "<inference_id>"}, "eventVersion": "0"}`` per record; send requests with
    ``predictor.predict(data, inference_id=...)``.
    """

    def suggest_baseline(  # type: ignore[override]
        self,
        baseline_dataset: str,
        dataset_format: dict[str, Any],
        problem_type: str,
        inference_attribute: str | None = None,
        probability_attribute: str | None = None,
        ground_truth_attribute: str | None = None,
        probability_threshold_attribute: float | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
    ) -> BaseliningJob:
        """Metrics of a baseline dataset holding predictions and ground truth, and
        constraints at those values.

        Raises:
            ValidationError: a bad problem type, a missing column, or not CSV with a header.
            NotFoundError: the dataset does not exist.
        """
        from sabio import monitoring

        quality = _quality(
            problem_type,
            inference_attribute=inference_attribute,
            probability_attribute=probability_attribute,
            probability_threshold=probability_threshold_attribute,
            ground_truth_attribute=ground_truth_attribute,
        )
        if "csv" not in (dataset_format or {}):
            raise ValidationError("sabio baselines CSV datasets only: DatasetFormat.csv(...).")
        session = self.sagemaker_session
        name = job_name or unique_name(self.base_job_name or "model-quality-baseline")
        output = output_s3_uri or f"s3://{session.default_bucket()}/{name}/output"
        if not baseline_dataset.startswith("s3://"):
            baseline_dataset = session.upload_data(baseline_dataset, key_prefix=f"{name}/input")
        spec = monitoring.MonitoringJobSpec(
            job_name=name,
            job_type="ModelQualityBaseline",
            output_uri=output,
            dataset_uri=baseline_dataset,
            header=bool(dataset_format["csv"].get("header", True)),
            quality=quality,
        )
        monitoring.submit(session.settings, spec, session.store)
        job = BaseliningJob(name, session)
        self.latest_baselining_job, self.latest_baselining_job_name = job, name
        if wait:
            job.wait(logs=logs)
        return job

    def create_monitoring_schedule(  # type: ignore[override]
        self,
        endpoint_input: Any = None,
        ground_truth_input: str | None = None,
        problem_type: str | None = None,
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        constraints: Any = None,
        monitor_schedule_name: str | None = None,
        schedule_cron_expression: str | None = None,
        enable_cloudwatch_metrics: bool = True,
        batch_transform_input: Any = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Compare an endpoint's captured predictions with ground truth on a schedule.

        Raises:
            ValidationError: no ground truth input or problem type, an endpoint that does not
                capture its responses, or a bad expression.
            NotFoundError: the endpoint or the constraints do not exist.
        """
        from sabio import monitoring

        if batch_transform_input is not None or record_preprocessor_script:
            raise ValidationError("sabio monitors endpoints' captured traffic, unprocessed.")
        if not ground_truth_input or not str(ground_truth_input).startswith("s3://"):
            raise ValidationError(
                "create_monitoring_schedule needs ground_truth_input: the s3:// folder where "
                "ground truth is uploaded."
            )
        if problem_type is None:
            raise ValidationError("create_monitoring_schedule needs problem_type.")
        endpoint = getattr(endpoint_input, "endpoint_name", endpoint_input)
        if not isinstance(endpoint, str) or not endpoint:
            raise ValidationError("create_monitoring_schedule needs endpoint_input.")
        quality = _quality(
            problem_type,
            inference_attribute=getattr(endpoint_input, "inference_attribute", None),
            probability_attribute=getattr(endpoint_input, "probability_attribute", None),
            probability_threshold=getattr(endpoint_input, "probability_threshold_attribute", None),
            ground_truth_uri=ground_truth_input,
        )
        session = self.sagemaker_session
        if constraints is None and self.latest_baselining_job is not None:
            constraints = self.suggested_constraints()
        constraints_uri = _uri(constraints, "constraints")
        if not constraints_uri:
            raise ValidationError("create_monitoring_schedule needs constraints.")
        expression = schedule_cron_expression or "cron(0 * ? * * *)"
        monitoring.check_expression(expression)
        name = monitor_schedule_name or unique_name(self.base_job_name or "model-quality")
        spec = monitoring.MonitoringScheduleSpec(
            schedule_name=name,
            endpoint_name=endpoint,
            schedule_expression=expression,
            capture_prefix=monitoring.capture_prefix(session.settings, endpoint),
            statistics_uri=None,
            constraints_uri=constraints_uri,
            output_uri=output_s3_uri or f"s3://{session.default_bucket()}/{name}/output",
            monitoring_type="ModelQuality",
            quality=quality,
        )
        monitoring.create_schedule(session.settings, spec, session.store)
        self.monitoring_schedule_name = name


def _quality(problem_type: str, **fields: Any) -> Any:
    from pydantic import ValidationError as PydanticError

    from sabio import monitoring
    from sabio.exceptions import did_you_mean

    kinds = ("BinaryClassification", "MulticlassClassification", "Regression")
    if problem_type not in kinds:
        raise ValidationError(
            f"Unknown problem_type {problem_type!r}.{did_you_mean(str(problem_type), kinds)} "
            f"Expected one of {', '.join(kinds)}."
        )
    try:
        return monitoring.QualitySpec.model_validate({"problem_type": problem_type, **fields})
    except PydanticError as exc:
        raise ValidationError(f"Bad model-quality settings: {exc}") from exc
