"""The root ``sabio`` command and error handling shared by every sub-command."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from sabio.cli import (
    _data,
    _endpoints,
    _jobs,
    _models,
    _monitoring,
    _pipelines,
    _processing,
    _prune,
    _run,
    _scheduling,
    _train,
    _transform,
    _tuning,
)
from sabio.exceptions import SabioError

__all__ = ["app", "console", "main"]

console = Console()
app = typer.Typer(
    name="sabio",
    help="SageMaker on your own machine: store data, train, tune, deploy — locally.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(_jobs.app, name="jobs")
app.add_typer(_data.app, name="data")
app.command("train")(_train.train)
app.add_typer(_transform.app, name="transform")
app.add_typer(_tuning.app, name="tuning")
app.add_typer(_endpoints.app, name="endpoints")
app.add_typer(_models.app, name="models")
app.add_typer(_monitoring.app, name="monitoring")
app.command("tune")(_tuning.tune)
# Everything after FILE belongs to the script, options included.
app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    _run.run
)
app.add_typer(_processing.app, name="processing")
app.add_typer(_pipelines.app, name="pipelines")
app.add_typer(_scheduling.scheduler_app, name="scheduler")
app.add_typer(_scheduling.schedules_app, name="schedules")
app.command("prune")(_prune.prune)


def main() -> None:
    """Run the CLI; sabio errors print as one clear line with exit code 1."""
    try:
        app()
    except SabioError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(1)
