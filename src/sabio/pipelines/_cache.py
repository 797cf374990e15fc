"""Step caching (SageMaker's CacheConfig): a step whose resolved arguments and input
contents are unchanged reuses a earlier successful run of the same step of the pipeline
that ended within ``ExpireAfter``."""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any

from sabio.catalog import Catalog
from sabio.exceptions import NotFoundError, ValidationError
from sabio.pipelines._kind import PIPELINE_EXECUTION
from sabio.storage import Store

__all__ = ["cache_key", "find_cached", "parse_duration"]

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
_WEEKS = re.compile(r"^P(?P<weeks>\d+)W$")


def parse_duration(text: str, step: str) -> float:
    """Seconds of an ISO 8601 duration (``PT1H``, ``P30D``, ``P1DT2H30M``, ``P2W``).

    Raises:
        ValidationError: not such a duration (naming the step).
    """
    weeks = _WEEKS.match(text or "")
    if weeks:
        return int(weeks["weeks"]) * 7 * 86400.0
    match = _DURATION.match(text or "")
    if not match or text in ("P", "PT"):
        raise ValidationError(
            f"Step {step!r}: CacheConfig expire_after {text!r} is not an ISO 8601 duration; "
            "write e.g. 'PT1H' (an hour), 'P30D' (30 days) or 'P1DT12H'."
        )
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    return float(
        parts["days"] * 86400 + parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]
    )


def _walk(value: Any, path: tuple[str, ...]) -> list[Any]:
    if not path:
        return [value]
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        return [found for item in value for found in _walk(item, path)]
    if isinstance(value, dict) and head in value:
        return _walk(value[head], rest)
    return []


#: Where each step type's request names the data it reads (hashed into its cache key).
INPUTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Training": (
        ("InputDataConfig", "DataSource", "S3DataSource", "S3Uri"),
        ("HyperParameters", "sagemaker_submit_directory"),
    ),
    "Tuning": (
        ("TrainingJobDefinition", "InputDataConfig", "DataSource", "S3DataSource", "S3Uri"),
        ("TrainingJobDefinition", "StaticHyperParameters", "sagemaker_submit_directory"),
    ),
    "Transform": (("TransformInput", "DataSource", "S3DataSource", "S3Uri"),),
    "Model": (
        ("PrimaryContainer", "ModelDataUrl"),
        ("PrimaryContainer", "Environment", "SAGEMAKER_SUBMIT_DIRECTORY"),
    ),
    "Processing": (
        ("ProcessingInputs", "S3Input", "S3Uri"),
        ("AppSpecification", "ContainerEntrypoint"),
    ),
    "RegisterModel": (("InferenceSpecification", "Containers", "ModelDataUrl"),),
}


def _content(store: Store, uri: str) -> str:
    digest = hashlib.sha256()
    try:
        objects = [uri] if store.exists(uri) and not store.is_prefix(uri) else store.list(uri)
    except (NotFoundError, OSError, ValueError):
        return "missing"
    for item in sorted(str(o) for o in objects):
        digest.update(item.encode())
        try:
            with store.open(item, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except (NotFoundError, OSError):
            digest.update(b"?")
    return digest.hexdigest()


def cache_key(store: Store, step_type: str, arguments: Any) -> str:
    """A hash of a step's resolved arguments and the content of the data they name."""
    digest = hashlib.sha256(step_type.encode())
    digest.update(json.dumps(arguments, sort_keys=True, default=str).encode())
    for path in INPUTS.get(step_type, ()):
        for uri in _walk(arguments, path):
            text = json.loads(uri) if isinstance(uri, str) and uri.startswith('"') else uri
            if isinstance(text, str) and "://" in text:
                digest.update(f"{text}={_content(store, text)}".encode())
    return digest.hexdigest()


def find_cached(
    catalog: Catalog, pipeline: str, step: str, key: str, expire_seconds: float, current: str
) -> tuple[str, dict[str, Any]] | None:
    """The newest successful run of ``step`` with ``key`` that ended within
    ``expire_seconds``, in another execution of ``pipeline``: ``(execution id, state)``."""
    oldest = time.time() - expire_seconds
    for record in catalog.jobs(PIPELINE_EXECUTION).list(parent=pipeline, limit=200):
        if record.name == current:
            continue
        state = (record.details.get("Steps") or {}).get(step) or {}
        if (
            state.get("StepStatus") == "Succeeded"
            and state.get("CacheKey") == key
            and (state.get("EndTime") or 0) >= oldest
        ):
            return record.name, state
    return None
