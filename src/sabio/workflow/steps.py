"""``sabio.workflow.steps``: the steps of a pipeline (SageMaker's classes and shapes).

Example:
    >>> from sabio.workflow.steps import CacheConfig
    >>> CacheConfig(enable_caching=True, expire_after="PT1H").config
    {'CacheConfig': {'Enabled': True, 'ExpireAfter': 'PT1H'}}
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from sabio.exceptions import ValidationError
from sabio.workflow.entities import Entity, RequestType, serialize
from sabio.workflow.functions import Join
from sabio.workflow.pipeline_context import _StepArguments
from sabio.workflow.properties import Properties, PropertyFile

if TYPE_CHECKING:
    from sabio.workflow.retry import RetryPolicy

__all__ = [
    "CacheConfig",
    "ConfigurableRetryStep",
    "CreateModelStep",
    "ProcessingStep",
    "Step",
    "StepTypeEnum",
    "TrainingStep",
    "TransformStep",
    "TuningStep",
]


class StepTypeEnum(Enum):
    """The step types of a pipeline definition."""

    CONDITION = "Condition"
    CREATE_MODEL = "Model"
    PROCESSING = "Processing"
    REGISTER_MODEL = "RegisterModel"
    TRAINING = "Training"
    TRANSFORM = "Transform"
    CALLBACK = "Callback"
    TUNING = "Tuning"
    LAMBDA = "Lambda"
    FAIL = "Fail"


class CacheConfig:
    """Reuse an earlier successful run of the step when its arguments and inputs are
    unchanged, if it ended within ``expire_after`` (ISO 8601 duration, e.g. ``PT1H``)."""

    def __init__(self, enable_caching: bool = False, expire_after: str | None = None) -> None:
        if enable_caching and expire_after is not None:
            from sabio.pipelines import parse_duration

            parse_duration(expire_after, "CacheConfig")
        self.enable_caching = enable_caching
        self.expire_after = expire_after

    @property
    def config(self) -> RequestType:
        """The step's ``CacheConfig`` entry."""
        config: RequestType = {"Enabled": self.enable_caching}
        if self.expire_after is not None:
            config["ExpireAfter"] = self.expire_after
        return {"CacheConfig": config}


def _names(depends_on: list[Any] | None) -> list[str]:
    names: list[str] = []
    for item in depends_on or []:
        if isinstance(item, str):
            names.append(item)
        elif hasattr(item, "steps") and not isinstance(item, Step):
            names.extend(step.name for step in item.steps)  # a step collection
        elif isinstance(item, Step):
            names.append(item.name)
        else:
            raise ValidationError(
                f"depends_on takes step names, steps or step collections, got {item!r}."
            )
    return names


class Step(Entity):
    """A step: a name, a type, its arguments and what it depends on."""

    step_type: StepTypeEnum

    def __init__(
        self,
        name: str,
        display_name: str | None = None,
        description: str | None = None,
        step_type: StepTypeEnum | None = None,
        depends_on: list[Any] | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValidationError(f"A step needs a name, got {name!r}.")
        self.name = name
        self.display_name = display_name
        self.description = description
        if step_type is not None:
            self.step_type = step_type
        self.depends_on = depends_on

    @property
    def arguments(self) -> RequestType:
        """The step's ``Arguments``."""
        raise NotImplementedError

    @property
    def properties(self) -> Properties:
        """References to the step's properties (its Describe* response)."""
        return Properties(self.name)

    def add_depends_on(self, step_names: list[Any]) -> None:
        """Add dependencies."""
        self.depends_on = list(self.depends_on or []) + list(step_names)

    def to_request(self) -> RequestType:
        request: RequestType = {
            "Name": self.name,
            "Type": self.step_type.value,
            "Arguments": serialize(self.arguments),
        }
        if self.depends_on:
            request["DependsOn"] = _names(self.depends_on)
        if self.display_name:
            request["DisplayName"] = self.display_name
        if self.description:
            request["Description"] = self.description
        return request

    @property
    def ref(self) -> dict[str, str]:
        """``{"Name": step name}``."""
        return {"Name": self.name}


class ConfigurableRetryStep(Step):
    """A step with retry policies."""

    def __init__(
        self,
        name: str,
        step_type: StepTypeEnum,
        display_name: str | None = None,
        description: str | None = None,
        depends_on: list[Any] | None = None,
        retry_policies: list[RetryPolicy] | None = None,
    ) -> None:
        super().__init__(name, display_name, description, step_type, depends_on)
        self.retry_policies = list(retry_policies or [])

    def add_retry_policy(self, retry_policy: RetryPolicy) -> None:
        """Add a retry policy."""
        self.retry_policies.append(retry_policy)

    def to_request(self) -> RequestType:
        request = super().to_request()
        if self.retry_policies:
            request["RetryPolicies"] = [p.to_request() for p in self.retry_policies]
        return request


class _JobStep(ConfigurableRetryStep):
    """A step that runs a job from ``step_args`` (or, the older way, an SDK object)."""

    def __init__(
        self,
        name: str,
        step_type: StepTypeEnum,
        step_args: _StepArguments | None,
        display_name: str | None,
        description: str | None,
        cache_config: CacheConfig | None,
        depends_on: list[Any] | None,
        retry_policies: list[RetryPolicy] | None,
    ) -> None:
        super().__init__(name, step_type, display_name, description, depends_on, retry_policies)
        self.step_args = step_args
        self.cache_config = cache_config

    def _check_args(self, what: str) -> _StepArguments:
        if not isinstance(self.step_args, _StepArguments):
            raise ValidationError(
                f"{type(self).__name__} {self.name!r} needs step_args: call {what} on an object "
                "whose sagemaker_session is a PipelineSession and pass what it returns."
            )
        return self.step_args

    @property
    def arguments(self) -> RequestType:
        from sabio.workflow._requests import request_for

        return request_for(self._check_args(self._call), self.name)

    _call = "the SDK method"

    def to_request(self) -> RequestType:
        request = super().to_request()
        if self.cache_config is not None:
            request.update(self.cache_config.config)
        return request


class TrainingStep(_JobStep):
    """Runs a training job: ``step_args=estimator.fit(inputs)`` under a PipelineSession
    (or ``estimator=`` and ``inputs=``). Properties: DescribeTrainingJob
    (``ModelArtifacts.S3ModelArtifacts``, ``FinalMetricDataList`` ...)."""

    _call = "estimator.fit(...)"

    def __init__(
        self,
        name: str,
        step_args: _StepArguments | None = None,
        estimator: Any = None,
        display_name: str | None = None,
        description: str | None = None,
        inputs: Any = None,
        cache_config: CacheConfig | None = None,
        depends_on: list[Any] | None = None,
        retry_policies: list[RetryPolicy] | None = None,
    ) -> None:
        if step_args is None and estimator is not None:
            step_args = _StepArguments("fit", estimator, (inputs,), {})
        super().__init__(
            name,
            StepTypeEnum.TRAINING,
            step_args,
            display_name,
            description,
            cache_config,
            depends_on,
            retry_policies,
        )


class TuningStep(_JobStep):
    """Runs a tuning job: ``step_args=tuner.fit(inputs)`` under a PipelineSession (or
    ``tuner=`` and ``inputs=``). Properties: DescribeHyperParameterTuningJob plus
    ``TrainingJobSummaries`` (best first)."""

    _call = "tuner.fit(...)"

    def __init__(
        self,
        name: str,
        step_args: _StepArguments | None = None,
        tuner: Any = None,
        display_name: str | None = None,
        description: str | None = None,
        inputs: Any = None,
        job_arguments: list[str] | None = None,
        cache_config: CacheConfig | None = None,
        depends_on: list[Any] | None = None,
        retry_policies: list[RetryPolicy] | None = None,
    ) -> None:
        if step_args is None and tuner is not None:
            step_args = _StepArguments("fit", tuner, (inputs,), {})
        super().__init__(
            name,
            StepTypeEnum.TUNING,
            step_args,
            display_name,
            description,
            cache_config,
            depends_on,
            retry_policies,
        )

    def get_top_model_s3_uri(self, top_k: int, s3_bucket: str, prefix: str = "") -> Join:
        """The ``model.tar.gz`` URI of the ``top_k``-th best trial (0: the best), under the
        tuner's ``output_path`` ``s3://<s3_bucket>/<prefix>``."""
        values: list[Any] = ["s3:/", s3_bucket]
        if prefix:
            values.append(prefix)
        values += [
            self.properties.TrainingJobSummaries[top_k].TrainingJobName,
            "output/model.tar.gz",
        ]
        return Join(on="/", values=values)


class TransformStep(_JobStep):
    """Runs a batch transform job: ``step_args=transformer.transform(data)`` under a
    PipelineSession (or ``transformer=`` and ``inputs=`` a TransformInput-like). Properties:
    DescribeTransformJob (``TransformOutput.S3OutputPath`` ...)."""

    _call = "transformer.transform(...)"

    def __init__(
        self,
        name: str,
        step_args: _StepArguments | None = None,
        transformer: Any = None,
        inputs: Any = None,
        display_name: str | None = None,
        description: str | None = None,
        cache_config: CacheConfig | None = None,
        depends_on: list[Any] | None = None,
        retry_policies: list[RetryPolicy] | None = None,
    ) -> None:
        if step_args is None and transformer is not None:
            data = getattr(inputs, "data", inputs)
            kwargs = {
                k: getattr(inputs, k)
                for k in ("content_type", "split_type", "input_filter", "output_filter")
                if getattr(inputs, k, None) is not None
            }
            step_args = _StepArguments("transform", transformer, (data,), kwargs)
        super().__init__(
            name,
            StepTypeEnum.TRANSFORM,
            step_args,
            display_name,
            description,
            cache_config,
            depends_on,
            retry_policies,
        )


class CreateModelStep(_JobStep):
    """Records a model (``step_args=model.create()`` under a PipelineSession, or
    ``model=``). Properties: DescribeModel (``ModelName`` ...)."""

    _call = "model.create(...)"

    def __init__(
        self,
        name: str,
        step_args: _StepArguments | None = None,
        model: Any = None,
        inputs: Any = None,
        depends_on: list[Any] | None = None,
        retry_policies: list[RetryPolicy] | None = None,
        display_name: str | None = None,
        description: str | None = None,
    ) -> None:
        if step_args is None and model is not None:
            step_args = _StepArguments("create", model, (), {})
        super().__init__(
            name,
            StepTypeEnum.CREATE_MODEL,
            step_args,
            display_name,
            description,
            None,
            depends_on,
            retry_policies,
        )


class ProcessingStep(_JobStep):
    """Runs a processing job: ``step_args=processor.run(...)`` under a PipelineSession.
    ``property_files`` name JSON files in its outputs that ``JsonGet`` reads. Properties:
    DescribeProcessingJob (``ProcessingOutputConfig.Outputs["name"].S3Output.S3Uri`` ...)."""

    _call = "processor.run(...)"

    def __init__(
        self,
        name: str,
        step_args: _StepArguments | None = None,
        processor: Any = None,
        display_name: str | None = None,
        description: str | None = None,
        inputs: Any = None,
        outputs: Any = None,
        job_arguments: list[str] | None = None,
        code: str | None = None,
        property_files: list[PropertyFile] | None = None,
        cache_config: CacheConfig | None = None,
        depends_on: list[Any] | None = None,
        retry_policies: list[RetryPolicy] | None = None,
    ) -> None:
        if step_args is None and processor is not None:
            kwargs = {"inputs": inputs, "outputs": outputs, "arguments": job_arguments}
            if code is not None:
                kwargs["code"] = code
            step_args = _StepArguments("run", processor, (), kwargs)
        super().__init__(
            name,
            StepTypeEnum.PROCESSING,
            step_args,
            display_name,
            description,
            cache_config,
            depends_on,
            retry_policies,
        )
        self.property_files = list(property_files or [])

    def to_request(self) -> RequestType:
        request = super().to_request()
        if self.property_files:
            request["PropertyFiles"] = [f.to_request() for f in self.property_files]
        return request
