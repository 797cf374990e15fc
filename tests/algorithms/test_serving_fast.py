"""Fast paths of the built-ins' request handling agree with the slow (pandas) paths."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sabio.algorithms._errors import PayloadError
from sabio.algorithms._payload import Payload, parse_payload
from sabio.algorithms._preprocess import Preprocessor, category_keys
from sabio.algorithms._serving import ServingModel
from sabio.algorithms._sklearn import forest_output, predict_scores
from sabio.algorithms._task import BINARY, MULTICLASS, REGRESSOR


def _reference(pre: Preprocessor, frame: pd.DataFrame) -> np.ndarray:
    """The column-by-column encoding the vectorised transform replaced."""
    blocks = []
    for column in pre.columns:
        values = frame[column]
        if column in pre.categories:
            keys = category_keys(values)
            cats = np.asarray(pre.categories[column], dtype=object)
            blocks.append((keys[:, None] == cats[None, :]).astype(np.float64))
            continue
        numbers = pd.to_numeric(values.astype("string").str.strip().replace("", pd.NA))
        numbers = np.asarray(numbers.to_numpy(dtype=np.float64, na_value=np.nan))
        if pre.medians is not None:
            numbers = np.where(np.isnan(numbers), pre.medians[column], numbers)
        if pre.scaling is not None:
            mean, std = pre.scaling[column]
            numbers = (numbers - mean) / std
        blocks.append(numbers[:, None])
    return np.hstack(blocks)


def _mixed(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 10, rows),
            "region": rng.choice(["north", "south", " east", "west", None], rows),
            "code": rng.choice([1.0, 2.0, 3.0, np.nan], rows),  # numbers as categories
            "bmi": rng.normal(27, 4, rows),
        }
    )
    frame.loc[rng.random(rows) < 0.2, "age"] = np.nan
    return frame


@pytest.mark.parametrize("rows", [1, 7, 300, 2000])
@pytest.mark.parametrize(("impute", "scale"), [(True, True), (False, False), (True, False)])
def test_preprocessor_transform_matches_column_by_column(
    rows: int, impute: bool, scale: bool
) -> None:
    train = _mixed(500, 0)
    train["code"] = train["code"].map(lambda v: None if np.isnan(v) else str(int(v)))
    train.loc[0, "code"] = "x"  # a text value makes the column categorical
    pre = Preprocessor.fit(train, impute=impute, scale=scale)
    assert set(pre.categories) == {"region", "code"}
    request = _mixed(rows, rows)
    request.loc[0, "region"] = "unseen"
    got = pre.transform(request, source="request")
    np.testing.assert_array_equal(got, _reference(pre, request))


def test_preprocessor_transform_matrix_matches_frame_transform() -> None:
    train = _mixed(400, 1)
    train["region"] = train["region"].map({"north": "1", "south": "2.5", "west": "w"})
    pre = Preprocessor.fit(train.drop(columns="code"), impute=True, scale=True)
    matrix = np.array([[30.0, 1.0, 25.0], [np.nan, 2.5, np.nan], [41.0, 7.0, 30.0]])
    frame = pd.DataFrame(matrix, columns=pre.columns)
    np.testing.assert_array_equal(pre.transform_matrix(matrix), pre.transform(frame, source="r"))
    np.testing.assert_array_equal(pre.transform_matrix(matrix), _reference(pre, frame))


def test_preprocessor_transform_matrix_returns_numeric_input_unchanged() -> None:
    pre = Preprocessor.fit(
        pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}), impute=False, scale=False
    )
    matrix = np.array([[1.0, np.nan]])
    assert pre.transform_matrix(matrix) is matrix


def test_preprocessor_transform_text_in_numeric_column_names_it() -> None:
    pre = Preprocessor.fit(
        pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}), impute=True, scale=True
    )
    with pytest.raises(PayloadError, match=r"column 'b' must be numeric, got 'x' at row 2"):
        pre.transform(
            pd.DataFrame({"a": ["1", "2"], "b": ["3", "x"]}), source="r", error=PayloadError
        )


@pytest.mark.parametrize(
    "body",
    ["1,2,3", "1.5, 2e3 ,-3\n4,5,6\n\n", "nan,1,2", "1,,3\n4,5,6", "a,b,c\n1,2,3"],
)
def test_payload_small_csv_matches_pandas(body: str) -> None:
    payload = parse_payload(body, "text/csv")
    try:
        expected = pd.read_csv(
            io.StringIO(body), header=None, dtype=np.float64, skipinitialspace=True
        )
    except ValueError:
        assert payload.matrix is None  # text: the pandas text path decides
        return
    assert payload.matrix is not None
    np.testing.assert_array_equal(payload.matrix, expected.to_numpy())
    assert payload.frame.shape == expected.shape


@pytest.mark.parametrize("body", ["1,2,3\n4,5", "a,b,c\n1,2", '"a,b",c\n1'])
def test_payload_short_csv_row_is_refused_not_padded(body: str) -> None:
    # pandas pads a short row with missing values; a prediction from them would be wrong.
    with pytest.raises(PayloadError, match=r"CSV row 2 has \d values, expected \d"):
        parse_payload(body, "text/csv")


def test_payload_numeric_json_rows_become_a_matrix_but_bools_do_not() -> None:
    assert parse_payload("[[1, 2.5], [3, 4]]", "application/json").matrix is not None
    payload = parse_payload("[[true, 1]]", "application/json")
    assert payload.matrix is None and payload.frame.iloc[0, 0] is np.True_


def _serving(pre: Preprocessor) -> ServingModel:
    meta = {"predictor_type": REGRESSOR, "preprocessing": pre.to_json()}
    return ServingModel.from_meta(meta, lambda x: x.sum(axis=1))


def test_serving_matrix_and_frame_payloads_predict_the_same() -> None:
    train = _mixed(300, 2)
    pre = Preprocessor.fit(train.drop(columns="region"), impute=True, scale=True)
    model = _serving(pre)
    rows = np.array([[30.0, 1.0, 25.0], [np.nan, np.nan, 20.0]])
    fast = model.predict(Payload(matrix=rows)).scores
    slow = model.predict(Payload(pd.DataFrame(rows))).scores
    np.testing.assert_array_equal(fast, slow)
    named = pd.DataFrame(rows, columns=pre.columns)
    np.testing.assert_array_equal(model.predict(named).scores, fast)


@pytest.mark.parametrize("width", [2, 4])
def test_serving_matrix_wrong_width_has_the_slow_paths_message(width: int) -> None:
    pre = Preprocessor.fit(_mixed(50, 3).drop(columns="region"), impute=True, scale=False)
    model = _serving(pre)
    rows = np.ones((1, width))
    with pytest.raises(PayloadError) as fast:
        model.predict(Payload(matrix=rows))
    with pytest.raises(PayloadError) as slow:
        model.predict(Payload(pd.DataFrame(rows)))
    assert str(fast.value) == str(slow.value)
    assert f"expected 3 features (age, code, bmi), got {width}" in str(fast.value)


@pytest.mark.parametrize("kind", ["classifier", "regressor", "multiclass"])
def test_forest_output_matches_scikit_learn(kind: str) -> None:
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier, RandomForestRegressor

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    model: Any
    if kind == "regressor":
        model = RandomForestRegressor(n_estimators=10, random_state=0).fit(x, x[:, 0] * 2)
        np.testing.assert_allclose(forest_output(model, x[:5]), model.predict(x[:5]))
        task = REGRESSOR
    else:
        classes = 2 if kind == "classifier" else 3
        y = rng.integers(0, classes, 200)
        cls = RandomForestClassifier if kind == "classifier" else ExtraTreesClassifier
        model = cls(n_estimators=10, random_state=0).fit(x, y)
        np.testing.assert_allclose(forest_output(model, x[:5]), model.predict_proba(x[:5]))
        task = BINARY if classes == 2 else MULTICLASS
    slow = predict_scores(model, x[:100], task)  # a batch: scikit-learn's own predict
    np.testing.assert_allclose(predict_scores(model, x[:3], task), slow[:3])
    with_nan = x[:2].copy()
    with_nan[0, 0] = np.nan
    assert forest_output(model, with_nan) is None
    assert forest_output(model, x[:, :3]) is None


@pytest.mark.parametrize(
    "objective",
    ["binary:logistic", "binary:logitraw", "reg:squarederror", "multi:softprob", "multi:softmax"],
)
def test_inplace_scores_match_dmatrix_scores(objective: str) -> None:
    import xgboost as xgb

    from sabio.algorithms.xgboost._train import scores_from_booster
    from sabio.algorithms.xgboost.inference import inplace_scores

    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 4))
    y = (x[:, 0] > 0).astype(float) + (x[:, 1] > 1)
    if objective.startswith("binary:"):
        y = (y > 0).astype(float)
    params: dict[str, Any] = {"objective": objective, "max_depth": 3}
    if objective.startswith("multi:"):
        params["num_class"] = 3
    booster = xgb.train(params, xgb.DMatrix(x, label=y), num_boost_round=5)
    x[0, 1] = np.nan
    np.testing.assert_allclose(
        inplace_scores(booster, x[:20], objective), scores_from_booster(booster, x[:20], objective)
    )


def test_payload_small_csv_ragged_rows_name_the_row() -> None:
    with pytest.raises(PayloadError, match=r"CSV row 2 has 3 values, expected 2"):
        parse_payload("1,2\n3,4,5", "text/csv")
