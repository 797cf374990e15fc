"""The training job spec: everything needed to run (and re-run) a job.

The SDK builds a spec, :func:`sabio.training.submit` validates it and stores it in the
catalog, and the supervisor runs it. Validation rules live here, next to the fields.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sabio.exceptions import ValidationError, did_you_mean

__all__ = [
    "JOB_NAME_PATTERN",
    "ChannelSpec",
    "DistributedLauncher",
    "MetricDefinition",
    "TrainingJobSpec",
    "check_job_name",
    "distribution_launcher",
]

JOB_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
_CHANNEL_PATTERN = re.compile(r"^[A-Za-z0-9\.\-_]{1,64}$")

Distribution = Literal["FullyReplicated", "ShardedByS3Key"]
#: How a multi-host job's processes find each other (SageMaker's ``distribution=``).
DistributedLauncher = Literal["torch_distributed"]
# SageMaker's distribution keys that start torchrun's environment on every host.
_TORCHRUN_KEYS = ("torch_distributed", "pytorchddp")
_UNSUPPORTED_KEYS = ("mpi", "smdistributed", "parameter_server", "multi_worker_mirrored_strategy")


def distribution_launcher(distribution: dict[str, Any] | None) -> DistributedLauncher | None:
    """The launcher a SageMaker ``distribution`` argument asks for (None: plain hosts).

    ``{"torch_distributed": {"enabled": True}}`` and ``{"pytorchddp": {"enabled": True}}``
    give every host torchrun's environment (``MASTER_ADDR``, ``MASTER_PORT``,
    ``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK``, ``NODE_RANK``).

    Raises:
        ValidationError: a launcher sabio does not run (MPI, smdistributed, parameter
            server), or a malformed value.
    """
    if not distribution:
        return None
    if not isinstance(distribution, dict):
        raise ValidationError(
            f"distribution must be a dict such as {{'torch_distributed': {{'enabled': True}}}}, "
            f"got {distribution!r}."
        )
    for key, value in distribution.items():
        enabled = isinstance(value, dict) and bool(value.get("enabled", False))
        if key in _TORCHRUN_KEYS:
            if enabled:
                return "torch_distributed"
        elif key in _UNSUPPORTED_KEYS:
            if enabled or key == "smdistributed":
                raise ValidationError(
                    f"distribution={{{key!r}: ...}} is not supported by sabio: it runs no "
                    "MPI, SageMaker distributed or parameter-server launcher. Use "
                    "distribution={'torch_distributed': {'enabled': True}} (torchrun's "
                    "environment on every host) and torch.distributed in the script."
                )
        else:
            raise ValidationError(
                f"Unknown distribution {key!r}.{did_you_mean(key, _TORCHRUN_KEYS)} Use "
                "{'torch_distributed': {'enabled': True}}."
            )
    return None


def check_job_name(name: str) -> str:
    """Validate a job name with SageMaker's rule (1-63 alphanumerics and hyphens)."""
    if not JOB_NAME_PATTERN.match(name):
        raise ValidationError(
            f"Invalid job name {name!r}: use 1-63 letters, digits and hyphens, starting and "
            "ending with a letter or digit (SageMaker's rule), e.g. 'insurance-mlp-3'."
        )
    return name


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelSpec(_Model):
    """One input channel: where its data is and how it is given to the hosts."""

    uri: str
    distribution: Distribution = "FullyReplicated"
    content_type: str | None = None
    input_mode: Literal["File"] = "File"


class MetricDefinition(_Model):
    """A regex that extracts a metric from the job's log (SageMaker's shape)."""

    Name: str
    Regex: str

    @field_validator("Regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            pattern = re.compile(value)
        except re.error as exc:
            raise ValueError(f"metric regex {value!r} does not compile: {exc}") from exc
        if pattern.groups < 1:
            raise ValueError(
                f"metric regex {value!r} needs one capture group around the number, "
                r"e.g. 'loss: ([0-9\.]+)'"
            )
        return value


class TrainingJobSpec(_Model):
    """A training job, as stored in the catalog."""

    job_name: str
    entry_point: str | None = None
    code_uri: str | None = None
    image_uri: str | None = None
    builtin_module: str | None = None
    hyperparameters: dict[str, Any] = Field(default_factory=dict)
    channels: dict[str, ChannelSpec] = Field(default_factory=dict)
    instance_type: str = "local"
    instance_count: int = Field(default=1, ge=1, le=64)
    distribution: DistributedLauncher | None = None
    #: Where checkpoints are kept between runs (``checkpoint_s3_uri``); None: not kept.
    checkpoint_uri: str | None = None
    #: The programs' checkpoint folder; None: each host's ``checkpoints/`` (SageMaker's
    #: ``/opt/ml/checkpoints``).
    checkpoint_local_path: str | None = None
    #: Managed spot training: an interrupted job resumes from its checkpoints until max_wait.
    use_spot: bool = False
    max_wait: int | None = Field(default=None, ge=1)
    metric_definitions: list[MetricDefinition] = Field(default_factory=list)
    max_run: int = Field(default=24 * 3600, ge=1)
    output_path: str
    environment: dict[str, str] = Field(default_factory=dict)
    framework: str | None = None
    framework_version: str | None = None
    tuning_job_name: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("job_name")
    @classmethod
    def _job_name(cls, value: str) -> str:
        return check_job_name(value)

    @field_validator("channels")
    @classmethod
    def _channel_names(cls, value: dict[str, ChannelSpec]) -> dict[str, ChannelSpec]:
        for name in value:
            if not _CHANNEL_PATTERN.match(name):
                raise ValueError(
                    f"channel name {name!r} is invalid: use letters, digits, '.', '-', '_' "
                    "(e.g. 'train', 'validation')"
                )
        return value

    @field_validator("hyperparameters")
    @classmethod
    def _json_hyperparameters(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise ValueError(f"hyperparameter names must be non-empty strings, got {key!r}")
            try:
                json.dumps(item, allow_nan=False)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"hyperparameter {key!r} = {item!r} ({type(item).__name__}) is not "
                    "JSON-serialisable: use str, int, float, bool, or lists/dicts of those"
                    + (" (NaN/inf are not allowed)" if isinstance(item, float) else "")
                ) from exc
            if isinstance(item, float) and not math.isfinite(item):
                raise ValueError(f"hyperparameter {key!r} must be finite, got {item!r}")
        return value

    @model_validator(mode="after")
    def _spot(self) -> TrainingJobSpec:
        if self.use_spot and self.max_wait is None:
            raise ValueError(
                "use_spot_instances=True needs max_wait (seconds the job may take, waits and "
                "interruptions included), e.g. max_wait=7200"
            )
        if self.max_wait is not None and not self.use_spot:
            raise ValueError("max_wait is only used with use_spot_instances=True")
        if self.max_wait is not None and self.max_wait < self.max_run:
            raise ValueError(
                f"max_wait ({self.max_wait} s) must be at least max_run ({self.max_run} s), "
                "as in SageMaker"
            )
        if self.checkpoint_uri is not None and not self.checkpoint_uri.startswith(
            ("s3://", "file://")
        ):
            raise ValueError(
                f"checkpoint_s3_uri must be an s3:// or file:// URI, got {self.checkpoint_uri!r}"
            )
        return self

    @model_validator(mode="after")
    def _program(self) -> TrainingJobSpec:
        if not self.entry_point and not self.builtin_module:
            raise ValueError(
                "a training job needs an entry_point (your script) or an image_uri of a "
                "built-in algorithm (sabio.image_uris.retrieve('xgboost'))"
            )
        return self

    @classmethod
    def from_create_training_job(cls, request: Mapping[str, Any]) -> TrainingJobSpec:
        """A spec from SageMaker's ``CreateTrainingJob`` request shape.

        ``HyperParameters`` values are JSON-decoded where they are JSON (SageMaker's
        framework estimators encode them so); script mode's ``sagemaker_program`` and
        ``sagemaker_submit_directory`` become the entry point and the code archive, and a
        ``TrainingImage`` naming a built-in selects it.

        Raises:
            pydantic.ValidationError: the request breaks a rule of the spec.
        """
        from sabio.algorithms._builtins import builtin_for_image

        algorithm = request.get("AlgorithmSpecification") or {}
        image = algorithm.get("TrainingImage")
        hyperparameters = {
            str(k): _decoded(v) for k, v in (request.get("HyperParameters") or {}).items()
        }
        entry_point = hyperparameters.pop("sagemaker_program", None)
        code_uri = hyperparameters.pop("sagemaker_submit_directory", None)
        for key in [k for k in hyperparameters if k.startswith("sagemaker_")]:
            hyperparameters.pop(key)
        builtin = builtin_for_image(image) if image and not entry_point else None
        framework, version = None, None
        if entry_point and image and image.startswith("sabio/"):
            # sabio's script-mode "images" name the framework (SDK's _requests.py).
            framework, _, version = image[len("sabio/") :].partition(":")
            if framework == "script-mode":
                framework, version = "", ""
        channels = {
            str(channel["ChannelName"]): ChannelSpec(
                uri=channel["DataSource"]["S3DataSource"]["S3Uri"],
                distribution=channel["DataSource"]["S3DataSource"].get(
                    "S3DataDistributionType", "FullyReplicated"
                ),
                content_type=channel.get("ContentType"),
            )
            for channel in request.get("InputDataConfig") or []
        }
        resources = request.get("ResourceConfig") or {}
        stopping = request.get("StoppingCondition") or {}
        tags = {str(t["Key"]): str(t["Value"]) for t in request.get("Tags") or []}
        return cls(
            job_name=str(request.get("TrainingJobName") or ""),
            entry_point=str(entry_point) if entry_point else None,
            code_uri=str(code_uri) if code_uri else None,
            image_uri=image,
            builtin_module=builtin.program if builtin else None,
            hyperparameters=hyperparameters,
            channels=channels,
            instance_type=resources.get("InstanceType", "local"),
            instance_count=int(resources.get("InstanceCount", 1)),
            metric_definitions=[
                MetricDefinition(Name=m["Name"], Regex=m["Regex"])
                for m in algorithm.get("MetricDefinitions") or []
            ],
            max_run=int(stopping.get("MaxRuntimeInSeconds", 24 * 3600)),
            output_path=str((request.get("OutputDataConfig") or {}).get("S3OutputPath", "")),
            environment={str(k): str(v) for k, v in (request.get("Environment") or {}).items()},
            framework=framework or None,
            framework_version=version or None,
            tags=tags,
        )

    def encoded_hyperparameters(self) -> dict[str, str]:
        """Hyperparameters as SageMaker writes them: each value JSON-encoded."""
        return {key: json.dumps(value) for key, value in self.hyperparameters.items()}


def _decoded(value: Any) -> Any:
    """A SageMaker hyperparameter value: JSON-decoded when it is JSON text."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
