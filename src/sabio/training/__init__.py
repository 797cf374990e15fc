"""Training jobs: the SageMaker script-mode contract, the supervisor and its launcher."""

from sabio.backends._instances import PRICES_AS_OF, InstanceType, instance_type, load_prices
from sabio.training._artifacts import pack_code, pack_folder
from sabio.training._jobs import (
    adopt_standby,
    describe,
    follow,
    job_dir,
    metrics_file,
    prepare_standby,
    reconcile,
    stop,
    submit,
    wait,
)
from sabio.training._spec import ChannelSpec, MetricDefinition, TrainingJobSpec, check_job_name

__all__ = [
    "PRICES_AS_OF",
    "ChannelSpec",
    "InstanceType",
    "MetricDefinition",
    "TrainingJobSpec",
    "adopt_standby",
    "check_job_name",
    "describe",
    "follow",
    "instance_type",
    "job_dir",
    "load_prices",
    "metrics_file",
    "pack_code",
    "pack_folder",
    "prepare_standby",
    "reconcile",
    "stop",
    "submit",
    "wait",
]
