"""``sabio scheduler start|stop|status`` and ``sabio schedules list|create|delete|runs``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from sabio.cli._format import status_markup, when
from sabio.session import Session

__all__ = ["scheduler_app", "schedules_app"]

scheduler_app = typer.Typer(
    help="The workspace's scheduler (runs schedules and data-arrival triggers).",
    no_args_is_help=True,
)
schedules_app = typer.Typer(
    help="Schedules and data-arrival triggers: list, create, delete, run history.",
    no_args_is_help=True,
)


@scheduler_app.command("start")
def start(
    poll: float = typer.Option(5.0, help="Seconds between passes over the schedules."),
) -> None:
    """Start the scheduler as a supervised background process."""
    from sabio.scheduling import start_scheduler

    name = start_scheduler(Session().settings, poll_seconds=poll)
    typer.echo(f"Scheduler {name} started; stop it with `sabio scheduler stop`.")


@scheduler_app.command("stop")
def stop() -> None:
    """Stop the running scheduler(s)."""
    from sabio.scheduling import stop_scheduler

    names = stop_scheduler(Session().settings)
    typer.echo(f"Stopped {', '.join(names)}." if names else "No scheduler is running.")


@scheduler_app.command("status")
def status() -> None:
    """Show the running scheduler(s)."""
    from sabio.scheduling import running_schedulers

    running = running_schedulers(Session().settings)
    if not running:
        typer.echo("No scheduler is running. Start one with `sabio scheduler start`.")
        return
    for record in running:
        typer.echo(
            f"{record.name}: running since {when(record.started_at)} "
            f"(pid {record.supervisor_pid}, every {record.spec.get('poll_seconds')} s)"
        )


@schedules_app.command("list")
def list_schedules() -> None:
    """List the schedules."""
    from sabio.scheduling import ScheduleTarget, list_schedules

    table = Table("Name", "State", "Expression", "Trigger prefix", "Target", "Last occurrence")
    for schedule in list_schedules(Session().settings):
        table.add_row(
            schedule.name,
            schedule.state,
            schedule.expression or "-",
            schedule.trigger_prefix or "-",
            ScheduleTarget.model_validate(schedule.target).describe(),
            when(schedule.last_occurrence),
        )
    Console().print(table)


@schedules_app.command("create")
def create(
    name: str = typer.Argument(..., help="Schedule name."),
    pipeline: str | None = typer.Option(None, help="Pipeline to start."),
    processing_request: Path | None = typer.Option(
        None, help="JSON file of a CreateProcessingJob request to run instead."
    ),
    expression: str | None = typer.Option(
        None, help="rate(5 minutes), cron(0 12 * * ? *) or at(2026-12-24T08:00:00), UTC."
    ),
    on_object: str | None = typer.Option(
        None, "--on-object", help="s3:// prefix: a new object under it starts a run."
    ),
    parameter_name: str | None = typer.Option(
        None, help="Parameter that receives the new object's URI."
    ),
    parameter: list[str] = typer.Option([], "--parameter", "-p", help="NAME=VALUE (repeat)."),
    start_date: str | None = typer.Option(None, help="ISO time the schedule starts (UTC)."),
    end_date: str | None = typer.Option(None, help="ISO time after which nothing runs."),
    disabled: bool = typer.Option(False, help="Create it disabled."),
) -> None:
    """Create a schedule or data-arrival trigger."""
    from sabio.exceptions import ValidationError
    from sabio.scheduling import create_schedule

    parameters = {}
    for item in parameter:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValidationError(f"--parameter {item!r}: use NAME=VALUE, e.g. -p Threshold=0.7.")
        parameters[key] = value
    request = json.loads(processing_request.read_text()) if processing_request else None
    schedule = create_schedule(
        Session().settings,
        name,
        pipeline_name=pipeline,
        processing_job=request,
        expression=expression,
        trigger_prefix=on_object,
        parameter_name=parameter_name,
        parameters=parameters,
        start_date=start_date,
        end_date=end_date,
        enabled=not disabled,
    )
    typer.echo(f"Schedule {schedule.name} created ({schedule.state}).")


@schedules_app.command("delete")
def delete(name: str) -> None:
    """Delete a schedule and its run history."""
    from sabio.scheduling import delete_schedule

    delete_schedule(Session().settings, name)
    typer.echo(f"Schedule {name} deleted.")


@schedules_app.command("runs")
def runs(
    name: str | None = typer.Argument(None, help="Only this schedule's runs."),
    limit: int = typer.Option(50, help="At most this many runs, newest first."),
) -> None:
    """Show the run history, newest first."""
    from sabio.scheduling import list_runs

    table = Table("Schedule", "Occurrence", "Started", "Status", "Run", "Message")
    for run in list_runs(Session().settings, name, limit=limit):
        table.add_row(
            run.schedule_name,
            run.occurrence,
            when(run.started_at),
            status_markup(run.status, {"Started": "green", "Failed": "red"}),
            run.target_run or "-",
            run.message or "",
        )
    Console().print(table)
