"""SageMaker requests built from deferred SDK calls (:class:`_StepArguments`).

Each builder turns an SDK object and its call's arguments into the request its step's
``Arguments`` hold (CreateTrainingJob, CreateHyperParameterTuningJob, CreateTransformJob,
CreateModel); pipeline variables stay in place for the execution to resolve. Local code
(an entry point, a source folder) is uploaded now, content-addressed, as SageMaker uploads
it when the definition is built.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sabio.exceptions import ValidationError
from sabio.inputs import TrainingInput
from sabio.workflow.entities import PipelineVariable
from sabio.workflow.pipeline_context import _StepArguments

if TYPE_CHECKING:
    from sabio.estimator import EstimatorBase
    from sabio.model import Model
    from sabio.session import Session
    from sabio.transformer import Transformer
    from sabio.tuner import HyperparameterTuner

__all__ = ["request_for", "upload_code"]


def _hp(value: Any) -> Any:
    """A hyperparameter as SageMaker's framework estimators write it (JSON text)."""
    return value if isinstance(value, PipelineVariable) else json.dumps(value)


def upload_code(
    session: Session,
    entry_point: str,
    source_dir: str | None,
    dependencies: list[str],
) -> str:
    """Pack code like the estimator does and upload it under its content hash; its URI."""
    from sabio.training import pack_code

    with tempfile.TemporaryDirectory(prefix="sabio-pipeline-code-") as tmp:
        archive = Path(tmp) / "sourcedir.tar.gz"
        pack_code(
            entry_point,
            Path(source_dir) if source_dir else None,
            [Path(d) for d in dependencies],
            archive,
        )
        # Hash what the archive holds (names and bytes), not the archive: gzip and tar
        # record times, and the same code must get the same URI (the step cache keys on it).
        digest = hashlib.sha256()
        with tarfile.open(archive, "r:gz") as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                digest.update(member.name.encode())
                handle = tar.extractfile(member)
                if handle is not None:
                    digest.update(handle.read())
        uri = f"s3://{session.default_bucket()}/pipelines-code/{digest.hexdigest()[:20]}/"
        uri += "sourcedir.tar.gz"
        if not session.store.exists(uri):
            session.store.put_file(archive, uri)
    return uri


def _channel(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, TrainingInput):
        return {"ChannelName": name, **value.config}
    if isinstance(value, str | PipelineVariable):
        return {"ChannelName": name, **TrainingInput(value).config}
    raise ValidationError(
        f"Channel {name!r}: expected a URI, a pipeline variable or a TrainingInput, got "
        f"{type(value).__name__}."
    )


def training_request(estimator: EstimatorBase, inputs: Any = None, **_: Any) -> dict[str, Any]:
    """CreateTrainingJob of ``estimator.fit(inputs)`` (without its name)."""
    session = estimator.sagemaker_session
    hyperparameters = {k: _hp(v) for k, v in estimator.hyperparameters().items()}
    image = estimator.image_uri
    if estimator.entry_point:
        code = upload_code(
            session, estimator.entry_point, estimator.source_dir, estimator.dependencies
        )
        hyperparameters["sagemaker_program"] = json.dumps(estimator._relative_entry_point())
        hyperparameters["sagemaker_submit_directory"] = json.dumps(code)
        if not image and estimator._framework:
            image = f"sabio/{estimator._framework}:{estimator.framework_version or 'latest'}"
    if isinstance(inputs, str | TrainingInput | PipelineVariable):
        inputs = {"training": inputs}
    if inputs is not None and not isinstance(inputs, dict):
        raise ValidationError(
            f"fit() inputs must be a URI, a TrainingInput or a dict of them, got "
            f"{type(inputs).__name__}."
        )
    return {
        "AlgorithmSpecification": {
            "TrainingImage": image or "sabio/script-mode",
            "TrainingInputMode": "File",
            "MetricDefinitions": list(estimator.metric_definitions),
        },
        "HyperParameters": hyperparameters,
        "InputDataConfig": [_channel(n, v) for n, v in (inputs or {}).items()],
        "OutputDataConfig": {"S3OutputPath": estimator._output_path()},
        "ResourceConfig": {
            "InstanceType": estimator.instance_type,
            "InstanceCount": estimator.instance_count,
            "VolumeSizeInGB": 30,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": estimator.max_run},
        "Environment": dict(estimator.environment),
        "RoleArn": estimator.role or "",
    }


def tuning_request(tuner: HyperparameterTuner, inputs: Any = None, **_: Any) -> dict[str, Any]:
    """CreateHyperParameterTuningJob of ``tuner.fit(inputs)`` (without its name)."""
    training = training_request(tuner.estimator, inputs)
    tuned = set(tuner._hyperparameter_ranges) - set(tuner.static_hyperparameters_to_keep)
    known = {d["Name"] for d in training["AlgorithmSpecification"]["MetricDefinitions"]}
    training["AlgorithmSpecification"]["MetricDefinitions"] += [
        d for d in tuner.metric_definitions if d.get("Name") not in known
    ]
    definition = {
        "StaticHyperParameters": {
            k: v for k, v in training.pop("HyperParameters").items() if k not in tuned
        },
        **training,
    }
    request: dict[str, Any] = {
        "HyperParameterTuningJobConfig": tuner._job_config(),
        "TrainingJobDefinition": definition,
    }
    if tuner.max_failed_jobs is not None:
        request["MaxFailedTrainingJobs"] = tuner.max_failed_jobs
    if tuner.warm_start_config is not None:
        request["WarmStartConfig"] = tuner.warm_start_config.to_input_req()
    return request


def transform_request(
    transformer: Transformer,
    data: Any,
    data_type: str = "S3Prefix",
    content_type: Any = None,
    compression_type: str | None = None,
    split_type: str | None = None,
    job_name: str | None = None,
    input_filter: str | None = None,
    output_filter: str | None = None,
    join_source: str | None = None,
    **_: Any,
) -> dict[str, Any]:
    """CreateTransformJob of ``transformer.transform(data, ...)`` (without its name)."""
    session = transformer.sagemaker_session
    output = transformer.output_path or f"s3://{session.default_bucket()}/pipelines-transform"
    source: dict[str, Any] = {
        "DataSource": {"S3DataSource": {"S3DataType": data_type, "S3Uri": data}},
    }
    for key, value in (
        ("ContentType", content_type),
        ("CompressionType", compression_type),
        ("SplitType", split_type),
    ):
        if value is not None:
            source[key] = value
    out: dict[str, Any] = {"S3OutputPath": output}
    if transformer.accept is not None:
        out["Accept"] = transformer.accept
    if transformer.assemble_with is not None:
        out["AssembleWith"] = transformer.assemble_with
    request: dict[str, Any] = {
        "ModelName": transformer.model_name,
        "TransformInput": source,
        "TransformOutput": out,
        "TransformResources": {
            "InstanceType": transformer.instance_type,
            "InstanceCount": transformer.instance_count,
        },
        "Environment": dict(transformer.env),
    }
    if transformer.strategy is not None:
        request["BatchStrategy"] = transformer.strategy
    if transformer.max_payload is not None:
        request["MaxPayloadInMB"] = transformer.max_payload
    if transformer.max_concurrent_transforms is not None:
        request["MaxConcurrentTransforms"] = transformer.max_concurrent_transforms
    processing = {
        key: value
        for key, value in (
            ("InputFilter", input_filter),
            ("OutputFilter", output_filter),
            ("JoinSource", join_source),
        )
        if value is not None
    }
    if processing:
        request["DataProcessing"] = processing
    return request


def model_request(model: Model, *_: Any, **__: Any) -> dict[str, Any]:
    """CreateModel of ``model.create()`` (without its name)."""
    environment: dict[str, Any] = dict(model.env)
    if model.entry_point:
        source = model.source_dir
        if not (isinstance(source, str) and source.startswith("s3://")):
            source = upload_code(
                model.sagemaker_session, model.entry_point, model.source_dir, model.dependencies
            )
            entry = Path(model.entry_point).name if model.source_dir is None else model.entry_point
        else:
            entry = model.entry_point
        environment["SAGEMAKER_PROGRAM"] = entry
        environment["SAGEMAKER_SUBMIT_DIRECTORY"] = source
    container: dict[str, Any] = {"ModelDataUrl": model.model_data, "Environment": environment}
    if model.image_uri is not None:
        container["Image"] = model.image_uri
    return {"PrimaryContainer": container, "ExecutionRoleArn": model.role or ""}


def register_request(model: Model, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """CreateModelPackage of ``model.register(...)``."""
    import inspect

    from sabio._model_package import create_model_package_request
    from sabio.model import Model as ModelClass

    bound = inspect.signature(ModelClass.register).bind(model, *args, **kwargs)
    bound.apply_defaults()
    values = dict(bound.arguments)
    group = values["model_package_group_name"]
    return create_model_package_request(
        model_package_group_name=group,
        model_package_name=values["model_package_name"],
        container=model._package_container(group, values["image_uri"]),
        content_types=values["content_types"],
        response_types=values["response_types"],
        inference_instances=values["inference_instances"],
        transform_instances=values["transform_instances"],
        model_metrics=values["model_metrics"],
        approval_status=values["approval_status"],
        description=values["description"],
        customer_metadata_properties=values["customer_metadata_properties"],
        domain=values["domain"],
        task=values["task"],
        sample_payload_url=values["sample_payload_url"],
    )


def processing_request(processor: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """CreateProcessingJob of ``processor.run(...)`` (without its name): the processor's
    own request builder, called with the run's arguments."""
    import inspect

    bound = inspect.signature(type(processor).run).bind(processor, *args, **kwargs)
    bound.apply_defaults()
    values = {k: v for k, v in bound.arguments.items() if k != "self"}
    keep = ("inputs", "outputs", "arguments", "code", "source_dir", "dependencies", "kms_key")
    request: dict[str, Any] = processor._create_job_request(
        **{k: values.get(k) for k in keep if k in values},
        job_name=None,
        experiment_config=None,
        logs=False,
        wait=False,
    )
    request.pop("ProcessingJobName", None)
    return request


def request_for(step_args: _StepArguments, step_name: str) -> dict[str, Any]:
    """The request of a deferred SDK call.

    Raises:
        ValidationError: the call is not one a step of this kind takes.
    """
    from sabio.estimator import EstimatorBase
    from sabio.model import Model
    from sabio.processing import Processor
    from sabio.transformer import Transformer
    from sabio.tuner import HyperparameterTuner

    owner, call = step_args.owner, step_args.caller_name
    args, kwargs = step_args.args, step_args.kwargs
    if isinstance(owner, HyperparameterTuner) and call == "fit":
        return tuning_request(owner, *args, **kwargs)
    if isinstance(owner, EstimatorBase) and call == "fit":
        return training_request(owner, *args, **kwargs)
    if isinstance(owner, Transformer) and call == "transform":
        return transform_request(owner, *args, **kwargs)
    if isinstance(owner, Model) and call == "create":
        return model_request(owner, *args, **kwargs)
    if isinstance(owner, Model) and call == "register":
        return register_request(owner, *args, **kwargs)
    if isinstance(owner, Processor) and call == "run":
        return processing_request(owner, *args, **kwargs)
    raise ValidationError(
        f"Step {step_name!r}: step_args come from {type(owner).__name__}.{call}(), which this "
        "step does not take."
    )
