"""SageMaker's pipeline-definition JSON, parsed and checked before anything runs.

:class:`PipelineDefinition` is the document ``Pipeline.definition()`` writes (Version
``2020-12-01``, ``Parameters``, ``Steps``; a condition step's branches nested in its
``IfSteps``/``ElseSteps``). :func:`check_definition` refuses, naming the step: duplicate
names, an unknown step type, ``DependsOn`` naming a missing step, a dependency cycle, a
property reference to a missing step or to a field its step type does not have, and a
parameter reference to a missing parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sabio.exceptions import ValidationError, did_you_mean
from sabio.pipelines._conditions import check_conditions
from sabio.pipelines._references import (
    EXECUTION_VARIABLES,
    PropertyPath,
    iter_references,
)

__all__ = [
    "STEP_PROPERTIES",
    "ParameterDefinition",
    "PipelineDefinition",
    "StepDefinition",
    "check_definition",
]

STEP_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,64}$")

_JOB = ("CreationTime", "LastModifiedTime", "FailureReason", "RoleArn", "Environment", "Tags")
#: The top-level properties of each step type (the Describe* response SageMaker gives it).
STEP_PROPERTIES: dict[str, frozenset[str]] = {
    "Training": frozenset(
        (
            *_JOB,
            "TrainingJobName",
            "TrainingJobArn",
            "TrainingJobStatus",
            "SecondaryStatus",
            "SecondaryStatusTransitions",
            "HyperParameters",
            "AlgorithmSpecification",
            "InputDataConfig",
            "OutputDataConfig",
            "ResourceConfig",
            "StoppingCondition",
            "TrainingStartTime",
            "TrainingEndTime",
            "ModelArtifacts",
            "FinalMetricDataList",
            "TrainingTimeInSeconds",
            "BillableTimeInSeconds",
            "TuningJobArn",
        )
    ),
    "Tuning": frozenset(
        (
            *_JOB,
            "HyperParameterTuningJobName",
            "HyperParameterTuningJobArn",
            "HyperParameterTuningJobStatus",
            "HyperParameterTuningJobConfig",
            "TrainingJobDefinition",
            "HyperParameterTuningEndTime",
            "BestTrainingJob",
            "TrainingJobStatusCounters",
            "ObjectiveStatusCounters",
            "TrainingJobSummaries",
        )
    ),
    "Transform": frozenset(
        (
            *_JOB,
            "TransformJobName",
            "TransformJobArn",
            "TransformJobStatus",
            "ModelName",
            "TransformInput",
            "TransformOutput",
            "TransformResources",
            "TransformStartTime",
            "TransformEndTime",
            "BatchStrategy",
            "MaxPayloadInMB",
            "MaxConcurrentTransforms",
        )
    ),
    "Processing": frozenset(
        (
            *_JOB,
            "ProcessingJobName",
            "ProcessingJobArn",
            "ProcessingJobStatus",
            "ProcessingInputs",
            "ProcessingOutputConfig",
            "ProcessingResources",
            "StoppingCondition",
            "AppSpecification",
            "ExitMessage",
            "ProcessingStartTime",
            "ProcessingEndTime",
        )
    ),
    "Model": frozenset(("ModelName", "ModelArn", "PrimaryContainer", "CreationTime")),
    "RegisterModel": frozenset(
        (
            "ModelPackageName",
            "ModelPackageArn",
            "ModelPackageGroupName",
            "ModelPackageVersion",
            "ModelApprovalStatus",
            "ModelPackageStatus",
            "InferenceSpecification",
            "CreationTime",
        )
    ),
    "Condition": frozenset(("Outcome",)),
    "Fail": frozenset(),
    "Lambda": frozenset(("OutputParameters",)),
    "Callback": frozenset(("OutputParameters",)),
}
STEP_TYPES = tuple(STEP_PROPERTIES)


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class ParameterDefinition(_Model):
    """A pipeline parameter: ``{"Name", "Type", "DefaultValue"}``."""

    Name: str = Field(min_length=1)
    Type: Literal["String", "Integer", "Float", "Boolean"]
    DefaultValue: Any = None
    EnumValues: list[Any] | None = None


class StepDefinition(_Model):
    """One step of a definition; ``Arguments`` is the SageMaker request of its type."""

    Name: str
    Type: str
    Arguments: Any = None
    DependsOn: list[str] = Field(default_factory=list)
    CacheConfig: dict[str, Any] | None = None
    RetryPolicies: list[dict[str, Any]] = Field(default_factory=list)
    PropertyFiles: list[dict[str, Any]] = Field(default_factory=list)
    Description: str | None = None
    DisplayName: str | None = None

    def branches(self) -> tuple[list[StepDefinition], list[StepDefinition]]:
        """A condition step's ``IfSteps`` and ``ElseSteps`` (empty for other types)."""
        if self.Type != "Condition" or not isinstance(self.Arguments, dict):
            return [], []
        return (
            [StepDefinition.model_validate(s) for s in self.Arguments.get("IfSteps") or []],
            [StepDefinition.model_validate(s) for s in self.Arguments.get("ElseSteps") or []],
        )

    def extra(self, key: str) -> Any:
        """A top-level key of the step other than the common ones (``FunctionArn`` ...)."""
        return (self.model_extra or {}).get(key)


class PipelineDefinition(_Model):
    """A pipeline definition document."""

    Version: str = "2020-12-01"
    Metadata: dict[str, Any] = Field(default_factory=dict)
    Parameters: list[ParameterDefinition] = Field(default_factory=list)
    PipelineExperimentConfig: Any = None
    Steps: list[StepDefinition] = Field(default_factory=list)

    def all_steps(self) -> Iterator[StepDefinition]:
        """Every step, a condition step's branches included (parents first)."""
        pending = list(self.Steps)
        while pending:
            step = pending.pop(0)
            yield step
            if_steps, else_steps = step.branches()
            pending.extend(if_steps + else_steps)

    def parameter(self, name: str) -> ParameterDefinition | None:
        """The parameter ``name`` (None when there is none)."""
        return next((p for p in self.Parameters if p.Name == name), None)


def _arguments_of(step: StepDefinition) -> Any:
    """What a step reads at run time (a condition step's branches are other steps)."""
    if step.Type == "Condition" and isinstance(step.Arguments, dict):
        return step.Arguments.get("Conditions")
    return [step.Arguments, step.extra("OutputParameters")]


def dependencies(definition: PipelineDefinition) -> dict[str, set[str]]:
    """Each step's upstream steps: ``DependsOn``, referenced steps, its condition step."""
    graph: dict[str, set[str]] = {}
    for step in definition.all_steps():
        upstream = graph.setdefault(step.Name, set())
        upstream.update(step.DependsOn)
        for ref in iter_references(_arguments_of(step)):
            if isinstance(ref, PropertyPath):
                upstream.add(ref.step)
        if_steps, else_steps = step.branches()
        for child in if_steps + else_steps:
            graph.setdefault(child.Name, set()).add(step.Name)
    return graph


def check_definition(definition: PipelineDefinition) -> dict[str, set[str]]:
    """Refuse a definition that cannot run, naming the step; return its dependency graph.

    Raises:
        ValidationError: what is wrong, in which step, and how to fix it.
    """
    steps: dict[str, StepDefinition] = {}
    for step in definition.all_steps():
        if not STEP_NAME.match(step.Name):
            raise ValidationError(
                f"Step name {step.Name!r} is invalid: use 1-64 letters, digits, '-' and '_'."
            )
        if step.Name in steps:
            raise ValidationError(
                f"Two steps are named {step.Name!r}: step names must be unique in a pipeline "
                "(condition branches included)."
            )
        if step.Type not in STEP_PROPERTIES:
            raise ValidationError(
                f"Step {step.Name!r} has type {step.Type!r}, which sabio cannot run. Supported: "
                f"{', '.join(STEP_TYPES)}.{did_you_mean(step.Type, list(STEP_TYPES))}"
            )
        steps[step.Name] = step
    names = set({p.Name for p in definition.Parameters})
    for step in steps.values():
        for upstream in step.DependsOn:
            if upstream not in steps:
                raise ValidationError(
                    f"Step {step.Name!r} depends on {upstream!r}, which is not a step of this "
                    f"pipeline.{did_you_mean(upstream, list(steps))} Add the step to the "
                    "pipeline's steps or remove it from depends_on."
                )
        for ref in iter_references(_arguments_of(step)):
            if isinstance(ref, PropertyPath):
                _check_property(step.Name, ref, steps)
            elif ref.startswith("Parameters."):
                name = ref[len("Parameters.") :]
                if name not in names:
                    raise ValidationError(
                        f"Step {step.Name!r} uses parameter {name!r}, which the pipeline does "
                        f"not declare.{did_you_mean(name, sorted(names))} Add it to "
                        "Pipeline(parameters=[...])."
                    )
            elif ref.startswith("Execution.") and ref not in EXECUTION_VARIABLES:
                raise ValidationError(
                    f"Step {step.Name!r} uses {ref!r}, which is not an execution variable. "
                    f"Known: {', '.join(sorted(EXECUTION_VARIABLES))}."
                )
        if step.Type == "Condition":
            conditions = (
                step.Arguments.get("Conditions") if isinstance(step.Arguments, dict) else None
            )
            types: dict[str, str] = {p.Name: p.Type for p in definition.Parameters}
            check_conditions(step.Name, conditions, types)
    graph = dependencies(definition)
    _check_cycles(graph)
    return graph


def _check_property(owner: str, ref: PropertyPath, steps: dict[str, StepDefinition]) -> None:
    target = steps.get(ref.step)
    if target is None:
        raise ValidationError(
            f"Step {owner!r} refers to Steps.{ref.step}, which is not a step of this pipeline."
            f"{did_you_mean(ref.step, list(steps))} Reference a step that the pipeline has "
            "(step.properties...)."
        )
    if ref.property_file is not None:
        files = {f.get("PropertyFileName") for f in target.PropertyFiles}
        if ref.property_file not in files:
            raise ValidationError(
                f"Step {owner!r} reads property file {ref.property_file!r} of step "
                f"{ref.step!r}, which declares {sorted(str(f) for f in files) or 'none'}. Pass "
                "the PropertyFile in ProcessingStep(property_files=[...])."
            )
        return
    fields = STEP_PROPERTIES[target.Type]
    head = ref.path[0] if ref.path else ""
    if head not in fields:
        raise ValidationError(
            f"Step {owner!r} refers to Steps.{ref.step}.{head}, but a {target.Type} step has no "
            f"property {head!r}.{did_you_mean(str(head), sorted(fields))} Its properties: "
            f"{', '.join(sorted(fields)) or 'none'}."
        )


def _check_cycles(graph: dict[str, set[str]]) -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for upstream in sorted(graph.get(name, ())):
            if state.get(upstream) == 1:
                cycle = [*path[path.index(upstream) :], upstream] if upstream in path else []
                shown = " -> ".join(reversed(cycle or [name, upstream]))
                raise ValidationError(
                    f"Step {name!r} is in a dependency cycle ({shown}): a step cannot depend, "
                    "directly or through others, on itself. Remove one of these depends_on "
                    "or property references."
                )
            if state.get(upstream) is None:
                visit(upstream, [*path, upstream])
        state[name] = 2

    for name in sorted(graph):
        if state.get(name) is None:
            visit(name, [name])


def parse_definition(document: dict[str, Any] | str) -> PipelineDefinition:
    """Parse a definition (a dict or its JSON text).

    Raises:
        ValidationError: not a pipeline definition.
    """
    from pydantic import ValidationError as PydanticError

    try:
        if isinstance(document, str):
            return PipelineDefinition.model_validate_json(document)
        return PipelineDefinition.model_validate(document)
    except PydanticError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'definition'}: {e['msg']}"
            for e in exc.errors()
        )
        raise ValidationError(f"Invalid pipeline definition: {problems}") from None
