"""The shared part of the built-ins' inference handlers: the loaded model, matching raw rows
to its columns, predicting, and formatting answers.

Answers follow SageMaker's built-ins: ``text/csv`` gives one line per row (the value, the
positive-class probability, or comma-separated class probabilities); ``application/json``
gives ``{"predictions": [{"score": ..., "predicted_label": ...}]}`` like Linear Learner;
``application/jsonlines`` one such object per line; ``application/x-npy`` the score array.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sabio.algorithms._errors import PayloadError
from sabio.algorithms._metrics import Arr
from sabio.algorithms._payload import Payload, as_payload, media_type, parse_payload
from sabio.algorithms._preprocess import Preprocessor
from sabio.algorithms._task import BINARY, REGRESSOR

__all__ = [
    "ACCEPTS",
    "Prediction",
    "ServingModel",
    "format_output",
    "input_fn",
    "output_fn",
    "predict_fn",
    "read_meta",
]

META_FILE = "sabio-model.json"
ACCEPTS = ("application/json", "text/csv", "application/jsonlines", "application/x-npy")


def read_meta(model_dir: str | Path, algorithm: str) -> dict[str, Any]:
    """Load ``sabio-model.json`` and check it belongs to ``algorithm``.

    Raises:
        FileNotFoundError: the folder holds no sabio built-in model.
        ValueError: the model was trained by another built-in.
    """
    path = Path(model_dir) / META_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"No {META_FILE} in {model_dir}: this folder does not hold a model trained by the "
            f"sabio {algorithm} built-in."
        )
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("algorithm") != algorithm:
        raise ValueError(
            f"The model in {model_dir} was trained by the {meta.get('algorithm')!r} built-in, "
            f"not {algorithm!r}: serve it with sabio.algorithms.{meta.get('algorithm')}.inference."
        )
    return meta


@dataclass
class Prediction:
    """Predictions for a batch of rows.

    Attributes:
        task: predictor type.
        scores: values, positive-class probabilities or ``(n, k)`` class probabilities.
        classes: class labels (classification).
        threshold: decision threshold of a binary model.
    """

    task: str
    scores: Arr
    classes: list[Any] | None = None
    threshold: float = 0.5

    def labels(self) -> list[Any]:
        """Predicted class labels (classification only)."""
        classes = self.classes or []
        if self.task == BINARY:
            return [classes[int(p >= self.threshold)] for p in self.scores.tolist()]
        return [classes[i] for i in np.argmax(self.scores, axis=1).tolist()]

    def records(self) -> list[dict[str, Any]]:
        """One ``{"score": ..., "predicted_label": ...}`` object per row."""
        if self.task == REGRESSOR:
            return [{"score": float(v)} for v in self.scores.tolist()]
        return [
            {"score": score, "predicted_label": label}
            for score, label in zip(self.scores.tolist(), self.labels(), strict=True)
        ]


@dataclass
class ServingModel:
    """A built-in model ready to predict on raw rows."""

    meta: dict[str, Any]
    preprocessor: Preprocessor
    score: Callable[[Arr], Arr]

    @classmethod
    def from_meta(cls, meta: dict[str, Any], score: Callable[[Arr], Arr]) -> ServingModel:
        """Build from ``sabio-model.json`` contents and a scoring function."""
        return cls(meta, Preprocessor.from_json(meta["preprocessing"]), score)

    def align(self, payload: Payload) -> pd.DataFrame:
        """Raw rows with the model's columns in the model's order.

        Raises:
            PayloadError: wrong number of features or missing columns.
        """
        columns = self.preprocessor.columns
        if payload.sparse:
            # Densified at the model's width, after checking every index is below it.
            frame = payload.dense(len(columns))
            self._check_shape(frame.shape)
            aligned = frame.reset_index(drop=True)
            aligned.columns = columns
            return aligned
        if payload.named:
            present = payload.keys()
            known = set(present)
            missing = [c for c in columns if c not in known]
            if missing:
                raise PayloadError(
                    f"Instances lack feature(s) {missing[:10]}: expected the {len(columns)} "
                    f"features {columns[:20]}, got {present[:20]}."
                )
            return payload.select(columns).reset_index(drop=True)
        if payload.width is not None:
            self._check_shape((1, payload.width))  # before pandas builds a wide frame
        frame = payload.frame
        if len(frame) and [str(v).strip() for v in frame.iloc[0].tolist()] == columns:
            frame = frame.iloc[1:]  # a CSV header that names the model's columns
        self._check_shape(frame.shape)
        aligned = frame.reset_index(drop=True)
        aligned.columns = columns
        return aligned

    def _check_shape(self, shape: tuple[int, ...]) -> None:
        columns = self.preprocessor.columns
        if shape[1] != len(columns):
            hint = (
                " Send feature values only, without the label column."
                if shape[1] == len(columns) + 1
                else ""
            )
            raise PayloadError(
                f"expected {len(columns)} features ({', '.join(columns[:10])}"
                f"{', ...' if len(columns) > 10 else ''}), got {shape[1]}.{hint}"
            )
        if shape[0] == 0:
            raise PayloadError("The request holds no rows: expected at least one instance.")

    def features(self, data: Any) -> Arr:
        """The encoded feature matrix of a payload (or frame/array/rows).

        Rows that all parsed as numbers skip pandas: the float matrix goes straight
        through :meth:`Preprocessor.transform_matrix`.

        Raises:
            PayloadError: wrong number of features, missing columns, text in a numeric
                column.
        """
        payload = as_payload(data)
        matrix = payload.matrix
        if matrix is not None and not payload.named and not payload.sparse:
            columns = self.preprocessor.columns
            if len(matrix) and [str(v) for v in matrix[0].tolist()] == columns:
                matrix = matrix[1:]  # a header row of numeric column names, as in align()
            self._check_shape(matrix.shape)
            return self.preprocessor.transform_matrix(matrix)
        frame = self.align(payload)
        return self.preprocessor.transform(frame, source="request", error=PayloadError)

    def predict(self, data: Any) -> Prediction:
        """Predict on a payload (or a frame/array/rows from a custom ``input_fn``)."""
        return Prediction(
            task=self.task,
            scores=self.score(self.features(data)),
            classes=self.classes,
            threshold=self.threshold,
        )

    @property
    def task(self) -> str:
        """Predictor type from the model's metadata."""
        return str(self.meta["predictor_type"])

    @property
    def classes(self) -> list[Any] | None:
        """Class labels (classification)."""
        classes: list[Any] | None = self.meta.get("classes")
        return classes

    @property
    def threshold(self) -> float:
        """Decision threshold of a binary model."""
        return float(self.meta.get("threshold", 0.5))


def _accept(accept: str | None) -> str:
    for part in (accept or "").split(","):
        kind = media_type(part)
        if kind in ("", "*/*", "application/*"):
            return "application/json"
        if kind == "text/*":
            return "text/csv"
        if kind in ACCEPTS:
            return kind
    raise PayloadError(
        f"Unsupported accept type {accept!r}: expected one of {', '.join(ACCEPTS)}.", 406
    )


def format_output(prediction: Prediction, accept: str | None) -> tuple[bytes | str, str]:
    """Serialise predictions as ``(body, content_type)``.

    Raises:
        PayloadError: for an accept type the built-ins cannot produce.
    """
    kind = _accept(accept)
    scores = prediction.scores
    if kind == "text/csv":
        if scores.ndim == 2:
            lines = [",".join(repr(float(v)) for v in row) for row in scores.tolist()]
        else:
            lines = list(map(repr, np.asarray(scores, dtype=np.float64).tolist()))
        return "\n".join(lines), kind
    if kind == "application/x-npy":
        buffer = io.BytesIO()
        np.save(buffer, scores, allow_pickle=False)
        return buffer.getvalue(), kind
    records = prediction.records()
    if kind == "application/jsonlines":
        return "\n".join(json.dumps(record) for record in records), kind
    body: dict[str, Any] = {"predictions": records}
    if prediction.classes is not None:
        body["labels"] = prediction.classes
    return json.dumps(body), kind


# The handlers every built-in shares; each built-in's ``inference`` module adds its own
# ``model_fn`` (and XGBoost its libsvm-aware ``input_fn``).
def input_fn(body: bytes | str, content_type: str) -> Payload:
    """Parse a request body (CSV, JSON, JSON Lines or NPY) into raw rows."""
    return parse_payload(body, content_type)


def predict_fn(data: Any, model: ServingModel) -> Prediction:
    """Apply the saved preprocessing and predict."""
    return model.predict(data)


def output_fn(prediction: Prediction, accept: str) -> tuple[bytes | str, str]:
    """Serialise predictions for the ``Accept`` type; returns ``(body, content_type)``."""
    return format_output(prediction, accept)
