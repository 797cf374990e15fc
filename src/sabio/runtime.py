"""Helpers for code that runs *inside* a training job (user scripts and built-ins).

This module is deliberately tiny and imports only the standard library: it must be
importable from any job without pulling in the catalog or the SDK.

Structured metrics go to the JSON Lines file named by ``SABIO_METRICS_FILE``, which the
job's supervisor follows and stores in the catalog as ``(job, name, step, value,
timestamp)``. Outside a sabio job the metric is printed instead, so scripts keep working
under plain ``python``.

Example:
    >>> from sabio import runtime
    >>> runtime.log_metric("validation:rmse", 0.42, step=3)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
from typing import Any

__all__ = ["METRICS_FILE_ENV", "hyperparameters", "log_metric", "log_metrics", "training_env"]

METRICS_FILE_ENV = "SABIO_METRICS_FILE"

_lock = threading.Lock()


def log_metric(name: str, value: float, step: int | None = None) -> None:
    """Report one metric value from inside a job.

    Args:
        name: metric name, SageMaker style (``"validation:auc"``).
        value: a finite or non-finite number; NaN and infinities are kept as such.
        step: optional step (epoch, boosting round); ``None`` means "no step".

    Raises:
        ValueError: when ``name`` is empty or ``value`` is not a number.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError("log_metric() needs a non-empty metric name, e.g. 'validation:rmse'.")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"log_metric({name!r}, ...) needs a number, got {value!r} ({type(value).__name__})."
        ) from exc
    record: dict[str, Any] = {
        "name": name,
        "value": number if math.isfinite(number) else repr(number),
        "step": None if step is None else int(step),
        "timestamp": time.time(),
    }
    path = os.environ.get(METRICS_FILE_ENV)
    line = json.dumps(record, separators=(",", ":"))
    if not path:
        print(
            f"#metric {name}={number}" + ("" if step is None else f" step={step}"), file=sys.stderr
        )
        return
    with _lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def log_metrics(metrics: dict[str, float], step: int | None = None) -> None:
    """Report several metrics at the same step (see :func:`log_metric`)."""
    for name, value in metrics.items():
        log_metric(name, value, step=step)


def training_env() -> dict[str, Any]:
    """Return the job's training environment (``SM_TRAINING_ENV``) as a dict, or ``{}``."""
    raw = os.environ.get("SM_TRAINING_ENV")
    return json.loads(raw) if raw else {}


def hyperparameters() -> dict[str, Any]:
    """Return the job's hyperparameters with JSON values decoded, or ``{}`` outside a job."""
    raw = os.environ.get("SM_HPS")
    return json.loads(raw) if raw else {}
