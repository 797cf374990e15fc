"""The shared part of the built-ins' inference handlers: the loaded model, matching raw rows
to its columns, predicting, and formatting answers.

Answers follow SageMaker's built-ins: ``text/csv`` gives one line per row (the value, the
positive-class probability, or comma-separated class probabilities; XGBoost answers
SageMaker XGBoost's one comma-joined line instead, :func:`xgboost_csv`); ``application/json``
gives ``{"predictions": [{"score": ..., "predicted_label": ...}]}`` like Linear Learner (sabio
adds ``"labels"`` except where it emulates Linear Learner exactly); ``application/jsonlines``
one such object per line; ``application/x-npy`` the score array. ``Accept: */*`` (or none)
answers in the emulated container's default type: CSV for XGBoost, JSON for the others.
"""

from __future__ import annotations

import io
import json
import os
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
    "in_batch_transform",
    "input_fn",
    "output_fn",
    "predict_fn",
    "read_meta",
    "xgboost_csv",
]

META_FILE = "sabio-model.json"
ACCEPTS = ("application/json", "text/csv", "application/jsonlines", "application/x-npy")
RECORDIO = "application/x-recordio-protobuf"


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
        objective: the XGBoost objective of the model (its CSV answer depends on it).
    """

    task: str
    scores: Arr
    classes: list[Any] | None = None
    threshold: float = 0.5
    objective: str | None = None

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


def _accept(accept: str | None, default: str, accepts: tuple[str, ...]) -> str:
    for part in (accept or "").split(","):
        kind = media_type(part)
        if kind in ("", "*/*"):
            return default
        if kind == "application/*":
            return "application/json"
        if kind == "text/*":
            return "text/csv"
        if kind in accepts:
            return kind
    raise PayloadError(
        f"Unsupported accept type {accept!r}: expected one of {', '.join(accepts)}.", 406
    )


def _parameter(accept: str | None, name: str) -> str | None:
    """A media-type parameter of the first accept type (``verbose=true`` → ``"true"``)."""
    for part in (accept or "").split(",")[0].split(";")[1:]:
        key, sep, value = part.partition("=")
        if sep and key.strip().lower() == name:
            return value.strip().strip('"').lower()
    return None


def in_batch_transform() -> bool:
    """Whether this process serves a batch transform (SageMaker sets ``SAGEMAKER_BATCH``)."""
    return os.environ.get("SAGEMAKER_BATCH", "").lower() in ("true", "1", "yes")


def xgboost_csv(prediction: Prediction) -> str:
    """SageMaker XGBoost's CSV answer: what ``Booster.predict`` gives, joined by commas on one
    line (one per line in a batch transform). A ``multi:softprob`` row is its probability
    list (``[0.1, 0.2, 0.7]``), ``multi:softmax`` answers class indices and
    ``binary:logitraw`` raw margins, as the booster itself does.
    """
    scores = np.asarray(prediction.scores, dtype=np.float64)
    if prediction.objective == "multi:softmax" and scores.ndim == 2:
        scores = np.argmax(scores, axis=1).astype(np.float64)
    elif prediction.objective == "binary:logitraw":
        clipped = np.clip(scores, 1e-300, 1 - 1e-16)
        scores = np.log(clipped / (1.0 - clipped))
    values = scores.tolist()
    if in_batch_transform():
        return "\n".join(map(str, values)) + "\n"
    return ",".join(map(str, values))


def _recordio(prediction: Prediction) -> bytes:
    """Linear Learner's RecordIO-protobuf answer: ``label["score"]`` (and, for classifiers,
    ``label["predicted_label"]``) as float32 tensors, one record per row."""
    from sabio.algorithms._recordio import Record, Tensor, Value, records_to_bytes

    def value(values: list[float]) -> Value:
        return Value(float32_tensor=Tensor(values), kind="float32")

    records = []
    for item in prediction.records():
        score = item["score"]
        record = Record(label={"score": value(score if isinstance(score, list) else [score])})
        if "predicted_label" in item:
            label = item["predicted_label"]
            classes = prediction.classes or []
            numeric = isinstance(label, int | float) and not isinstance(label, bool)
            index = float(label) if numeric else float(classes.index(label))
            record.label["predicted_label"] = value([index])
        records.append(record)
    return records_to_bytes(records)


def format_output(
    prediction: Prediction,
    accept: str | None,
    *,
    default: str = "application/json",
    sagemaker_json: bool = False,
) -> tuple[bytes | str, str]:
    """Serialise predictions as ``(body, content_type)``.

    Args:
        prediction: what :meth:`ServingModel.predict` returned.
        accept: the request's ``Accept`` (``*/*`` or none: ``default``).
        default: the answer type for ``*/*`` (the emulated SageMaker container's).
        sagemaker_json: JSON exactly as SageMaker's Linear Learner writes it
            (``{"predictions": [...]}``); else sabio adds ``"labels"`` (the classes), which
            ``application/json; verbose=true`` asks for in either case.

    Raises:
        PayloadError: for an accept type the built-ins cannot produce.
    """
    accepts = (*ACCEPTS, RECORDIO) if sagemaker_json else ACCEPTS
    kind = _accept(accept, default, accepts)
    scores = prediction.scores
    if kind == RECORDIO:
        return _recordio(prediction), kind
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
    verbose = _parameter(accept, "verbose") == "true"
    if prediction.classes is not None and (verbose or not sagemaker_json):
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
