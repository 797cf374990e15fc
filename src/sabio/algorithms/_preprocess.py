"""Fitted preprocessing saved with every built-in model, so raw rows go in at serving time.

Numeric columns are optionally imputed (training median) and standardised; text columns are
one-hot encoded (the 50 most frequent categories; unseen or missing values encode as all
zeros). The whole state is plain JSON.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._errors import AlgorithmError, DataError

__all__ = ["MAX_CATEGORIES", "Preprocessor", "category_keys"]

MAX_CATEGORIES = 50


def category_keys(values: pd.Series) -> npt.NDArray[np.object_]:
    """Canonical text of categorical values (``None`` for missing ones)."""
    keys = [None if _missing(v) else _key(v) for v in values.tolist()]
    return np.asarray(keys, dtype=object)


def _key(value: Any) -> str:
    # A request parsed as numbers gives 1.0 for the text "1": use the text's spelling.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _is_numeric_column(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return True
    present = values.dropna()
    return len(present) > 0 and bool(pd.to_numeric(present, errors="coerce").notna().all())


@dataclass
class Preprocessor:
    """Column order, encodings and scaling learnt from the training features.

    Attributes:
        columns: raw feature columns in the order the model expects them.
        categories: categorical column → its categories (one output feature each).
        medians: numeric column → training median used for missing values, or ``None`` to
            keep NaN (XGBoost handles missing values itself).
        scaling: numeric column → ``[mean, std]``, or ``None`` for no scaling.
    """

    columns: list[str]
    categories: dict[str, list[str]]
    medians: dict[str, float] | None = None
    scaling: dict[str, list[float]] | None = None

    @classmethod
    def fit(cls, frame: pd.DataFrame, *, impute: bool, scale: bool) -> Preprocessor:
        """Learn the preprocessing from the training features."""
        columns = [str(column) for column in frame.columns]
        categories: dict[str, list[str]] = {}
        numeric: dict[str, npt.NDArray[np.float64]] = {}
        for column in columns:
            values = frame[column]
            if _is_numeric_column(values):
                numeric[column] = pd.to_numeric(values).to_numpy(dtype=np.float64)
                continue
            counts = pd.Series(category_keys(values)).dropna().value_counts(sort=False)
            # Most frequent first, ties broken by name, so the result does not depend on row order.
            ranked = sorted(counts.items(), key=lambda item: (-int(item[1]), str(item[0])))
            if len(ranked) > MAX_CATEGORIES:
                print(
                    f"Warning: column {column!r} has {len(ranked)} distinct values; keeping the "
                    f"{MAX_CATEGORIES} most frequent, the rest encode as 'other' (all zeros).",
                    file=sys.stderr,
                )
            categories[column] = sorted(str(key) for key, _ in ranked[:MAX_CATEGORIES])
        medians = (
            {c: float(np.nanmedian(v)) if np.isfinite(v).any() else 0.0 for c, v in numeric.items()}
            if impute
            else None
        )
        scaling = None
        if scale:
            scaling = {}
            for column, values in numeric.items():
                std = float(np.nanstd(values))
                scaling[column] = [float(np.nanmean(values)), std if std > 1e-12 else 1.0]
        return cls(columns=columns, categories=categories, medians=medians, scaling=scaling)

    @property
    def feature_names(self) -> list[str]:
        """Names of the encoded features (``column=category`` for one-hot outputs)."""
        names: list[str] = []
        for column in self.columns:
            if column in self.categories:
                names.extend(f"{column}={category}" for category in self.categories[column])
            else:
                names.append(column)
        return names

    def transform(
        self, frame: pd.DataFrame, *, source: str, error: type[AlgorithmError] = DataError
    ) -> npt.NDArray[np.float64]:
        """Encode raw features (columns already aligned) into a float matrix.

        Raises:
            AlgorithmError: of type ``error`` when a numeric column holds text.
        """
        blocks: list[npt.NDArray[np.float64]] = []
        for column in self.columns:
            values = frame[column]
            if column in self.categories:
                keys = category_keys(values)
                cats = np.asarray(self.categories[column], dtype=object)
                blocks.append((keys[:, None] == cats[None, :]).astype(np.float64))
                continue
            blocks.append(self._numeric(column, values, source, error)[:, None])
        if not blocks:
            return np.empty((len(frame), 0), dtype=np.float64)
        return np.hstack(blocks)

    def _numeric(
        self, column: str, values: pd.Series, source: str, error: type[AlgorithmError]
    ) -> npt.NDArray[np.float64]:
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            numbers = np.asarray(values.to_numpy(dtype=np.float64, na_value=np.nan))
        else:
            text = values.astype("string").str.strip().replace("", pd.NA)
            parsed = pd.to_numeric(text, errors="coerce")
            bad = parsed.isna() & text.notna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise error(
                    f"{source}: column {column!r} must be numeric, got {values.iloc[row]!r} "
                    f"at row {row + 1}."
                )
            numbers = np.asarray(parsed.to_numpy(dtype=np.float64, na_value=np.nan))
        if self.medians is not None:
            numbers = np.where(np.isnan(numbers), self.medians[column], numbers)
        if self.scaling is not None:
            mean, std = self.scaling[column]
            numbers = (numbers - mean) / std
        return numbers

    def to_json(self) -> dict[str, Any]:
        """JSON form saved in ``sabio-model.json``."""
        return {
            "columns": self.columns,
            "categories": self.categories,
            "medians": self.medians,
            "scaling": self.scaling,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preprocessor:
        """Inverse of :meth:`to_json`."""
        return cls(
            columns=list(data["columns"]),
            categories={k: list(v) for k, v in data["categories"].items()},
            medians=data.get("medians"),
            scaling=data.get("scaling"),
        )
