"""Training jobs: the SageMaker script-mode contract, the supervisor and its launcher."""

from sabio.supervision._instances import PRICES_AS_OF, InstanceType, instance_type, load_prices
from sabio.training._artifacts import pack_code, pack_folder
from sabio.training._jobs import (
    adopt_warm_pool,
    describe,
    follow,
    job_dir,
    lend_warm_pool,
    metrics_file,
    prepare_warm_pool,
    stop,
    submit,
    wait,
)
from sabio.training._kind import TRAINING
from sabio.training._prune import PrunedJob, prune
from sabio.training._spec import ChannelSpec, MetricDefinition, TrainingJobSpec, check_job_name

__all__ = [
    "PRICES_AS_OF",
    "TRAINING",
    "ChannelSpec",
    "InstanceType",
    "MetricDefinition",
    "PrunedJob",
    "TrainingJobSpec",
    "adopt_warm_pool",
    "check_job_name",
    "describe",
    "follow",
    "instance_type",
    "job_dir",
    "lend_warm_pool",
    "load_prices",
    "metrics_file",
    "pack_code",
    "pack_folder",
    "prepare_warm_pool",
    "prune",
    "stop",
    "submit",
    "wait",
]
