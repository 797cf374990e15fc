"""What changed between two versions: data, code, model, hyperparameters, metrics."""

from __future__ import annotations

from typing import Any

from sabio.catalog import ModelPackageRecord

__all__ = ["diff_versions"]


def _code(lineage: dict[str, Any]) -> str | None:
    code = lineage.get("code") or {}
    return code.get("sha256") or (f"builtin:{code['builtin']}" if code.get("builtin") else None)


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        key: {"from": old.get(key), "to": new.get(key)}
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


def diff_versions(old: ModelPackageRecord, new: ModelPackageRecord) -> dict[str, Any]:
    """Compare two versions' lineage and registration.

    Returns:
        ``{"from": "<group>/<v>", "to": ..., "training_job", "code", "model_data"}`` (each
        ``{"from", "to", "changed"}``) and ``"data"``, ``"hyperparameters"``, ``"metrics"``,
        ``"approval_status"`` holding only what differs (``{"from", "to"}`` per key; metrics
        also ``"delta"``).

    Example:
        >>> diff = diff_versions(v1, v2)  # doctest: +SKIP
        >>> diff["hyperparameters"]  # doctest: +SKIP
        {'max_depth': {'from': 3, 'to': 5}}
    """
    a, b = old.lineage, new.lineage

    def pair(x: Any, y: Any) -> dict[str, Any]:
        return {"from": x, "to": y, "changed": x != y}

    data = _changes(
        {k: v.get("sha256") for k, v in (a.get("data") or {}).items()},
        {k: v.get("sha256") for k, v in (b.get("data") or {}).items()},
    )
    metrics = _changes(a.get("metrics") or {}, b.get("metrics") or {})
    for change in metrics.values():
        if isinstance(change["from"], int | float) and isinstance(change["to"], int | float):
            change["delta"] = change["to"] - change["from"]
    return {
        "from": f"{old.group_name}/{old.version}",
        "to": f"{new.group_name}/{new.version}",
        "training_job": pair(a.get("training_job"), b.get("training_job")),
        "code": pair(_code(a), _code(b)),
        "model_data": pair(
            (a.get("model_data") or {}).get("sha256"), (b.get("model_data") or {}).get("sha256")
        ),
        "data": data,
        "hyperparameters": _changes(a.get("hyperparameters") or {}, b.get("hyperparameters") or {}),
        "metrics": metrics,
        "approval_status": pair(old.approval_status, new.approval_status),
    }
