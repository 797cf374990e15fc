"""The model package spec: one registered model version, as SageMaker's CreateModelPackage
describes it (snake_case inside; PascalCase only in ``from_create_model_package`` and the
request-shaped renderings ``inference_specification`` and ``model_metrics_request``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sabio.exceptions import ValidationError, did_you_mean

__all__ = [
    "APPROVAL_STATUSES",
    "ContainerSpec",
    "MetricsSourceSpec",
    "ModelMetricsSpec",
    "ModelPackageSpec",
    "check_approval_status",
    "check_group_name",
]

ApprovalStatus = Literal["PendingManualApproval", "Approved", "Rejected"]
#: SageMaker's approval statuses of a model package version.
APPROVAL_STATUSES: tuple[str, ...] = ("PendingManualApproval", "Approved", "Rejected")
_GROUP_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")

#: CreateModelPackage keys sabio reads, and those it accepts and ignores (cloud-only).
_READ = frozenset(
    {
        "ModelPackageGroupName",
        "ModelPackageDescription",
        "InferenceSpecification",
        "ModelApprovalStatus",
        "ModelMetrics",
        "CustomerMetadataProperties",
        "Domain",
        "Task",
        "SamplePayloadUrl",
        "ModelPackageName",
    }
)
_IGNORED = frozenset(
    {
        "ClientToken",
        "CertifyForMarketplace",
        "Tags",
        "MetadataProperties",
        "DriftCheckBaselines",
        "ValidationSpecification",
        "SourceAlgorithmSpecification",
        "AdditionalInferenceSpecifications",
        "SkipModelValidation",
        "SourceUri",
        "SecurityConfig",
        "ModelCard",
        "ModelLifeCycle",
    }
)


def check_group_name(name: str) -> str:
    """Validate a model package group name with SageMaker's rule.

    Raises:
        ValidationError: not 1-63 letters, digits and hyphens.
    """
    if not isinstance(name, str) or not _GROUP_NAME.match(name):
        raise ValidationError(
            f"Model package group name {name!r} is invalid: use 1-63 letters, digits and "
            "hyphens, starting and ending with a letter or digit (e.g. 'fraud-detector')."
        )
    return name


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContainerSpec(_Model):
    """One inference container: image, model data and environment (``SAGEMAKER_PROGRAM`` and
    ``SAGEMAKER_SUBMIT_DIRECTORY`` name script-mode inference code, as in SageMaker)."""

    image: str | None = None
    model_data_url: str | None = None
    environment: dict[str, str] = Field(default_factory=dict)


class MetricsSourceSpec(_Model):
    """A metrics report (SageMaker's ``MetricsSource``): its content type and location."""

    content_type: str
    s3_uri: str
    content_digest: str | None = None


class ModelMetricsSpec(_Model):
    """SageMaker's ``ModelMetrics``: where a version's evaluation reports are."""

    model_quality_statistics: MetricsSourceSpec | None = None
    model_quality_constraints: MetricsSourceSpec | None = None
    model_data_quality_statistics: MetricsSourceSpec | None = None
    model_data_quality_constraints: MetricsSourceSpec | None = None
    bias_report: MetricsSourceSpec | None = None
    bias_pre_training_report: MetricsSourceSpec | None = None
    bias_post_training_report: MetricsSourceSpec | None = None
    explainability_report: MetricsSourceSpec | None = None


#: (request section, request key) of each ModelMetricsSpec field.
_METRICS_KEYS: dict[str, tuple[str, str]] = {
    "model_quality_statistics": ("ModelQuality", "Statistics"),
    "model_quality_constraints": ("ModelQuality", "Constraints"),
    "model_data_quality_statistics": ("ModelDataQuality", "Statistics"),
    "model_data_quality_constraints": ("ModelDataQuality", "Constraints"),
    "bias_report": ("Bias", "Report"),
    "bias_pre_training_report": ("Bias", "PreTrainingReport"),
    "bias_post_training_report": ("Bias", "PostTrainingReport"),
    "explainability_report": ("Explainability", "Report"),
}


class ModelPackageSpec(_Model):
    """A model package version to register.

    Attributes:
        model_package_group_name: the group the version is numbered in.
        containers: the inference containers (sabio serves the first).
        supported_content_types / supported_response_mime_types: what the model reads and
            answers.
        supported_realtime_inference_instance_types / supported_transform_instance_types:
            instance types it may be deployed on (recorded).
        approval_status: ``PendingManualApproval`` (default), ``Approved`` or ``Rejected``.
        model_metrics: where its evaluation reports are.
        training_job_name: the training job that made it; when None, the training job whose
            model artifacts are the first container's model data, if any.
    """

    model_package_group_name: str
    description: str | None = None
    containers: tuple[ContainerSpec, ...] = Field(min_length=1)
    supported_content_types: tuple[str, ...] = ()
    supported_response_mime_types: tuple[str, ...] = ()
    supported_realtime_inference_instance_types: tuple[str, ...] = ()
    supported_transform_instance_types: tuple[str, ...] = ()
    approval_status: ApprovalStatus = "PendingManualApproval"
    model_metrics: ModelMetricsSpec = Field(default_factory=ModelMetricsSpec)
    customer_metadata_properties: dict[str, str] = Field(default_factory=dict)
    domain: str | None = None
    task: str | None = None
    sample_payload_url: str | None = None
    training_job_name: str | None = None

    @field_validator("model_package_group_name")
    @classmethod
    def _group(cls, value: str) -> str:
        return check_group_name(value)

    @classmethod
    def from_create_model_package(cls, request: Mapping[str, Any]) -> ModelPackageSpec:
        """A spec from SageMaker's ``CreateModelPackage`` request shape.

        Raises:
            ValidationError: an unknown key, no group name (sabio registers versioned
                packages only), no container, or a bad approval status.
        """
        unknown = set(request) - _READ - _IGNORED
        if unknown:
            key = sorted(unknown)[0]
            raise ValidationError(
                f"Unknown CreateModelPackage key {key!r}.{did_you_mean(key, _READ | _IGNORED)}"
            )
        group = request.get("ModelPackageGroupName")
        if not group:
            raise ValidationError(
                "CreateModelPackage needs ModelPackageGroupName: sabio registers versioned "
                "model packages only. Create a group (Session().create_model_package_group"
                "('my-models')) and register into it."
            )
        status = request.get("ModelApprovalStatus") or "PendingManualApproval"
        check_approval_status(status)
        inference = request.get("InferenceSpecification") or {}
        containers = tuple(
            ContainerSpec(
                image=c.get("Image"),
                model_data_url=c.get("ModelDataUrl"),
                environment={str(k): str(v) for k, v in (c.get("Environment") or {}).items()},
            )
            for c in inference.get("Containers") or []
        )
        if not containers:
            raise ValidationError(
                f"CreateModelPackage for group {group!r} needs InferenceSpecification.Containers "
                "with at least one container (Image and ModelDataUrl)."
            )
        return cls(
            model_package_group_name=str(group),
            description=request.get("ModelPackageDescription"),
            containers=containers,
            supported_content_types=tuple(inference.get("SupportedContentTypes") or ()),
            supported_response_mime_types=tuple(inference.get("SupportedResponseMIMETypes") or ()),
            supported_realtime_inference_instance_types=tuple(
                inference.get("SupportedRealtimeInferenceInstanceTypes") or ()
            ),
            supported_transform_instance_types=tuple(
                inference.get("SupportedTransformInstanceTypes") or ()
            ),
            approval_status=cast(ApprovalStatus, status),
            model_metrics=_metrics_from_request(request.get("ModelMetrics") or {}),
            customer_metadata_properties={
                str(k): str(v) for k, v in (request.get("CustomerMetadataProperties") or {}).items()
            },
            domain=request.get("Domain"),
            task=request.get("Task"),
            sample_payload_url=request.get("SamplePayloadUrl"),
        )

    def inference_specification(self) -> dict[str, Any]:
        """SageMaker's ``InferenceSpecification`` of this version."""
        return {
            "Containers": [
                {
                    **({"Image": c.image} if c.image else {}),
                    **({"ModelDataUrl": c.model_data_url} if c.model_data_url else {}),
                    **({"Environment": dict(c.environment)} if c.environment else {}),
                }
                for c in self.containers
            ],
            "SupportedContentTypes": list(self.supported_content_types),
            "SupportedResponseMIMETypes": list(self.supported_response_mime_types),
            "SupportedRealtimeInferenceInstanceTypes": list(
                self.supported_realtime_inference_instance_types
            ),
            "SupportedTransformInstanceTypes": list(self.supported_transform_instance_types),
        }

    def model_metrics_request(self) -> dict[str, Any]:
        """SageMaker's ``ModelMetrics`` of this version (only the reports given)."""
        sections: dict[str, dict[str, Any]] = {}
        for name, (section, key) in _METRICS_KEYS.items():
            source: MetricsSourceSpec | None = getattr(self.model_metrics, name)
            if source is not None:
                sections.setdefault(section, {})[key] = {
                    "ContentType": source.content_type,
                    "S3Uri": source.s3_uri,
                    **({"ContentDigest": source.content_digest} if source.content_digest else {}),
                }
        return sections


def check_approval_status(status: str) -> str:
    """Validate an approval status.

    Raises:
        ValidationError: not one of :data:`APPROVAL_STATUSES` (with a "Did you mean" hint).
    """
    if status not in APPROVAL_STATUSES:
        raise ValidationError(
            f"Unknown model approval status {status!r}."
            f"{did_you_mean(str(status), APPROVAL_STATUSES)} Expected one of "
            f"{', '.join(APPROVAL_STATUSES)}."
        )
    return status


def _metrics_from_request(request: Mapping[str, Any]) -> ModelMetricsSpec:
    values: dict[str, MetricsSourceSpec] = {}
    for name, (section, key) in _METRICS_KEYS.items():
        source = (request.get(section) or {}).get(key)
        if source:
            if not source.get("S3Uri") or not source.get("ContentType"):
                raise ValidationError(
                    f"ModelMetrics.{section}.{key} needs ContentType and S3Uri, got {source!r}."
                )
            values[name] = MetricsSourceSpec(
                content_type=source["ContentType"],
                s3_uri=source["S3Uri"],
                content_digest=source.get("ContentDigest"),
            )
    return ModelMetricsSpec(**values)
