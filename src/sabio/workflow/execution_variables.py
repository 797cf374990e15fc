"""``sabio.workflow.execution_variables``: values of the running execution.

Example:
    >>> from sabio.workflow.execution_variables import ExecutionVariables
    >>> ExecutionVariables.PIPELINE_EXECUTION_ID.expr
    {'Get': 'Execution.PipelineExecutionId'}
"""

from __future__ import annotations

from sabio.workflow.entities import PipelineVariable, RequestType

__all__ = ["ExecutionVariable", "ExecutionVariables"]


class ExecutionVariable(PipelineVariable):
    """One execution variable (``Execution.<name>``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def expr(self) -> RequestType:
        return {"Get": f"Execution.{self.name}"}

    def __repr__(self) -> str:
        return f"ExecutionVariable({self.name!r})"


class ExecutionVariables:
    """SageMaker's execution variables."""

    START_DATETIME = ExecutionVariable("StartDateTime")
    CURRENT_DATETIME = ExecutionVariable("CurrentDateTime")
    PIPELINE_NAME = ExecutionVariable("PipelineName")
    PIPELINE_ARN = ExecutionVariable("PipelineArn")
    PIPELINE_EXECUTION_ID = ExecutionVariable("PipelineExecutionId")
    PIPELINE_EXECUTION_ARN = ExecutionVariable("PipelineExecutionArn")
