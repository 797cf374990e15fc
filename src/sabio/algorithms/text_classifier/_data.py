"""Reading and checking text data: CSV (with a header) or JSON Lines with a text and a label
column, the class-count and empty-text checks, duplicates across splits, and the stratified
validation split.

Every problem is either a :class:`~sabio.algorithms._errors.DataError` that says what was
wrong and how to fix it, or a warning printed to the job log and kept for the report.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._checks import warn
from sabio.algorithms._data import list_files
from sabio.algorithms._env import JobEnv
from sabio.algorithms._errors import DataError
from sabio.exceptions import did_you_mean

__all__ = ["TextData", "TextSplit", "load_text_data", "normalise"]

_JSONL_TYPES = {"application/jsonlines", "application/x-jsonlines", "application/json"}
_JSONL_EXTENSIONS = {".jsonl", ".json", ".ndjson"}
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as compared for duplicates: lower case, whitespace collapsed."""
    return _SPACES.sub(" ", text).strip().lower()


@dataclass
class TextSplit:
    """Texts and class indices of one split (``train``, ``validation``, ``test`` ...)."""

    name: str
    texts: list[str]
    y: npt.NDArray[np.int64]

    def subset(self, rows: npt.NDArray[np.int64], name: str) -> TextSplit:
        """The given rows as a new split."""
        return TextSplit(name, [self.texts[i] for i in rows.tolist()], self.y[rows])


@dataclass
class TextData:
    """Every split of a job, with the label classes and the data warnings."""

    train: TextSplit
    classes: list[str]
    validation: TextSplit | None = None
    test: TextSplit | None = None
    warnings: list[str] = field(default_factory=list)

    def splits(self) -> list[TextSplit]:
        """The splits present, train first."""
        return [s for s in (self.train, self.validation, self.test) if s is not None]


def _read_file(path: Path, content_type: str | None, channel: str) -> pd.DataFrame:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    as_json = kind in _JSONL_TYPES or (not kind and path.suffix.lower() in _JSONL_EXTENSIONS)
    raw = path.read_text(encoding="utf-8")
    if not raw.strip():
        return pd.DataFrame()
    try:
        if as_json:
            stripped = raw.lstrip()
            if stripped.startswith("["):  # one JSON array of objects
                return pd.DataFrame.from_records(json.loads(stripped))
            records = [json.loads(line) for line in raw.splitlines() if line.strip()]
            return pd.DataFrame.from_records(records)
        return pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)
    except (ValueError, TypeError, pd.errors.ParserError) as exc:
        form = "JSON Lines (one object per line)" if as_json else "CSV with a header row"
        raise DataError(f"Channel {channel!r}: cannot read {path.name} as {form}: {exc}.") from None


def _load(env: JobEnv, channel: str, text_col: str, label_col: str) -> pd.DataFrame | None:
    folder = env.channels.get(channel)
    if folder is None:
        return None
    files = list_files(folder)
    if not files:
        raise DataError(
            f"Channel {channel!r} is empty: expected CSV or JSON Lines files under {folder}."
        )
    frames = [_read_file(path, env.content_types.get(channel), channel) for path in files]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if len(frame) == 0:
        raise DataError(f"Channel {channel!r} holds no rows (files: {[p.name for p in files]}).")
    for column, role, param in (
        (text_col, "text", "text_column"),
        (label_col, "label", "label_column"),
    ):
        if column not in frame.columns:
            found = [str(c) for c in frame.columns]
            raise DataError(
                f"Channel {channel!r} has no {role} column {column!r}."
                f"{did_you_mean(column, found)} Columns found: {found[:20]}. Name the column "
                f"with the {param!r} hyperparameter (CSV files need a header row)."
            )
    return frame


def _texts(frame: pd.DataFrame, column: str, channel: str) -> list[str]:
    values = frame[column]
    texts = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]
    empty = [i for i, text in enumerate(texts) if not text.strip()]
    if empty:
        raise DataError(
            f"Channel {channel!r}: {len(empty)} row(s) have an empty text in column {column!r} "
            f"(first rows, counting from 1: {[i + 1 for i in empty[:5]]}). Remove those rows "
            "or fill in the text."
        )
    return texts


def _labels(frame: pd.DataFrame, column: str, channel: str) -> list[str]:
    labels = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
              for v in frame[column]]  # fmt: skip
    missing = [i for i, label in enumerate(labels) if not label]
    if missing:
        raise DataError(
            f"Channel {channel!r}: {len(missing)} row(s) have no label in column {column!r} "
            f"(first rows, counting from 1: {[i + 1 for i in missing[:5]]}). Remove those rows "
            "or fill in the label."
        )
    return labels


def _check_classes(labels: list[str], minimum: int) -> list[str]:
    counts = pd.Series(labels).value_counts()
    if len(counts) < 2:
        raise DataError(
            f"Channel 'train' has a single class ({counts.index[0]!r}): a classifier needs at "
            "least two different labels."
        )
    rare = {str(k): int(v) for k, v in counts.items() if v < minimum}
    if rare:
        shown = dict(list(rare.items())[:10])
        raise DataError(
            f"Channel 'train': {len(rare)} of {len(counts)} classes have fewer than "
            f"min_examples_per_class={minimum} examples (counts: {shown}"
            f"{', ...' if len(rare) > 10 else ''}). With one example per class a model can "
            "neither learn the class nor be checked on it; this is how a text model ends at "
            "0.0 accuracy. Collect more examples per class (dozens are typical), merge rare "
            "classes, or lower min_examples_per_class if you accept the risk."
        )
    return sorted(counts.index.astype(str).tolist())


def _encode(labels: list[str], classes: list[str], channel: str) -> npt.NDArray[np.int64]:
    index = {c: i for i, c in enumerate(classes)}
    unknown = sorted({label for label in labels if label not in index})
    if unknown:
        raise DataError(
            f"Channel {channel!r} has label(s) {unknown[:10]} that never occur in 'train' "
            f"(train classes: {classes[:10]}{' ...' if len(classes) > 10 else ''}). A model "
            "cannot predict a class it never saw: add training examples or drop those rows."
        )
    return np.array([index[label] for label in labels], dtype=np.int64)


def holdout(split: TextSplit, fraction: float, seed: int) -> tuple[TextSplit, TextSplit]:
    """Stratified split of the training rows by distinct text, so copies stay together."""
    rng = np.random.default_rng(seed)
    keys = [normalise(t) for t in split.texts]
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    unique = np.array(sorted(first.values()), dtype=np.int64)
    held_keys: set[str] = set()
    for c in np.unique(split.y):
        rows = unique[split.y[unique] == c]
        take = min(max(round(len(rows) * fraction), 1 if len(rows) >= 2 else 0), len(rows) - 1)
        held_keys.update(keys[i] for i in rng.permutation(rows)[:take].tolist())
    held = np.array([k in held_keys for k in keys])
    train_rows = np.flatnonzero(~held).astype(np.int64)
    valid_rows = np.flatnonzero(held).astype(np.int64)
    return split.subset(train_rows, "train"), split.subset(valid_rows, "validation split")


def _duplicates(train: TextSplit, other: TextSplit, warnings: list[str]) -> None:
    seen = {normalise(t) for t in train.texts}
    count = sum(normalise(t) in seen for t in other.texts)
    if count:
        warn(
            f"{count} of {len(other.texts)} {other.name} texts also occur in the training data "
            "(after lower-casing and collapsing spaces); scores on them overstate how well the "
            "model does on new texts. Deduplicate before splitting.",
            warnings,
        )


def load_text_data(env: JobEnv, hps: dict[str, Any]) -> TextData:
    """Load, check and encode the ``train``/``validation``/``test`` channels.

    Raises:
        DataError: for any failed data check.
    """
    text_col, label_col = hps["text_column"], hps["label_column"]
    frames = {
        name: _load(env, name, text_col, label_col) for name in ("train", "validation", "test")
    }
    train_frame = frames["train"]
    if train_frame is None:
        raise DataError(
            "The 'train' channel is required: pass inputs={'train': ...} to fit(). "
            f"Channels received: {sorted(env.channels) or 'none'}."
        )
    train_labels = _labels(train_frame, label_col, "train")
    classes = _check_classes(train_labels, hps["min_examples_per_class"])
    train = TextSplit(
        "train", _texts(train_frame, text_col, "train"), _encode(train_labels, classes, "train")
    )
    data = TextData(train, classes)
    keys = [normalise(t) for t in train.texts]
    repeated = len(keys) - len(set(keys))
    if repeated:
        warn(f"{repeated} training texts are copies of other training texts.", data.warnings)
    for name in ("validation", "test"):
        frame = frames[name]
        if frame is None:
            continue
        labels = _encode(_labels(frame, label_col, name), classes, name)
        split = TextSplit(name, _texts(frame, text_col, name), labels)
        _duplicates(train, split, data.warnings)
        setattr(data, name, split)
    fraction = float(hps.get("validation_split") or 0.0)
    if data.validation is None and fraction > 0:
        data.train, data.validation = holdout(train, fraction, hps["seed"])
    return data
