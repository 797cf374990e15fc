"""Data-quality statistics and constraints in SageMaker Model Monitor's formats, and the
checks of a period's data against them.

The baseline (a whole dataset, read at once) gives ``statistics.json`` and
``constraints.json``. A period's captured data is read in chunks; each chunk updates one
:class:`ColumnSummary` per column, and summaries merge by addition (counts, sums, extremes, a
histogram on the baseline's quantile grid, category counts), so memory does not grow with
the number of records.

Drift (``baseline_drift_check``) is measured, as SageMaker does, by a distance between the
baseline and current distributions:

- numerical features: the L-infinity distance between the two cumulative distributions
  (the two-sample Kolmogorov-Smirnov statistic), evaluated at the baseline's percentiles
  (101 points from its quantile sketch; the error is at most about 1% of the mass);
- string features: the L-infinity distance between the two frequency tables.

A numerical feature violates when the distance exceeds ``comparison_threshold`` (0.1) and, with
``comparison_method`` ``Robust`` (the default), also the Kolmogorov-Smirnov critical value at
the 1% level for the two sample sizes (``1.628 * sqrt((n + m) / (n * m))``), so a small
period does not raise noise as drift; ``Simple`` compares with the threshold only. A string
feature violates when the distance exceeds ``categorical_comparison_threshold`` (0.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "KS_CRITICAL_1PCT",
    "ColumnSummary",
    "baseline_constraints",
    "baseline_statistics",
    "check",
    "period_statistics",
    "summarise",
]

#: c(alpha) of the two-sample Kolmogorov-Smirnov test at alpha = 0.01.
KS_CRITICAL_1PCT = 1.628
#: Values kept in a baseline's quantile sketch, and the percentiles drift is measured at.
SKETCH_SIZE = 2048
GRID_POINTS = 101
_BUCKETS = 10
_MAX_DOMAIN = 20
_MISSING = frozenset({"", "nan", "NaN", "null", "None", "NA"})


def _classify(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(present mask, numbers (NaN where not numeric), integral mask) of a column's values:
    numbers as the CSV parser read them, or text."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float)
        present = ~np.isnan(numbers)
    else:
        text = values.astype("string").str.strip()
        present = (text.notna() & ~text.isin(_MISSING)).fillna(False).to_numpy(dtype=bool)
        numbers = pd.to_numeric(text.where(present), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        integral = np.isfinite(numbers) & (np.floor(numbers) == numbers)
    return present, numbers, integral


@dataclass
class ColumnSummary:
    """What a column's values have shown so far; merge two with :meth:`merge`.

    ``edges`` (numerical baselines) are the percentiles counts are binned on.
    """

    name: str
    edges: np.ndarray | None = None
    present: int = 0
    missing: int = 0
    numeric: int = 0
    integral: int = 0
    total: float = 0.0
    squares: float = 0.0
    low: float = math.inf
    high: float = -math.inf
    bins: np.ndarray | None = None
    categories: dict[str, int] = field(default_factory=dict)

    def update(self, values: pd.Series) -> None:
        """Add a chunk of raw (string) values."""
        mask, numbers, integral = _classify(values)
        self.present += int(mask.sum())
        self.missing += int((~mask).sum())
        finite = numbers[np.isfinite(numbers)]
        self.numeric += int(finite.size)
        self.integral += int(integral.sum())
        if finite.size:
            self.total += float(finite.sum())
            self.squares += float(np.square(finite).sum())
            self.low = min(self.low, float(finite.min()))
            self.high = max(self.high, float(finite.max()))
            if self.edges is not None:
                counts = np.bincount(
                    np.searchsorted(self.edges, finite, side="right"),
                    minlength=self.edges.size + 1,
                )
                self.bins = counts if self.bins is None else self.bins + counts
        strings = values[mask & ~np.isfinite(numbers)] if self.edges is not None else None
        if self.edges is None:
            counted = values[mask].astype(str).str.strip().value_counts()
            for value, count in counted.items():
                self.categories[str(value)] = self.categories.get(str(value), 0) + int(count)
        elif strings is not None and len(strings):
            self.categories["<non-numeric>"] = self.categories.get("<non-numeric>", 0) + len(
                strings
            )

    def merge(self, other: ColumnSummary) -> ColumnSummary:
        """This summary plus ``other`` (of the same column, on the same edges)."""
        merged = ColumnSummary(self.name, self.edges)
        merged.present = self.present + other.present
        merged.missing = self.missing + other.missing
        merged.numeric = self.numeric + other.numeric
        merged.integral = self.integral + other.integral
        merged.total = self.total + other.total
        merged.squares = self.squares + other.squares
        merged.low = min(self.low, other.low)
        merged.high = max(self.high, other.high)
        if self.bins is None or other.bins is None:
            merged.bins = self.bins if other.bins is None else other.bins
        else:
            merged.bins = self.bins + other.bins
        merged.categories = dict(self.categories)
        for value, count in other.categories.items():
            merged.categories[value] = merged.categories.get(value, 0) + count
        return merged

    @property
    def inferred_type(self) -> str:
        """``Integral``, ``Fractional``, ``String`` or ``Unknown`` (SageMaker's types)."""
        if self.present == 0:
            return "Unknown"
        if self.numeric < self.present:
            return "String"
        return "Integral" if self.integral == self.present else "Fractional"

    def moments(self) -> dict[str, float]:
        """mean, sum, std_dev, min, max of the numeric values."""
        n = self.numeric
        mean = self.total / n if n else 0.0
        variance = max(self.squares / n - mean * mean, 0.0) if n else 0.0
        return {
            "mean": mean,
            "sum": self.total,
            "std_dev": math.sqrt(variance),
            "min": self.low if n else 0.0,
            "max": self.high if n else 0.0,
        }


def summarise(
    frame: pd.DataFrame, edges: dict[str, np.ndarray] | None = None
) -> list[ColumnSummary]:
    """One summary per column of a chunk of string values."""
    summaries = []
    for column in frame.columns:
        summary = ColumnSummary(str(column), (edges or {}).get(str(column)))
        summary.update(frame[column])
        summaries.append(summary)
    return summaries


# ------------------------------------------------------------------------ baseline
def _common(summary: ColumnSummary) -> dict[str, int]:
    return {"num_present": summary.present, "num_missing": summary.missing}


def _equal_buckets(values: np.ndarray, low: float, high: float) -> list[dict[str, float]]:
    if high <= low:
        return [{"lower_bound": low, "upper_bound": high, "count": float(values.size)}]
    counts, bounds = np.histogram(values, bins=_BUCKETS, range=(low, high))
    return [
        {"lower_bound": float(bounds[i]), "upper_bound": float(bounds[i + 1]), "count": float(c)}
        for i, c in enumerate(counts)
    ]


def _categorical(summary: ColumnSummary) -> list[dict[str, Any]]:
    ordered = sorted(summary.categories.items(), key=lambda item: (-item[1], item[0]))
    return [{"value": value, "count": count} for value, count in ordered]


def baseline_statistics(frame: pd.DataFrame) -> dict[str, Any]:
    """``statistics.json`` of a baseline dataset (every column read as text)."""
    features = []
    for summary in summarise(frame):
        kind = summary.inferred_type
        feature: dict[str, Any] = {"name": summary.name, "inferred_type": kind}
        if kind in ("Integral", "Fractional"):
            _, numbers, _ = _classify(frame[summary.name])
            values = np.sort(numbers[np.isfinite(numbers)])
            sketch = np.quantile(values, np.linspace(0, 1, min(SKETCH_SIZE, values.size)))
            feature["numerical_statistics"] = {
                "common": _common(summary),
                **summary.moments(),
                "distribution": {
                    "kll": {
                        "buckets": _equal_buckets(values, summary.low, summary.high),
                        "sketch": {
                            "parameters": {"c": 0.64, "k": float(SKETCH_SIZE)},
                            "data": [[float(v) for v in sketch]],
                        },
                    }
                },
            }
        else:
            feature["string_statistics"] = {
                "common": _common(summary),
                "distinct_count": float(len(summary.categories)),
                "distribution": {"categorical": {"buckets": _categorical(summary)}},
            }
        features.append(feature)
    return {"version": 0.0, "dataset": {"item_count": len(frame)}, "features": features}


def baseline_constraints(statistics: dict[str, Any]) -> dict[str, Any]:
    """``constraints.json`` suggested from baseline statistics (SageMaker's defaults)."""
    features = []
    for feature in statistics["features"]:
        section = feature.get("numerical_statistics") or feature.get("string_statistics") or {}
        common = section.get("common", {})
        total = common.get("num_present", 0) + common.get("num_missing", 0)
        constraint: dict[str, Any] = {
            "name": feature["name"],
            "inferred_type": feature["inferred_type"],
            "completeness": common.get("num_present", 0) / total if total else 0.0,
        }
        if "numerical_statistics" in feature:
            constraint["num_constraints"] = {"is_non_negative": section.get("min", 0.0) >= 0}
        else:
            buckets = section.get("distribution", {}).get("categorical", {}).get("buckets", [])
            if 0 < len(buckets) <= _MAX_DOMAIN:
                constraint["string_constraints"] = {"domains": [b["value"] for b in buckets]}
        features.append(constraint)
    return {
        "version": 0.0,
        "features": features,
        "monitoring_config": {
            "evaluate_constraints": "Enabled",
            "emit_metrics": "Enabled",
            "datatype_check_threshold": 1.0,
            "domain_content_threshold": 1.0,
            "distribution_constraints": {
                "perform_comparison": "Enabled",
                "comparison_threshold": 0.1,
                "comparison_method": "Robust",
                "categorical_comparison_threshold": 0.1,
                "categorical_drift_method": "LInfinity",
            },
        },
    }


def grid(feature: dict[str, Any]) -> np.ndarray | None:
    """The percentiles (from the quantile sketch) a numerical baseline feature is compared on."""
    kll = feature.get("numerical_statistics", {}).get("distribution", {}).get("kll", {})
    levels = kll.get("sketch", {}).get("data") or []
    values = np.sort(np.asarray([v for level in levels for v in level], dtype=float))
    if values.size == 0:
        return None
    return np.unique(np.quantile(values, np.linspace(0, 1, GRID_POINTS)))


# -------------------------------------------------------------------------- period
def period_statistics(summaries: list[ColumnSummary], item_count: int) -> dict[str, Any]:
    """``statistics.json`` of a period's data (buckets on the baseline's percentiles)."""
    features = []
    for summary in summaries:
        kind = summary.inferred_type
        feature: dict[str, Any] = {"name": summary.name, "inferred_type": kind}
        if kind in ("Integral", "Fractional") and summary.edges is not None:
            edges, counts = summary.edges, summary.bins
            buckets = []
            if counts is not None:
                bounds = [summary.low, *edges.tolist(), summary.high]
                buckets = [
                    {
                        "lower_bound": float(bounds[i]),
                        "upper_bound": float(bounds[i + 1]),
                        "count": float(c),
                    }
                    for i, c in enumerate(counts)
                ]
            feature["numerical_statistics"] = {
                "common": _common(summary),
                **summary.moments(),
                "distribution": {"kll": {"buckets": buckets}},
            }
        else:
            feature["string_statistics"] = {
                "common": _common(summary),
                "distinct_count": float(len(summary.categories)),
                "distribution": {"categorical": {"buckets": _categorical(summary)}},
            }
        features.append(feature)
    return {"version": 0.0, "dataset": {"item_count": item_count}, "features": features}


def numeric_distance(feature: dict[str, Any], summary: ColumnSummary) -> float:
    """L-infinity distance between the baseline's and the period's cumulative distributions
    at the baseline's percentiles."""
    edges = summary.edges
    if edges is None or summary.bins is None or summary.numeric == 0:
        return 0.0
    kll = feature["numerical_statistics"]["distribution"]["kll"]
    sketch = np.sort(np.asarray([v for lv in kll["sketch"]["data"] for v in lv], dtype=float))
    baseline_cdf = np.searchsorted(sketch, edges, side="right") / sketch.size
    current_cdf = np.cumsum(summary.bins)[: edges.size] / summary.numeric
    return float(np.max(np.abs(baseline_cdf - current_cdf)))


def categorical_distance(feature: dict[str, Any], summary: ColumnSummary) -> float:
    """L-infinity distance between the baseline's and the period's frequency tables."""
    buckets = feature["string_statistics"]["distribution"]["categorical"]["buckets"]
    baseline = {b["value"]: b["count"] for b in buckets}
    base_total = sum(baseline.values()) or 1
    total = sum(summary.categories.values()) or 1
    values = set(baseline) | set(summary.categories)
    return max(
        (
            abs(baseline.get(v, 0) / base_total - summary.categories.get(v, 0) / total)
            for v in values
        ),
        default=0.0,
    )


def _percent(value: float) -> str:
    return f"{value * 100:.4g}%"


def check(
    statistics: dict[str, Any],
    constraints: dict[str, Any],
    summaries: list[ColumnSummary],
) -> list[dict[str, str]]:
    """The violations of a period's data (SageMaker's ``constraint_violations.json`` entries:
    ``feature_name``, ``constraint_check_type``, ``description``)."""
    config = constraints.get("monitoring_config", {})
    distribution = config.get("distribution_constraints", {})
    type_threshold = float(config.get("datatype_check_threshold", 1.0))
    domain_threshold = float(config.get("domain_content_threshold", 1.0))
    compare = distribution.get("perform_comparison", "Enabled") == "Enabled"
    threshold = float(distribution.get("comparison_threshold", 0.1))
    robust = distribution.get("comparison_method", "Robust") == "Robust"
    categorical_threshold = float(distribution.get("categorical_comparison_threshold", 0.1))
    base_features = {f["name"]: f for f in statistics.get("features", [])}
    rules = constraints.get("features", [])
    by_name = {s.name: s for s in summaries}
    violations: list[dict[str, str]] = []
    if len(summaries) < len(rules):
        violations.append(
            {
                "feature_name": ", ".join(r["name"] for r in rules[len(summaries) :]),
                "constraint_check_type": "missing_column_check",
                "description": (
                    "There are missing columns in current dataset. Number of columns in "
                    f"current dataset: {len(summaries)}, Number of columns in baseline "
                    f"constraints: {len(rules)}"
                ),
            }
        )
    if len(summaries) > len(rules):
        violations.append(
            {
                "feature_name": ", ".join(s.name for s in summaries[len(rules) :]),
                "constraint_check_type": "extra_column_check",
                "description": (
                    "There are extra columns in current dataset. Number of columns in current "
                    f"dataset: {len(summaries)}, Number of columns in baseline constraints: "
                    f"{len(rules)}"
                ),
            }
        )
    for rule in rules:
        summary = by_name.get(rule["name"])
        if summary is None or summary.present + summary.missing == 0:
            continue
        name, expected = rule["name"], rule.get("inferred_type", "Unknown")
        total = summary.present + summary.missing
        completeness = summary.present / total
        if completeness < float(rule.get("completeness", 0.0)) - 1e-12:
            violations.append(
                {
                    "feature_name": name,
                    "constraint_check_type": "completeness_check",
                    "description": (
                        "Data completeness requirement is not met. Expected completeness: "
                        f"{_percent(float(rule['completeness']))}, Observed completeness: "
                        f"{_percent(completeness)}"
                    ),
                }
            )
        if expected in ("Integral", "Fractional") and summary.present:
            matching = summary.integral if expected == "Integral" else summary.numeric
            share = matching / summary.present
            if share < type_threshold - 1e-12:
                violations.append(
                    {
                        "feature_name": name,
                        "constraint_check_type": "data_type_check",
                        "description": (
                            f"Data type match requirement is not met. Expected data type: "
                            f"{expected}, Expected match: {_percent(type_threshold)}. Observed: "
                            f"Only {_percent(share)} of data is {expected}."
                        ),
                    }
                )
        domains = (rule.get("string_constraints") or {}).get("domains")
        if domains and summary.present:
            inside = sum(c for v, c in summary.categories.items() if v in set(domains))
            share = inside / summary.present
            if share < domain_threshold - 1e-12:
                violations.append(
                    {
                        "feature_name": name,
                        "constraint_check_type": "categorical_values_check",
                        "description": (
                            f"Data content requirement is not met. Expected: "
                            f"{_percent(domain_threshold)} of values in the baseline's domain. "
                            f"Observed: {_percent(share)}."
                        ),
                    }
                )
        feature = base_features.get(name)
        if not compare or feature is None:
            continue
        if "numerical_statistics" in feature and summary.numeric:
            distance = numeric_distance(feature, summary)
            m = feature["numerical_statistics"]["common"]["num_present"]
            n = summary.numeric
            critical = KS_CRITICAL_1PCT * math.sqrt((n + m) / (n * m)) if m else 0.0
            if distance > threshold and (not robust or distance > critical):
                violations.append(
                    {
                        "feature_name": name,
                        "constraint_check_type": "baseline_drift_check",
                        "description": (
                            f"Baseline drift distance: {distance:.6g} exceeds threshold: "
                            f"{threshold:g} (L-infinity distance between cumulative "
                            f"distributions; {'Robust' if robust else 'Simple'} comparison, "
                            f"critical value {critical:.4g} at n={n}, m={m})"
                        ),
                    }
                )
        elif "string_statistics" in feature and summary.categories:
            distance = categorical_distance(feature, summary)
            if distance > categorical_threshold:
                violations.append(
                    {
                        "feature_name": name,
                        "constraint_check_type": "baseline_drift_check",
                        "description": (
                            f"Baseline drift distance: {distance:.6g} exceeds threshold: "
                            f"{categorical_threshold:g} (L-infinity distance between "
                            "frequency tables)"
                        ),
                    }
                )
    return violations
