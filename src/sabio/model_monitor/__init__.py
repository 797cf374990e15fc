"""``sabio.model_monitor``: SageMaker's Model Monitor — data capture of endpoint traffic,
data-quality baselines, monitoring schedules and their executions.

Example:
    >>> from sabio.model_monitor import CronExpressionGenerator, DataCaptureConfig
    >>> CronExpressionGenerator.daily(hour=2)
    'cron(0 2 ? * * *)'
"""

from sabio.model_monitor.cron_expression_generator import CronExpressionGenerator
from sabio.model_monitor.data_capture_config import (
    CaptureOptions,
    DataCaptureConfig,
    capture_request,
)
from sabio.model_monitor.dataset_format import DatasetFormat
from sabio.model_monitor.model_monitoring import (
    BaseliningJob,
    DefaultModelMonitor,
    EndpointInput,
    ModelQualityMonitor,
    MonitoringExecution,
)
from sabio.model_monitor.monitoring_files import Constraints, ConstraintViolations, Statistics

__all__ = [
    "BaseliningJob",
    "CaptureOptions",
    "ConstraintViolations",
    "Constraints",
    "CronExpressionGenerator",
    "DataCaptureConfig",
    "DatasetFormat",
    "DefaultModelMonitor",
    "EndpointInput",
    "ModelQualityMonitor",
    "MonitoringExecution",
    "Statistics",
    "capture_request",
]
