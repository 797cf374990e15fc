"""``sabio pipelines list|describe|start|executions|retry|stop|graph|send-step-*``."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from sabio.cli._format import status_markup, when
from sabio.session import Session

__all__ = ["app"]

app = typer.Typer(
    help="Pipelines: list, start, follow and retry executions, draw the step graph.",
    no_args_is_help=True,
)

#: Rich styles of pipeline and step statuses.
STYLES = {
    "Succeeded": "green",
    "Failed": "red",
    "Stopped": "yellow",
    "Stopping": "yellow",
    "Executing": "cyan",
    "Starting": "cyan",
}


def _parameters(values: list[str]) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"{item!r}: write parameters as Name=Value.")
        parameters[name] = value
    return parameters


def _latest(session: Session, pipeline: str) -> str:
    from sabio.pipelines import list_executions

    records = list_executions(session.settings, pipeline, limit=1)
    if not records:
        raise typer.BadParameter(
            f"Pipeline {pipeline!r} has no executions yet: start one with "
            f"`sabio pipelines start {pipeline}`."
        )
    return records[0].name


@app.command("list")
def list_pipelines() -> None:
    """List pipelines with their latest execution."""
    from sabio.pipelines import list_executions, list_pipelines

    session = Session()
    table = Table("Name", "Version", "Steps", "Modified", "Latest execution", "Status")
    for record in list_pipelines(session.settings):
        latest = list_executions(session.settings, record.name, limit=1)
        table.add_row(
            record.name,
            str(record.version),
            str(len(record.definition.get("Steps") or [])),
            when(record.last_modified),
            latest[0].name if latest else "-",
            status_markup(latest[0].status, STYLES) if latest else "-",
        )
    Console().print(table)


@app.command("executions")
def executions(
    pipeline: str, limit: int = typer.Option(20, help="At most this many, newest first.")
) -> None:
    """List a pipeline's executions, newest first."""
    from sabio.pipelines import list_executions

    table = Table("Execution", "Status", "Started", "Ended", "Trigger", "Failure reason")
    for record in list_executions(Session().settings, pipeline, limit=limit):
        table.add_row(
            record.name,
            status_markup(record.status, STYLES),
            when(record.created_at),
            when(record.ended_at),
            str(record.spec.get("trigger") or "-"),
            record.failure_reason or "",
        )
    Console().print(table)


@app.command("describe")
def describe(
    pipeline: str,
    execution: str | None = typer.Option(None, help="Execution id (default: the latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show an execution's steps: status, times, attempts, cache hits, failure reasons."""
    from sabio import _describe
    from sabio.pipelines import describe_execution

    session = Session()
    execution_id = execution or _latest(session, pipeline)
    record = describe_execution(session.settings, execution_id)
    steps = _describe.pipeline_execution_steps(record)
    if as_json:
        body = {"Execution": _describe.pipeline_execution(record), "Steps": steps}
        typer.echo(json.dumps(body, indent=2, default=str))
        return
    console = Console()
    console.print(
        f"[bold]{pipeline}[/] execution {execution_id}  {status_markup(record.status, STYLES)}"
    )
    if record.failure_reason:
        console.print(f"[red]Failure reason:[/] {record.failure_reason}", highlight=False)
    table = Table("Step", "Status", "Started", "Seconds", "Attempts", "Cache", "Details")
    for step in reversed(steps):
        start, end = step["StartTime"], step["EndTime"]
        seconds = f"{(end - start).total_seconds():.1f}" if start and end else "-"
        callback = (step["Metadata"].get("Callback") or {}).get("CallbackToken")
        details = step.get("FailureReason") or (f"callback token {callback}" if callback else "")
        table.add_row(
            step["StepName"],
            status_markup(str(step["StepStatus"]), STYLES),
            start.astimezone().strftime("%H:%M:%S") if start else "-",
            seconds,
            str(step["AttemptCount"]),
            "hit" if step.get("CacheHitResult") else "",
            details,
        )
    console.print(table)


@app.command("start")
def start(
    pipeline: str,
    parameter: list[str] = typer.Option([], "--parameter", "-p", help="Name=Value (repeat)."),
    wait: bool = typer.Option(False, help="Wait for the execution to end."),
) -> None:
    """Start an execution of a stored pipeline."""
    from sabio.pipelines import start_execution, wait_execution

    settings = Session().settings
    execution_id = start_execution(settings, pipeline, _parameters(parameter), trigger="cli")
    typer.echo(f"Started execution {execution_id} of {pipeline}")
    if wait:
        record = wait_execution(settings, execution_id)
        typer.echo(f"{execution_id}: {record.status}")
        if record.status != "Succeeded":
            raise typer.Exit(1)


@app.command("retry")
def retry(
    execution: str, wait: bool = typer.Option(False, help="Wait for the execution to end.")
) -> None:
    """Retry a failed execution from its failed steps (succeeded steps are kept)."""
    from sabio.pipelines import retry_execution, wait_execution

    settings = Session().settings
    retry_execution(settings, execution)
    typer.echo(f"Retrying execution {execution}")
    if wait:
        record = wait_execution(settings, execution)
        typer.echo(f"{execution}: {record.status}")
        if record.status != "Succeeded":
            raise typer.Exit(1)


@app.command("stop")
def stop(execution: str) -> None:
    """Stop a running execution (its running steps' jobs are stopped)."""
    from sabio.pipelines import stop_execution

    stopped = stop_execution(Session().settings, execution)
    typer.echo(f"Stopping {execution}" if stopped else f"{execution} had already ended")


@app.command("graph")
def graph(
    pipeline: str,
    execution: str | None = typer.Option(None, help="Colour steps by this execution's status."),
) -> None:
    """Draw the step graph: steps in dependency layers, each with what it waits for."""
    from sabio.pipelines import (
        dependencies,
        describe_execution,
        describe_pipeline,
        parse_definition,
    )

    session = Session()
    definition = parse_definition(describe_pipeline(session.settings, pipeline).definition)
    upstream = dependencies(definition)
    types = {s.Name: s.Type for s in definition.all_steps()}
    states: dict[str, Any] = {}
    if execution:
        states = describe_execution(session.settings, execution).details.get("Steps") or {}
    layers: dict[str, int] = {}

    def layer(name: str) -> int:
        if name not in layers:
            layers[name] = 1 + max((layer(u) for u in upstream.get(name, ())), default=-1)
        return layers[name]

    for name in upstream:
        layer(name)
    tree = Tree(f"[bold]{pipeline}[/]")
    for level in range(max(layers.values(), default=-1) + 1):
        branch = tree.add(f"[dim]stage {level + 1}[/]")
        for name in sorted(n for n, lv in layers.items() if lv == level):
            label = f"{name} [dim]({types[name]})[/]"
            state = states.get(name)
            if state:
                label += f"  {status_markup(str(state.get('StepStatus')), STYLES)}"
                if state.get("CacheHitResult"):
                    label += " [dim]cache hit[/]"
            if upstream.get(name):
                label += f"  [dim]<- {', '.join(sorted(upstream[name]))}[/]"
            branch.add(label)
    Console().print(tree)


@app.command("send-step-success")
def send_step_success(
    token: str,
    output: list[str] = typer.Option([], "--output", "-o", help="Name=Value (repeat)."),
) -> None:
    """Complete a waiting Callback step (SendPipelineExecutionStepSuccess)."""
    from sabio.pipelines import send_step_success as send

    outputs = [{"Name": k, "Value": v} for k, v in _parameters(output).items()]
    execution = send(Session().settings, token, outputs)
    typer.echo(f"Callback {token} of execution {execution}: success")


@app.command("send-step-failure")
def send_step_failure(
    token: str, reason: str = typer.Option(..., help="The step's failure reason.")
) -> None:
    """Fail a waiting Callback step (SendPipelineExecutionStepFailure)."""
    from sabio.pipelines import send_step_failure as send

    execution = send(Session().settings, token, reason)
    typer.echo(f"Callback {token} of execution {execution}: failure")
