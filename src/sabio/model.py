"""``sabio.model.Model``: SageMaker's Model — model data plus the code that serves it.

Example:
    >>> from sabio.model import Model
    >>> model = Model("s3://sabio-default/job-1/output/model.tar.gz",
    ...               entry_point="inference.py", source_dir="serve")  # doctest: +SKIP
    >>> predictor = model.deploy(initial_instance_count=1, instance_type="local")  # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sabio.exceptions import did_you_mean
from sabio.session import Session
from sabio.utils import unique_name
from sabio.workflow.pipeline_context import runnable_by_pipeline

if TYPE_CHECKING:
    from sabio.inference import ModelSpec

__all__ = ["FrameworkModel", "Model", "ModelPackage"]

# SageMaker deploy() arguments that only matter in the cloud: accepted and ignored.
_CLOUD_ONLY_DEPLOY_ARGS = frozenset(
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
#: Local options of deploy(): request body limit (MB), per-request timeout (s), port, the
#: extra Host names the endpoint answers and its other request/connection limits.
_LOCAL_DEPLOY_ARGS = frozenset(
    {"max_payload", "request_timeout", "port", "allowed_hosts", "http_limits"}
)
_DEPLOY_ARGS = [
    "initial_instance_count",
    "instance_type",
    "serializer",
    "deserializer",
    "endpoint_name",
    "wait",
    "data_capture_config",
    "model_name",
    *_LOCAL_DEPLOY_ARGS,
    *_CLOUD_ONLY_DEPLOY_ARGS,
]


def _local_deploy_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Return the local options of ``kwargs``; refuse names SageMaker's deploy() lacks.

    Raises:
        TypeError: an unknown keyword argument (with a "Did you mean" hint).
    """
    unknown = set(kwargs) - _CLOUD_ONLY_DEPLOY_ARGS - _LOCAL_DEPLOY_ARGS
    if unknown:
        name = sorted(unknown)[0]
        raise TypeError(
            f"deploy() got an unexpected keyword argument {name!r}."
            f"{did_you_mean(name, _DEPLOY_ARGS)}"
        )
    return {k: v for k, v in kwargs.items() if k in _LOCAL_DEPLOY_ARGS and v is not None}


class Model:
    """A deployable model.

    Args:
        model_data: ``s3://…/model.tar.gz`` (a training job's), or a local archive, folder or
            single model file (``file://`` or a path, relative or absolute).
        image_uri: a sabio built-in (``image_uris.retrieve("xgboost")``) whose handlers serve
            the model; other images are recorded only.
        entry_point: script with ``model_fn``/``input_fn``/``predict_fn``/``output_fn``
            (or ``transform_fn``), relative to ``source_dir`` when both are given.
        source_dir: folder with the entry point and its helpers, or an ``s3://`` URI of a
            ``sourcedir.tar.gz``.
        name: model name (default: generated).
        env: environment variables of the model's workers.
        predictor_cls: class that :meth:`deploy` returns (default :class:`Predictor`).
        training_job_name: the training job that made ``model_data`` (recorded with the
            model; ``Estimator.create_model`` sets it).
    """

    def __init__(
        self,
        model_data: str | None = None,
        image_uri: str | None = None,
        role: str | None = None,
        entry_point: str | None = None,
        source_dir: str | None = None,
        name: str | None = None,
        env: dict[str, str] | None = None,
        sagemaker_session: Session | None = None,
        predictor_cls: Any = None,
        dependencies: list[str] | None = None,
        training_job_name: str | None = None,
        **_ignored: Any,
    ) -> None:
        if isinstance(model_data, str):
            from sabio.storage import absolute_uri

            # A local model (file://, relative or absolute, or a path) is read by endpoint
            # workers whose current directory differs: resolve it here, once.
            model_data = absolute_uri(model_data)
        self.model_data = model_data
        self.image_uri = image_uri
        self.role = role
        self.entry_point = entry_point
        self.source_dir = source_dir
        self.name = name
        self.env = dict(env or {})
        self.sagemaker_session = sagemaker_session or Session()
        self.predictor_cls = predictor_cls
        self.dependencies = list(dependencies or [])
        self.endpoint_name: str | None = None
        self.training_job_name = training_job_name
        self._created = False

    def _source_dir_uri(self, name: str) -> str | None:
        """Upload local inference code (as SageMaker does), or pass an archive URI through."""
        if not self.entry_point:
            return self.source_dir
        if self.source_dir and (
            self.source_dir.startswith("s3://")
            or (self.source_dir.startswith("file://") and self.source_dir.endswith(".tar.gz"))
        ):
            # An uploaded sourcedir.tar.gz (a training job's code, in the store or local).
            return self.source_dir
        from sabio.training import pack_code

        session = self.sagemaker_session
        uri = session.default_s3_uri(name, "sourcedir.tar.gz")
        with tempfile.TemporaryDirectory(prefix="sabio-model-code-") as tmp:
            archive = Path(tmp) / "sourcedir.tar.gz"
            pack_code(
                self.entry_point,
                Path(self.source_dir) if self.source_dir else None,
                [Path(d) for d in self.dependencies],
                archive,
            )
            session.store.put_file(archive, uri)
        return uri

    def _spec(self, name: str) -> ModelSpec:
        from sabio.image_uris import builtin_module
        from sabio.inference import ModelSpec

        builtin = builtin_module(self.image_uri) if self.image_uri else None
        entry = self.entry_point
        if entry and self.source_dir is None:
            entry = Path(entry).name
        return ModelSpec(
            model_name=name,
            image=self.image_uri,
            model_data_url=self.model_data,
            environment={str(k): str(v) for k, v in self.env.items()},
            entry_point=entry,
            source_dir=self._source_dir_uri(name),
            builtin_module=None if self.entry_point else builtin,
            training_job_name=self.training_job_name,
        )

    @runnable_by_pipeline
    def create(self, instance_type: str | None = None, **_ignored: Any) -> str:
        """Record the model in the catalog (once); returns its name.

        Raises:
            ValidationError: no ``model_data``, or a bad name.
            ConflictError: a model with this name exists already.
        """
        if self._created and self.name:
            return self.name
        from sabio.serving import create_model

        base = self.image_uri.rsplit("/", 1)[-1].split(":", 1)[0] if self.image_uri else None
        name = self.name or unique_name(base or "sabio-model")
        create_model(self.sagemaker_session.settings, name, self._spec(name))
        self.name, self._created = name, True
        return name

    @runnable_by_pipeline
    def register(
        self,
        content_types: list[str] | None = None,
        response_types: list[str] | None = None,
        inference_instances: list[str] | None = None,
        transform_instances: list[str] | None = None,
        model_package_name: str | None = None,
        model_package_group_name: str | None = None,
        image_uri: str | None = None,
        model_metrics: Any = None,
        metadata_properties: Any = None,
        marketplace_cert: bool = False,
        approval_status: str | None = None,
        description: str | None = None,
        drift_check_baselines: Any = None,
        customer_metadata_properties: dict[str, str] | None = None,
        validation_specification: Any = None,
        domain: str | None = None,
        task: str | None = None,
        sample_payload_url: str | None = None,
        **_ignored: Any,
    ) -> ModelPackage:
        """Register this model as the next version of a model package group (SageMaker's
        signature); returns the version as a :class:`ModelPackage`.

        Script-mode inference code is uploaded and named in the container's environment
        (``SAGEMAKER_PROGRAM``, ``SAGEMAKER_SUBMIT_DIRECTORY``) as SageMaker does. The version
        records its lineage: the training job that made ``model_data`` (found by its
        artifacts), its code hash, data channels with content hashes, hyperparameters and
        final metrics, and who registered it when.

        Args:
            content_types / response_types: what the model reads and answers.
            inference_instances / transform_instances: instance types (recorded).
            model_package_group_name: the group (create it with
                ``Session().create_model_package_group``).
            model_metrics: a :class:`sabio.model_metrics.ModelMetrics`.
            approval_status: ``PendingManualApproval`` (default), ``Approved``, ``Rejected``.

        Raises:
            ValidationError: no model data, no group name, or a bad approval status.
            NotFoundError: the group does not exist.

        Example:
            >>> package = model.register(content_types=["text/csv"], response_types=["text/csv"],
            ...                          model_package_group_name="fraud")  # doctest: +SKIP
            >>> package.model_package_arn  # doctest: +SKIP
            'arn:aws:sagemaker:us-east-1:000000000000:model-package/fraud/1'
        """
        from sabio._model_package import create_model_package_request
        from sabio.exceptions import ValidationError

        if not self.model_data:
            raise ValidationError(
                "register() needs model_data (the model.tar.gz of a training job, or a folder)."
            )
        request = create_model_package_request(
            model_package_group_name=model_package_group_name,
            model_package_name=model_package_name,
            container=self._package_container(model_package_group_name, image_uri),
            content_types=content_types,
            response_types=response_types,
            inference_instances=inference_instances,
            transform_instances=transform_instances,
            model_metrics=model_metrics,
            approval_status=approval_status,
            description=description,
            customer_metadata_properties=customer_metadata_properties,
            domain=domain,
            task=task,
            sample_payload_url=sample_payload_url,
        )
        answer = self.sagemaker_session.create_model_package(request)
        return ModelPackage(
            role=self.role,
            model_package_arn=answer["ModelPackageArn"],
            sagemaker_session=self.sagemaker_session,
            predictor_cls=self.predictor_cls,
        )

    def _package_container(self, group: str | None, image_uri: str | None) -> dict[str, Any]:
        from sabio._model_package import PROGRAM_ENV, SUBMIT_DIR_ENV

        environment = {str(k): str(v) for k, v in self.env.items()}
        if self.entry_point:
            base = unique_name(group or "sabio-model")
            source = self._source_dir_uri(base)
            entry = self.entry_point if self.source_dir else Path(self.entry_point).name
            environment[PROGRAM_ENV] = entry
            if source:
                environment[SUBMIT_DIR_ENV] = source
        container: dict[str, Any] = {"ModelDataUrl": self.model_data}
        image = image_uri or self.image_uri
        if image:
            container["Image"] = image
        if environment:
            container["Environment"] = environment
        return container

    def deploy(
        self,
        initial_instance_count: int = 1,
        instance_type: str = "local",
        serializer: Any = None,
        deserializer: Any = None,
        endpoint_name: str | None = None,
        wait: bool = True,
        data_capture_config: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Start an endpoint serving this model; returns a predictor for it.

        Args:
            initial_instance_count: worker processes (each loads the model once).
            instance_type: recorded (``local`` and ``ml.*`` types both run here).
            endpoint_name: default: the model name.
            wait: block until the endpoint is ``InService``.
            data_capture_config: a :class:`sabio.model_monitor.DataCaptureConfig`.
            **kwargs: ``max_payload`` (MB, default 6), ``request_timeout`` (s, default 60),
                ``port``, ``allowed_hosts`` (names besides localhost and the bound address
                that clients may use in the ``Host`` header), ``http_limits`` (a
                :class:`sabio.serving.HttpLimits`: header/URL sizes, timeouts, connection
                cap; see docs/security.md); ``update_endpoint=True`` makes an existing
                endpoint ``endpoint_name`` serve this model instead (its new workers take
                requests before the old ones stop, so no request fails; its data capture is
                kept); SageMaker's cloud-only arguments are accepted and ignored.

        Raises:
            JobFailedError: the endpoint failed to start (the reason says why).
            ConflictError: the endpoint name is taken (without ``update_endpoint``).
        """
        from sabio import serving
        from sabio.predictor import Predictor

        update = bool(kwargs.get("update_endpoint"))
        local = _local_deploy_options(kwargs)
        limits = local.get("http_limits") or serving.HttpLimits()
        if not isinstance(limits, serving.HttpLimits):
            raise TypeError(
                f"http_limits must be a sabio.serving.HttpLimits, got {type(limits).__name__}."
            )
        if "allowed_hosts" in local:
            hosts = local["allowed_hosts"]
            hosts = [hosts] if isinstance(hosts, str) else list(hosts)
            limits = limits.model_copy(
                update={"allowed_hosts": (*limits.allowed_hosts, *map(str, hosts))}
            )
        name = self.create()
        endpoint = endpoint_name or name
        if update:
            serving.update_endpoint(
                self.sagemaker_session.settings,
                endpoint,
                model_name=name,
                instance_count=initial_instance_count,
                wait=wait,
            )
        else:
            self._create_endpoint(
                endpoint,
                name,
                initial_instance_count,
                instance_type,
                data_capture_config,
                local,
                limits,
                wait,
            )
        self.endpoint_name = endpoint
        cls = self.predictor_cls or Predictor
        predictor_kwargs: dict[str, Any] = {"sagemaker_session": self.sagemaker_session}
        if serializer is not None:
            predictor_kwargs["serializer"] = serializer
        if deserializer is not None:
            predictor_kwargs["deserializer"] = deserializer
        return cls(endpoint, **predictor_kwargs)

    def _create_endpoint(
        self,
        endpoint: str,
        name: str,
        initial_instance_count: int,
        instance_type: str,
        data_capture_config: Any,
        local: dict[str, Any],
        limits: Any,
        wait: bool,
    ) -> None:
        from sabio import serving
        from sabio.model_monitor import capture_request

        serving.create_endpoint(
            self.sagemaker_session.settings,
            endpoint,
            name,
            instance_count=initial_instance_count,
            instance_type=instance_type,
            data_capture_config=capture_request(data_capture_config),
            max_payload_mb=float(local.get("max_payload", 6)),
            timeout_seconds=float(local.get("request_timeout", 60)),
            port=int(local.get("port", 0)),
            limits=limits,
            wait=wait,
        )

    def transformer(
        self,
        instance_count: int,
        instance_type: str,
        strategy: str | None = None,
        assemble_with: str | None = None,
        output_path: str | None = None,
        output_kms_key: str | None = None,
        accept: str | None = None,
        env: dict[str, str] | None = None,
        max_concurrent_transforms: int | None = None,
        max_payload: int | None = None,
        tags: Any = None,
        volume_kms_key: str | None = None,
        base_transform_job_name: str | None = None,
        **_ignored: Any,
    ) -> Any:
        """A :class:`sabio.transformer.Transformer` for batch transform with this model."""
        from sabio.transformer import Transformer

        name = self.create()
        return Transformer(
            name,
            instance_count,
            instance_type,
            strategy=strategy,
            assemble_with=assemble_with,
            output_path=output_path,
            output_kms_key=output_kms_key,
            accept=accept,
            max_concurrent_transforms=max_concurrent_transforms,
            max_payload=max_payload,
            tags=tags,
            env=env,
            base_transform_job_name=base_transform_job_name,
            sagemaker_session=self.sagemaker_session,
            volume_kms_key=volume_kms_key,
        )

    def delete_model(self) -> None:
        """Remove the model record."""
        from sabio.serving import delete_model

        if self.name:
            delete_model(self.sagemaker_session.settings, self.name)
            self._created = False


class FrameworkModel(Model):
    """A model served by a framework's default handlers or your ``entry_point``.

    SageMaker's ``FrameworkModel``: the base of :class:`sabio.sklearn.model.SKLearnModel`,
    ``XGBoostModel``, ``PyTorchModel`` and ``TensorFlowModel``. The framework's container is
    this Python environment: the framework must be installed here, and ``image_uri``
    defaults to its identifier (``sabio/sklearn:<version>``). ``predictor_cls`` defaults to
    the framework's predictor, with SageMaker's default serializer and deserializer.

    Args:
        model_data: as :class:`Model` (``s3://``, ``file://`` or a path; an archive, a
            folder or a single model file).
        framework_version: recorded in the image identifier (default: the installed one).
        model_server_workers: recorded as ``SAGEMAKER_MODEL_SERVER_WORKERS`` (SageMaker's);
            sabio's worker count is ``initial_instance_count`` of :meth:`deploy`.
        **kwargs: the arguments of :class:`Model` (``source_dir``, ``env``, ``name``, ...).
    """

    #: The framework (a :data:`sabio._frameworks.FRAMEWORKS` name) and the class name users see.
    _framework_name: str = ""
    _default_predictor: Any = None
    #: Whether ``image_uri`` defaults to the framework's identifier. Not for XGBoost, whose
    #: SageMaker image is also the built-in algorithm's: without an entry point its model
    #: is served by the default handlers (an ``xgboost-model`` Booster), not the built-in's.
    _names_image = True

    def __init__(
        self,
        model_data: str | None,
        role: str | None = None,
        entry_point: str | None = None,
        framework_version: str | None = None,
        py_version: str | None = None,
        image_uri: str | None = None,
        predictor_cls: Any = None,
        model_server_workers: int | None = None,
        **kwargs: Any,
    ) -> None:
        from sabio._frameworks import framework_named

        framework = framework_named(self._framework_name)
        if framework is None:  # pragma: no cover - a subclass names a declared framework
            raise TypeError(f"{type(self).__name__} names no framework")
        installed = framework.require(type(self).__name__)
        self.framework_version = framework_version or installed
        self.py_version = py_version
        self.model_server_workers = model_server_workers
        if image_uri is None and self._names_image:
            image_uri = framework.image_uri(self.framework_version)
        env = dict(kwargs.pop("env", None) or {})
        if model_server_workers is not None:
            env.setdefault("SAGEMAKER_MODEL_SERVER_WORKERS", str(model_server_workers))
        super().__init__(
            model_data,
            image_uri=image_uri,
            role=role,
            entry_point=entry_point,
            env=env,
            predictor_cls=predictor_cls or self._default_predictor,
            **kwargs,
        )


class ModelPackage(Model):
    """A registered model version, deployable like a model (SageMaker's ``ModelPackage``).

    Args:
        role: accepted for compatibility.
        model_data: unused (the version's container names its model data).
        algorithm_arn: accepted for compatibility.
        model_package_arn: the version's ARN (or ``group/version``).

    Example:
        >>> from sabio.model import ModelPackage
        >>> package = ModelPackage(role, model_package_arn=arn)  # doctest: +SKIP
        >>> predictor = package.deploy(instance_type="local")  # doctest: +SKIP
    """

    def __init__(
        self,
        role: str | None = None,
        model_data: str | None = None,
        algorithm_arn: str | None = None,
        model_package_arn: str | None = None,
        **kwargs: Any,
    ) -> None:
        from sabio.exceptions import ValidationError

        if not model_package_arn:
            raise ValidationError(
                "ModelPackage needs model_package_arn (the ARN register() returned, or "
                "'<group>/<version>')."
            )
        super().__init__(model_data=model_data, role=role, **kwargs)
        self.model_package_arn = model_package_arn
        self.algorithm_arn = algorithm_arn

    def describe(self) -> dict[str, Any]:
        """DescribeModelPackage of this version, plus its ``Lineage``."""
        return self.sagemaker_session.describe_model_package(self.model_package_arn)

    def update_approval_status(
        self, approval_status: str, approval_description: str | None = None
    ) -> None:
        """Set this version's approval status (SageMaker's ``ModelPackage`` method)."""
        self.sagemaker_session.update_model_package_approval(
            self.model_package_arn, approval_status, approval_description
        )

    def _spec(self, name: str) -> ModelSpec:
        from sabio._model_package import PROGRAM_ENV, SUBMIT_DIR_ENV
        from sabio.image_uris import builtin_module
        from sabio.inference import ModelSpec

        description = self.describe()
        container = description["InferenceSpecification"]["Containers"][0]
        environment = dict(container.get("Environment") or {})
        entry = environment.pop(PROGRAM_ENV, None)
        source = environment.pop(SUBMIT_DIR_ENV, None)
        environment.update({str(k): str(v) for k, v in self.env.items()})
        image = container.get("Image")
        return ModelSpec(
            model_name=name,
            image=image,
            model_data_url=container.get("ModelDataUrl"),
            environment=environment,
            entry_point=entry,
            source_dir=source,
            builtin_module=None if entry else (builtin_module(image) if image else None),
            training_job_name=(description.get("Lineage") or {}).get("training_job"),
        )

    def create(self, instance_type: str | None = None, **_ignored: Any) -> str:
        """Record a model of this version in the catalog (once); returns its name."""
        if self._created and self.name:
            return self.name
        from sabio.registry import parse_package_name
        from sabio.serving import create_model

        group, version = parse_package_name(self.model_package_arn)
        name = self.name or unique_name(f"{group}-v{version}"[:40])
        create_model(self.sagemaker_session.settings, name, self._spec(name))
        self.name, self._created = name, True
        return name
