"""The pipeline execution job kind, as the job kernel knows it."""

from __future__ import annotations

from sabio.supervision import JobKind

__all__ = ["EXECUTION_STATUSES", "PIPELINE_EXECUTION", "RETRYABLE"]

#: SageMaker's PipelineExecutionStatus values.
EXECUTION_STATUSES = ("Executing", "Stopping", "Stopped", "Failed", "Succeeded")
#: A failed execution may run again from its failed steps (RetryPipelineExecution), so
#: ``Failed`` is final for followers but not terminal for the catalog.
RETRYABLE = frozenset({"Failed"})

PIPELINE_EXECUTION = JobKind(
    name="pipeline_execution",
    label="Pipeline execution",
    list_hint="`sabio pipelines executions <pipeline>`",
    terminal=frozenset({"Succeeded", "Stopped"}),
    module="sabio.pipelines._supervisor",
    folder="pipeline-executions",
    active=frozenset({"Executing", "Stopping"}),
    dead_reason=(
        "InternalServerError: the pipeline execution's supervisor process (pid {pid}) died "
        "without recording an outcome (killed, out of memory or machine restart). Retry it "
        "with `sabio pipelines retry` or execution.retry(); its succeeded steps are kept."
    ),
    stop_hint="`sabio pipelines stop` or execution.stop()",
)

#: Statuses after which an execution no longer runs (until a retry).
FINAL_STATUSES = frozenset({"Succeeded", "Stopped", "Failed"})
