"""Data-quality statistics: SageMaker's file shapes, drift against scipy, mergeable chunks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sabio.monitoring._statistics import (
    baseline_constraints,
    baseline_statistics,
    check,
    grid,
    numeric_distance,
    summarise,
)


def _frame(
    rng: np.random.Generator, n: int, shift: float = 0.0, scale: float = 1.0
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount": (rng.lognormal(3, 1, n) * scale).round(2).astype(str),
            "age": rng.integers(18, 90, n).astype(str),
            "score": (rng.normal(0, 1, n) + shift).astype(str),
            "channel": rng.choice(["web", "pos", "atm"], n, p=[0.5, 0.3, 0.2]),
        }
    )


def _edges(statistics: dict) -> dict[str, np.ndarray]:
    found = {f["name"]: grid(f) for f in statistics["features"]}
    return {name: edges for name, edges in found.items() if edges is not None}


def test_statistics_baseline_files_have_sagemaker_shapes() -> None:
    frame = _frame(np.random.default_rng(0), 2000)
    frame.loc[0, "age"] = ""
    statistics = baseline_statistics(frame)
    assert statistics["dataset"] == {"item_count": 2000}
    by_name = {f["name"]: f for f in statistics["features"]}
    assert by_name["age"]["inferred_type"] == "Integral"
    assert by_name["amount"]["inferred_type"] == "Fractional"
    assert by_name["channel"]["inferred_type"] == "String"
    age = by_name["age"]["numerical_statistics"]
    assert age["common"] == {"num_present": 1999, "num_missing": 1}
    values = pd.to_numeric(frame["age"], errors="coerce").dropna()
    assert age["mean"] == pytest.approx(values.mean())
    assert age["std_dev"] == pytest.approx(values.std(ddof=0))
    assert age["min"] == values.min() and age["max"] == values.max()
    buckets = age["distribution"]["kll"]["buckets"]
    assert len(buckets) == 10 and sum(b["count"] for b in buckets) == 1999
    assert by_name["channel"]["string_statistics"]["distinct_count"] == 3
    constraints = baseline_constraints(statistics)
    rules = {f["name"]: f for f in constraints["features"]}
    assert rules["age"]["completeness"] == pytest.approx(1999 / 2000)
    assert rules["amount"]["num_constraints"] == {"is_non_negative": True}
    assert sorted(rules["channel"]["string_constraints"]["domains"]) == ["atm", "pos", "web"]
    distribution = constraints["monitoring_config"]["distribution_constraints"]
    assert distribution["comparison_threshold"] == 0.1
    assert distribution["comparison_method"] == "Robust"


def test_statistics_drift_distance_matches_scipy_ks() -> None:
    rng = np.random.default_rng(1)
    base, current = _frame(rng, 5000), _frame(rng, 3000, shift=0.4)
    statistics = baseline_statistics(base)
    summary = {s.name: s for s in summarise(current, _edges(statistics))}["score"]
    feature = next(f for f in statistics["features"] if f["name"] == "score")
    expected = stats.ks_2samp(base["score"].astype(float), current["score"].astype(float))
    # Measured on the baseline's percentiles: within about 1% of the exact statistic.
    assert numeric_distance(feature, summary) == pytest.approx(expected.statistic, abs=0.02)


def test_statistics_chunks_merge_to_the_whole() -> None:
    rng = np.random.default_rng(2)
    base, current = _frame(rng, 3000), _frame(rng, 4000, scale=3.0)
    edges = _edges(baseline_statistics(base))
    whole = summarise(current, edges)
    parts = [summarise(current.iloc[i : i + 1000], edges) for i in range(0, 4000, 1000)]
    merged = parts[0]
    for part in parts[1:]:
        merged = [a.merge(b) for a, b in zip(merged, part, strict=True)]
    for a, b in zip(whole, merged, strict=True):
        assert a.present == b.present and a.categories == b.categories
        assert a.total == pytest.approx(b.total) and a.low == b.low and a.high == b.high
        if a.bins is not None:
            assert (a.bins == b.bins).all()


def test_statistics_check_flags_exactly_the_shifted_features() -> None:
    rng = np.random.default_rng(3)
    base = _frame(rng, 5000)
    statistics = baseline_statistics(base)
    constraints = baseline_constraints(statistics)
    edges = _edges(statistics)
    normal = check(statistics, constraints, summarise(_frame(rng, 2000), edges))
    assert normal == []
    shifted = _frame(rng, 2000, shift=1.0, scale=2.0)
    violations = check(statistics, constraints, summarise(shifted, edges))
    drifted = {v["feature_name"] for v in violations}
    assert drifted == {"amount", "score"}
    assert all(v["constraint_check_type"] == "baseline_drift_check" for v in violations)
    assert "L-infinity" in violations[0]["description"]


def test_statistics_check_reports_type_completeness_and_columns() -> None:
    rng = np.random.default_rng(4)
    statistics = baseline_statistics(_frame(rng, 1000))
    constraints = baseline_constraints(statistics)
    edges = _edges(statistics)
    bad = _frame(rng, 500)
    bad.loc[:99, "age"] = "42.5"
    bad.loc[:49, "score"] = ""
    bad.loc[:9, "channel"] = "phone"
    kinds = {
        (v["feature_name"], v["constraint_check_type"])
        for v in check(statistics, constraints, summarise(bad, edges))
    }
    assert ("age", "data_type_check") in kinds
    assert ("score", "completeness_check") in kinds
    assert ("channel", "categorical_values_check") in kinds
    narrow = summarise(bad[["amount", "age"]], edges)
    assert {v["constraint_check_type"] for v in check(statistics, constraints, narrow)} >= {
        "missing_column_check"
    }
    wide = bad.assign(extra="1")
    assert "extra_column_check" in {
        v["constraint_check_type"] for v in check(statistics, constraints, summarise(wide, edges))
    }
