"""``sabio.workflow.pipeline.Pipeline``: a SageMaker pipeline, run on this machine.

Example:
    >>> from sabio.workflow.pipeline import Pipeline
    >>> from sabio.workflow.parameters import ParameterInteger
    >>> from sabio.workflow.fail_step import FailStep
    >>> p = Pipeline(name="demo", parameters=[ParameterInteger("N", 1)],
    ...              steps=[FailStep("Stop", error_message="demo")])
    >>> import json; json.loads(p.definition())["Version"]
    '2020-12-01'
"""

from __future__ import annotations

import json
from typing import Any

from sabio.exceptions import JobFailedError, ValidationError
from sabio.session import Session
from sabio.workflow.parameters import Parameter
from sabio.workflow.pipeline_definition_config import PipelineDefinitionConfig
from sabio.workflow.step_collections import StepCollection
from sabio.workflow.steps import Step

__all__ = ["Pipeline", "PipelineGraph"]


class Pipeline:
    """A pipeline: parameters and steps, stored in the catalog by :meth:`upsert` and run by
    :meth:`start` as a supervised execution (it outlives this process).

    Args:
        name: the pipeline's name.
        parameters: its parameters (``ParameterString`` ...).
        steps: its steps and step collections (a condition's branches need not be listed).
        sagemaker_session: the session (default: a new one).
        pipeline_definition_config: accepted for compatibility.
    """

    def __init__(
        self,
        name: str = "",
        parameters: list[Parameter] | None = None,
        pipeline_experiment_config: Any = None,
        steps: list[Step | StepCollection] | None = None,
        sagemaker_session: Session | None = None,
        pipeline_definition_config: PipelineDefinitionConfig | None = None,
    ) -> None:
        if not name:
            raise ValidationError("A pipeline needs a name: Pipeline(name='insurance', ...).")
        self.name = name
        self.parameters = list(parameters or [])
        self.pipeline_experiment_config = pipeline_experiment_config
        self.steps = list(steps or [])
        self.sagemaker_session = sagemaker_session or Session()
        self.pipeline_definition_config = pipeline_definition_config or PipelineDefinitionConfig()

    # ------------------------------------------------------------- definition
    def _step_requests(self) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = []
        for step in self.steps:
            if isinstance(step, StepCollection):
                requests.extend(step.request_dicts())
            else:
                requests.append(step.to_request())
        return requests

    def definition(self) -> str:
        """The pipeline-definition JSON (SageMaker's format, Version ``2020-12-01``)."""
        names = [p.name for p in self.parameters]
        if len(names) != len(set(names)):
            raise ValidationError(f"Pipeline {self.name!r} declares a parameter twice: {names}.")
        document: dict[str, Any] = {
            "Version": "2020-12-01",
            "Metadata": {},
            "Parameters": [p.to_definition() for p in self.parameters],
            "PipelineExperimentConfig": None,
            "Steps": self._step_requests(),
        }
        return json.dumps(document)

    # ------------------------------------------------------------------- CRUD
    def upsert(
        self,
        role_arn: str | None = None,
        description: str | None = None,
        tags: Any = None,
        parallelism_config: Any = None,
    ) -> dict[str, Any]:
        """Check the definition and store it (create or update); returns
        ``{"PipelineArn": ...}``.

        Raises:
            ValidationError: a cycle, a reference to a missing step or field, a condition
                on a non-number ... (naming the step).
        """
        from sabio.pipelines import pipeline_arn, upsert_pipeline

        upsert_pipeline(
            self.sagemaker_session.settings,
            self.name,
            self.definition(),
            description=description,
            role_arn=role_arn,
        )
        return {"PipelineArn": pipeline_arn(self.name)}

    def create(self, role_arn: str | None = None, description: str | None = None, **_: Any) -> Any:
        """Create the pipeline (ConflictError when it exists)."""
        from sabio.exceptions import ConflictError

        if self.sagemaker_session.catalog.pipelines().exists(self.name):
            raise ConflictError(f"Pipeline {self.name!r} already exists: use upsert() or update().")
        return self.upsert(role_arn=role_arn, description=description)

    def update(self, role_arn: str | None = None, description: str | None = None, **_: Any) -> Any:
        """Update the pipeline's definition (NotFoundError when it does not exist)."""
        self.sagemaker_session.catalog.pipelines().get(self.name)
        return self.upsert(role_arn=role_arn, description=description)

    def describe(self) -> dict[str, Any]:
        """DescribePipeline."""
        from sabio import _describe

        return _describe.pipeline(self.sagemaker_session.catalog.pipelines().get(self.name))

    def delete(self) -> dict[str, Any]:
        """Delete the pipeline (its executions' records stay)."""
        from sabio.pipelines import delete_pipeline, pipeline_arn

        delete_pipeline(self.sagemaker_session.settings, self.name)
        return {"PipelineArn": pipeline_arn(self.name)}

    # ------------------------------------------------------------- executions
    def start(
        self,
        parameters: dict[str, Any] | None = None,
        execution_display_name: str | None = None,
        execution_description: str | None = None,
        parallelism_config: Any = None,
        **_: Any,
    ) -> _PipelineExecution:
        """Start an execution with ``parameters`` (name → value; defaults fill the rest).

        Raises:
            NotFoundError: the pipeline was not upserted.
            ValidationError: an unknown parameter or a value of the wrong type.
        """
        from sabio.pipelines import start_execution

        execution_id = start_execution(
            self.sagemaker_session.settings,
            self.name,
            dict(parameters or {}),
            display_name=execution_display_name,
            description=execution_description,
        )
        return _PipelineExecution(self.name, execution_id, self.sagemaker_session)

    def list_executions(
        self, sort_by: str | None = None, sort_order: str | None = None, max_results: int = 100
    ) -> dict[str, Any]:
        """ListPipelineExecutions: ``{"PipelineExecutionSummaries": [...]}``, newest first."""
        from sabio.pipelines import list_executions

        summaries = []
        for record in list_executions(self.sagemaker_session.settings, self.name, max_results):
            summaries.append(
                {
                    "PipelineExecutionArn": _arn(self.name, record.name),
                    "StartTime": _datetime(record.created_at),
                    "PipelineExecutionStatus": record.status,
                    "PipelineExecutionDisplayName": record.spec.get("display_name") or record.name,
                    "PipelineExecutionFailureReason": record.failure_reason,
                }
            )
        if sort_order == "Ascending":
            summaries.reverse()
        return {"PipelineExecutionSummaries": summaries}

    def build_parameters_from_execution(self, pipeline_execution_arn: str, **_: Any) -> Any:
        """The parameter values an earlier execution ran with."""
        execution = _PipelineExecution.from_arn(pipeline_execution_arn, self.sagemaker_session)
        return {p["Name"]: p["Value"] for p in execution.describe()["PipelineParameters"]}

    # --------------------------------------------------------------- triggers
    def put_triggers(self, triggers: list[Any], role_arn: str | None = None) -> list[str]:
        """Create or replace this pipeline's schedules (``PipelineSchedule``); return their
        ARNs. The workspace's scheduler (``sabio scheduler start``) runs them."""
        from sabio.workflow.triggers import put_triggers

        return put_triggers(self.sagemaker_session, self.name, self.parameters, triggers)

    def describe_trigger(self, trigger_name: str) -> dict[str, Any]:
        """One schedule (``Schedule_Arn``, ``Schedule_Expression``, ``Schedule_State`` ...)."""
        from sabio.workflow.triggers import describe_trigger

        return describe_trigger(self.sagemaker_session, trigger_name)

    def delete_triggers(self, trigger_names: list[str]) -> None:
        """Delete schedules by name."""
        from sabio.workflow.triggers import delete_triggers

        delete_triggers(self.sagemaker_session, trigger_names)


def _arn(pipeline: str, execution_id: str) -> str:
    from sabio.pipelines import execution_arn

    return execution_arn(pipeline, execution_id)


def _datetime(value: float | None) -> Any:
    import datetime as dt

    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.UTC)


class _PipelineExecution:
    """A started execution (SageMaker's ``_PipelineExecution``)."""

    def __init__(self, pipeline_name: str, execution_id: str, session: Session) -> None:
        self.pipeline_name = pipeline_name
        self.execution_id = execution_id
        self.sagemaker_session = session
        self.arn = _arn(pipeline_name, execution_id)

    @classmethod
    def from_arn(cls, arn: str, session: Session) -> _PipelineExecution:
        """The execution an ARN (or a bare execution id) names."""
        execution_id = arn.rsplit("/", 1)[-1]
        record = session.catalog.jobs(_kind()).get(execution_id)
        return cls(str(record.parent), execution_id, session)

    def describe(self) -> dict[str, Any]:
        """DescribePipelineExecution."""
        from sabio import _describe
        from sabio.pipelines import describe_execution

        record = describe_execution(self.sagemaker_session.settings, self.execution_id)
        return _describe.pipeline_execution(record)

    def list_steps(self) -> list[dict[str, Any]]:
        """ListPipelineExecutionSteps (newest started first): status, times, attempts,
        ``CacheHitResult``, ``FailureReason``, ``Metadata`` (the step's job ...)."""
        from sabio import _describe
        from sabio.pipelines import describe_execution

        record = describe_execution(self.sagemaker_session.settings, self.execution_id)
        return _describe.pipeline_execution_steps(record)

    def wait(self, delay: int = 30, max_attempts: int = 60, timeout: float | None = None) -> None:
        """Block until the execution ends; raise when it failed or was stopped.

        ``timeout`` (seconds) defaults to ``delay * max_attempts`` as in SageMaker's waiter.

        Raises:
            JobFailedError: the execution Failed or was Stopped.
            TimeoutError_: it did not end in time.
        """
        from sabio.pipelines import wait_execution

        limit = timeout if timeout is not None else float(delay * max_attempts)
        record = wait_execution(self.sagemaker_session.settings, self.execution_id, limit)
        if record.status != "Succeeded":
            raise JobFailedError(
                f"Pipeline execution {self.execution_id} of {self.pipeline_name!r} ended "
                f"{record.status}: {record.failure_reason or 'stopped'}. See "
                "execution.list_steps() or `sabio pipelines describe "
                f"{self.pipeline_name}`; retry it with execution.retry()."
            )

    def stop(self) -> None:
        """Stop the execution (its running steps' jobs are stopped)."""
        from sabio.pipelines import stop_execution

        stop_execution(self.sagemaker_session.settings, self.execution_id)

    def retry(self) -> _PipelineExecution:
        """Run a failed execution again from its failed steps (RetryPipelineExecution)."""
        from sabio.pipelines import retry_execution

        retry_execution(self.sagemaker_session.settings, self.execution_id)
        return self

    def result(self, step_name: str) -> Any:
        """A finished step's outputs (Lambda/Callback) or properties (job steps)."""
        from sabio.pipelines import describe_execution

        record = describe_execution(self.sagemaker_session.settings, self.execution_id)
        state = (record.details.get("Steps") or {}).get(step_name)
        if state is None or state.get("StepStatus") != "Succeeded":
            status = "did not run" if state is None else state.get("StepStatus")
            raise ValidationError(
                f"Step {step_name!r} of execution {self.execution_id} {status}; results exist "
                "only for succeeded steps."
            )
        properties = state.get("Properties") or {}
        return properties.get("OutputParameters", properties)

    def __repr__(self) -> str:
        return f"_PipelineExecution({self.arn!r})"


def _kind() -> Any:
    from sabio.pipelines import PIPELINE_EXECUTION

    return PIPELINE_EXECUTION


class PipelineGraph:
    """The steps of a pipeline and their dependencies (``sabio pipelines graph`` draws it)."""

    def __init__(self, pipeline: Pipeline) -> None:
        from sabio.pipelines import dependencies, parse_definition

        self.step_map = dependencies(parse_definition(pipeline.definition()))

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> PipelineGraph:
        """The graph of ``pipeline``."""
        return cls(pipeline)
