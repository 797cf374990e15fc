"""The model registry's tables: model package groups and their numbered versions.

A version number is given inside the transaction that inserts the version, after taking the
write lock (``BEGIN IMMEDIATE`` on SQLite, a row lock on the group on PostgreSQL), so two
processes registering into one group at once get two different, consecutive numbers; the
``(group_name, version)`` primary key is the backstop.
"""

from __future__ import annotations

import builtins
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sabio.catalog._schema import model_package_groups, model_packages
from sabio.exceptions import ConflictError, NotFoundError, did_you_mean

__all__ = ["ModelPackageGroupRecord", "ModelPackageRecord", "ModelPackages"]


@dataclass(frozen=True)
class ModelPackageGroupRecord:
    """A model package group as stored."""

    name: str
    description: str | None
    created_at: float
    created_by: str


@dataclass(frozen=True)
class ModelPackageRecord:
    """One version of a model package group as stored.

    ``spec`` is what was registered (a ``sabio.registry.ModelPackageSpec`` dump), ``lineage``
    what it came from, ``approvals`` every approval change (status, by, at, description).
    """

    group_name: str
    version: int
    approval_status: str
    spec: dict[str, Any]
    lineage: dict[str, Any]
    created_at: float
    created_by: str
    last_modified: float
    last_modified_by: str
    approval_description: str | None = None
    approvals: tuple[dict[str, Any], ...] = field(default=())


def _package(row: Any) -> ModelPackageRecord:
    values = dict(row._mapping)
    values["approvals"] = tuple(values.get("approvals") or ())
    return ModelPackageRecord(**values)


class ModelPackages:
    """Create, read and approve model package groups and versions.

    Example:
        >>> from sabio.catalog import Catalog
        >>> packages = Catalog.from_url("sqlite://").model_packages()
        >>> packages.create_group("fraud", "Fraud models", created_by="ana").name
        'fraud'
        >>> packages.add("fraud", {}, {}, approval_status="PendingManualApproval",
        ...              created_by="ana").version
        1
    """

    _LIST_HINT = "`sabio models list`"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # ------------------------------------------------------------------ groups
    def create_group(
        self, name: str, description: str | None, *, created_by: str
    ) -> ModelPackageGroupRecord:
        """Insert a group.

        Raises:
            ConflictError: a group with this name exists already.
        """
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(model_package_groups).values(
                        name=name,
                        description=description,
                        created_at=time.time(),
                        created_by=created_by,
                    )
                )
        except IntegrityError as exc:
            raise ConflictError(
                f"Model package group {name!r} already exists. Register new versions into it "
                f"(model.register(model_package_group_name={name!r})) or pick another name."
            ) from exc
        return self.group(name)

    def group(self, name: str) -> ModelPackageGroupRecord:
        """Return one group.

        Raises:
            NotFoundError: no such group (with a "Did you mean" hint).
        """
        with self._engine.begin() as conn:
            row = conn.execute(
                select(model_package_groups).where(model_package_groups.c.name == name)
            ).first()
            if row is None:
                raise self._missing_group(conn, name)
        return ModelPackageGroupRecord(**dict(row._mapping))

    def groups(
        self, *, name_contains: str | None = None, limit: int | None = 100
    ) -> builtins.list[ModelPackageGroupRecord]:
        """Groups, newest first."""
        query = select(model_package_groups).order_by(model_package_groups.c.created_at.desc())
        if name_contains:
            query = query.where(
                model_package_groups.c.name.contains(name_contains, autoescape=True)
            )
        if limit is not None:
            query = query.limit(limit)
        with self._engine.begin() as conn:
            return [ModelPackageGroupRecord(**dict(r._mapping)) for r in conn.execute(query)]

    def delete_group(self, name: str) -> None:
        """Remove an empty group.

        Raises:
            NotFoundError: no such group.
            ConflictError: the group still holds versions.
        """
        with self._engine.begin() as conn:
            if (
                conn.execute(
                    select(model_package_groups.c.name).where(model_package_groups.c.name == name)
                ).first()
                is None
            ):
                raise self._missing_group(conn, name)
            count = conn.execute(
                select(func.count()).where(model_packages.c.group_name == name)
            ).scalar_one()
            if count:
                raise ConflictError(
                    f"Model package group {name!r} still holds {count} version(s): delete them "
                    "first (SageMaker refuses to delete a group that is not empty)."
                )
            conn.execute(delete(model_package_groups).where(model_package_groups.c.name == name))

    # ---------------------------------------------------------------- versions
    def add(
        self,
        group_name: str,
        spec: dict[str, Any],
        lineage: dict[str, Any],
        *,
        approval_status: str,
        created_by: str,
        approval_description: str | None = None,
    ) -> ModelPackageRecord:
        """Insert the next version of a group (1 for the first) and return it.

        Raises:
            NotFoundError: the group does not exist.
        """
        now = time.time()
        with self._engine.begin() as conn:
            # The row lock serialises numbering on PostgreSQL; SQLite's BEGIN IMMEDIATE
            # already holds the database's write lock.
            locked = conn.execute(
                select(model_package_groups.c.name)
                .where(model_package_groups.c.name == group_name)
                .with_for_update()
            ).first()
            if locked is None:
                raise self._missing_group(conn, group_name)
            latest = conn.execute(
                select(func.max(model_packages.c.version)).where(
                    model_packages.c.group_name == group_name
                )
            ).scalar()
            version = int(latest or 0) + 1
            conn.execute(
                insert(model_packages).values(
                    group_name=group_name,
                    version=version,
                    approval_status=approval_status,
                    approval_description=approval_description,
                    spec=spec,
                    lineage=lineage,
                    approvals=[
                        {
                            "status": approval_status,
                            "by": created_by,
                            "at": now,
                            "description": approval_description,
                        }
                    ],
                    created_at=now,
                    created_by=created_by,
                    last_modified=now,
                    last_modified_by=created_by,
                )
            )
        return self.get(group_name, version)

    def get(self, group_name: str, version: int) -> ModelPackageRecord:
        """Return one version.

        Raises:
            NotFoundError: no such group or version.
        """
        with self._engine.begin() as conn:
            row = conn.execute(
                select(model_packages).where(
                    model_packages.c.group_name == group_name, model_packages.c.version == version
                )
            ).first()
            if row is None:
                if (
                    conn.execute(
                        select(model_package_groups.c.name).where(
                            model_package_groups.c.name == group_name
                        )
                    ).first()
                    is None
                ):
                    raise self._missing_group(conn, group_name)
                versions = conn.execute(
                    select(model_packages.c.version)
                    .where(model_packages.c.group_name == group_name)
                    .order_by(model_packages.c.version)
                ).scalars()
                known = ", ".join(str(v) for v in versions) or "none yet"
                raise NotFoundError(
                    f"Model package group {group_name!r} has no version {version} "
                    f"(versions: {known}). List them with `sabio models versions {group_name}`."
                )
        return _package(row)

    def list(
        self,
        group_name: str | None = None,
        *,
        approval_status: str | None = None,
        descending: bool = True,
        limit: int | None = 100,
    ) -> builtins.list[ModelPackageRecord]:
        """Versions (of one group, or all), newest first unless ``descending`` is False."""
        order = model_packages.c.created_at.desc() if descending else model_packages.c.created_at
        tie = model_packages.c.version.desc() if descending else model_packages.c.version
        query = select(model_packages).order_by(order, tie)
        if group_name is not None:
            query = query.where(model_packages.c.group_name == group_name)
        if approval_status is not None:
            query = query.where(model_packages.c.approval_status == approval_status)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.begin() as conn:
            return [_package(r) for r in conn.execute(query)]

    def set_approval(
        self,
        group_name: str,
        version: int,
        approval_status: str,
        *,
        by: str,
        description: str | None = None,
    ) -> ModelPackageRecord:
        """Change a version's approval status (appended to its approval history).

        Raises:
            NotFoundError: no such group or version.
        """
        now = time.time()
        where = (model_packages.c.group_name == group_name, model_packages.c.version == version)
        self.get(group_name, version)  # the precise NotFoundError before writing
        with self._engine.begin() as conn:
            current = conn.execute(
                select(model_packages.c.approvals).where(*where).with_for_update()
            ).scalar()
            entry = {"status": approval_status, "by": by, "at": now, "description": description}
            conn.execute(
                update(model_packages)
                .where(*where)
                .values(
                    approval_status=approval_status,
                    approval_description=description,
                    approvals=[*(current or []), entry],
                    last_modified=now,
                    last_modified_by=by,
                )
            )
        return self.get(group_name, version)

    def delete(self, group_name: str, version: int) -> bool:
        """Remove one version; False when it did not exist."""
        with self._engine.begin() as conn:
            result = conn.execute(
                delete(model_packages).where(
                    model_packages.c.group_name == group_name, model_packages.c.version == version
                )
            )
        return result.rowcount > 0

    # ----------------------------------------------------------------- helpers
    def _missing_group(self, conn: Any, name: str) -> NotFoundError:
        names = conn.execute(select(model_package_groups.c.name).limit(500)).scalars()
        return NotFoundError(
            f"Model package group {name!r} does not exist.{did_you_mean(name, list(names))} "
            "Create it first with Session().create_model_package_group("
            f"{name!r}) (or `sabio models create-group {name}`); list groups with "
            f"{self._LIST_HINT}."
        )
