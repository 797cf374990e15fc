"""SageMaker inference handlers of the text-classifier built-in.

Requests (``Content-Type``):

* ``application/json``: ``{"instances": ["text", ...]}``, a list of strings, one string, or
  objects holding the model's text column (``{"instances": [{"text": "..."}]}``);
* ``application/jsonlines``: one JSON string or object per line;
* ``text/plain``: one text per line (blank lines skipped);
* ``text/csv``: one text per line, or a header row naming the text column (quote texts that
  contain commas).

Answers (``Accept``): ``application/json`` (default) ``{"predictions": [{"predicted_label":
..., "probability": ..., "top_k": [{"label": ..., "probability": ...}, ...]}], "labels":
[...]}``; ``application/jsonlines`` one prediction object per line; ``text/csv``
``label,probability`` per line. Batch transform calls the same handlers on files of texts.

Example:
    >>> from sabio.algorithms.text_classifier import inference  # doctest: +SKIP
    >>> model = inference.model_fn("model")  # doctest: +SKIP
    >>> texts = inference.input_fn('{"instances": ["I have a rash"]}', "application/json")
    ... # doctest: +SKIP
    >>> inference.output_fn(inference.predict_fn(texts, model), "application/json")
    ... # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sabio.algorithms._bodies import loads_json
from sabio.algorithms._errors import PayloadError
from sabio.algorithms._metrics import Arr
from sabio.algorithms._payload import media_type
from sabio.algorithms._serving import read_meta
from sabio.algorithms.text_classifier._base import TextModel

__all__ = [
    "ACCEPTS",
    "CONTENT_TYPES",
    "TextPrediction",
    "TextRequest",
    "TextServingModel",
    "input_fn",
    "model_fn",
    "output_fn",
    "predict_fn",
]

CONTENT_TYPES = ("application/json", "application/jsonlines", "text/plain", "text/csv")
ACCEPTS = ("application/json", "application/jsonlines", "text/csv")
_SYNONYMS = {"text/x-csv": "text/csv", "application/csv": "text/csv"}


@dataclass
class TextRequest:
    """Rows of a request before they are matched to the model's text column.

    Attributes:
        rows: strings, objects (``{column: value}``) or CSV rows (lists of cells).
        csv: rows came from ``text/csv`` (the first may be a header).
    """

    rows: list[Any]
    csv: bool = False


@dataclass
class TextPrediction:
    """Class probabilities of a batch of texts."""

    probabilities: Arr
    classes: list[str]
    top_k: int

    def records(self) -> list[dict[str, Any]]:
        """One ``{"predicted_label", "probability", "top_k"}`` object per text."""
        k = min(self.top_k, len(self.classes))
        order = np.argsort(-self.probabilities, axis=1, kind="stable")[:, :k]
        records = []
        for probs, best in zip(self.probabilities.tolist(), order.tolist(), strict=True):
            ranked = [{"label": self.classes[i], "probability": probs[i]} for i in best]
            records.append(
                {
                    "predicted_label": ranked[0]["label"],
                    "probability": ranked[0]["probability"],
                    "top_k": ranked,
                }
            )
        return records


@dataclass
class TextServingModel:
    """A loaded text model and its metadata."""

    meta: dict[str, Any]
    model: TextModel

    @property
    def text_column(self) -> str:
        """Name of the text field in object and CSV-with-header requests."""
        return str(self.meta.get("text_column") or "text")

    def texts(self, request: TextRequest) -> list[str]:
        """The request's texts.

        Raises:
            PayloadError: rows without a text, or empty texts.
        """
        rows = request.rows
        if request.csv:
            rows = self._csv_texts(rows)
        texts = [self._text(row, i) for i, row in enumerate(rows)]
        if not texts:
            raise PayloadError("The request holds no texts: expected at least one.")
        empty = [i for i, text in enumerate(texts) if not text.strip()]
        if empty:
            raise PayloadError(
                f"Text(s) at position {empty[:10]} (counting from 0) are empty: every instance "
                "needs some text."
            )
        return texts

    def _csv_texts(self, rows: list[Any]) -> list[Any]:
        header = [str(cell).strip().lower() for cell in rows[0]]
        column = self.text_column.lower()
        if column in header and len(rows) > 1:
            index = header.index(column)
            return [row[index] if index < len(row) else "" for row in rows[1:]]
        wide = [i for i, row in enumerate(rows) if len(row) != 1]
        if wide:
            raise PayloadError(
                f"CSV row {wide[0]} has {len(rows[wide[0]])} cells: send one text per line "
                f"(quote texts that contain commas), a header row naming the "
                f"{self.text_column!r} column, or use Content-Type text/plain."
            )
        return [row[0] for row in rows]

    def _text(self, row: Any, position: int) -> str:
        if isinstance(row, str):
            return row
        if isinstance(row, list) and len(row) == 1 and isinstance(row[0], str):
            return row[0]
        if isinstance(row, dict):
            value = row.get(self.text_column)
            if isinstance(value, str):
                return value
            strings = [v for v in row.values() if isinstance(v, str)]
            if len(row) == 1 and strings:
                return strings[0]
        raise PayloadError(
            f"Instance {position} is {json.dumps(row)[:80]}: expected a string or an object "
            f"with a {self.text_column!r} string field."
        )

    def predict(self, data: Any) -> TextPrediction:
        """Probabilities for a request (or texts from a custom ``input_fn``)."""
        request = data if isinstance(data, TextRequest) else _as_request(data)
        probs = self.model.predict_proba(self.texts(request))
        return TextPrediction(probs, list(self.meta["classes"]), int(self.meta.get("top_k", 3)))


def _as_request(data: Any) -> TextRequest:
    if isinstance(data, str):
        return TextRequest([data])
    if isinstance(data, list | tuple):
        return TextRequest(list(data))
    if hasattr(data, "tolist"):  # a numpy array or pandas Series of texts
        return TextRequest(list(data.tolist()))
    raise PayloadError(f"Cannot predict on a {type(data).__name__}: expected a list of texts.")


def model_fn(model_dir: str) -> TextServingModel:
    """Load the model of whichever type was trained, offline."""
    meta = read_meta(model_dir, "text_classifier")
    folder = Path(model_dir)
    model: TextModel
    if meta["model_type"] == "bilstm":
        from sabio.algorithms.text_classifier._bilstm import load as load_bilstm

        model = load_bilstm(folder)
    elif meta["model_type"] == "pretrained":
        from sabio.algorithms.text_classifier._pretrained import load as load_pretrained

        model = load_pretrained(folder)
    else:
        from sabio.algorithms.text_classifier._tfidf import load as load_tfidf

        model = load_tfidf(folder)
    return TextServingModel(meta, model)


def _decode(body: bytes | bytearray | str) -> str:
    if isinstance(body, str):
        return body
    try:
        return bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("The request body is not UTF-8 text.") from None


def _json(text: str) -> Any:
    return loads_json(text)


def input_fn(body: bytes | bytearray | str, content_type: str) -> TextRequest:
    """Parse a request body into texts (see the module docstring for the formats).

    Raises:
        PayloadError: unsupported content type, empty or malformed body.
    """
    kind = media_type(content_type)
    kind = _SYNONYMS.get(kind, kind)
    if kind not in CONTENT_TYPES:
        raise PayloadError(
            f"Unsupported content type {content_type!r} for the text classifier: expected one "
            f"of {', '.join(CONTENT_TYPES)}.",
            415,
        )
    text = _decode(body)
    if not text.strip():
        raise PayloadError(f"The request body is empty: expected {kind} texts.")
    if kind == "text/plain":
        return TextRequest([line for line in text.splitlines() if line.strip()])
    if kind == "text/csv":
        rows = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
        return TextRequest(rows, csv=True)
    if kind == "application/jsonlines":
        return TextRequest([_json(line) for line in text.splitlines() if line.strip()])
    value = _json(text)
    if isinstance(value, dict) and "instances" in value:
        value = value["instances"]
    elif isinstance(value, dict | str):
        value = [value]
    if not isinstance(value, list):
        raise PayloadError(
            'Expected JSON like {"instances": ["text", ...]} or a list of strings, got '
            f"{type(value).__name__}."
        )
    return TextRequest(value)


def predict_fn(data: Any, model: TextServingModel) -> TextPrediction:
    """Class probabilities and top-k labels of the request's texts."""
    return model.predict(data)


def output_fn(prediction: TextPrediction, accept: str | None) -> tuple[str, str]:
    """Serialise predictions for the ``Accept`` type; returns ``(body, content_type)``.

    Raises:
        PayloadError: an accept type the text classifier cannot produce.
    """
    kind = ""
    for part in (accept or "").split(","):
        candidate = _SYNONYMS.get(media_type(part), media_type(part))
        if candidate in ("", "*/*", "application/*"):
            kind = "application/json"
        elif candidate in ("text/*",):
            kind = "text/csv"
        elif candidate in ACCEPTS:
            kind = candidate
        if kind:
            break
    if not kind:
        raise PayloadError(
            f"Unsupported accept type {accept!r}: expected one of {', '.join(ACCEPTS)}.", 406
        )
    records = prediction.records()
    if kind == "text/csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for record in records:
            writer.writerow([record["predicted_label"], repr(float(record["probability"]))])
        return out.getvalue().rstrip("\n"), kind
    if kind == "application/jsonlines":
        return "\n".join(json.dumps(record) for record in records), kind
    return json.dumps({"predictions": records, "labels": prediction.classes}), kind
