"""The clinician-readable evaluation report: ``evaluation.json`` plus a self-contained
``report.html`` (plain-language headings, metric explanations, plots inline as PNG)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from sabio.algorithms._evaluate import SUBGROUP_METRICS, EvalInput, evaluate, section_name
from sabio.algorithms._plots import report_plots
from sabio.algorithms._task import BINARY, REGRESSOR

__all__ = ["write_report"]

_TASK_WORDS = {
    REGRESSOR: "predicts a number",
    BINARY: "sorts cases into two groups by",
    "multiclass_classifier": "sorts cases into several groups by",
}

# Plain-language meaning of each metric; {pos} is the positive class, {target} the label.
_MEANING = {
    "rmse": (
        "Typical error",
        "Typical size of an error in units of {target}; big errors weigh more.",
    ),
    "mae": ("Average error", "Average size of an error, in units of {target}."),
    "r2": (
        "Variation explained (R²)",
        "Share of the differences in {target} the model explains "
        "(1 = all, 0 = no better than always guessing the average).",
    ),
    "mape": ("Average % error", "Average error as a fraction of the true value."),
    "mse": ("Mean squared error", "Average squared error (used in training)."),
    "accuracy": ("Accuracy", "Share of all cases the model classifies correctly."),
    "recall": (
        "Sensitivity (recall)",
        "Of the cases that really are {pos}, the share the model "
        "catches. Low sensitivity means missed cases.",
    ),
    "specificity": (
        "Specificity",
        "Of the cases that are not {pos}, the share the model "
        "correctly clears. Low specificity means false alarms.",
    ),
    "precision": (
        "Positive predictive value (precision)",
        "Of the cases the model flags as {pos}, the share that really are.",
    ),
    "f1": ("F1 score", "Balance of precision and sensitivity (1 = perfect)."),
    "balanced_accuracy": ("Balanced accuracy", "Average of sensitivity and specificity."),
    "roc_auc": (
        "ROC-AUC",
        "Chance that a random {pos} case scores higher than a random other "
        "case (0.5 = guessing, 1 = perfect). Does not depend on the threshold.",
    ),
    "pr_auc": (
        "PR-AUC",
        "How well flagged cases are really {pos}, over all thresholds; compare "
        "with the share of {pos} cases in the data.",
    ),
    "log_loss": (
        "Log loss",
        "How well the predicted probabilities match what happened (lower is better).",
    ),
    "error": ("Error rate", "Share of cases classified wrongly."),
}
_HEADLINE = {
    REGRESSOR: ("rmse", "mae", "r2", "mape"),
    BINARY: (
        "accuracy",
        "recall",
        "specificity",
        "precision",
        "f1",
        "roc_auc",
        "pr_auc",
        "log_loss",
    ),
    "multiclass_classifier": (
        "accuracy",
        "precision",
        "recall",
        "f1",
        "roc_auc",
        "pr_auc",
        "log_loss",
    ),
}

_STYLE = """body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em}
th{background:#f3f3f3;text-align:left}td.n{text-align:right}.warn{background:#fff4e0;
padding:.6em;border-left:4px solid #e90}.small{color:#666;font-size:.9em}"""


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return html.escape(str(value))


def _metric_rows(section: dict[str, Any], names: tuple[str, ...], words: dict[str, str]) -> str:
    rows = []
    for name in names:
        title, meaning = _MEANING[name]
        item = section[name]
        rows.append(
            f"<tr><td>{html.escape(title)}</td><td class=n>{_fmt(item['value'])}</td>"
            f"<td class=n>{_fmt(item['ci_lower'])} – {_fmt(item['ci_upper'])}</td>"
            f"<td>{html.escape(meaning.format(**words))}</td></tr>"
        )
    return (
        "<table><tr><th>Measure</th><th>Value</th><th>95% range</th><th>What it means</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _confusion_html(matrix: dict[str, dict[str, int]]) -> str:
    labels = list(matrix)
    head = "".join(f"<th>Model says {html.escape(p)}</th>" for p in labels)
    body = "".join(
        f"<tr><th>Really {html.escape(t)}</th>"
        + "".join(f"<td class=n>{matrix[t][p]}</td>" for p in labels)
        + "</tr>"
        for t in labels
    )
    return f"<table><tr><th></th>{head}</tr>{body}</table>"


def _per_class_html(per_class: dict[str, dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td class=n>{m['support']}</td>"
        f"<td class=n>{_fmt(m['precision'])}</td><td class=n>{_fmt(m['recall'])}</td>"
        f"<td class=n>{_fmt(m['f1'])}</td></tr>"
        for label, m in per_class.items()
    )
    return (
        "<h2>How well each class is found</h2><p>Recall: of the cases that really are this "
        "class, the share the model finds. Precision: of the cases the model puts in this "
        "class, the share that really are.</p><table><tr><th>Class</th><th>Cases</th>"
        f"<th>Precision</th><th>Recall</th><th>F1</th></tr>{rows}</table>"
    )


def _subgroup_html(doc: dict[str, Any], task: str) -> str:
    overall = doc[section_name(task)]
    names = SUBGROUP_METRICS[task]
    parts = []
    for column, groups in doc["subgroups"].items():
        head = "".join(f"<th>{html.escape(_MEANING[n][0])}</th>" for n in names)
        rows = []
        for label, group in groups.items():
            cells = "".join(_subgroup_cell(group["metrics"][n], overall[n], n) for n in names)
            rows.append(
                f"<tr><td>{html.escape(label)}</td><td class=n>{group['n']}</td>{cells}</tr>"
            )
        parts.append(
            f"<h3>By {html.escape(column)}</h3><table><tr><th>Group</th><th>Cases</th>{head}</tr>"
            + "".join(rows)
            + "</table>"
        )
    return "".join(parts)


def _subgroup_cell(item: dict[str, Any], overall: dict[str, Any], name: str) -> str:
    value, low, high, ref = item["value"], item["ci_lower"], item["ci_upper"], overall["value"]
    note = ""
    if None not in (value, low, high, ref):
        lower_is_better = name in ("rmse", "mae", "mape", "log_loss", "error")
        worse = low > ref if lower_is_better else high < ref
        better = high < ref if lower_is_better else low > ref
        note = " <b>(worse than overall)</b>" if worse else (" (better)" if better else "")
    return f"<td class=n>{_fmt(value)}{note}</td>"


def render_html(doc: dict[str, Any], inp: EvalInput, target: str, plots: dict[str, str]) -> str:
    """The report as one HTML string."""
    task = inp.task
    classes = [str(c) for c in inp.classes or []]
    words = {"pos": classes[1] if task == BINARY else "the class", "target": target}
    section = doc[section_name(task)]
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Model evaluation — "
        f"{html.escape(doc['algorithm'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>How well does this model work?</h1><p>This {html.escape(doc['algorithm'])} model "
        f"{_TASK_WORDS[task]}: <b>{html.escape(target)}</b>"
        + (f" ({html.escape(' / '.join(classes[:10]))})" if classes else "")
        + ". It was checked on "
        f"<b>{doc['n_rows']}</b> cases from the <b>{html.escape(doc['dataset'])}</b> data.</p>",
    ]
    if doc["dataset"] == "train":
        parts.append(
            "<p class=warn>No validation or test data was given, so these numbers were measured "
            "on the training data and overstate how well the model will do on new cases.</p>"
        )
    parts.append("<h2>Main results</h2>" + _metric_rows(section, _HEADLINE[task], words))
    if task == BINARY:
        threshold = doc["threshold"]
        parts.append(
            f"<h2>Decisions at the chosen threshold</h2><p>A case is flagged as "
            f"<b>{html.escape(classes[1])}</b> when its predicted probability is at least "
            f"<b>{threshold['value']:.3g}</b> (chosen on: {html.escape(threshold['chosen_on'])})."
            "</p>" + _confusion_html(section["confusion_matrix"])
        )
    elif task != REGRESSOR:
        if "per_class" in doc:
            parts.append(_per_class_html(doc["per_class"]))
        parts.append(
            "<h2>Which classes get confused</h2>" + _confusion_html(section["confusion_matrix"])
        )
    parts.extend(
        f"<h2>{html.escape(t)}</h2><img alt='{html.escape(t)}' src='data:image/png;base64,{png}'>"
        for t, png in plots.items()
    )
    if doc["subgroups"]:
        parts.append(
            "<h2>Who does the model fail?</h2><p>The same measures for groups of cases. "
            "Small groups give uncertain numbers; 'worse than overall' means the group's whole "
            "95% range is worse than the overall value.</p>" + _subgroup_html(doc, task)
        )
    if doc["warnings"]:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in doc["warnings"])
        parts.append(f"<h2>Data warnings</h2><ul class=warn>{items}</ul>")
    parts.append(
        "<p class=small>95% ranges come from 200 bootstrap resamples of the evaluated cases "
        "(seed 0). Machine-readable numbers: evaluation.json.</p></body></html>"
    )
    return "\n".join(parts)


def write_report(
    inp: EvalInput,
    *,
    algorithm: str,
    target: str,
    subgroup_columns: list[str],
    folders: list[Path],
) -> dict[str, Any]:
    """Evaluate, then write ``evaluation.json`` and ``report.html`` into every folder."""
    doc = evaluate(inp, subgroup_columns, algorithm)
    page = render_html(doc, inp, target, report_plots(inp))
    text = json.dumps(doc, indent=2, allow_nan=False)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "evaluation.json").write_text(text, encoding="utf-8")
        (folder / "report.html").write_text(page, encoding="utf-8")
    return doc
