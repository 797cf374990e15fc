"""Pipelines: SageMaker pipeline definitions stored in the catalog, and their executions run
as supervised jobs (kind ``pipeline_execution``) that start steps through the engines.

A definition is SageMaker's pipeline-definition JSON; :func:`upsert_pipeline` checks it
(cycles, references to missing steps or fields, conditions on non-numbers) before storing
it, :func:`start_execution` checks the parameter values before starting anything.
"""

from sabio.pipelines._cache import parse_duration
from sabio.pipelines._definition import (
    STEP_PROPERTIES,
    PipelineDefinition,
    StepDefinition,
    check_definition,
    dependencies,
    parse_definition,
)
from sabio.pipelines._executions import (
    delete_pipeline,
    describe_execution,
    describe_pipeline,
    list_executions,
    list_pipelines,
    retry_execution,
    start_execution,
    stop_execution,
    upsert_pipeline,
    wait_execution,
)
from sabio.pipelines._functions import (
    FUNCTION_ARN,
    create_function,
    invoke_function,
    send_step_failure,
    send_step_success,
)
from sabio.pipelines._kind import EXECUTION_STATUSES, FINAL_STATUSES, PIPELINE_EXECUTION
from sabio.pipelines._spec import ExecutionSpec, execution_arn, pipeline_arn

__all__ = [
    "EXECUTION_STATUSES",
    "FINAL_STATUSES",
    "FUNCTION_ARN",
    "PIPELINE_EXECUTION",
    "STEP_PROPERTIES",
    "ExecutionSpec",
    "PipelineDefinition",
    "StepDefinition",
    "check_definition",
    "create_function",
    "delete_pipeline",
    "dependencies",
    "describe_execution",
    "describe_pipeline",
    "execution_arn",
    "invoke_function",
    "list_executions",
    "list_pipelines",
    "parse_definition",
    "parse_duration",
    "pipeline_arn",
    "retry_execution",
    "send_step_failure",
    "send_step_success",
    "start_execution",
    "stop_execution",
    "upsert_pipeline",
    "wait_execution",
]
