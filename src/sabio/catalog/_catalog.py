"""The catalog: metadata of every job, model, status history and metric of a workspace."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from sabio._config import Settings
from sabio.catalog._engine import engine_for
from sabio.catalog._jobs import Jobs
from sabio.catalog._migrate import migrate
from sabio.catalog._packages import ModelPackages
from sabio.catalog._pipelines import Pipelines
from sabio.catalog._records import RecordKind
from sabio.catalog._schedules import Schedules
from sabio.exceptions import CatalogError

__all__ = ["Catalog", "check_not_lost"]

_MIGRATED: set[str] = set()


#: Files a job folder always has, whatever its kind; their presence means jobs ran here.
_JOB_FILES = ("spec.json", "logs.txt", "supervisor.log", "done")
#: Workspace folders that hold no job folders (the local store's objects may have any name).
_NOT_JOBS = frozenset({"store", "cache", "locks"})


def check_not_lost(settings: Settings) -> None:
    """Refuse to start an empty SQLite catalog in a workspace whose job folders say it had
    one: the catalog was deleted or moved, and a new one would hide every job silently.

    Raises:
        CatalogError: says how to recover it, or how to start afresh on purpose
            (``SABIO_ALLOW_NEW_CATALOG=1``).
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    database = Path(url.database)
    if database.exists() or settings.allow_new_catalog or not settings.home.is_dir():
        return
    found = _a_job_folder(settings.home)
    if found is None:
        return
    raise CatalogError(
        f"The catalog {database} is missing, but the workspace {settings.home} has job folders "
        f"(for example {found}): the catalog was deleted or moved, and starting an empty one "
        "would hide every job, model and endpoint recorded in it. Restore catalog.db (with "
        "its catalog.db-wal, if any) from a backup, or point SABIO_DATABASE_URL at it. To "
        "start a new, empty catalog next to these folders on purpose, set "
        "SABIO_ALLOW_NEW_CATALOG=1 once (or allow_new_catalog = true in config.toml)."
    )


def _a_job_folder(home: Path) -> Path | None:
    try:
        for kind_folder in sorted(home.iterdir()):
            if not kind_folder.is_dir() or kind_folder.name in _NOT_JOBS:
                continue
            for job in kind_folder.iterdir():
                if any((job / name).exists() for name in _JOB_FILES):
                    return job
    except OSError:  # unreadable: nothing to say about it
        return None
    return None


class Catalog:
    """Access to the catalog database of one workspace.

    Example:
        >>> from sabio._config import load_settings
        >>> from sabio.training import TRAINING
        >>> catalog = Catalog.open(load_settings())  # doctest: +SKIP
        >>> catalog.jobs(TRAINING).list(limit=5)  # doctest: +SKIP
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._jobs: dict[str, Jobs] = {}

    @classmethod
    def open(cls, settings: Settings) -> Catalog:
        """Open (and migrate on first use) the catalog named by ``settings.database_url``.

        A workspace's folder is created readable by its owner only.

        Raises:
            CatalogError: the catalog cannot be opened, or its SQLite file is missing from a
                workspace that has job folders (see :func:`check_not_lost`).
        """
        if settings.database_url not in _MIGRATED:
            settings.ensure_home()
            check_not_lost(settings)
        return cls.from_url(settings.database_url)

    @classmethod
    def from_url(cls, url: str) -> Catalog:
        """Open (and migrate on first use) the catalog at a SQLAlchemy URL."""
        engine = engine_for(url)
        if url not in _MIGRATED:
            migrate(engine)
            _MIGRATED.add(url)
        return cls(engine)

    def jobs(self, kind: RecordKind) -> Jobs:
        """The records of one kind (a job kind declared by its engine, or models)."""
        jobs = self._jobs.get(kind.name)
        if jobs is None or jobs.kind != kind:
            jobs = self._jobs[kind.name] = Jobs(self.engine, kind)
        return jobs

    def pipelines(self) -> Pipelines:
        """The pipeline definitions of this workspace."""
        return Pipelines(self.engine)

    def model_packages(self) -> ModelPackages:
        """The model registry: model package groups and their versions."""
        return ModelPackages(self.engine)

    def schedules(self) -> Schedules:
        """The schedules of this workspace and their run history."""
        return Schedules(self.engine)
