"""The job's environment as SageMaker's containers expose it, read from sabio's job.

Every sabio training job carries ``SM_TRAINING_ENV`` (the toolkit's training environment
as JSON) and the ``SM_*`` variables; :class:`TrainingEnv` reads them. Endpoints carry
SageMaker's ``SAGEMAKER_*`` serving variables; :class:`ServingEnv` reads those.
"""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["ServingEnv", "TrainingEnv", "training_env"]


def _env_json(name: str, default: Any) -> Any:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class TrainingEnv:
    """The training job's environment (``sagemaker_containers.training_env()``).

    Attributes mirror the toolkit's: ``hosts``, ``current_host``, ``model_dir``,
    ``channel_input_dirs``, ``hyperparameters``, ``num_cpus``, ``num_gpus``,
    ``output_data_dir``, ``output_dir``, ``input_dir``, ``input_config_dir``,
    ``job_name``, ``user_entry_point``, ``module_name``, ``network_interface_name``,
    ``resource_config``, ``input_data_config``, ``log_level``, ``is_master``.

    Raises:
        RuntimeError: outside a training job (no ``SM_TRAINING_ENV``).
    """

    def __init__(self) -> None:
        values = _env_json("SM_TRAINING_ENV", None)
        if not isinstance(values, dict):
            raise RuntimeError(
                "sagemaker_containers.training_env() reads the training job's environment "
                "(SM_TRAINING_ENV), which is set only inside a training job. Run the script "
                "as a job (Estimator.fit) or read SM_* variables with defaults."
            )
        self._values = values
        for key, value in values.items():
            setattr(self, key, value)
        self.channel_input_dirs: dict[str, str] = dict(values.get("channel_input_dirs", {}))
        self.hyperparameters: dict[str, Any] = dict(values.get("hyperparameters", {}))
        self.hosts: list[str] = list(values.get("hosts", []))
        self.current_host: str = str(values.get("current_host", "algo-1"))
        self.model_dir: str = str(values.get("model_dir", os.environ.get("SM_MODEL_DIR", "")))
        self.num_gpus: int = int(values.get("num_gpus", 0))
        self.num_cpus: int = int(values.get("num_cpus", os.cpu_count() or 1))

    def to_env_vars(self) -> dict[str, str]:
        """The ``SM_*`` variables of this environment (as the job received them)."""
        return {k: v for k, v in os.environ.items() if k.startswith("SM_")}

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def properties(self) -> list[str]:
        """The names of this environment's values."""
        return sorted(self._values)


class ServingEnv:
    """The model server's environment (``env.ServingEnv()``), from ``SAGEMAKER_*`` variables."""

    def __init__(self) -> None:
        self.use_nginx = os.environ.get("SAGEMAKER_USE_NGINX", "false").lower() == "true"
        self.model_server_timeout = int(os.environ.get("SAGEMAKER_MODEL_SERVER_TIMEOUT", "60"))
        workers = os.environ.get("SAGEMAKER_MODEL_SERVER_WORKERS")
        self.model_server_workers = int(workers) if workers else os.cpu_count() or 1
        self.default_accept = os.environ.get(
            "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "application/json"
        )
        self.http_port = os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080")
        self.safe_port_range = os.environ.get("SAGEMAKER_SAFE_PORT_RANGE")
        self.module_name = os.environ.get("SAGEMAKER_PROGRAM", "")
        self.module_dir = os.environ.get("SAGEMAKER_SUBMIT_DIRECTORY", "")
        self.framework_module = os.environ.get("SAGEMAKER_FRAMEWORK_MODULE")
        self.log_level = int(os.environ.get("SAGEMAKER_CONTAINER_LOG_LEVEL", "20"))
        self.current_host = os.environ.get("SM_CURRENT_HOST", "algo-1")


def training_env() -> TrainingEnv:
    """The training job's environment (see :class:`TrainingEnv`)."""
    return TrainingEnv()
