"""``sabio prune``: free the disk space finished training jobs keep."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from sabio.session import Session

__all__ = ["prune"]


def _local_path(uri: str | None) -> Path | None:
    """The local file a model's URI names, if it names one (``s3://`` objects of a local
    store live outside job folders)."""
    if not uri or uri.startswith("s3://"):
        return None
    return Path(uri.removeprefix("file://")).expanduser()


def _in_use(session: Session) -> list[Path]:
    """Local files registered models (and so the endpoints serving them) use."""
    from sabio.inference import MODEL, ModelSpec

    used: list[Path] = []
    for record in session.catalog.jobs(MODEL).list(limit=None):
        spec = ModelSpec.model_validate(record.spec)
        for uri in (spec.model_data_url, spec.source_dir):
            path = _local_path(uri)
            if path is not None:
                used.append(path)
    return used


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


def prune(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only print what would be freed."),
    older_than: float = typer.Option(
        0.0, "--older-than", metavar="DAYS", help="Only jobs that ended more than DAYS ago."
    ),
) -> None:
    """Delete the input and working copies of finished training jobs (their logs, specs
    and metrics stay; models are in the store); files registered models use are kept."""
    from sabio.training import prune as prune_jobs

    session = Session()
    results = prune_jobs(
        session.settings, older_than_days=older_than, keep=_in_use(session), dry_run=dry_run
    )
    console = Console()
    table = Table("Job", "Would free" if dry_run else "Freed", "Paths", "Kept (in use)")
    for result in results:
        table.add_row(
            result.name,
            _megabytes(result.freed_bytes),
            str(len(result.paths)),
            ", ".join(str(path) for path in result.kept) or "-",
        )
    if results:
        console.print(table)
    total = sum(result.freed_bytes for result in results)
    verb = "Would free" if dry_run else "Freed"
    console.print(f"{verb} {_megabytes(total)} from {len(results)} finished training job(s).")
