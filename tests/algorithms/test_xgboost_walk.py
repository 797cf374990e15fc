"""The NumPy tree walk predicts what XGBoost's own ``inplace_predict`` predicts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import xgboost as xgb
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris

from sabio.algorithms.xgboost._walk import TreeWalker, _exp, _sigmoid
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


def _reloaded(booster: Any) -> Any:
    """The booster as a server loads it (from its saved file)."""
    loaded = xgb.Booster()
    loaded.load_model(bytearray(booster.save_raw(raw_format="ubj")))
    return loaded


@pytest.mark.parametrize(
    ("objective", "data"),
    [
        ("binary:logistic", "cancer"),
        ("count:poisson", "diabetes"),
        ("reg:squarederror", "diabetes"),
    ],
)
def test_code_with_missing_values_gives_xgboosts_margins_exactly(objective: str, data: str) -> None:
    loader = {"cancer": load_breast_cancer, "diabetes": load_diabetes}[data]
    x, y = loader(return_X_y=True)
    booster = _reloaded(_booster({"objective": objective}, x, y, rounds=40))
    walker = TreeWalker.compile(booster)
    assert walker is not None and walker._leaves_of_row is not None
    rows = _rows_with_missing(x, 40)
    rows[5] = np.nan  # a row with nothing but missing values
    theirs = booster.inplace_predict(rows, predict_type="margin")
    for start in range(0, 40, 8):  # blocks of up to CODE_MAX_ROWS rows take the code
        block = rows[start : start + 8]
        np.testing.assert_array_equal(walker.predict(block, margin=True), theirs[start : start + 8])
    for i in range(10):  # and single rows, the serving case
        np.testing.assert_array_equal(
            walker.predict(rows[i : i + 1], margin=True), theirs[i : i + 1]
        )
    values = np.concatenate([walker.predict(rows[i : i + 1]) for i in range(40)])
    np.testing.assert_allclose(values, booster.inplace_predict(rows), rtol=1e-6, atol=0)


def test_code_takes_float32_and_integer_rows_like_xgboost() -> None:
    x, y = load_diabetes(return_X_y=True)
    booster = _reloaded(_booster({"objective": "reg:squarederror"}, x, y, rounds=20))
    walker = TreeWalker.compile(booster)
    assert walker is not None
    for rows in (x[:3].astype(np.float32), (x[:3] * 1000).astype(np.int64)):
        np.testing.assert_array_equal(walker.predict(rows), booster.inplace_predict(rows))


def test_scalar_transforms_match_xgboost_at_extreme_margins() -> None:
    # XGBoost's own margins and transformed values, the margins pushed anywhere by base margins.
    x, y = load_breast_cancer(return_X_y=True)
    base = np.asarray(
        [-1000, -120, -88.7, -88, -20.5, -1e-3, 0, 0.37, 20, 88.7, 89, 120, 1000], np.float32
    )
    rows = np.repeat(x[:1], base.shape[0], axis=0)
    for objective, transform in (("binary:logistic", _sigmoid), ("count:poisson", _exp)):
        booster = _booster({"objective": objective, "max_depth": 1}, x, y, rounds=1)
        margins = booster.inplace_predict(rows, predict_type="margin", base_margin=base)
        assert margins.min() < -100 and margins.max() > 100
        ours = np.asarray([transform(float(m)) for m in margins], np.float32)
        np.testing.assert_array_equal(ours, booster.inplace_predict(rows, base_margin=base))
