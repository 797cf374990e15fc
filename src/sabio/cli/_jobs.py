"""``sabio jobs list|describe|logs|stop``."""

from __future__ import annotations

import json
import time

import typer
from rich.console import Console
from rich.table import Table

from sabio.cli._format import status_markup, when
from sabio.session import Session
from sabio.training._kind import TRAINING

__all__ = ["app"]

app = typer.Typer(help="Training jobs: list, describe, follow logs, stop.", no_args_is_help=True)


@app.command("list")
def list_jobs(
    status: str | None = typer.Option(None, help="Only jobs with this status."),
    name_contains: str | None = typer.Option(None, "--name-contains", help="Filter by name."),
    limit: int = typer.Option(50, help="At most this many jobs, newest first."),
) -> None:
    """List training jobs, newest first."""
    from sabio import supervision

    session = Session()
    table = Table("Name", "Status", "Secondary", "Created", "Seconds", "Instance")
    for record in session.catalog.jobs(TRAINING).list(
        status=status, name_contains=name_contains, limit=limit
    ):
        record = supervision.reconcile(session.settings, TRAINING, record)
        table.add_row(
            record.name,
            status_markup(record.status),
            record.secondary_status,
            when(record.created_at),
            "-" if record.wall_seconds is None else f"{record.wall_seconds:.1f}",
            str(record.spec.get("instance_type", "")),
        )
    Console().print(table)


@app.command("describe")
def describe(name: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Describe one job (SageMaker's DescribeTrainingJob shape)."""
    description = Session().describe_training_job(name)
    if as_json:
        typer.echo(json.dumps(description, indent=2, default=str))
        return
    console = Console()
    console.print(
        f"[bold]{name}[/]  {description['TrainingJobStatus']} ({description['SecondaryStatus']})"
    )
    if description.get("FailureReason"):
        console.print(f"[red]Failure reason:[/] {description['FailureReason']}", highlight=False)
    if description.get("ModelArtifacts"):
        console.print(f"Model: {description['ModelArtifacts']['S3ModelArtifacts']}")
    for metric in description["FinalMetricDataList"]:
        console.print(f"  {metric['MetricName']} = {metric['Value']:.6g}")
    usage = description["ResourceUsage"]
    console.print(f"Resources: {json.dumps(usage)}")


@app.command("logs")
def logs(
    name: str,
    follow: bool = typer.Option(False, "-f", "--follow", help="Follow until the job ends."),
) -> None:
    """Print a job's log."""
    Session().logs_for_job(name, wait=follow)


@app.command("stop")
def stop(name: str, wait: bool = typer.Option(True, help="Wait until it has stopped.")) -> None:
    """Stop a running job."""
    from sabio.training import stop as stop_job
    from sabio.training import wait as wait_job

    session = Session()
    if not stop_job(session.settings, name):
        typer.echo(f"Job {name} has already ended.")
        return
    if wait:
        started = time.monotonic()
        record = wait_job(session.settings, name, timeout=120)
        typer.echo(f"Job {name}: {record.status} after {time.monotonic() - started:.1f} s")
    else:
        typer.echo(f"Stop requested for {name}.")
