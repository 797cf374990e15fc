"""Fitted preprocessing saved with every built-in model, so raw rows go in at serving time.

Numeric columns are optionally imputed (training median) and standardised; text columns are
one-hot encoded (the 50 most frequent categories; unseen or missing values encode as all
zeros). The whole state is plain JSON.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._errors import DataError
from sabio.exceptions import ValidationError

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

    @cached_property
    def _plan(self) -> _Plan:
        return _Plan.build(self)

    def transform(
        self, frame: pd.DataFrame, *, source: str, error: type[ValidationError] = DataError
    ) -> npt.NDArray[np.float64]:
        """Encode raw features (columns already aligned) into a float matrix.

        Numeric columns are encoded together as one block, categorical ones by looking up
        each distinct value once, so the cost is a few numpy calls whatever the width.

        Raises:
            ValidationError: of type ``error`` when a numeric column holds text.
        """
        plan = self._plan
        numeric = [self.columns[i] for i in plan.numeric_in.tolist()]
        if not numeric:
            block = np.empty((len(frame), 0), dtype=np.float64)
        elif all(_is_number_dtype(frame[c]) for c in numeric):
            block = np.asarray(frame[numeric].to_numpy(dtype=np.float64, na_value=np.nan))
        else:
            block = np.column_stack([_parse_numeric(c, frame[c], source, error) for c in numeric])
        columns = {cat.column: frame[cat.column] for cat in plan.categorical}
        return plan.encode(block, columns, len(frame))

    def transform_matrix(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Encode an all-numeric float matrix of raw rows (columns in :attr:`columns` order).

        The fast path of a request whose values all parsed as numbers; gives exactly what
        :meth:`transform` gives on the same values in a frame. A model without categorical
        columns, imputation or scaling gets ``x`` itself back (no copy).
        """
        plan = self._plan
        if plan.identity:
            return x
        block = x[:, plan.numeric_in] if len(plan.numeric_in) != x.shape[1] else x
        columns = {cat.column: x[:, cat.index] for cat in plan.categorical}
        return plan.encode(block, columns, x.shape[0])

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


def _is_number_dtype(values: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values))


def _parse_numeric(
    column: str, values: pd.Series, source: str, error: type[ValidationError]
) -> npt.NDArray[np.float64]:
    """One numeric column as floats (text parsed; blanks are missing).

    Raises:
        ValidationError: of type ``error`` naming the first value that is not a number.
    """
    if _is_number_dtype(values):
        return np.asarray(values.to_numpy(dtype=np.float64, na_value=np.nan))
    text = values.astype("string").str.strip().replace("", pd.NA)
    parsed = pd.to_numeric(text, errors="coerce")
    bad = parsed.isna() & text.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise error(
            f"{source}: column {column!r} must be numeric, got {values.iloc[row]!r} "
            f"at row {row + 1}."
        )
    return np.asarray(parsed.to_numpy(dtype=np.float64, na_value=np.nan))


#: Up to this many rows, categorical values are looked up one by one (cheaper than hashing).
_SMALL = 256


def _category_codes(values: Any, lookup: dict[str, int]) -> npt.NDArray[np.intp]:
    """Index of each value's category in ``lookup``, -1 for missing or unknown values."""
    if len(values) <= _SMALL:
        items = values.tolist()
        return np.fromiter(
            (-1 if _missing(v) else lookup.get(_key(v), -1) for v in items),
            dtype=np.intp,
            count=len(items),
        )
    # Many rows: key each distinct value once; factorize gives -1 for missing values.
    codes, uniques = pd.factorize(values)
    table = [-1 if _missing(u) else lookup.get(_key(u), -1) for u in list(uniques)]
    table.append(-1)  # codes of -1 (missing) index this last entry
    result: npt.NDArray[np.intp] = np.asarray(table, dtype=np.intp)[codes]
    return result


@dataclass(frozen=True)
class _Categorical:
    column: str
    index: int  # position among the raw columns
    offset: int  # first output feature
    lookup: dict[str, int]


@dataclass(frozen=True)
class _Plan:
    """Where each raw column goes in the encoded matrix, with the numbers as vectors."""

    numeric_in: npt.NDArray[np.intp]
    numeric_out: npt.NDArray[np.intp]
    medians: npt.NDArray[np.float64] | None
    means: npt.NDArray[np.float64] | None
    stds: npt.NDArray[np.float64] | None
    categorical: tuple[_Categorical, ...]
    width: int

    @property
    def identity(self) -> bool:
        """Encoding changes nothing: numeric columns only, no imputation, no scaling."""
        return not self.categorical and self.medians is None and self.means is None

    @classmethod
    def build(cls, pre: Preprocessor) -> _Plan:
        numeric_in: list[int] = []
        numeric_out: list[int] = []
        categorical: list[_Categorical] = []
        width = 0
        for index, column in enumerate(pre.columns):
            if column in pre.categories:
                cats = pre.categories[column]
                lookup = {str(c): i for i, c in reversed(list(enumerate(cats)))}
                categorical.append(_Categorical(column, index, width, lookup))
                width += len(cats)
            else:
                numeric_in.append(index)
                numeric_out.append(width)
                width += 1
        names = [pre.columns[i] for i in numeric_in]
        medians = None
        if pre.medians is not None:
            medians = np.asarray([pre.medians[c] for c in names], dtype=np.float64)
        means = stds = None
        if pre.scaling is not None:
            means = np.asarray([pre.scaling[c][0] for c in names], dtype=np.float64)
            stds = np.asarray([pre.scaling[c][1] for c in names], dtype=np.float64)
        return cls(
            numeric_in=np.asarray(numeric_in, dtype=np.intp),
            numeric_out=np.asarray(numeric_out, dtype=np.intp),
            medians=medians,
            means=means,
            stds=stds,
            categorical=tuple(categorical),
            width=width,
        )

    def encode(
        self, block: npt.NDArray[np.float64], categorical: dict[str, Any], rows: int
    ) -> npt.NDArray[np.float64]:
        """Impute and scale the numeric ``block``, one-hot the categorical columns."""
        if self.medians is not None:
            block = np.where(np.isnan(block), self.medians, block)
        if self.means is not None and self.stds is not None:
            block = (block - self.means) / self.stds
        if not self.categorical and block.shape[1] == self.width:
            return np.asarray(block, dtype=np.float64)
        out = np.zeros((rows, self.width), dtype=np.float64)
        out[:, self.numeric_out] = block
        for cat in self.categorical:
            codes = _category_codes(categorical[cat.column], cat.lookup)
            hit = np.flatnonzero(codes >= 0)
            out[hit, cat.offset + codes[hit]] = 1.0
        return out
