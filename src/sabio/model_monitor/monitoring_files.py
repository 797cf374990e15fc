"""``sabio.model_monitor.monitoring_files``: Statistics, Constraints and
ConstraintViolations — the JSON files of baselines and executions, read from the store."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sabio.session import Session

__all__ = ["ConstraintViolations", "Constraints", "Statistics"]


class _MonitoringFile:
    def __init__(self, body_dict: dict[str, Any], file_s3_uri: str | None = None) -> None:
        self.body_dict = body_dict
        self.file_s3_uri = file_s3_uri

    @classmethod
    def _read(cls, uri: str, session: Session | None) -> dict[str, Any]:
        from sabio.session import Session

        session = session or Session()
        body: dict[str, Any] = json.loads(session.store.get_bytes(uri))
        return body

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.file_s3_uri!r})"


class Statistics(_MonitoringFile):
    """A ``statistics.json`` (``body_dict``) and where it is (``file_s3_uri``)."""

    @classmethod
    def from_s3_uri(
        cls, statistics_file_s3_uri: str, kms_key: str | None = None, sagemaker_session: Any = None
    ) -> Statistics:
        """Read a statistics file.

        Raises:
            NotFoundError: nothing at the URI.
        """
        return cls(cls._read(statistics_file_s3_uri, sagemaker_session), statistics_file_s3_uri)


class Constraints(_MonitoringFile):
    """A ``constraints.json`` (``body_dict``) and where it is (``file_s3_uri``)."""

    @classmethod
    def from_s3_uri(
        cls, constraints_file_s3_uri: str, kms_key: str | None = None, sagemaker_session: Any = None
    ) -> Constraints:
        """Read a constraints file.

        Raises:
            NotFoundError: nothing at the URI.
        """
        return cls(cls._read(constraints_file_s3_uri, sagemaker_session), constraints_file_s3_uri)


class ConstraintViolations(_MonitoringFile):
    """A ``constraint_violations.json`` (``body_dict``) and where it is."""

    @classmethod
    def from_s3_uri(
        cls,
        constraint_violations_file_s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Any = None,
    ) -> ConstraintViolations:
        """Read a constraint violations file.

        Raises:
            NotFoundError: nothing at the URI.
        """
        return cls(
            cls._read(constraint_violations_file_s3_uri, sagemaker_session),
            constraint_violations_file_s3_uri,
        )
