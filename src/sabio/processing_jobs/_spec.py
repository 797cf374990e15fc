"""The processing job spec: SageMaker's CreateProcessingJob, typed.

The SDK (``sabio.processing``) builds a CreateProcessingJob request and the pipeline engine
keeps one per step; :meth:`ProcessingJobSpec.from_create_processing_job` turns either into
this spec, and :func:`sabio.processing_jobs.start_processing_job` runs it. Validation
rules live here, next to the fields, and run before anything is recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from sabio.exceptions import ValidationError
from sabio.processing_jobs._paths import PROCESSING_ROOT, is_under

__all__ = [
    "ProcessingInputSpec",
    "ProcessingJobSpec",
    "ProcessingOutputSpec",
    "check_processing_job_name",
]

_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
_IO_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,256}$")
#: SageMaker's default limit when no StoppingCondition is given.
DEFAULT_MAX_RUNTIME = 24 * 3600


def check_processing_job_name(name: str) -> str:
    """Validate a job name with SageMaker's rule (1-63 alphanumerics and hyphens)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"Invalid processing job name {name!r}: use 1-63 letters, digits and hyphens, "
            "starting and ending with a letter or digit (SageMaker's rule), e.g. 'preprocess-3'."
        )
    return name


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProcessingInputSpec(_Model):
    """One input: what is copied from ``uri`` into ``local_path`` before the program runs.

    ``uri`` is an ``s3://`` object or prefix, a ``file://`` URI or a local path.
    """

    name: str
    uri: str
    local_path: str
    data_type: Literal["S3Prefix", "ManifestFile"] = "S3Prefix"
    input_mode: Literal["File"] = "File"
    distribution: Literal["FullyReplicated", "ShardedByS3Key"] = "FullyReplicated"


class ProcessingOutputSpec(_Model):
    """One output: what is uploaded from ``local_path`` to ``uri`` when the program ends.

    ``upload_mode`` ``Continuous`` is run as ``EndOfJob`` (the log says so).
    """

    name: str
    local_path: str
    uri: str
    upload_mode: Literal["EndOfJob", "Continuous"] = "EndOfJob"


class ProcessingJobSpec(_Model):
    """A processing job, as the catalog records it (snake_case inside sabio).

    Attributes:
        job_name: unique name.
        entrypoint: the command (``ContainerEntrypoint``): ``python3`` and the like run with
            this environment's interpreter.
        arguments: ``ContainerArguments``, appended to the entrypoint.
        image_uri: recorded (``AppSpecification.ImageUri``); sabio runs no containers.
        inputs, outputs: what is copied in before and uploaded after the program.
        instance_type, instance_count, volume_size_in_gb: ``ProcessingResources``;
            a sized instance type reserves CPU slots like a training job.
        max_runtime: ``StoppingCondition.MaxRuntimeInSeconds``.
        environment: variables of the program.
        experiment_config, tags, kms_key: recorded.
    """

    job_name: str
    entrypoint: list[str]
    arguments: list[str] = Field(default_factory=list)
    image_uri: str = ""
    inputs: list[ProcessingInputSpec] = Field(default_factory=list)
    outputs: list[ProcessingOutputSpec] = Field(default_factory=list)
    output_kms_key: str | None = None
    instance_type: str = "local"
    instance_count: int = Field(default=1, ge=1, le=64)
    volume_size_in_gb: int = Field(default=30, ge=1)
    max_runtime: int = Field(default=DEFAULT_MAX_RUNTIME, ge=1)
    environment: dict[str, str] = Field(default_factory=dict)
    experiment_config: dict[str, str] = Field(default_factory=dict)
    tags: list[dict[str, str]] = Field(default_factory=list)

    def check(self) -> None:
        """The rules the fields' types cannot state (run by :meth:`from_create_processing_job`
        and before a job starts): names, unique inputs and outputs, and every
        local path under ``/opt/ml/processing`` (an output path outside its job is refused
        before anything runs).

        Raises:
            ValidationError: names the input or output and how to fix it.
        """
        job = check_processing_job_name(self.job_name)
        if not self.entrypoint:
            raise ValidationError(
                f"Processing job {job!r} has no ContainerEntrypoint: give the command to run, "
                "e.g. ScriptProcessor(command=['python3']).run(code='preprocess.py')."
            )
        for role, items in (("input", self.inputs), ("output", self.outputs)):
            seen: set[str] = set()
            for item in items:
                if not _IO_NAME.match(item.name):
                    raise ValidationError(
                        f"Processing job {job!r}: {role} name {item.name!r} is invalid: use "
                        "letters, digits, '-' and '_' (e.g. 'train')."
                    )
                if item.name in seen:
                    raise ValidationError(
                        f"Processing job {job!r} has two {role}s named {item.name!r}: {role} "
                        "names must be unique."
                    )
                seen.add(item.name)
                if (
                    not is_under(item.local_path, PROCESSING_ROOT)
                    or item.local_path.rstrip("/") == PROCESSING_ROOT
                ):
                    where = "destination" if role == "input" else "source"
                    raise ValidationError(
                        f"Processing job {job!r}: {role} {item.name!r} has {where} "
                        f"{item.local_path!r}, which is outside the job's folder: a processing "
                        f"{role} path must be an absolute path under {PROCESSING_ROOT}/ "
                        f"(SageMaker's rule), e.g. '{PROCESSING_ROOT}/{role}/{item.name}'."
                    )
        for output in self.outputs:
            uri = output.uri
            if not (uri.startswith(("s3://", "file:///")) or uri.startswith("/")):
                raise ValidationError(
                    f"Processing job {job!r}: output {output.name!r} goes to {uri!r}: an output "
                    "destination is an s3:// URI, a file:// URI or an absolute local folder, "
                    "e.g. 's3://sabio-default/prep/train'."
                )

    @classmethod
    def from_create_processing_job(cls, request: Mapping[str, Any]) -> ProcessingJobSpec:
        """The spec of a SageMaker CreateProcessingJob request (PascalCase, as boto3 and
        the SageMaker SDK send it).

        Raises:
            ValidationError: a missing or malformed field (named), a Pipe input, a dataset
                definition, or a path outside ``/opt/ml/processing``.
        """
        name = request.get("ProcessingJobName")
        check_processing_job_name(name)  # type: ignore[arg-type]
        app = request.get("AppSpecification") or {}
        if not isinstance(app, Mapping) or not app.get("ContainerEntrypoint"):
            raise ValidationError(
                f"Processing job {name!r}: AppSpecification.ContainerEntrypoint is required "
                "(sabio runs no container images, so the command must be given), e.g. "
                "{'ImageUri': 'sabio/script', 'ContainerEntrypoint': ['python3', "
                "'/opt/ml/processing/input/code/preprocess.py']}."
            )
        cluster = (request.get("ProcessingResources") or {}).get("ClusterConfig") or {}
        stopping = request.get("StoppingCondition") or {}
        output_config = request.get("ProcessingOutputConfig") or {}
        values: dict[str, Any] = {
            "job_name": name,
            "entrypoint": list(app["ContainerEntrypoint"]),
            "arguments": list(app.get("ContainerArguments") or []),
            "image_uri": app.get("ImageUri") or "",
            "inputs": [_input(name, item) for item in request.get("ProcessingInputs") or []],
            "outputs": [_output(name, item) for item in output_config.get("Outputs") or []],
            "output_kms_key": output_config.get("KmsKeyId"),
            "instance_type": cluster.get("InstanceType") or "local",
            "instance_count": cluster.get("InstanceCount") or 1,
            "volume_size_in_gb": cluster.get("VolumeSizeInGB") or 30,
            "max_runtime": stopping.get("MaxRuntimeInSeconds") or DEFAULT_MAX_RUNTIME,
            "environment": dict(request.get("Environment") or {}),
            "experiment_config": dict(request.get("ExperimentConfig") or {}),
            "tags": list(request.get("Tags") or []),
        }
        try:
            spec = cls(**values)
        except PydanticError as exc:
            parts = []
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"]) or "job"
                parts.append(f"{where}: {error['msg']} (got {error.get('input')!r})")
            raise ValidationError(f"Invalid processing job {name!r}: " + "; ".join(parts)) from None
        spec.check()
        return spec

    def to_create_processing_job(self) -> dict[str, Any]:
        """This spec as the CreateProcessingJob request it came from (the Describe shape's
        request fields)."""
        app: dict[str, Any] = {
            "ImageUri": self.image_uri,
            "ContainerEntrypoint": list(self.entrypoint),
        }
        if self.arguments:
            app["ContainerArguments"] = list(self.arguments)
        request: dict[str, Any] = {
            "ProcessingJobName": self.job_name,
            "ProcessingInputs": [
                {
                    "InputName": item.name,
                    "AppManaged": False,
                    "S3Input": {
                        "S3Uri": item.uri,
                        "LocalPath": item.local_path,
                        "S3DataType": item.data_type,
                        "S3InputMode": item.input_mode,
                        "S3DataDistributionType": item.distribution,
                        "S3CompressionType": "None",
                    },
                }
                for item in self.inputs
            ],
            "ProcessingResources": {
                "ClusterConfig": {
                    "InstanceCount": self.instance_count,
                    "InstanceType": self.instance_type,
                    "VolumeSizeInGB": self.volume_size_in_gb,
                }
            },
            "StoppingCondition": {"MaxRuntimeInSeconds": self.max_runtime},
            "AppSpecification": app,
            "Environment": dict(self.environment),
            "RoleArn": "arn:aws:iam::000000000000:role/sabio-local-execution-role",
        }
        if self.outputs:
            request["ProcessingOutputConfig"] = {
                "Outputs": [
                    {
                        "OutputName": item.name,
                        "AppManaged": False,
                        "S3Output": {
                            "S3Uri": item.uri,
                            "LocalPath": item.local_path,
                            "S3UploadMode": item.upload_mode,
                        },
                    }
                    for item in self.outputs
                ]
            }
            if self.output_kms_key:
                request["ProcessingOutputConfig"]["KmsKeyId"] = self.output_kms_key
        if self.experiment_config:
            request["ExperimentConfig"] = dict(self.experiment_config)
        return request


def _input(job: Any, item: Mapping[str, Any]) -> dict[str, Any]:
    name = item.get("InputName")
    if item.get("DatasetDefinition"):
        raise ValidationError(
            f"Processing job {job!r}: input {name!r} uses a DatasetDefinition (Athena or "
            "Redshift), which sabio cannot reach: export the data to the store and pass an "
            "S3Input instead."
        )
    s3 = item.get("S3Input") or {}
    if not s3.get("S3Uri") or not s3.get("LocalPath"):
        raise ValidationError(
            f"Processing job {job!r}: input {name!r} needs S3Input.S3Uri and S3Input.LocalPath "
            "(a destination under /opt/ml/processing/)."
        )
    mode = s3.get("S3InputMode") or "File"
    if mode != "File":
        raise ValidationError(
            f"Processing job {job!r}: input {name!r} has S3InputMode {mode!r}; sabio copies "
            "inputs before the program starts: use 'File'."
        )
    compression = s3.get("S3CompressionType") or "None"
    if compression != "None":
        raise ValidationError(
            f"Processing job {job!r}: input {name!r} has S3CompressionType {compression!r}, "
            "which SageMaker allows only in Pipe mode: use 'None'."
        )
    return {
        "name": name or "",
        "uri": s3["S3Uri"],
        "local_path": s3["LocalPath"],
        "data_type": s3.get("S3DataType") or "S3Prefix",
        "input_mode": "File",
        "distribution": s3.get("S3DataDistributionType") or "FullyReplicated",
    }


def _output(job: Any, item: Mapping[str, Any]) -> dict[str, Any]:
    name = item.get("OutputName")
    if item.get("FeatureStoreOutput"):
        raise ValidationError(
            f"Processing job {job!r}: output {name!r} goes to a feature store, which sabio "
            "does not have: write an S3Output instead."
        )
    s3 = item.get("S3Output") or {}
    if not s3.get("S3Uri") or not s3.get("LocalPath"):
        raise ValidationError(
            f"Processing job {job!r}: output {name!r} needs S3Output.S3Uri and "
            "S3Output.LocalPath (a source under /opt/ml/processing/)."
        )
    return {
        "name": name or "",
        "local_path": s3["LocalPath"],
        "uri": s3["S3Uri"],
        "upload_mode": s3.get("S3UploadMode") or "EndOfJob",
    }
