"""The Clarify analysis program: bias metrics of a CSV dataset, run as a processing job.

Run by ``sabio.clarify.SageMakerClarifyProcessor`` as the processing job's script (a
standalone file: it imports only numpy and pandas, so it runs in the job's process without
sabio). It reads ``analysis_config.json`` and the dataset from its inputs and writes
``analysis.json`` (SageMaker Clarify's shape) and ``report.html`` to its output.

Metrics (SageMaker Clarify's definitions; ``a`` = the rows outside the facet value, ``d`` =
the rows with it; ``q`` = share of positive observed labels, ``q'`` = of predicted labels):
CI = (n_a - n_d) / (n_a + n_d); DPL = q_a - q_d; DI = q'_d / q'_a; DPPL = q'_a - q'_d;
AD = accuracy_a - accuracy_d; RD = recall_a - recall_d. Each value carries a 95% confidence
interval: the 2.5th and 97.5th percentiles of the metric over ``bootstrap_samples``
resamples of the rows (with replacement), drawn with ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CONFIG = Path("/opt/ml/processing/input/config/analysis_config.json")
DATA = Path("/opt/ml/processing/input/data")
OUTPUT = Path("/opt/ml/processing/output")

Groups = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]

DESCRIPTIONS = {
    "CI": "Class Imbalance (CI)",
    "DPL": "Difference in Positive Proportions in Labels (DPL)",
    "DI": "Disparate Impact (DI)",
    "DPPL": "Difference in Positive Proportions in Predicted Labels (DPPL)",
    "AD": "Accuracy Difference (AD)",
    "RD": "Recall Difference (RD)",
}
PRE = ("CI", "DPL")
POST = ("DI", "DPPL", "AD", "RD")


def _share(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom else float("nan")


def _accuracy(label: np.ndarray, pred: np.ndarray) -> float:
    return _share(label == pred)


def _recall(label: np.ndarray, pred: np.ndarray) -> float:
    return _share(pred[label]) if label.any() else float("nan")


def metric(name: str, facet: np.ndarray, label: np.ndarray, pred: np.ndarray | None) -> float:
    """One metric's value; ``facet``, ``label``, ``pred`` are boolean arrays (pred may be None)."""
    a, d = ~facet, facet
    if name == "CI":
        return _ratio(float(a.sum() - d.sum()), float(facet.size))
    if name == "DPL":
        return _share(label[a]) - _share(label[d])
    if pred is None:
        raise ValueError(f"{name} needs predicted labels")
    if name == "DI":
        return _ratio(_share(pred[d]), _share(pred[a]))
    if name == "DPPL":
        return _share(pred[a]) - _share(pred[d])
    if name == "AD":
        return _accuracy(label[a], pred[a]) - _accuracy(label[d], pred[d])
    if name == "RD":
        return _recall(label[a], pred[a]) - _recall(label[d], pred[d])
    raise ValueError(f"unknown metric {name}")


def _interval(
    fn: Callable[[np.ndarray], float], rows: int, samples: int, seed: int
) -> list[float | None]:
    rng = np.random.default_rng(seed)
    values = np.array([fn(rng.integers(0, rows, rows)) for _ in range(samples)])
    values = values[np.isfinite(values)]
    if not values.size:
        return [None, None]
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]


def _positive(column: pd.Series, spec: Any) -> np.ndarray:
    # A list names the positive values; a number is a threshold (positive when greater).
    if isinstance(spec, list):
        wanted = {str(v) for v in spec}
        return np.asarray(column.astype(str).isin(wanted))
    return np.asarray(pd.to_numeric(column) > float(spec))


def _facet_values(column: pd.Series, spec: Any) -> list[Any]:
    # None: every distinct value is a facet value of its own (SageMaker's behaviour).
    if spec is None:
        return [[v] for v in sorted(column.astype(str).unique())]
    return [spec]


def _metrics(
    names: tuple[str, ...], groups: Groups, samples: int, seed: int
) -> list[dict[str, Any]]:
    facet, label, _, pred = groups
    found = []
    for name in names:
        value = metric(name, facet, label, pred)

        def resampled(rows: np.ndarray, name: str = name) -> float:
            return metric(name, facet[rows], label[rows], None if pred is None else pred[rows])

        found.append(
            {
                "name": name,
                "description": DESCRIPTIONS[name],
                "value": None if not np.isfinite(value) else value,
                "confidence_interval": _interval(resampled, facet.size, samples, seed),
            }
        )
    return found


def _wanted(methods: Any, known: tuple[str, ...]) -> tuple[str, ...]:
    if methods == "all":
        return known
    return tuple(m for m in known if m in methods)


def analyze(config: dict[str, Any], frame: pd.DataFrame) -> dict[str, Any]:
    """The ``analysis.json`` document for ``config`` over ``frame``."""
    label = _positive(frame[config["label"]], config["label_values_or_threshold"])
    pred = None
    if config.get("predicted_label"):
        pred = _positive(frame[config["predicted_label"]], config["label_values_or_threshold"])
    samples = int(config.get("bootstrap_samples", 200))
    seed = int(config.get("seed", 0))
    result: dict[str, Any] = {"version": "1.0"}
    sections: list[tuple[str, tuple[str, ...], str]] = [
        ("pre_training_bias_metrics", PRE, "pre_training_bias")
    ]
    if pred is not None:
        sections.append(("post_training_bias_metrics", POST, "post_training_bias"))
    for key, known, method_key in sections:
        names = _wanted(config["methods"].get(method_key, {}).get("methods", ()), known)
        if not names:
            continue
        facets: dict[str, Any] = {}
        for facet_config in config["facet"]:
            column = frame[facet_config["name_or_index"]]
            facets[facet_config["name_or_index"]] = [
                {
                    "value_or_threshold": ",".join(map(str, value))
                    if isinstance(value, list)
                    else str(value),
                    "metrics": _metrics(
                        names, (_positive(column, value), label, frame.index, pred), samples, seed
                    ),
                }
                for value in _facet_values(column, facet_config.get("value_or_threshold"))
            ]
        result[key] = {
            "label": config["label"],
            "label_value_or_threshold": ",".join(map(str, config["label_values_or_threshold"]))
            if isinstance(config["label_values_or_threshold"], list)
            else str(config["label_values_or_threshold"]),
            "facets": facets,
        }
    return result


def report(analysis: dict[str, Any]) -> str:
    """A small HTML report of ``analysis``: one table per section and facet value."""
    parts = ["<html><head><title>Bias report</title></head><body><h1>Bias report</h1>"]
    for key in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        for facet, entries in analysis.get(key, {}).get("facets", {}).items():
            for entry in entries:
                title = f"{key}: {facet} = {entry['value_or_threshold']}"
                parts.append(f"<h2>{html.escape(title)}</h2><table border='1'>")
                parts.append("<tr><th>Metric</th><th>Value</th><th>95% CI</th></tr>")
                for m in entry["metrics"]:
                    parts.append(
                        f"<tr><td>{html.escape(m['description'])}</td><td>{m['value']}</td>"
                        f"<td>{m['confidence_interval']}</td></tr>"
                    )
                parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def read_data(config: dict[str, Any], folder: Path) -> pd.DataFrame:
    """The dataset's rows: every CSV under ``folder``, named by ``headers`` when given."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    headers = config.get("headers")
    frames = [
        pd.read_csv(p, header=None, names=headers) if headers else pd.read_csv(p) for p in files
    ]
    return pd.concat(frames, ignore_index=True)


def main() -> int:
    """Read the config and data, write ``analysis.json`` and ``report.html``."""
    config = json.loads(CONFIG.read_text())
    analysis = analyze(config, read_data(config, DATA))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "analysis.json").write_text(json.dumps(analysis, indent=2))
    (OUTPUT / "report.html").write_text(report(analysis))
    print("wrote analysis.json and report.html", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
