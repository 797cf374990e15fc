"""From channel folders to model-ready arrays: load, check, pick the task, encode, split."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._checks import (
    check_channel,
    check_class_counts,
    check_same_columns,
    count_duplicates,
    warn,
)
from sabio.algorithms._data import ChannelData, load_channel
from sabio.algorithms._env import JobEnv
from sabio.algorithms._errors import DataError, HyperparameterError
from sabio.algorithms._preprocess import Preprocessor
from sabio.algorithms._task import (
    REGRESSOR,
    LabelEncoding,
    fit_label_encoding,
    infer_predictor_type,
    regression_target,
)
from sabio.exceptions import did_you_mean

__all__ = ["PreparedData", "Split", "prepare_data"]

#: Picks the task from hyperparameters and label; returns ``None`` to infer from the label.
TaskResolver = Callable[[dict[str, Any]], str | None]


@dataclass
class Split:
    """One data split, raw and encoded.

    Attributes:
        name: ``train``, ``validation``, ``test`` (or ``validation split`` for a holdout).
        raw: raw feature values (for subgroups and the report).
        x: encoded features.
        y: float targets (regression) or class indices.
    """

    name: str
    raw: pd.DataFrame
    x: npt.NDArray[np.float64]
    y: npt.NDArray[Any]

    def subset(self, rows: npt.NDArray[np.int64], name: str) -> Split:
        """The given rows as a new split."""
        return Split(name, self.raw.iloc[rows].reset_index(drop=True), self.x[rows], self.y[rows])


@dataclass
class PreparedData:
    """Everything an algorithm needs to fit and be evaluated."""

    task: str
    target: str
    fmt: str
    preprocessor: Preprocessor
    encoding: LabelEncoding | None
    train: Split
    validation: Split | None
    test: Split | None
    warnings: list[str] = field(default_factory=list)

    @property
    def n_classes(self) -> int:
        """Number of classes (0 for regression)."""
        return 0 if self.encoding is None else len(self.encoding.classes)


def _load(env: JobEnv, name: str, hps: dict[str, Any], allow_libsvm: bool) -> ChannelData | None:
    if name not in env.channels:
        return None
    return load_channel(
        name,
        env.channels[name],
        content_type=env.content_types.get(name),
        target=hps.get("target"),
        allow_libsvm=allow_libsvm,
    )


def _resolve_task(hps: dict[str, Any], label: pd.Series, resolver: TaskResolver) -> str:
    task: str | None = hps.get("predictor_type")
    implied = resolver(hps)
    if task and implied and task != implied:
        raise HyperparameterError(
            f"Hyperparameter predictor_type={task!r} contradicts the other hyperparameters, "
            f"which imply {implied!r} (e.g. the objective). Remove one of them."
        )
    if task or implied:
        return str(task or implied)
    inferred, reason = infer_predictor_type(label)
    print(f"predictor_type not given: using {inferred!r} because {reason}.", file=sys.stderr)
    return inferred


def _holdout(split: Split, fraction: float, seed: int, stratify: bool) -> tuple[Split, Split]:
    """Random (stratified for classes) split of the training rows."""
    rng = np.random.default_rng(seed)
    n = len(split.y)
    groups = (
        [np.flatnonzero(split.y == c) for c in np.unique(split.y)] if stratify else [np.arange(n)]
    )
    held: list[npt.NDArray[np.int64]] = []
    for rows in groups:
        take = round(len(rows) * fraction)
        take = min(max(take, 1 if len(rows) >= 2 else 0), len(rows) - 1)
        held.append(rng.permutation(rows)[:take])
    valid_rows = np.sort(np.concatenate(held)).astype(np.int64)
    train_rows = np.setdiff1d(np.arange(n), valid_rows).astype(np.int64)
    return split.subset(train_rows, "train"), split.subset(valid_rows, "validation split")


def prepare_data(
    env: JobEnv,
    hps: dict[str, Any],
    *,
    resolver: TaskResolver,
    impute: bool,
    scale: bool,
    allow_libsvm: bool = False,
    validation_split: float = 0.0,
    seed: int = 0,
) -> PreparedData:
    """Load and check the channels, fit the preprocessing and encode every split.

    Raises:
        DataError: for any failed data check.
        HyperparameterError: for hyperparameters that do not fit the data.
    """
    train = _load(env, "train", hps, allow_libsvm)
    if train is None:
        raise DataError(
            "The 'train' channel is required: pass inputs={'train': ...} to fit(). "
            f"Channels received: {sorted(env.channels) or 'none'}."
        )
    warnings: list[str] = []
    others = {name: _load(env, name, hps, allow_libsvm) for name in ("validation", "test")}
    channels = [train] + [data for data in others.values() if data is not None]
    for data in channels:
        check_channel(data)
        if data is not train:
            check_same_columns(train, data)
            if data.fmt == "libsvm":
                data.features = data.features.reindex(columns=train.features.columns)
            else:
                data.features = data.features[list(train.features.columns)]
            duplicates = count_duplicates(train.features, data.features)
            if duplicates:
                warn(
                    f"{duplicates} of {len(data.features)} rows of channel {data.name!r} also "
                    "occur in channel 'train'; metrics on them overstate performance on new cases.",
                    warnings,
                )
    for column in hps.get("subgroup_columns") or []:
        if column not in train.features.columns:
            raise HyperparameterError(
                f"Hyperparameter 'subgroup_columns' names {column!r}, which is not a feature "
                f"column.{did_you_mean(column, train.features.columns)} Feature columns: "
                f"{', '.join(map(str, train.features.columns[:20]))}."
            )
    task = _resolve_task(hps, train.label, resolver)
    encoding = None
    if task != REGRESSOR:
        encoding = fit_label_encoding(train.label, task, hps.get("positive_class"))
    preprocessor = Preprocessor.fit(train.features, impute=impute, scale=scale)

    def encode(data: ChannelData) -> Split:
        x = preprocessor.transform(data.features, source=f"Channel {data.name!r}")
        y: npt.NDArray[Any] = (
            regression_target(data.label, data.name)
            if encoding is None
            else encoding.encode(data.label, data.name)
        )
        return Split(data.name, data.features, x, y)

    train_split = encode(train)
    if encoding is not None:
        check_class_counts(train_split.y, encoding.keys, "train")
    valid = encode(others["validation"]) if others["validation"] is not None else None
    test = encode(others["test"]) if others["test"] is not None else None
    if valid is None and validation_split > 0:
        train_split, valid = _holdout(train_split, validation_split, seed, encoding is not None)
    return PreparedData(
        task=task,
        target=train.label_name,
        fmt=train.fmt,
        preprocessor=preprocessor,
        encoding=encoding,
        train=train_split,
        validation=valid,
        test=test,
        warnings=warnings,
    )
