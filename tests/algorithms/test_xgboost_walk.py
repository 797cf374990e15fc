"""The NumPy tree walk predicts what XGBoost's own ``inplace_predict`` predicts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import xgboost as xgb
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris

from sabio.algorithms.xgboost._walk import TreeWalker
from sabio.inference._fast import fast_predict


def _booster(params: dict[str, Any], x: np.ndarray, y: np.ndarray, rounds: int = 30) -> Any:
    train = xgb.DMatrix(x, label=y)
    return xgb.train({"max_depth": 5, "nthread": 1, "seed": 0, **params}, train, rounds)


def _rows_with_missing(x: np.ndarray, n: int) -> np.ndarray:
    rows = x[:n].copy()
    rows[::3, 0] = np.nan  # XGBoost sends a missing value down the default branch
    rows[1, -1] = np.nan
    return rows


CASES = [
    ({"objective": "binary:logistic"}, "cancer"),
    ({"objective": "binary:logitraw"}, "cancer"),
    ({"objective": "reg:logistic"}, "cancer"),
    ({"objective": "reg:squarederror"}, "diabetes"),
    ({"objective": "reg:absoluteerror"}, "diabetes"),
    ({"objective": "count:poisson"}, "diabetes"),
    ({"objective": "reg:gamma"}, "diabetes"),
    ({"objective": "multi:softprob", "num_class": 3}, "iris"),
    ({"objective": "multi:softmax", "num_class": 3}, "iris"),
]


@pytest.mark.parametrize(("params", "data"), CASES, ids=[c[0]["objective"] for c in CASES])
def test_walk_matches_inplace_predict(params: dict[str, Any], data: str) -> None:
    loader = {"cancer": load_breast_cancer, "diabetes": load_diabetes, "iris": load_iris}[data]
    x, y = loader(return_X_y=True)
    booster = _booster(params, x, y)
    walker = TreeWalker.compile(booster)
    assert walker is not None
    for rows in (x[:1], x[:7], _rows_with_missing(x, 9)):
        for kind in ("value", "margin"):
            ours = walker.predict(rows, margin=kind == "margin")
            theirs = booster.inplace_predict(rows, predict_type=kind)
            assert ours is not None and ours.shape == theirs.shape
            np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_walk_declines_what_it_does_not_cover() -> None:
    x, y = load_breast_cancer(return_X_y=True)
    booster = _booster({"objective": "binary:logistic"}, x, y, rounds=10)
    walker = TreeWalker.compile(booster)
    assert walker is not None
    assert walker.predict(x[:, :5]) is None  # wrong width: XGBoost's own error message
    assert walker.predict(x[:1000]) is None  # a large batch: XGBoost's loop is faster
    assert walker.predict(x[0]) is None  # not 2-D
    assert walker.predict(np.asarray([["a"] * x.shape[1]])) is None
    dart = _booster({"objective": "binary:logistic", "booster": "dart"}, x, y, rounds=3)
    assert TreeWalker.compile(dart) is None  # trees weighted by dropout
    params = {"objective": "binary:logistic", "booster": "gblinear", "nthread": 1}
    linear = xgb.train(params, xgb.DMatrix(x, label=y), 3)
    assert TreeWalker.compile(linear) is None  # no trees at all


def test_walk_declines_categorical_splits() -> None:
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"colour": pd.Categorical(rng.choice(["red", "green", "blue"], 300)), "x": rng.random(300)}
    )
    label = (frame["colour"] == "red").to_numpy().astype(float)
    train = xgb.DMatrix(frame, label=label, enable_categorical=True)
    booster = xgb.train({"objective": "binary:logistic", "tree_method": "hist"}, train, 5)
    assert TreeWalker.compile(booster) is None


def test_default_handlers_use_the_walk_for_a_plain_booster() -> None:
    x, y = load_diabetes(return_X_y=True)
    booster = _booster({"objective": "reg:squarederror"}, x, y)
    got = fast_predict(booster, x[:3])
    assert got is not None
    np.testing.assert_array_equal(got, booster.inplace_predict(x[:3]))


def test_generated_code_and_walk_pick_xgboosts_leaves_exactly() -> None:
    x, y = load_diabetes(return_X_y=True)
    booster = _booster({"objective": "reg:squarederror"}, x, y, rounds=60)
    walker = TreeWalker.compile(booster)
    assert walker is not None and walker._leaves_of_row is not None  # the code path is on
    for rows in (x[:1], x[:8], _rows_with_missing(x, 9), x[:30]):  # code, code, walk, walk
        np.testing.assert_array_equal(walker.predict(rows), booster.inplace_predict(rows))
