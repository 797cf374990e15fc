"""The catalog: metadata database of a workspace (SQLAlchemy 2 + alembic).

SQLite in WAL mode by default, PostgreSQL by URL. Every kind of job and models share one
record type (:class:`JobRecord`) and one API (:class:`Jobs`, from :meth:`Catalog.jobs`).
"""

from sabio.catalog._catalog import Catalog
from sabio.catalog._jobs import Jobs
from sabio.catalog._migrate import HEAD_REVISION
from sabio.catalog._packages import ModelPackageGroupRecord, ModelPackageRecord, ModelPackages
from sabio.catalog._pipelines import PipelineRecord, Pipelines
from sabio.catalog._records import (
    TERMINAL_STATUSES,
    JobRecord,
    MetricRecord,
    RecordKind,
    StatusEvent,
)
from sabio.catalog._schedules import RunRecord, ScheduleRecord, Schedules

__all__ = [
    "HEAD_REVISION",
    "TERMINAL_STATUSES",
    "Catalog",
    "JobRecord",
    "Jobs",
    "MetricRecord",
    "ModelPackageGroupRecord",
    "ModelPackageRecord",
    "ModelPackages",
    "PipelineRecord",
    "Pipelines",
    "RecordKind",
    "RunRecord",
    "ScheduleRecord",
    "Schedules",
    "StatusEvent",
]
