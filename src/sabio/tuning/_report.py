"""Tuning jobs rendered for people: trial rows and plots (DescribeHyperParameterTuningJob is
rendered at the SDK edge, :mod:`sabio._describe`)."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from sabio.catalog import Catalog, JobRecord
from sabio.training._kind import TRAINING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_trials", "trial_rows"]


def _time(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.UTC)


def trial_rows(record: JobRecord, jobs: list[JobRecord], catalog: Catalog) -> list[dict[str, Any]]:
    """One row per trial (oldest first): tuned values, name, status, objective, times.

    ``BestSoFar`` is the best objective among the trials up to and including each row.
    """
    config = record.spec["HyperParameterTuningJobConfig"]
    metric = config["HyperParameterTuningJobObjective"]["MetricName"]
    maximize = config["HyperParameterTuningJobObjective"]["Type"] == "Maximize"
    ranges = config["ParameterRanges"]
    names = [r["Name"] for kind in ranges.values() for r in kind]
    rows: list[dict[str, Any]] = []
    best: float | None = None
    for job in jobs:
        hps = job.spec.get("hyperparameters") or {}
        value = (
            catalog.jobs(TRAINING).final_metrics(job.name).get(metric)
            if job.status == "Completed"
            else None
        )
        if value is not None and not math.isfinite(value):
            value = None
        if value is not None and (best is None or (value > best if maximize else value < best)):
            best = value
        start = _time(job.started_at)
        end = _time(job.ended_at)
        elapsed = None
        if job.started_at is not None and job.ended_at is not None:
            elapsed = job.ended_at - job.started_at
        rows.append(
            {
                **{name: hps.get(name) for name in names},
                "TrainingJobName": job.name,
                "TrainingJobStatus": job.status,
                "FinalObjectiveValue": value,
                "TrainingStartTime": start,
                "TrainingEndTime": end,
                "TrainingElapsedTimeSeconds": elapsed,
                "BestSoFar": best,
                "FailureReason": job.failure_reason,
            }
        )
    return rows


def plot_trials(
    rows: list[dict[str, Any]], tuned: list[str], metric: str, *, title: str | None = None
) -> Figure:
    """Objective per trial with the best-so-far line, then each tuned value vs objective."""
    from matplotlib.figure import Figure

    panels = 1 + len(tuned)
    columns = min(panels, 3)
    lines = math.ceil(panels / columns)
    figure = Figure(figsize=(4.2 * columns, 3.4 * lines), layout="constrained")
    axes = figure.subplots(lines, columns, squeeze=False).ravel()
    index = list(range(1, len(rows) + 1))
    values = [r["FinalObjectiveValue"] for r in rows]
    done = [(i, v) for i, v in zip(index, values, strict=True) if v is not None]
    first = axes[0]
    if done:
        first.scatter([i for i, _ in done], [v for _, v in done], label="trial", zorder=3)
    best = [
        (i, r["BestSoFar"]) for i, r in zip(index, rows, strict=True) if r["BestSoFar"] is not None
    ]
    if best:
        first.step([i for i, _ in best], [v for _, v in best], where="post", color="C1",
                   label="best so far")  # fmt: skip
    first.set_xlabel("trial")
    first.set_ylabel(metric)
    first.set_title(title or "Objective per trial")
    if done or best:
        first.legend()
    for axis, name in zip(axes[1:], tuned, strict=False):
        points = [
            (r[name], r["FinalObjectiveValue"])
            for r in rows
            if r["FinalObjectiveValue"] is not None
        ]
        xs = [x for x, _ in points]
        if xs and all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs):
            axis.scatter(xs, [y for _, y in points])
            positive = all(x > 0 for x in xs)
            if positive and max(xs) / min(xs) >= 100:
                axis.set_xscale("log")
        else:
            labels = sorted({str(x) for x in xs})
            axis.scatter([labels.index(str(x)) for x in xs], [y for _, y in points])
            axis.set_xticks(range(len(labels)), labels)
        axis.set_xlabel(name)
        axis.set_ylabel(metric)
    for axis in axes[panels:]:
        axis.set_visible(False)
    return figure
