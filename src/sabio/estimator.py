"""``sabio.estimator.Estimator``: SageMaker's Estimator, running jobs on this machine.

Example:
    >>> import sabio as sagemaker
    >>> from sabio.estimator import Estimator
    >>> est = Estimator(entry_point="train.py", instance_type="local",
    ...                 hyperparameters={"epochs": 5})  # doctest: +SKIP
    >>> est.fit({"train": "s3://sabio-default/insurance/train"})  # doctest: +SKIP
    >>> est.model_data  # doctest: +SKIP
    's3://sabio-default/train-2026-11-22-10-00-00-000/output/model.tar.gz'
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sabio.exceptions import JobFailedError, ValidationError, did_you_mean
from sabio.inputs import TrainingInput
from sabio.session import Session
from sabio.training._kind import TRAINING
from sabio.training._spec import distribution_launcher
from sabio.utils import unique_name
from sabio.workflow.pipeline_context import runnable_by_pipeline

if TYPE_CHECKING:
    from sabio.analytics import TrainingJobAnalytics
    from sabio.model import Model
    from sabio.predictor import Predictor
    from sabio.training import TrainingJobSpec

__all__ = ["Estimator", "EstimatorBase", "Framework", "TrainingJob"]

# SageMaker arguments that only matter in the cloud: accepted and ignored.
_CLOUD_ONLY = frozenset(
    {
        "volume_size",
        "volume_kms_key",
        "output_kms_key",
        "enable_network_isolation",
        "subnets",
        "security_group_ids",
        "model_uri",
        "model_channel_name",
        "debugger_hook_config",
        "tensorboard_output_config",
        "disable_profiler",
        "profiler_config",
        "rules",
        "enable_sagemaker_metrics",
        "max_retry_attempts",
        "container_log_level",
        "input_mode",
        "code_location",
        "encrypt_inter_container_traffic",
        "instance_groups",
        "training_repository_access_mode",
        "disable_output_compression",
        "enable_infra_check",
        "git_config",
        "source_code",
    }
)


class TrainingJob:
    """A started training job (SageMaker's ``estimator.latest_training_job``)."""

    def __init__(self, name: str, session: Session) -> None:
        self.name = self.job_name = name
        self.sagemaker_session = session

    def describe(self) -> dict[str, Any]:
        """DescribeTrainingJob of this job."""
        return self.sagemaker_session.describe_training_job(self.name)

    def wait(self, logs: bool = True) -> None:
        """Wait for the job to end, printing its log; raise if it failed."""
        from sabio.training import follow

        record = follow(self.sagemaker_session.settings, self.name, print if logs else None)
        if logs and record.billable_seconds is not None and record.status == "Completed":
            print(f"Training seconds: {round(record.billable_seconds)}")
            print(f"Billable seconds: {round(record.billable_seconds)}")
        if record.status == "Failed":
            raise JobFailedError(
                f"Error for Training job {self.name}: Failed. Reason: {record.failure_reason}"
            )
        if record.status == "Stopped" and record.failure_reason:
            raise JobFailedError(
                f"Training job {self.name} was stopped. Reason: {record.failure_reason}"
            )

    def stop(self) -> None:
        """Ask the job to stop."""
        self.sagemaker_session.stop_training_job(self.name)


class EstimatorBase:
    """Shared behaviour of :class:`Estimator` and the framework estimators."""

    _framework: str | None = None
    #: The module a framework estimator's script needs, and the pip requirement that installs it.
    _framework_module: str | None = None
    _framework_pip: str | None = None

    def __init__(
        self,
        role: str | None = None,
        instance_count: int = 1,
        instance_type: str = "local",
        entry_point: str | None = None,
        source_dir: str | None = None,
        dependencies: list[str] | None = None,
        hyperparameters: dict[str, Any] | None = None,
        metric_definitions: list[dict[str, str]] | None = None,
        max_run: int = 24 * 60 * 60,
        output_path: str | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        environment: dict[str, str] | None = None,
        image_uri: str | None = None,
        tags: Any = None,
        framework_version: str | None = None,
        py_version: str | None = None,
        keep_alive_period_in_seconds: int | None = None,
        distribution: dict[str, Any] | None = None,
        use_spot_instances: bool = False,
        max_wait: int | None = None,
        checkpoint_s3_uri: str | None = None,
        checkpoint_local_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = set(kwargs) - _CLOUD_ONLY
        if unknown:
            name = sorted(unknown)[0]
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {name!r}."
                f"{did_you_mean(name, _KNOWN_ARGS)}"
            )
        if instance_count < 1:
            raise ValidationError(f"instance_count must be at least 1, got {instance_count}.")
        keep = keep_alive_period_in_seconds
        if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int)):
            raise ValidationError(
                f"keep_alive_period_in_seconds must be a whole number of seconds from 0 to "
                f"3600, got {keep!r}."
            )
        if keep is not None and not 0 <= keep <= 3600:
            raise ValidationError(
                f"keep_alive_period_in_seconds must be from 0 to 3600 (SageMaker's limit), got "
                f"{keep}."
            )
        self.role = role
        self.instance_count = instance_count
        self.instance_type = instance_type
        self.entry_point = entry_point
        self.source_dir = source_dir
        self.dependencies = list(dependencies or [])
        self._hyperparameters: dict[str, Any] = dict(hyperparameters or {})
        self.metric_definitions = list(metric_definitions or [])
        self.max_run = max_run
        self.output_path = output_path
        self.base_job_name = base_job_name
        self.sagemaker_session = sagemaker_session or Session()
        self.environment = dict(environment or {})
        self.image_uri = image_uri
        self.tags = tags
        self.framework_version = framework_version
        self.py_version = py_version
        #: Seconds this process keeps a warm supervisor (the built-in's framework imported)
        #: after a job or tuning job of this estimator, for the next one (a warm pool).
        self.keep_alive_period_in_seconds = keep
        self.distribution = distribution
        self.use_spot_instances = use_spot_instances
        self.max_wait = max_wait
        self.checkpoint_s3_uri = checkpoint_s3_uri
        self.checkpoint_local_path = checkpoint_local_path
        self._launcher = distribution_launcher(distribution)
        self.latest_training_job: TrainingJob | None = None
        self._current_job_name: str | None = None
        self._check_framework()

    # --------------------------------------------------------------- settings
    def _check_framework(self) -> None:
        if self._framework_module is None:
            return
        import importlib.util

        if importlib.util.find_spec(self._framework_module) is None:
            from sabio.exceptions import FrameworkNotInstalledError

            raise FrameworkNotInstalledError(
                f"{type(self).__name__} runs your script in this Python environment, but "
                f"{self._framework_module!r} is not installed here. Install it (pip install "
                f"{self._framework_pip or self._framework_module}) and retry."
            )

    def set_hyperparameters(self, **kwargs: Any) -> None:
        """Set (add or replace) hyperparameters."""
        self._hyperparameters.update(kwargs)

    def hyperparameters(self) -> dict[str, Any]:
        """Return the hyperparameters the job will get."""
        return dict(self._hyperparameters)

    # ------------------------------------------------------------------- fit
    @runnable_by_pipeline
    def fit(
        self,
        inputs: str | TrainingInput | dict[str, str | TrainingInput] | None = None,
        wait: bool = True,
        logs: bool | str = True,
        job_name: str | None = None,
        experiment_config: Any = None,
    ) -> None:
        """Run a training job.

        Args:
            inputs: a URI/path (channel ``training``), a :class:`TrainingInput`, or a dict
                of channel name to either.
            wait: block until the job ends (raising :class:`JobFailedError` if it fails).
            logs: print the job's log while waiting.
            job_name: explicit job name (default: ``base_job_name`` plus a timestamp).
        """
        from sabio import training

        session = self.sagemaker_session
        name = job_name or unique_name(self.base_job_name or self._default_base_name())
        training.check_job_name(name)
        with tempfile.TemporaryDirectory(prefix="sabio-code-") as tmp:
            archive = self._pack_code(Path(tmp)) if self.entry_point else None
            spec = self._build_spec(name, inputs, code=archive is not None)
            # submit() validates everything first and uploads the code only once the job
            # is recorded, so a refused fit leaves nothing in the store.
            training.submit(
                session.settings,
                spec,
                session.store,
                code_archive=archive,
                keep_alive=self.keep_alive_period_in_seconds or 0,
            )
        self._current_job_name = name
        self.latest_training_job = TrainingJob(name, session)
        if wait:
            self.latest_training_job.wait(logs=bool(logs))

    def _default_base_name(self) -> str:
        if self.image_uri:
            return self.image_uri.rsplit("/", 1)[-1].split(":", 1)[0]
        if self.entry_point:
            return Path(self.entry_point).stem.replace("_", "-")
        return "sabio-training"

    def _channels(self, inputs: Any) -> dict[str, Any]:
        from sabio.training import ChannelSpec

        if inputs is None:
            return {}
        if isinstance(inputs, str | TrainingInput):
            inputs = {"training": inputs}
        if not isinstance(inputs, dict):
            raise ValidationError(
                f"fit() inputs must be a URI string, a TrainingInput or a dict of them, got "
                f"{type(inputs).__name__}."
            )
        from sabio.storage import absolute_uri

        channels: dict[str, Any] = {}
        for name, value in inputs.items():
            if isinstance(value, str):
                channels[name] = ChannelSpec(uri=absolute_uri(value))
            elif isinstance(value, TrainingInput):
                if not isinstance(value.s3_data, str):
                    raise ValidationError(
                        f"Channel {name!r} is a pipeline variable, which has a value only in a "
                        "pipeline: build the estimator with a PipelineSession and use fit() "
                        "in a TrainingStep."
                    )
                channels[name] = ChannelSpec(
                    uri=absolute_uri(value.s3_data),
                    distribution=value.distribution,  # type: ignore[arg-type]
                    content_type=value.content_type,
                )
            else:
                raise ValidationError(
                    f"Channel {name!r}: expected a URI string or TrainingInput, got "
                    f"{type(value).__name__}."
                )
        return channels

    def _output_path(self) -> str:
        if self.output_path:
            from sabio.storage import absolute_uri

            # file:// and plain paths, relative ones too, as SageMaker's local mode takes them.
            return absolute_uri(self.output_path).rstrip("/")
        return self.sagemaker_session.default_s3_uri()

    def _build_spec(self, name: str, inputs: Any, *, code: bool) -> TrainingJobSpec:
        from pydantic import ValidationError as PydanticError

        from sabio.image_uris import builtin_module
        from sabio.training import TrainingJobSpec

        builtin = builtin_module(self.image_uri) if self.image_uri else None
        if self.image_uri and not builtin and not self.entry_point:
            raise ValidationError(
                f"Image {self.image_uri!r} is not a sabio built-in and no entry_point was "
                "given. Use sabio.image_uris.retrieve('xgboost') (or another built-in) or "
                "pass entry_point='train.py'."
            )
        output_path = self._output_path()
        code_uri = f"{output_path}/{name}/source/sourcedir.tar.gz" if code else None
        try:
            return TrainingJobSpec(
                job_name=name,
                entry_point=self._relative_entry_point(),
                code_uri=code_uri,
                image_uri=self.image_uri,
                builtin_module=None if self.entry_point else builtin,
                hyperparameters=self._hyperparameters,
                channels=self._channels(inputs),
                instance_type=self.instance_type,
                instance_count=self.instance_count,
                distribution=self._launcher,
                checkpoint_uri=self._checkpoint_uri(),
                checkpoint_local_path=self.checkpoint_local_path,
                use_spot=self.use_spot_instances,
                max_wait=self.max_wait,
                metric_definitions=self.metric_definitions,  # type: ignore[arg-type]
                max_run=self.max_run,
                output_path=output_path,
                environment={k: str(v) for k, v in self.environment.items()},
                framework=self._framework,
                framework_version=self.framework_version,
            )
        except PydanticError as exc:
            raise ValidationError(_explain(exc, name)) from None

    def _checkpoint_uri(self) -> str | None:
        if self.checkpoint_s3_uri is None:
            return None
        from sabio.storage import absolute_uri

        return absolute_uri(self.checkpoint_s3_uri)

    def _relative_entry_point(self) -> str | None:
        if not self.entry_point:
            return None
        return self.entry_point if self.source_dir else Path(self.entry_point).name

    def _pack_code(self, folder: Path) -> Path:
        from sabio.training import pack_code

        assert self.entry_point is not None
        archive = folder / "sourcedir.tar.gz"
        pack_code(
            self.entry_point,
            Path(self.source_dir) if self.source_dir else None,
            [Path(d) for d in self.dependencies],
            archive,
        )
        return archive

    # -------------------------------------------------------------- results
    def _job(self) -> TrainingJob:
        if self.latest_training_job is None:
            raise ValidationError(
                "This estimator has no training job yet: call fit() first, or "
                "Estimator.attach('job-name') to an existing job."
            )
        return self.latest_training_job

    @property
    def model_data(self) -> str | None:
        """URI of the latest job's ``model.tar.gz``."""
        record = self.sagemaker_session.catalog.jobs(TRAINING).get(self._job().name)
        return record.model_artifacts

    def describe(self) -> dict[str, Any]:
        """DescribeTrainingJob of the latest job."""
        return self._job().describe()

    def logs(self) -> None:
        """Print the latest job's log (following it until the job ends)."""
        self.sagemaker_session.logs_for_job(self._job().name, wait=True)

    def stop(self) -> None:
        """Stop the latest job."""
        self._job().stop()

    @property
    def training_job_analytics(self) -> TrainingJobAnalytics:
        """Metrics of the latest job as a DataFrame source."""
        from sabio.analytics import TrainingJobAnalytics

        return TrainingJobAnalytics(self._job().name, sagemaker_session=self.sagemaker_session)

    # ------------------------------------------------------------ hosting
    def create_model(
        self,
        entry_point: str | None = None,
        source_dir: str | None = None,
        name: str | None = None,
        env: dict[str, str] | None = None,
        predictor_cls: Any = None,
        **_ignored: Any,
    ) -> Model:
        """A :class:`sabio.model.Model` of the latest training job.

        A script-mode job is served by its own script (``model_fn`` and friends in the
        training script, or ``entry_point``/``source_dir`` given here); a built-in by its
        handlers. ``predictor_cls`` defaults to the framework's (``SKLearnPredictor`` ...).

        Raises:
            ValidationError: the estimator has no completed training job.
        """
        from sabio.model import Model

        job = self._job()
        record = self.sagemaker_session.catalog.jobs(TRAINING).get(job.name)
        if not record.model_artifacts:
            raise ValidationError(
                f"Training job {job.name!r} is {record.status} and has no model artifacts yet: "
                "deploy after fit() has completed (estimator.latest_training_job.wait())."
            )
        spec = record.spec
        if entry_point is None and spec.get("entry_point"):
            entry_point = str(spec["entry_point"])
            source_dir = source_dir or spec.get("code_uri")
        return Model(
            record.model_artifacts,
            image_uri=spec.get("image_uri"),
            entry_point=entry_point,
            source_dir=source_dir,
            name=name,
            env=env,
            sagemaker_session=self.sagemaker_session,
            predictor_cls=predictor_cls or _predictor_class(spec.get("framework")),
            training_job_name=job.name,
        )

    def deploy(
        self,
        initial_instance_count: int = 1,
        instance_type: str = "local",
        serializer: Any = None,
        deserializer: Any = None,
        endpoint_name: str | None = None,
        wait: bool = True,
        data_capture_config: Any = None,
        model_name: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Serve the latest job's model on a local endpoint; returns its Predictor.

        See :meth:`sabio.model.Model.deploy` for the arguments.
        """
        return self.create_model(name=model_name).deploy(
            initial_instance_count=initial_instance_count,
            instance_type=instance_type,
            serializer=serializer,
            deserializer=deserializer,
            endpoint_name=endpoint_name,
            wait=wait,
            data_capture_config=data_capture_config,
            **kwargs,
        )

    def register(
        self,
        content_types: list[str] | None = None,
        response_types: list[str] | None = None,
        inference_instances: list[str] | None = None,
        transform_instances: list[str] | None = None,
        image_uri: str | None = None,
        model_package_name: str | None = None,
        model_package_group_name: str | None = None,
        model_metrics: Any = None,
        metadata_properties: Any = None,
        marketplace_cert: bool = False,
        approval_status: str | None = None,
        description: str | None = None,
        compile_model_family: str | None = None,
        model_name: str | None = None,
        drift_check_baselines: Any = None,
        customer_metadata_properties: dict[str, str] | None = None,
        domain: str | None = None,
        sample_payload_url: str | None = None,
        task: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Register the latest job's model as the next version of a model package group
        (SageMaker's signature); returns a :class:`sabio.model.ModelPackage`.

        ``kwargs`` go to :meth:`create_model` (``entry_point``, ``source_dir``, ``env`` ...);
        see :meth:`sabio.model.Model.register` for the rest.

        Raises:
            ValidationError: no completed training job, or no group name.
            NotFoundError: the group does not exist.
        """
        model = self.create_model(name=model_name, **kwargs)
        return model.register(
            content_types=content_types,
            response_types=response_types,
            inference_instances=inference_instances,
            transform_instances=transform_instances,
            model_package_name=model_package_name,
            model_package_group_name=model_package_group_name,
            image_uri=image_uri,
            model_metrics=model_metrics,
            approval_status=approval_status,
            description=description,
            customer_metadata_properties=customer_metadata_properties,
            domain=domain,
            task=task,
            sample_payload_url=sample_payload_url,
        )

    def transformer(self, instance_count: int, instance_type: str, **kwargs: Any) -> Any:
        """A :class:`sabio.transformer.Transformer` of the latest job's model (SageMaker's
        arguments: ``strategy``, ``assemble_with``, ``output_path``, ``accept``, ...)."""
        model_kwargs = {k: kwargs.pop(k) for k in ("model_name", "env") if k in kwargs}
        model = self.create_model(name=model_kwargs.get("model_name"), env=model_kwargs.get("env"))
        return model.transformer(instance_count, instance_type, **kwargs)

    @classmethod
    def attach(
        cls, training_job_name: str, sagemaker_session: Session | None = None, **_ignored: Any
    ) -> EstimatorBase:
        """Rebuild an estimator from an existing job (and follow it if still running)."""
        session = sagemaker_session or Session()
        record = session.catalog.jobs(TRAINING).get(training_job_name)
        spec = record.spec
        estimator = cls.__new__(cls)
        EstimatorBase.__init__(
            estimator,
            instance_count=spec.get("instance_count", 1),
            instance_type=spec.get("instance_type", "local"),
            entry_point=spec.get("entry_point"),
            hyperparameters=spec.get("hyperparameters"),
            metric_definitions=spec.get("metric_definitions"),
            max_run=spec.get("max_run", 86400),
            output_path=spec.get("output_path"),
            sagemaker_session=session,
            environment=spec.get("environment"),
            image_uri=spec.get("image_uri"),
        )
        estimator.latest_training_job = TrainingJob(training_job_name, session)
        estimator._current_job_name = training_job_name
        return estimator


class Estimator(EstimatorBase):
    """A training job of your script (``entry_point``) or a built-in (``image_uri``).

    ``image_uri`` comes first, as in SageMaker's ``Estimator(image_uri, role, ...)``.

    ``keep_alive_period_in_seconds`` (0 to 3600) is SageMaker's warm pool, for built-ins:
    after a training job or tuning job of this estimator ends, the Python process that
    submitted it keeps a warm supervisor with the built-in's framework already imported for
    that many seconds, so its next job or tuning job of that built-in starts without the
    import (seconds for PyTorch). The warm process belongs to the submitting process (a
    notebook kernel, a script): it ends with it, and another process starts cold.
    """

    def __init__(
        self,
        image_uri: str | None = None,
        role: str | None = None,
        instance_count: int = 1,
        instance_type: str = "local",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            role=role,
            instance_count=instance_count,
            instance_type=instance_type,
            image_uri=image_uri,
            **kwargs,
        )


class Framework(EstimatorBase):
    """Base of the framework estimators (SKLearn, PyTorch, XGBoost, TensorFlow).

    sabio runs the script in this Python environment; ``framework_version`` and
    ``py_version`` are recorded but do not select a container.
    """

    def __init__(self, entry_point: str, **kwargs: Any) -> None:
        super().__init__(entry_point=entry_point, **kwargs)


_KNOWN_ARGS = sorted(
    set(
        EstimatorBase.__init__.__code__.co_varnames[1 : EstimatorBase.__init__.__code__.co_argcount]
    )
    | _CLOUD_ONLY
)


def _predictor_class(framework: str | None) -> type[Predictor]:
    """SageMaker's predictor class for a framework estimator's model (``Predictor`` else)."""
    from sabio import predictor

    classes: dict[str, type[Predictor]] = {
        "scikit-learn": predictor.SKLearnPredictor,
        "xgboost": predictor.XGBoostPredictor,
        "pytorch": predictor.PyTorchPredictor,
        "tensorflow": predictor.TensorFlowPredictor,
    }
    return classes.get(framework or "", predictor.Predictor)


def _explain(exc: Any, name: str) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "job"
        parts.append(f"{where}: {error['msg']}")
    return f"Invalid training job {name!r}: " + "; ".join(parts)
