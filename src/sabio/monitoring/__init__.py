"""Model monitoring: data capture of endpoint traffic, data-quality baselines, schedules and
monitoring executions (supervised jobs of kind :data:`MONITORING`).

Example:
    >>> from sabio._config import load_settings
    >>> from sabio import monitoring
    >>> settings = load_settings()  # doctest: +SKIP
    >>> monitoring.run_monitoring_period(settings, "fraud-dq", start, end)  # doctest: +SKIP
"""

from sabio.monitoring._capture import (
    DEFAULT_CSV_CONTENT_TYPES,
    DEFAULT_JSON_CONTENT_TYPES,
    CaptureWriter,
    capture_record,
)
from sabio.monitoring._cron import check_expression, last_period
from sabio.monitoring._jobs import (
    capture_prefix,
    check_baseline_dataset,
    create_schedule,
    delete_schedule,
    describe,
    executions,
    job_dir,
    run_due,
    run_monitoring_period,
    start_schedule,
    stop_schedule,
    submit,
    wait,
)
from sabio.monitoring._kind import MONITORING, SCHEDULE
from sabio.monitoring._spec import MonitoringJobSpec, MonitoringScheduleSpec, QualitySpec

__all__ = [
    "DEFAULT_CSV_CONTENT_TYPES",
    "DEFAULT_JSON_CONTENT_TYPES",
    "MONITORING",
    "SCHEDULE",
    "CaptureWriter",
    "MonitoringJobSpec",
    "MonitoringScheduleSpec",
    "QualitySpec",
    "capture_prefix",
    "capture_record",
    "check_baseline_dataset",
    "check_expression",
    "create_schedule",
    "delete_schedule",
    "describe",
    "executions",
    "job_dir",
    "last_period",
    "run_due",
    "run_monitoring_period",
    "start_schedule",
    "stop_schedule",
    "submit",
    "wait",
]
