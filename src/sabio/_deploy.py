"""Shared deployment helpers of the SDK: names, deploy arguments, DescribeEndpoint."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sabio.exceptions import did_you_mean

if TYPE_CHECKING:
    from sabio.session import Session

__all__ = [
    "CLOUD_ONLY_DEPLOY_ARGS",
    "capture_dict",
    "check_deploy_kwargs",
    "describe_endpoint",
    "model_for_estimator",
    "predictor_for_framework",
]

# SageMaker deploy() arguments that only matter in the cloud: accepted and ignored.
CLOUD_ONLY_DEPLOY_ARGS = frozenset(
    {
        "accelerator_type",
        "tags",
        "kms_key",
        "volume_size",
        "model_data_download_timeout",
        "container_startup_health_check_timeout",
        "inference_recommendation_id",
        "explainer_config",
        "async_inference_config",
        "serverless_inference_config",
        "managed_instance_scaling",
        "routing_config",
        "endpoint_logging",
        "resources",
        "endpoint_type",
        "vpc_config",
        "enable_network_isolation",
        "role",
        "update_endpoint",
        "inference_config",
        "model_access_configs",
        "inference_ami_version",
        "mode",
        "dependencies",
        "use_compiled_model",
        "code_location",
    }
)
#: Local options of deploy(): request body limit (MB) and per-request timeout (s).
LOCAL_DEPLOY_ARGS = frozenset({"max_payload", "request_timeout", "port"})
_DEPLOY_ARGS = [
    "initial_instance_count",
    "instance_type",
    "serializer",
    "deserializer",
    "endpoint_name",
    "wait",
    "data_capture_config",
    "model_name",
    *LOCAL_DEPLOY_ARGS,
    *CLOUD_ONLY_DEPLOY_ARGS,
]


def check_deploy_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Return the local options of ``kwargs``; refuse names SageMaker's deploy() lacks.

    Raises:
        TypeError: an unknown keyword argument (with a "Did you mean" hint).
    """
    unknown = set(kwargs) - CLOUD_ONLY_DEPLOY_ARGS - LOCAL_DEPLOY_ARGS
    if unknown:
        name = sorted(unknown)[0]
        raise TypeError(
            f"deploy() got an unexpected keyword argument {name!r}."
            f"{did_you_mean(name, _DEPLOY_ARGS)}"
        )
    return {k: v for k, v in kwargs.items() if k in LOCAL_DEPLOY_ARGS and v is not None}


def capture_dict(data_capture_config: Any) -> dict[str, Any] | None:
    """SageMaker's DataCaptureConfig request dict from a config object (or a dict)."""
    if data_capture_config is None:
        return None
    if isinstance(data_capture_config, dict):
        return data_capture_config
    to_dict = getattr(data_capture_config, "_to_request_dict", None)
    if to_dict is None:
        raise TypeError(
            "data_capture_config must be a sabio.model_monitor.DataCaptureConfig, got "
            f"{type(data_capture_config).__name__}."
        )
    result: dict[str, Any] = to_dict()
    return result


def predictor_for_framework(framework: str | None) -> Any:
    """SageMaker's predictor class of a framework estimator (Predictor otherwise)."""
    from sabio import predictor

    classes = {
        "scikit-learn": predictor.SKLearnPredictor,
        "xgboost": predictor.XGBoostPredictor,
        "pytorch": predictor.PyTorchPredictor,
    }
    return classes.get(framework or "", predictor.Predictor)


def _time(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


def describe_endpoint(session: Session, name: str) -> dict[str, Any]:
    """DescribeEndpoint of an endpoint (SageMaker's shape) plus its local ``Url``.

    Raises:
        NotFoundError: no such endpoint (with a "Did you mean" hint).
    """
    from sabio.serving import describe_endpoint as describe

    record = describe(session.settings, name)
    spec, details = record.spec, record.details
    count = len(details.get("Workers", [])) or int(spec.get("InitialInstanceCount", 1))
    variant = {
        "VariantName": spec.get("VariantName", "AllTraffic"),
        "DeployedImages": [{"SpecifiedImage": f"sabio/model:{details.get('ModelName')}"}],
        "CurrentWeight": 1.0,
        "DesiredWeight": 1.0,
        "CurrentInstanceCount": count if record.status == "InService" else 0,
        "DesiredInstanceCount": int(spec.get("InitialInstanceCount", 1)),
        "InstanceType": spec.get("InstanceType", "local"),
    }
    description: dict[str, Any] = {
        "EndpointName": record.name,
        "EndpointArn": (
            f"arn:aws:sagemaker:{session.boto_region_name}:000000000000:endpoint/{record.name}"
        ),
        "EndpointConfigName": spec.get("EndpointConfigName", record.name),
        "ProductionVariants": [variant],
        "EndpointStatus": record.status,
        "CreationTime": _time(record.created_at),
        "LastModifiedTime": _time(record.last_modified),
        "ModelName": details.get("ModelName") or spec.get("ModelName"),
        "Url": details.get("Url"),
    }
    capture = spec.get("DataCaptureConfig")
    if capture:
        description["DataCaptureConfig"] = {
            "EnableCapture": capture.get("EnableCapture", True),
            "CurrentSamplingPercentage": capture.get("InitialSamplingPercentage", 100),
            "DestinationS3Uri": capture.get("DestinationS3Uri"),
            "CaptureStatus": "Started",
        }
    if record.failure_reason:
        description["FailureReason"] = record.failure_reason
    return description


def model_for_estimator(
    estimator: Any,
    *,
    entry_point: str | None = None,
    source_dir: str | None = None,
    name: str | None = None,
    env: dict[str, str] | None = None,
    predictor_cls: Any = None,
) -> Any:
    """A :class:`sabio.model.Model` of an estimator's latest training job.

    A script-mode job is served by its own script (``model_fn`` and friends in the training
    script, or ``entry_point``/``source_dir`` given here); a built-in by its handlers.

    Raises:
        ValidationError: the estimator has no completed training job.
    """
    from sabio.exceptions import ValidationError
    from sabio.model import Model

    job = estimator._job()
    record = estimator.sagemaker_session.catalog.get_training_job(job.name)
    if not record.model_artifacts:
        raise ValidationError(
            f"Training job {job.name!r} is {record.status} and has no model artifacts yet: "
            "deploy after fit() has completed (estimator.latest_training_job.wait())."
        )
    spec = record.spec
    if entry_point is None and spec.get("entry_point"):
        entry_point = str(spec["entry_point"])
        source_dir = source_dir or spec.get("code_uri")
    model = Model(
        record.model_artifacts,
        image_uri=spec.get("image_uri"),
        entry_point=entry_point,
        source_dir=source_dir,
        name=name,
        env=env,
        sagemaker_session=estimator.sagemaker_session,
        predictor_cls=predictor_cls or predictor_for_framework(spec.get("framework")),
    )
    model._training_job_name = job.name
    return model
