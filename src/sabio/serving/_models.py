"""Model records: what an endpoint or a batch transform serves (SageMaker's CreateModel)."""

from __future__ import annotations

from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.inference import MODEL, ModelSpec

__all__ = ["create_model", "delete_model", "describe_model"]


def create_model(settings: Settings, name: str, spec: ModelSpec) -> JobRecord:
    """Record a model under ``name`` (the spec's ``model_name`` is set to it).

    Raises:
        ValidationError: bad name or no ``ModelDataUrl``.
        ConflictError: a model with this name exists already.
    """
    from sabio.exceptions import ValidationError
    from sabio.serving._endpoints import check_name

    check_name(name, "Model")
    if not spec.model_data_url:
        raise ValidationError(
            f"Model {name!r} has no ModelDataUrl: pass model_data= (the model.tar.gz of a "
            "training job, or a local folder)."
        )
    return (
        Catalog.open(settings)
        .jobs(MODEL)
        .create(
            name,
            spec.model_copy(update={"model_name": name}).model_dump(mode="json"),
            status="Created",
        )
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
