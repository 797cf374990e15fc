"""A data-quality execution's report: ``report.html`` (plots: each numerical feature's
baseline vs. period distribution, and the drift distance per feature against its threshold)
and ``summary.json`` (counts, violations, the distance per feature)."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import numpy as np

from sabio.monitoring._statistics import ColumnSummary, categorical_distance, numeric_distance

__all__ = ["report_files"]


def _figure(width: float, height: float) -> Any:
    # The Figure API (not pyplot) keeps no global state and needs no display.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=80, layout="constrained")


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _distances(statistics: dict[str, Any], summaries: list[ColumnSummary]) -> dict[str, float]:
    features = {f["name"]: f for f in statistics.get("features", [])}
    distances = {}
    for summary in summaries:
        feature = features.get(summary.name)
        if feature is None:
            continue
        if "numerical_statistics" in feature and summary.numeric and summary.edges is not None:
            distances[summary.name] = numeric_distance(feature, summary)
        elif "string_statistics" in feature and summary.categories:
            distances[summary.name] = categorical_distance(feature, summary)
    return distances


def _cdf_plot(feature: dict[str, Any], summary: ColumnSummary) -> str:
    kll = feature["numerical_statistics"]["distribution"]["kll"]
    sketch = np.sort(np.asarray([v for level in kll["sketch"]["data"] for v in level], dtype=float))
    edges = summary.edges if summary.edges is not None else np.asarray([])
    fig = _figure(4.2, 2.6)
    axes = fig.add_subplot()
    axes.plot(sketch, np.linspace(0, 1, sketch.size), label="baseline")
    if summary.bins is not None and summary.numeric:
        current = np.cumsum(summary.bins)[: edges.size] / summary.numeric
        axes.step(edges, current, where="post", label="this period")
    axes.set_title(summary.name)
    axes.set_ylabel("cumulative share")
    axes.legend(loc="lower right", fontsize=7)
    return _png(fig)


def _drift_plot(distances: dict[str, float], threshold: float) -> str:
    fig = _figure(6.0, 0.4 * max(len(distances), 3) + 1.0)
    axes = fig.add_subplot()
    names = list(distances)
    axes.barh(names, [distances[n] for n in names])
    axes.axvline(threshold, color="red", linestyle="--", label=f"threshold {threshold:g}")
    axes.set_xlabel("drift distance (L-infinity)")
    axes.invert_yaxis()
    axes.legend(fontsize=7)
    return _png(fig)


def report_files(
    statistics: dict[str, Any],
    constraints: dict[str, Any],
    summaries: list[ColumnSummary],
    violations: list[dict[str, str]],
    item_count: int,
    title: str,
) -> dict[str, Any]:
    """``{"summary.json": {...}, "report.html": "<html>..."}`` of one execution."""
    distances = _distances(statistics, summaries)
    threshold = float(
        constraints.get("monitoring_config", {})
        .get("distribution_constraints", {})
        .get("comparison_threshold", 0.1)
    )
    summary = {
        "item_count": item_count,
        "violations": len(violations),
        "violated_features": sorted({v["feature_name"] for v in violations}),
        "drift_distance": distances,
        "comparison_threshold": threshold,
    }
    features = {f["name"]: f for f in statistics.get("features", [])}
    plots = []
    if distances:
        plots.append(
            f'<img alt="drift" src="data:image/png;base64,{_drift_plot(distances, threshold)}">'
        )
    for column in summaries:
        feature = features.get(column.name)
        if feature and "numerical_statistics" in feature and column.edges is not None:
            plots.append(
                f'<img alt="{html.escape(column.name)}" '
                f'src="data:image/png;base64,{_cdf_plot(feature, column)}">'
            )
    rows = "".join(
        f"<tr><td>{html.escape(v['feature_name'])}</td><td>{html.escape(v['constraint_check_type'])}"
        f"</td><td>{html.escape(v['description'])}</td></tr>"
        for v in violations
    )
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;"
        "padding:4px}table{border-collapse:collapse}img{margin:4px}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{item_count} records checked, "
        f"{len(violations)} violation(s).</p>"
        "<table><tr><th>feature</th><th>check</th><th>description</th></tr>"
        f"{rows}</table><h2>Drift</h2>{''.join(plots)}</body></html>"
    )
    return {"summary.json": summary, "report.html": page}
