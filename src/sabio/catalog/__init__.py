"""The catalog: metadata database of a workspace (SQLAlchemy 2 + alembic).

SQLite in WAL mode by default, PostgreSQL by URL.
"""

from sabio.catalog._catalog import Catalog
from sabio.catalog._migrate import HEAD_REVISION
from sabio.catalog._records import (
    TERMINAL_STATUSES,
    MetricRecord,
    StatusEvent,
    TrainingJobRecord,
)
from sabio.catalog._resources import ResourceRecord, Resources

__all__ = [
    "HEAD_REVISION",
    "TERMINAL_STATUSES",
    "Catalog",
    "MetricRecord",
    "ResourceRecord",
    "Resources",
    "StatusEvent",
    "TrainingJobRecord",
]
