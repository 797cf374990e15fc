"""``sabio processing list|describe|logs|stop``."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from sabio.cli._format import status_markup, when
from sabio.processing_jobs._kind import PROCESSING
from sabio.session import Session

__all__ = ["app"]

app = typer.Typer(
    help="Processing jobs: list, describe, follow logs, stop.",
    no_args_is_help=True,
)


@app.command("list")
def list_jobs(
    status: str | None = typer.Option(None, help="Only jobs with this status."),
    name_contains: str | None = typer.Option(None, "--name-contains", help="Filter by name."),
    limit: int = typer.Option(50, help="At most this many jobs, newest first."),
) -> None:
    """List processing jobs, newest first."""
    from sabio import supervision

    session = Session()
    table = Table("Name", "Status", "Created", "Seconds", "Instance", "Outputs")
    for record in session.catalog.jobs(PROCESSING).list(
        status=status, name_contains=name_contains, limit=limit
    ):
        record = supervision.reconcile(session.settings, PROCESSING, record)
        outputs = record.details.get("Outputs") or {}
        table.add_row(
            record.name,
            status_markup(record.status),
            when(record.created_at),
            "-" if record.wall_seconds is None else f"{record.wall_seconds:.1f}",
            str(record.spec.get("instance_type", "")),
            ", ".join(f"{name} ({count})" for name, count in outputs.items()) or "-",
        )
    Console().print(table)


@app.command("describe")
def describe(name: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Describe one job (SageMaker's DescribeProcessingJob shape)."""
    description = Session().describe_processing_job(name)
    if as_json:
        typer.echo(json.dumps(description, indent=2, default=str))
        return
    console = Console()
    console.print(f"[bold]{name}[/]  {description['ProcessingJobStatus']}")
    if description.get("FailureReason"):
        console.print(f"[red]Failure reason:[/] {description['FailureReason']}", highlight=False)
    if description.get("ExitMessage"):
        console.print(f"Exit message: {description['ExitMessage']}", highlight=False)
    app_spec = description["AppSpecification"]
    command = app_spec["ContainerEntrypoint"] + app_spec.get("ContainerArguments", [])
    console.print(f"Command: {' '.join(command)}", highlight=False)
    for item in description["ProcessingInputs"]:
        s3 = item["S3Input"]
        console.print(
            f"Input {item['InputName']}: {s3['S3Uri']} -> {s3['LocalPath']}", highlight=False
        )
    for item in description.get("ProcessingOutputConfig", {}).get("Outputs", []):
        s3 = item["S3Output"]
        console.print(
            f"Output {item['OutputName']}: {s3['LocalPath']} -> {s3['S3Uri']}", highlight=False
        )


@app.command("logs")
def logs(
    name: str,
    follow: bool = typer.Option(False, "-f", "--follow", help="Follow until the job ends."),
) -> None:
    """Print a job's log."""
    Session().logs_for_processing_job(name, wait=follow)


@app.command("stop")
def stop(name: str, wait: bool = typer.Option(True, help="Wait until it has stopped.")) -> None:
    """Stop a running processing job."""
    from sabio.processing_jobs import stop as stop_job
    from sabio.processing_jobs import wait as wait_job

    session = Session()
    if not stop_job(session.settings, name):
        typer.echo(f"Processing job {name} has already ended.")
        return
    if wait:
        record = wait_job(session.settings, name, timeout=120)
        typer.echo(f"Processing job {name}: {record.status}")
    else:
        typer.echo(f"Stop requested for {name}.")
