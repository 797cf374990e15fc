"""``sabio transform run|list|describe|logs|stop``."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from sabio.cli._format import status_markup, when
from sabio.session import Session
from sabio.transform._kind import TRANSFORM

__all__ = ["app"]

app = typer.Typer(
    help="Batch transform jobs: run a model over files, list, describe, stop.",
    no_args_is_help=True,
)


@app.command("run")
def run(
    model_name: str = typer.Argument(..., help="A model in the catalog."),
    data: str = typer.Argument(..., help="s3:// prefix or object (or a local path) to read."),
    output_path: str | None = typer.Option(None, help="Where <file>.out objects go."),
    content_type: str | None = typer.Option(None, help="MIME type of the input."),
    accept: str | None = typer.Option(None, help="MIME type of the answers."),
    split_type: str | None = typer.Option(None, help="Line or None."),
    strategy: str | None = typer.Option(None, help="MultiRecord or SingleRecord."),
    assemble_with: str | None = typer.Option(None, help="Line or None."),
    compression_type: str | None = typer.Option(None, help="Gzip for .gz input files."),
    instance_count: int = typer.Option(1, help="Instances (worker processes)."),
    max_concurrent_transforms: int | None = typer.Option(None, help="Workers per instance."),
    max_payload: float | None = typer.Option(None, help="Largest request in MB (default 6)."),
    input_filter: str | None = typer.Option(None, help="JSONPath, e.g. '$[1:]'."),
    output_filter: str | None = typer.Option(None, help="JSONPath, e.g. '$[0,-1]'."),
    join_source: str | None = typer.Option(None, help="Input to join input and answers."),
    job_name: str | None = typer.Option(None, help="Job name (default: generated)."),
    wait: bool = typer.Option(True, help="Wait for the job and print its log."),
) -> None:
    """Run a batch transform job (SageMaker's CreateTransformJob)."""
    from sabio.transformer import Transformer

    transformer = Transformer(
        model_name,
        instance_count=instance_count,
        strategy=strategy,
        assemble_with=assemble_with,
        output_path=output_path,
        accept=accept,
        max_concurrent_transforms=max_concurrent_transforms,
        max_payload=max_payload,
    )
    transformer.transform(
        data,
        content_type=content_type,
        compression_type=compression_type,
        split_type=split_type,
        job_name=job_name,
        input_filter=input_filter,
        output_filter=output_filter,
        join_source=join_source,
        wait=wait,
    )
    job = transformer.latest_transform_job
    name = job.name if job is not None else job_name
    typer.echo(f"Transform job {name}: output in {transformer.output_path}")


@app.command("list")
def list_jobs(
    status: str | None = typer.Option(None, help="Only jobs with this status."),
    name_contains: str | None = typer.Option(None, "--name-contains", help="Filter by name."),
    limit: int = typer.Option(50, help="At most this many jobs, newest first."),
) -> None:
    """List transform jobs, newest first."""
    from sabio import supervision

    session = Session()
    table = Table("Name", "Status", "Model", "Created", "Records", "Output")
    for record in session.catalog.jobs(TRANSFORM).list(
        status=status, name_contains=name_contains, limit=limit
    ):
        record = supervision.reconcile(session.settings, TRANSFORM, record)
        table.add_row(
            record.name,
            status_markup(record.status),
            str(record.spec.get("model_name", "")),
            when(record.created_at),
            str(record.details.get("Records", "-")),
            str(record.spec.get("output_path", "")),
        )
    Console().print(table)


@app.command("describe")
def describe(name: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Describe one job (SageMaker's DescribeTransformJob shape)."""
    from sabio._describe import describe_transform_job

    description = describe_transform_job(Session(), name)
    if as_json:
        typer.echo(json.dumps(description, indent=2, default=str))
        return
    console = Console()
    console.print(f"[bold]{name}[/]  {description['TransformJobStatus']}")
    if description.get("FailureReason"):
        console.print(f"[red]Failure reason:[/] {description['FailureReason']}", highlight=False)
    console.print(f"Model: {description['ModelName']}", highlight=False)
    source = description["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]
    console.print(f"Input: {source}", highlight=False)
    console.print(f"Output: {description['TransformOutput']['S3OutputPath']}", highlight=False)
    console.print(f"Progress: {json.dumps(description['TransformProgress'])}", highlight=False)


@app.command("logs")
def logs(
    name: str,
    follow: bool = typer.Option(False, "-f", "--follow", help="Follow until the job ends."),
) -> None:
    """Print a job's log."""
    from sabio.transform import follow as follow_job
    from sabio.transform import job_dir

    session = Session()
    if follow:
        follow_job(session.settings, name, typer.echo)
        return
    session.catalog.jobs(TRANSFORM).get(name)
    log = job_dir(session.settings, name) / "logs.txt"
    if log.exists():
        typer.echo(log.read_text(errors="replace"), nl=False)


@app.command("stop")
def stop(name: str, wait: bool = typer.Option(True, help="Wait until it has stopped.")) -> None:
    """Stop a running transform job."""
    from sabio.transform import stop as stop_job
    from sabio.transform import wait as wait_job

    session = Session()
    if not stop_job(session.settings, name):
        typer.echo(f"Transform job {name} has already ended.")
        return
    if wait:
        record = wait_job(session.settings, name, timeout=120)
        typer.echo(f"Transform job {name}: {record.status}")
    else:
        typer.echo(f"Stop requested for {name}.")
