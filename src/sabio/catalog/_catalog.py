"""The catalog: metadata of every job, model, status history and metric of a workspace."""

from __future__ import annotations

from sqlalchemy import Engine

from sabio._config import Settings
from sabio.catalog._engine import engine_for
from sabio.catalog._jobs import Jobs
from sabio.catalog._migrate import migrate
from sabio.catalog._packages import ModelPackages
from sabio.catalog._pipelines import Pipelines
from sabio.catalog._records import RecordKind
from sabio.catalog._schedules import Schedules

__all__ = ["Catalog"]

_MIGRATED: set[str] = set()


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
        """Open (and migrate on first use) the catalog named by ``settings.database_url``."""
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
