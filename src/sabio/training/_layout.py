"""The job folder laid out like ``/opt/ml``, its config files and the ``SM_*`` environment.

Values follow SageMaker's training toolkit: hyperparameters are JSON-encoded in
``hyperparameters.json``, decoded for the script, rendered raw when they are strings
and as compact JSON otherwise, and passed as sorted ``--key value`` arguments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sabio.training._spec import TrainingJobSpec

__all__ = ["HostLayout", "decode_hyperparameters", "host_names", "render", "to_cmd_args"]


def host_names(count: int) -> list[str]:
    """SageMaker's host names: ``algo-1`` … ``algo-N``."""
    return [f"algo-{i}" for i in range(1, count + 1)]


def render(value: Any) -> str:
    """Render a value for an environment variable: strings raw, the rest compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def decode_hyperparameters(encoded: dict[str, str]) -> dict[str, Any]:
    """JSON-decode each value, keeping it as a string when it is not JSON."""
    decoded: dict[str, Any] = {}
    for key, value in encoded.items():
        try:
            decoded[key] = json.loads(value)
        except (TypeError, ValueError):
            decoded[key] = value
    return decoded


def to_cmd_args(hyperparameters: dict[str, Any]) -> list[str]:
    """``--key str(value)`` for each hyperparameter, keys sorted (booleans as True/False)."""
    args: list[str] = []
    for key in sorted(hyperparameters):
        value = hyperparameters[key]
        args += [f"--{key}", value if isinstance(value, str) else _to_str(value)]
    return args


def _to_str(value: Any) -> str:
    if isinstance(value, bool | int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class HostLayout:
    """The ``/opt/ml``-like folder of one host of a job."""

    base: Path

    @property
    def code(self) -> Path:
        return self.base / "code"

    @property
    def input(self) -> Path:
        return self.base / "input"

    @property
    def config(self) -> Path:
        return self.base / "input" / "config"

    def channel(self, name: str) -> Path:
        return self.base / "input" / "data" / name

    @property
    def model(self) -> Path:
        return self.base / "model"

    @property
    def output(self) -> Path:
        return self.base / "output"

    @property
    def output_data(self) -> Path:
        return self.base / "output" / "data"

    @property
    def failure_file(self) -> Path:
        return self.base / "output" / "failure"

    @property
    def metrics_file(self) -> Path:
        return self.base / "output" / "sabio-metrics.jsonl"

    def create(self) -> None:
        """Create the empty folders."""
        # checkpoints/: SageMaker's default checkpoint_local_path (/opt/ml/checkpoints).
        folders = (self.code, self.config, self.base / "input" / "data", self.model)
        for folder in (*folders, self.base / "checkpoints"):
            folder.mkdir(parents=True, exist_ok=True)
        self.output_data.mkdir(parents=True, exist_ok=True)

    def write_config(self, spec: TrainingJobSpec, host: str, hosts: list[str]) -> None:
        """Write hyperparameters.json, inputdataconfig.json and resourceconfig.json."""
        (self.config / "hyperparameters.json").write_text(
            json.dumps(spec.encoded_hyperparameters(), indent=2)
        )
        (self.config / "inputdataconfig.json").write_text(
            json.dumps(input_data_config(spec), indent=2)
        )
        (self.config / "resourceconfig.json").write_text(
            json.dumps(resource_config(spec, host, hosts), indent=2)
        )

    def environment(
        self,
        spec: TrainingJobSpec,
        host: str,
        hosts: list[str],
        num_cpus: int,
        user_entry_point: str,
        master_port: int | None = None,
    ) -> dict[str, str]:
        """The ``SM_*`` variables (and friends) for one host; with ``master_port``, also
        torchrun's (one process per host; ``algo-1`` is the master)."""
        hps = decode_hyperparameters(spec.encoded_hyperparameters())
        channels = sorted(spec.channels)
        channel_dirs = {name: str(self.channel(name)) for name in channels}
        module_name = Path(user_entry_point).stem if user_entry_point else ""
        training_env: dict[str, Any] = {
            "additional_framework_parameters": {},
            "channel_input_dirs": channel_dirs,
            "current_host": host,
            "current_instance_type": spec.instance_type,
            "framework_module": spec.framework,
            "hosts": hosts,
            "hyperparameters": hps,
            "input_config_dir": str(self.config),
            "input_data_config": input_data_config(spec),
            "input_dir": str(self.input),
            "is_master": host == hosts[0],
            "job_name": spec.job_name,
            "log_level": 20,
            "master_hostname": hosts[0],
            "model_dir": str(self.model),
            "module_dir": spec.code_uri or "",
            "module_name": module_name,
            "network_interface_name": "lo",
            "num_cpus": num_cpus,
            "num_gpus": 0,
            "output_data_dir": str(self.output_data),
            "output_dir": str(self.output),
            "output_intermediate_dir": str(self.output / "intermediate"),
            "resource_config": resource_config(spec, host, hosts),
            "user_entry_point": user_entry_point,
        }
        env = {
            "SAGEMAKER_BASE_DIR": str(self.base),
            "SM_MODEL_DIR": str(self.model),
            "SM_CHANNELS": render(channels),
            "SM_HPS": render(hps),
            "SM_USER_ARGS": render(to_cmd_args(hps)),
            "SM_HOSTS": render(hosts),
            "SM_CURRENT_HOST": host,
            "SM_CURRENT_INSTANCE_TYPE": spec.instance_type,
            "SM_MASTER_ADDR": "127.0.0.1",
            "SM_IS_MASTER": render(host == hosts[0]),
            "SM_NUM_CPUS": str(num_cpus),
            "SM_NUM_GPUS": "0",
            "SM_OUTPUT_DATA_DIR": str(self.output_data),
            "SM_OUTPUT_DIR": str(self.output),
            "SM_OUTPUT_INTERMEDIATE_DIR": str(self.output / "intermediate"),
            "SM_INPUT_DIR": str(self.input),
            "SM_INPUT_CONFIG_DIR": str(self.config),
            "SM_INPUT_DATA_CONFIG": render(input_data_config(spec)),
            "SM_RESOURCE_CONFIG": render(resource_config(spec, host, hosts)),
            "SM_TRAINING_ENV": render(training_env),
            "SM_MODULE_DIR": spec.code_uri or "",
            "SM_MODULE_NAME": module_name,
            "SM_USER_ENTRY_POINT": user_entry_point,
            "SM_FRAMEWORK_PARAMS": "{}",
            "SM_FRAMEWORK_MODULE": spec.framework or "",
            "SM_LOG_LEVEL": "20",
            "SM_NETWORK_INTERFACE_NAME": "lo",
            "TRAINING_JOB_NAME": spec.job_name,
            "CURRENT_HOST": host,
            "SABIO_METRICS_FILE": str(self.metrics_file),
            "PYTHONUNBUFFERED": "1",
        }
        if master_port is not None:
            rank = hosts.index(host)
            env |= {
                "MASTER_ADDR": env["SM_MASTER_ADDR"],
                "MASTER_PORT": str(master_port),
                "WORLD_SIZE": str(len(hosts)),
                "RANK": str(rank),
                "NODE_RANK": str(rank),
                "GROUP_RANK": str(rank),
                "LOCAL_RANK": "0",
                "LOCAL_WORLD_SIZE": "1",
                "TORCHELASTIC_RUN_ID": spec.job_name,
            }
        for name, path in channel_dirs.items():
            env[f"SM_CHANNEL_{name.upper()}"] = path
        for key, value in hps.items():
            env[f"SM_HP_{key.upper()}"] = render(value)
        return env


def input_data_config(spec: TrainingJobSpec) -> dict[str, dict[str, str]]:
    """``inputdataconfig.json``: one entry per channel."""
    config: dict[str, dict[str, str]] = {}
    for name, channel in sorted(spec.channels.items()):
        entry = {
            "TrainingInputMode": channel.input_mode,
            "S3DistributionType": channel.distribution,
            "RecordWrapperType": "None",
        }
        if channel.content_type:
            entry["ContentType"] = channel.content_type
        config[name] = entry
    return config


def resource_config(spec: TrainingJobSpec, host: str, hosts: list[str]) -> dict[str, Any]:
    """``resourceconfig.json`` for one host."""
    return {
        "current_host": host,
        "current_instance_type": spec.instance_type,
        "current_group_name": "homogeneousCluster",
        "hosts": hosts,
        "instance_groups": [
            {
                "instance_group_name": "homogeneousCluster",
                "instance_type": spec.instance_type,
                "hosts": hosts,
            }
        ],
        "network_interface_name": "lo",
    }
