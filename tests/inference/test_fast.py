"""The forest fast path answers exactly what the model's own predict answers."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier, RandomForestRegressor

from sabio.inference._fast import fast_predict


def test_fast_predict_matches_forest_classifiers() -> None:
    for data, cls in (
        (load_breast_cancer(), RandomForestClassifier),
        (load_iris(), ExtraTreesClassifier),
    ):
        x, y = data.data, data.target
        model = cls(n_estimators=15, random_state=0).fit(x, y.astype(str))
        got = fast_predict(model, x[:50])
        assert got is not None
        np.testing.assert_array_equal(got, model.predict(x[:50]))


def test_fast_predict_matches_forest_regressor() -> None:
    x, y = load_diabetes(return_X_y=True)
    model = RandomForestRegressor(n_estimators=10, random_state=0).fit(x, y)
    got = fast_predict(model, x[:20])
    assert got is not None
    np.testing.assert_allclose(got, model.predict(x[:20]), rtol=1e-6)


def test_fast_predict_declines_unusual_input() -> None:
    x, y = load_diabetes(return_X_y=True)
    model = RandomForestRegressor(n_estimators=3, random_state=0).fit(x, y)
    assert fast_predict(model, x[:, :3]) is None  # wrong width: the model's error message
    with_nan = x[:2].copy()
    with_nan[0, 0] = np.nan
    assert fast_predict(model, with_nan) is None
    assert fast_predict(model, x[:100]) is None  # a batch: the model's own predict
    assert fast_predict(object(), x[:1]) is None
