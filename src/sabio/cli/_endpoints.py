"""``sabio endpoints list|describe|invoke|delete|logs``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from sabio.cli._format import ENDPOINT_STYLES, status_markup, when
from sabio.session import Session

__all__ = ["app"]

app = typer.Typer(
    help="Real-time endpoints: list, describe, invoke, delete, logs.", no_args_is_help=True
)


@app.command("list")
def list_endpoints(
    status: str | None = typer.Option(None, help="Only endpoints with this status."),
    name_contains: str | None = typer.Option(None, "--name-contains", help="Filter by name."),
    limit: int = typer.Option(50, help="At most this many, newest first."),
) -> None:
    """List endpoints, newest first."""
    from sabio.serving import list_endpoints as records

    table = Table("Name", "Status", "Model", "Workers", "Url", "Created")
    for record in records(
        Session().settings, status=status, name_contains=name_contains, limit=limit
    ):
        table.add_row(
            record.name,
            status_markup(record.status, ENDPOINT_STYLES),
            str(record.details.get("ModelName") or record.spec.get("model_name")),
            str(len(record.details.get("Workers", []))),
            str(record.details.get("Url") or "-"),
            when(record.created_at),
        )
    Console().print(table)


@app.command("describe")
def describe(name: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Describe one endpoint (SageMaker's DescribeEndpoint shape plus its Url)."""
    from sabio._describe import describe_endpoint

    description = describe_endpoint(Session(), name)
    if as_json:
        typer.echo(json.dumps(description, indent=2, default=str))
        return
    console = Console()
    console.print(f"[bold]{name}[/]  {description['EndpointStatus']}", highlight=False)
    if description.get("FailureReason"):
        console.print(f"[red]Failure reason:[/] {description['FailureReason']}", highlight=False)
    console.print(f"Model: {description['ModelName']}", highlight=False)
    console.print(f"Url: {description['Url'] or '-'}", highlight=False)
    variant = description["ProductionVariants"][0]
    console.print(f"Workers: {variant['CurrentInstanceCount']}", highlight=False)


@app.command("invoke")
def invoke(
    name: str,
    body: str | None = typer.Option(None, "--body", "-b", help="Request body (text)."),
    file: Path | None = typer.Option(None, "--file", "-f", help="Read the body from a file."),
    content_type: str = typer.Option("text/csv", "--content-type", "-t"),
    accept: str = typer.Option("application/json", "--accept", "-a"),
) -> None:
    """Send one request to an endpoint and print the answer (body from --body, --file or
    standard input)."""
    from sabio.predictor import Predictor

    if body is not None:
        data = body.encode()
    elif file is not None:
        data = file.read_bytes()
    else:
        data = sys.stdin.buffer.read()
    predictor = Predictor(name, Session())
    answer = predictor.predict(data, initial_args={"ContentType": content_type, "Accept": accept})
    sys.stdout.buffer.write(answer if answer.endswith(b"\n") else answer + b"\n")


@app.command("delete")
def delete(name: str) -> None:
    """Stop an endpoint's server (freeing its port) and remove it."""
    from sabio.serving import delete_endpoint

    delete_endpoint(Session().settings, name)
    typer.echo(f"Deleted endpoint {name}.")


@app.command("logs")
def logs(name: str) -> None:
    """Print an endpoint's server log."""
    from sabio.serving import describe_endpoint, endpoint_dir

    session = Session()
    describe_endpoint(session.settings, name)
    log = endpoint_dir(session.settings, name) / "supervisor.log"
    if log.exists():
        typer.echo(log.read_text(errors="replace"), nl=False)
