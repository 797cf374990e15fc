"""``sabio monitoring schedules|executions|run|run-due|violations``."""

from __future__ import annotations

import json
import time

import typer
from rich.console import Console
from rich.table import Table

from sabio.cli._format import status_markup, when
from sabio.session import Session

__all__ = ["app"]

app = typer.Typer(
    help="Model monitoring: schedules, executions, on-demand and due runs.", no_args_is_help=True
)


@app.command("schedules")
def schedules() -> None:
    """List monitoring schedules."""
    from sabio import monitoring

    table = Table("Schedule", "Status", "Endpoint", "Expression", "Created")
    for record in Session().catalog.jobs(monitoring.SCHEDULE).list(limit=None):
        table.add_row(
            record.name,
            record.status,
            str(record.spec.get("endpoint_name")),
            str(record.spec.get("schedule_expression")),
            when(record.created_at),
        )
    Console().print(table)


@app.command("executions")
def executions(schedule: str) -> None:
    """List a schedule's executions, newest first."""
    from sabio import monitoring

    table = Table("Execution", "Status", "Period end", "Records", "Violations")
    for record in monitoring.executions(Session().settings, schedule):
        table.add_row(
            record.name,
            status_markup(record.details.get("MonitoringExecutionStatus") or record.status),
            when(record.spec.get("end_time")),
            str(record.details.get("ProcessedRecords", 0)),
            str(record.details.get("Violations", "-")),
        )
    Console().print(table)


@app.command("run")
def run(
    schedule: str,
    hours: float = typer.Option(1.0, help="Analyse the traffic of the last HOURS hours."),
) -> None:
    """Run one execution now over the last HOURS hours of captured traffic."""
    from sabio import monitoring

    end = time.time()
    record = monitoring.run_monitoring_period(
        Session().settings, schedule, end - hours * 3600, end + 1
    )
    typer.echo(
        f"{record.name}: {record.details.get('MonitoringExecutionStatus') or record.status} "
        f"({record.details.get('ProcessedRecords', 0)} records, "
        f"{record.details.get('Violations', 0)} violations)"
    )
    if record.failure_reason:
        typer.echo(record.failure_reason)


@app.command("run-due")
def run_due() -> None:
    """Start the executions that are due (call every few minutes, e.g. from cron, until the
    scheduler runs schedules)."""
    from sabio import monitoring

    for record in monitoring.run_due(Session().settings):
        typer.echo(f"Started {record.name} ({record.parent})")


@app.command("violations")
def violations(execution: str) -> None:
    """Print an execution's constraint_violations.json."""
    from sabio import monitoring

    session = Session()
    record = monitoring.describe(session.settings, execution)
    body = session.store.get_bytes(f"{record.spec['output_uri']}/constraint_violations.json")
    typer.echo(json.dumps(json.loads(body), indent=2))
