"""The CreateModelPackage request of ``Model.register`` (built in one place, so a pipeline
session can capture it) and the script-mode environment SageMaker records in a container."""

from __future__ import annotations

from typing import Any

from sabio.exceptions import ValidationError

__all__ = ["PROGRAM_ENV", "SUBMIT_DIR_ENV", "create_model_package_request"]

#: The container environment naming script-mode inference code (SageMaker's names).
PROGRAM_ENV = "SAGEMAKER_PROGRAM"
SUBMIT_DIR_ENV = "SAGEMAKER_SUBMIT_DIRECTORY"


def create_model_package_request(
    *,
    model_package_group_name: str | None,
    model_package_name: str | None,
    container: dict[str, Any],
    content_types: list[str] | None,
    response_types: list[str] | None,
    inference_instances: list[str] | None,
    transform_instances: list[str] | None,
    model_metrics: Any,
    approval_status: str | None,
    description: str | None,
    customer_metadata_properties: dict[str, str] | None,
    domain: str | None,
    task: str | None,
    sample_payload_url: str | None,
) -> dict[str, Any]:
    """SageMaker's CreateModelPackage request of ``Model.register``'s arguments.

    Raises:
        ValidationError: no group name (sabio registers versioned packages only).
    """
    if not model_package_group_name:
        got = f" (got model_package_name={model_package_name!r})" if model_package_name else ""
        raise ValidationError(
            f"register() needs model_package_group_name: sabio registers versioned model "
            f"packages only{got}. "
            "Create a group with Session().create_model_package_group('my-models') and pass "
            "model_package_group_name='my-models'."
        )
    request: dict[str, Any] = {
        "ModelPackageGroupName": model_package_group_name,
        "InferenceSpecification": {
            "Containers": [container],
            "SupportedContentTypes": list(content_types or []),
            "SupportedResponseMIMETypes": list(response_types or []),
            "SupportedRealtimeInferenceInstanceTypes": list(inference_instances or []),
            "SupportedTransformInstanceTypes": list(transform_instances or []),
        },
        "ModelApprovalStatus": approval_status or "PendingManualApproval",
        "CertifyForMarketplace": False,
    }
    if description:
        request["ModelPackageDescription"] = description
    if model_metrics is not None:
        request["ModelMetrics"] = (
            model_metrics if isinstance(model_metrics, dict) else model_metrics._to_request_dict()
        )
    if customer_metadata_properties:
        request["CustomerMetadataProperties"] = dict(customer_metadata_properties)
    optional = (("Domain", domain), ("Task", task), ("SamplePayloadUrl", sample_payload_url))
    for key, value in optional:
        if value:
            request[key] = value
    return request
