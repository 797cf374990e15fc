"""TensorFlow SavedModels served with TensorFlow Serving's REST contract, as SageMaker's
TensorFlow Serving container serves them.

``model.tar.gz`` holds a SavedModel (``saved_model.pb`` + ``variables/``) at its top, in a
numbered version folder (``1/``, the newest wins) or in ``<model name>/<version>/``. Requests:

* ``application/json``: ``{"instances": [...]}`` (row format: one instance per row, or objects
  ``{input name: value}`` for several inputs) → ``{"predictions": [...]}``;
  ``{"inputs": ...}`` (columnar: a value, or ``{input name: value}``) → ``{"outputs": ...}``;
  a bare list is taken as ``instances``.
* ``text/csv``: one instance per line (numbers), as ``{"instances": [[...], ...]}``.
* ``application/jsonlines``: one instance per line.

TensorFlow is an optional extra (``pip install 'sabio[tensorflow]'``); it is imported only when a
SavedModel is loaded, and a clear error says how to install it when it is missing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from sabio.exceptions import ValidationError
from sabio.inference._errors import PayloadError

__all__ = ["SAVED_MODEL_FILE", "TensorFlowServingModel", "find_saved_model", "load_saved_model"]

SAVED_MODEL_FILE = "saved_model.pb"


def find_saved_model(model_dir: Path) -> Path | None:
    """The SavedModel folder under ``model_dir`` (itself, its highest numbered version
    folder, or ``<name>/<version>/``), or None."""
    if (model_dir / SAVED_MODEL_FILE).is_file():
        return model_dir
    for parent in (model_dir, *sorted(p for p in model_dir.iterdir() if p.is_dir())):
        versions = [p for p in parent.iterdir() if p.is_dir() and p.name.isdigit()]
        for version in sorted(versions, key=lambda p: int(p.name), reverse=True):
            if (version / SAVED_MODEL_FILE).is_file():
                return version
    return None


def load_saved_model(path: Path) -> TensorFlowServingModel:
    """Load the SavedModel at ``path`` and its ``serving_default`` signature.

    Raises:
        ValidationError: TensorFlow is not installed, or the model has no serving signature.
    """
    try:
        import tensorflow as tf
    except ImportError:
        raise ValidationError(
            f"The model in {path} is a TensorFlow SavedModel, but TensorFlow is not installed "
            "in this Python environment. Install it with pip install 'sabio[tensorflow]' (or "
            "pip install tensorflow-cpu), then deploy again."
        ) from None
    loaded = tf.saved_model.load(str(path))
    signatures = getattr(loaded, "signatures", {})
    if "serving_default" not in signatures:
        raise ValidationError(
            f"The SavedModel in {path} has no 'serving_default' signature (it has "
            f"{sorted(signatures)}): export it with tf.saved_model.save(model, path, "
            "signatures=...) or model.export(path)."
        )
    return TensorFlowServingModel(loaded, signatures["serving_default"])


class TensorFlowServingModel:
    """A loaded SavedModel answering TensorFlow Serving's REST requests."""

    def __init__(self, loaded: Any, signature: Any) -> None:
        self.loaded = loaded  # keeps the variables the signature uses alive
        self.signature = signature
        _, kwargs = signature.structured_input_signature
        self.inputs: dict[str, Any] = dict(kwargs)

    def _call(self, feeds: dict[str, Any]) -> dict[str, np.ndarray]:
        import tensorflow as tf

        unknown = sorted(set(feeds) - set(self.inputs))
        if unknown:
            raise PayloadError(
                f"Unknown input(s) {unknown}: the model's inputs are {sorted(self.inputs)}."
            )
        tensors = {}
        for name, value in feeds.items():
            spec = self.inputs[name]
            try:
                tensors[name] = tf.constant(value, dtype=spec.dtype)
            except (ValueError, TypeError) as exc:
                raise PayloadError(f"Input {name!r} does not fit {spec}: {exc}") from None
        try:
            outputs = self.signature(**tensors)
        except (ValueError, TypeError, tf.errors.InvalidArgumentError) as exc:
            raise PayloadError(f"The model rejected the input: {exc}") from None
        return {name: value.numpy() for name, value in outputs.items()}

    def _single_input(self) -> str:
        if len(self.inputs) != 1:
            raise PayloadError(
                f"The model has {len(self.inputs)} inputs ({sorted(self.inputs)}): send "
                'objects {"input name": value} instead of bare values.'
            )
        return next(iter(self.inputs))

    def _rows(self, instances: list[Any]) -> dict[str, Any]:
        if not instances:
            raise PayloadError('"instances" is empty: expected at least one instance.')
        if all(isinstance(row, dict) for row in instances):
            names = set(instances[0])
            if any(set(row) != names for row in instances):
                raise PayloadError("Every instance must name the same inputs.")
            return {name: [row[name] for row in instances] for name in names}
        return {self._single_input(): instances}

    def predict_rows(self, instances: list[Any]) -> list[Any]:
        """Row format: one prediction per instance (an object when there are several
        outputs)."""
        outputs = self._call(self._rows(instances))
        if len(outputs) == 1:
            return next(iter(outputs.values())).tolist()  # type: ignore[no-any-return]
        lists = {name: value.tolist() for name, value in outputs.items()}
        count = len(next(iter(lists.values())))
        return [{name: values[i] for name, values in lists.items()} for i in range(count)]

    def predict_columns(self, inputs: Any) -> Any:
        """Columnar format: ``inputs`` a value (one input) or ``{name: value}``."""
        feeds = inputs if isinstance(inputs, dict) else {self._single_input(): inputs}
        outputs = self._call(feeds)
        if len(outputs) == 1:
            return next(iter(outputs.values())).tolist()
        return {name: value.tolist() for name, value in outputs.items()}

    def handle(self, body: bytes, content_type: str) -> tuple[bytes, str]:
        """Answer one request (see the module docstring).

        Raises:
            PayloadError: a body that is not TensorFlow Serving's request shape.
        """
        kind = (content_type or "application/json").split(";", 1)[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise PayloadError("The request body is not UTF-8 text.") from None
        if kind in ("text/csv", "csv"):
            try:
                rows = [[float(v) for v in row] for row in csv.reader(io.StringIO(text)) if row]
            except ValueError as exc:
                raise PayloadError(
                    f"The CSV body holds a value that is not a number: {exc}."
                ) from None
            request: Any = {"instances": rows}
        elif kind in ("application/jsonlines", "application/x-jsonlines", "jsonlines"):
            try:
                lines = [json.loads(line) for line in text.splitlines() if line.strip()]
            except json.JSONDecodeError as exc:
                raise PayloadError(f"A JSON Lines line is not valid JSON: {exc}.") from None
            request = {"instances": lines}
        elif kind in ("application/json", "json", ""):
            try:
                request = json.loads(text)
            except json.JSONDecodeError as exc:
                raise PayloadError(f"The request body is not valid JSON: {exc}.") from None
        else:
            raise PayloadError(
                f"Unsupported content type {content_type!r} for a TensorFlow model: expected "
                "application/json, text/csv or application/jsonlines.",
                415,
            )
        if isinstance(request, list):
            request = {"instances": request}
        if isinstance(request, dict) and "instances" in request:
            answer: dict[str, Any] = {"predictions": self.predict_rows(request["instances"])}
        elif isinstance(request, dict) and "inputs" in request:
            answer = {"outputs": self.predict_columns(request["inputs"])}
        else:
            raise PayloadError(
                'Expected TensorFlow Serving\'s request {"instances": [...]} or {"inputs": ...}.'
            )
        return json.dumps(answer).encode(), "application/json"
