"""Pipeline definitions (SageMaker's CreatePipeline / UpdatePipeline): :class:`Pipelines`.

A pipeline is a name and a definition (SageMaker's pipeline-definition JSON); its executions
are jobs of kind ``pipeline_execution`` whose ``parent`` is the pipeline name.
"""

from __future__ import annotations

import builtins
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from sabio.catalog._schema import pipelines
from sabio.exceptions import NotFoundError, did_you_mean

__all__ = ["PipelineRecord", "Pipelines"]


@dataclass(frozen=True)
class PipelineRecord:
    """A pipeline as stored: its definition and when it was created and last changed."""

    name: str
    definition: dict[str, Any]
    version: int
    created_at: float
    last_modified: float
    display_name: str | None = None
    description: str | None = None
    role_arn: str | None = None


class Pipelines:
    """Create, update, read, list and delete pipeline definitions.

    Example:
        >>> from sabio.catalog import Catalog
        >>> catalog = Catalog.from_url("sqlite://")
        >>> catalog.pipelines().upsert("p", {"Version": "2020-12-01", "Steps": []}).version
        1
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def upsert(
        self,
        name: str,
        definition: dict[str, Any],
        *,
        display_name: str | None = None,
        description: str | None = None,
        role_arn: str | None = None,
    ) -> PipelineRecord:
        """Create the pipeline, or replace its definition (its version goes up by one)."""
        now = time.time()
        values = {
            "definition": definition,
            "display_name": display_name,
            "description": description,
            "role_arn": role_arn,
            "last_modified": now,
        }
        with self._engine.begin() as conn:
            current = conn.execute(
                select(pipelines.c.version).where(pipelines.c.name == name).with_for_update()
            ).scalar()
            if current is None:
                conn.execute(
                    insert(pipelines).values(name=name, version=1, created_at=now, **values)
                )
            else:
                conn.execute(
                    update(pipelines)
                    .where(pipelines.c.name == name)
                    .values(version=current + 1, **values)
                )
        return self.get(name)

    def get(self, name: str) -> PipelineRecord:
        """Return one pipeline.

        Raises:
            NotFoundError: no pipeline has this name (with a "Did you mean" hint).
        """
        with self._engine.begin() as conn:
            row = conn.execute(select(pipelines).where(pipelines.c.name == name)).first()
            if row is None:
                names = conn.execute(select(pipelines.c.name)).scalars()
                raise NotFoundError(
                    f"Pipeline {name!r} does not exist.{did_you_mean(name, list(names))} "
                    "List them with `sabio pipelines list`; create one with Pipeline.upsert()."
                )
        return PipelineRecord(**dict(row._mapping))

    def exists(self, name: str) -> bool:
        """Whether a pipeline with this name exists."""
        with self._engine.begin() as conn:
            row = conn.execute(select(pipelines.c.name).where(pipelines.c.name == name)).first()
        return row is not None

    def list(self, *, name_contains: str | None = None) -> builtins.list[PipelineRecord]:
        """Every pipeline, newest first."""
        query = select(pipelines).order_by(pipelines.c.created_at.desc())
        if name_contains:
            query = query.where(pipelines.c.name.contains(name_contains, autoescape=True))
        with self._engine.begin() as conn:
            rows = conn.execute(query).all()
        return [PipelineRecord(**dict(r._mapping)) for r in rows]

    def delete(self, name: str) -> bool:
        """Remove a pipeline's definition; False when it did not exist."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(pipelines).where(pipelines.c.name == name))
        return result.rowcount > 0
