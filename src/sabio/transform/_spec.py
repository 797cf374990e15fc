"""The transform job spec: everything needed to run (and re-run) a batch transform.

The SDK builds a spec, :func:`sabio.transform.submit` validates it and records it in the
catalog, and the supervisor runs it. Validation rules live here, next to the fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sabio.exceptions import ValidationError
from sabio.transform._jsonpath import parse_jsonpath

__all__ = ["TransformJobSpec", "check_transform_job_name"]

_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
_UNSUPPORTED_SPLITS = ("RecordIO", "TFRecord")


def check_transform_job_name(name: str) -> str:
    """Validate a job name with SageMaker's rule (1-63 alphanumerics and hyphens)."""
    if not _NAME.match(name):
        raise ValidationError(
            f"Invalid transform job name {name!r}: use 1-63 letters, digits and hyphens, "
            "starting and ending with a letter or digit (SageMaker's rule), e.g. 'score-3'."
        )
    return name


class TransformJobSpec(BaseModel):
    """One batch transform job (SageMaker's CreateTransformJob, flattened).

    Attributes:
        job_name: unique name.
        model_name: a model in the catalog (``catalog.jobs(MODEL)``).
        data: ``s3://`` prefix, object or manifest (or a local path) of the input.
        data_type: ``S3Prefix`` (every object under ``data``) or ``ManifestFile``.
        content_type: MIME type of the input, passed to the model as ``Content-Type``.
        compression_type: ``None`` or ``Gzip`` (input files are gzip-compressed).
        split_type: ``Line`` (one record a line) or ``None`` (one record a file).
        strategy: ``MultiRecord`` (batches of records up to ``max_payload`` MB) or
            ``SingleRecord`` (one record a request).
        assemble_with: ``Line`` (a newline after each answer) or ``None`` (answers as is).
        accept: MIME type asked of the model (``Accept``).
        max_payload: largest request in MB.
        max_concurrent_transforms: parallel requests per instance.
        instance_count: instances; workers = ``instance_count * max_concurrent_transforms``.
        input_filter, output_filter: JSONPath subsets (see ``_jsonpath``).
        join_source: ``Input`` joins each input record with its answer.
        output_path: where ``<input file>.out`` objects are written.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_name: str
    model_name: str
    data: str
    output_path: str
    data_type: Literal["S3Prefix", "ManifestFile"] = "S3Prefix"
    content_type: str | None = None
    compression_type: Literal["None", "Gzip"] = "None"
    split_type: Literal["Line", "None"] = "None"
    strategy: Literal["MultiRecord", "SingleRecord"] = "MultiRecord"
    assemble_with: Literal["Line", "None"] = "None"
    accept: str | None = None
    max_payload: float = Field(default=6.0, gt=0, le=100)
    max_concurrent_transforms: int = Field(default=1, ge=1, le=256)
    instance_count: int = Field(default=1, ge=1, le=256)
    instance_type: str = "local"
    input_filter: str | None = None
    output_filter: str | None = None
    join_source: Literal["Input", "None"] = "None"
    environment: dict[str, str] = Field(default_factory=dict)
    tags: list[dict[str, str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> TransformJobSpec:
        check_transform_job_name(self.job_name)
        if self.input_filter is not None:
            parse_jsonpath(self.input_filter, role="input_filter")
        if self.output_filter is not None:
            parse_jsonpath(self.output_filter, role="output_filter")
        return self

    @classmethod
    def from_create_transform_job(cls, request: Mapping[str, Any]) -> TransformJobSpec:
        """A spec from SageMaker's ``CreateTransformJob`` request shape.

        Raises:
            ValidationError: a bad value (as :func:`build_spec`).
        """
        source = request.get("TransformInput") or {}
        s3 = (source.get("DataSource") or {}).get("S3DataSource") or {}
        output = request.get("TransformOutput") or {}
        resources = request.get("TransformResources") or {}
        processing = request.get("DataProcessing") or {}
        return build_spec(
            job_name=request.get("TransformJobName"),
            model_name=request.get("ModelName"),
            data=s3.get("S3Uri"),
            data_type=s3.get("S3DataType"),
            content_type=source.get("ContentType"),
            compression_type=source.get("CompressionType"),
            split_type=source.get("SplitType"),
            strategy=request.get("BatchStrategy"),
            assemble_with=output.get("AssembleWith"),
            accept=output.get("Accept"),
            max_payload=request.get("MaxPayloadInMB"),
            max_concurrent_transforms=request.get("MaxConcurrentTransforms"),
            instance_count=resources.get("InstanceCount"),
            instance_type=resources.get("InstanceType"),
            input_filter=processing.get("InputFilter"),
            output_filter=processing.get("OutputFilter"),
            join_source=processing.get("JoinSource"),
            output_path=output.get("S3OutputPath"),
            environment={str(k): str(v) for k, v in (request.get("Environment") or {}).items()},
            tags=request.get("Tags"),
        )

    @property
    def workers(self) -> int:
        """How many worker processes run requests (each loads the model once)."""
        return self.instance_count * self.max_concurrent_transforms

    @property
    def max_payload_bytes(self) -> int:
        """``max_payload`` in bytes."""
        return int(self.max_payload * 1024 * 1024)

    @property
    def record_level(self) -> bool:
        """Whether records must be handled one by one (filters or a join)."""
        return bool(self.input_filter or self.output_filter or self.join_source == "Input")


def build_spec(**values: Any) -> TransformJobSpec:
    """Build a spec from SDK arguments, turning pydantic errors into clear messages.

    ``None`` values mean "not given". RecordIO/TFRecord splits are refused with a hint.
    ``assemble_with`` not given means ``Line`` for ``split_type="Line"`` (SageMaker's
    ``None`` would glue the answers of consecutive batches into one line).

    Raises:
        ValidationError: a bad value (names the argument, the value and what is allowed).
    """
    from pydantic import ValidationError as PydanticError

    given = {k: v for k, v in values.items() if v is not None}
    split = given.get("split_type")
    if split in _UNSUPPORTED_SPLITS:
        raise ValidationError(
            f"split_type={split!r} is not supported by sabio's batch transform: use 'Line' "
            "(one record a line) or 'None' (one record a file)."
        )
    # The rules pydantic would wrap in its own error, checked first for a plain message.
    if isinstance(given.get("job_name"), str):
        check_transform_job_name(given["job_name"])
    for role in ("input_filter", "output_filter"):
        if isinstance(given.get(role), str):
            parse_jsonpath(given[role], role=role)
    if "assemble_with" not in given and split == "Line":
        given["assemble_with"] = "Line"
    try:
        return TransformJobSpec(**given)
    except PydanticError as exc:
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "job"
            received = error.get("input")
            parts.append(f"{where}: {error['msg']} (got {received!r})")
        name = given.get("job_name", "?")
        raise ValidationError(f"Invalid transform job {name!r}: " + "; ".join(parts)) from None
