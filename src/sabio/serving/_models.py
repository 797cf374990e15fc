"""Model records: what an endpoint or a batch transform serves (SageMaker's CreateModel)."""

from __future__ import annotations

from typing import Any

from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.inference import model_data_url
from sabio.inference._kind import MODEL

__all__ = ["create_model", "delete_model", "describe_model"]


def create_model(settings: Settings, name: str, spec: dict[str, Any]) -> JobRecord:
    """Record a model (``spec`` in SageMaker's CreateModel shape plus sabio's code fields).

    Raises:
        ValidationError: bad name or no ``ModelDataUrl``.
        ConflictError: a model with this name exists already.
    """
    from sabio.exceptions import ValidationError
    from sabio.serving._endpoints import check_name

    check_name(name, "Model")
    if not model_data_url(spec):
        raise ValidationError(
            f"Model {name!r} has no ModelDataUrl: pass model_data= (the model.tar.gz of a "
            "training job, or a local folder)."
        )
    return (
        Catalog.open(settings)
        .jobs(MODEL)
        .create(name, {**spec, "ModelName": name}, status="Created")
    )


def describe_model(settings: Settings, name: str) -> JobRecord:
    """Return a model record.

    Raises:
        NotFoundError: no such model (with a "Did you mean" hint).
    """
    return Catalog.open(settings).jobs(MODEL).get(name)


def delete_model(settings: Settings, name: str) -> None:
    """Remove a model record (endpoints already serving it keep their loaded copy).

    Raises:
        NotFoundError: no such model.
    """
    catalog = Catalog.open(settings)
    catalog.jobs(MODEL).get(name)
    catalog.jobs(MODEL).delete(name)
