"""Reading channels, the data checks, the task and the fitted preprocessing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sabio.algorithms import DataError
from sabio.algorithms._checks import check_class_counts, count_duplicates
from sabio.algorithms._data import load_channel
from sabio.algorithms._preprocess import Preprocessor
from sabio.algorithms._task import (
    BINARY,
    MULTICLASS,
    REGRESSOR,
    fit_label_encoding,
    infer_predictor_type,
)

from ._jobs import DATASETS


def test_data_headerless_csv_files_are_concatenated(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("1,0.5,2\n0,0.1,3\n")
    (tmp_path / "b.csv").write_text("1,0.7,4\n")
    (tmp_path / "_SUCCESS").write_text("")
    data = load_channel("train", tmp_path)
    assert data.fmt == "csv"
    assert list(data.features.columns) == ["f0", "f1"]
    assert data.label.tolist() == [1, 0, 1]


def test_data_header_csv_with_target(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("age,sex,charges\n30,male,100.5\n40,female,200\n")
    data = load_channel("train", tmp_path, target="charges")
    assert list(data.features.columns) == ["age", "sex"]
    assert data.label.tolist() == [100.5, 200.0]


def test_data_parquet_and_libsvm_are_detected(tmp_path: Path) -> None:
    parquet = tmp_path / "p"
    parquet.mkdir()
    pd.DataFrame({"y": [1.0, 2.0], "x": [3.0, 4.0]}).to_parquet(parquet / "part-0.parquet")
    assert load_channel("train", parquet).fmt == "parquet"
    libsvm = tmp_path / "l"
    libsvm.mkdir()
    (libsvm / "data.txt").write_text("1 0:1.5 3:2\n0 1:1\n")
    data = load_channel("train", libsvm, allow_libsvm=True)
    assert data.fmt == "libsvm"
    assert data.features.shape == (2, 4)
    assert np.isnan(data.features.iloc[0, 1])  # absent libsvm features are missing


def test_data_libsvm_rejected_where_unsupported(tmp_path: Path) -> None:
    (tmp_path / "data.libsvm").write_text("1 0:1.5\n")
    with pytest.raises(DataError, match="only the xgboost built-in"):
        load_channel("train", tmp_path)


def test_data_empty_channel_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="Channel 'train' is empty"):
        load_channel("train", tmp_path)


def test_data_unknown_content_type_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("1,2\n")
    with pytest.raises(DataError, match="image/png"):
        load_channel("train", tmp_path, content_type="image/png")
    # SageMaker's RecordIO-protobuf is read, and CSV declared as such is named clearly.
    with pytest.raises(DataError, match=r"x.csv is not RecordIO-protobuf"):
        load_channel("train", tmp_path, content_type="application/x-recordio-protobuf")


def test_data_class_with_one_example_is_an_error() -> None:
    with pytest.raises(DataError, match=r"\{'c': 1\}"):
        check_class_counts(np.array([0, 0, 1, 1, 2]), ["a", "b", "c"], "train")


def test_data_duplicates_are_counted() -> None:
    train = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    test = pd.DataFrame({"a": [1.0, 2.0, 9.0], "b": ["x", "q", "z"]})
    assert count_duplicates(train, test) == 1


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 1, 1, 0], BINARY),
        (["a", "b", "c", "a"], MULTICLASS),
        ([0, 1, 2, 1, 0, 2], MULTICLASS),
        ([0.5, 1.7, 2.2, 3.1, 9.0, 4.4, 5.1, 6.3, 7.7, 8.8, 10.1], REGRESSOR),
    ],
)
def test_task_predictor_type_is_inferred(values: list[object], expected: str) -> None:
    assert infer_predictor_type(pd.Series(values))[0] == expected


def test_task_positive_class_goes_last() -> None:
    encoding = fit_label_encoding(pd.Series(["yes", "no", "yes"]), BINARY, None)
    assert encoding.classes == ["no", "yes"]
    flipped = fit_label_encoding(pd.Series([0, 1, 1]), BINARY, "0")
    assert flipped.classes == [1, 0]
    assert flipped.encode(pd.Series([0.0, 1.0]), "test").tolist() == [1, 0]


def test_preprocess_one_hot_scaling_and_json_round_trip() -> None:
    frame = pd.DataFrame({"age": [20.0, 40.0, np.nan], "smoker": ["yes", "no", "no"]})
    fitted = Preprocessor.fit(frame, impute=True, scale=True)
    assert fitted.feature_names == ["age", "smoker=no", "smoker=yes"]
    restored = Preprocessor.from_json(fitted.to_json())
    raw = pd.DataFrame({"age": ["30", ""], "smoker": ["maybe", "yes"]})
    encoded = restored.transform(raw, source="test")
    np.testing.assert_allclose(encoded[:, 0], [0.0, 0.0])  # mean 30; missing → median 30
    np.testing.assert_allclose(encoded[:, 1:], [[0, 0], [0, 1]])  # unseen category → zeros


def test_preprocess_text_in_numeric_column_is_an_error() -> None:
    fitted = Preprocessor.fit(pd.DataFrame({"age": [1.0, 2.0]}), impute=False, scale=False)
    with pytest.raises(DataError, match="column 'age' must be numeric, got 'old' at row 2"):
        fitted.transform(pd.DataFrame({"age": ["3", "old"]}), source="test")


@pytest.mark.skipif(not (DATASETS / "insurance.csv").is_file(), reason="shared datasets absent")
def test_data_insurance_channel_preprocessing(tmp_path: Path) -> None:
    (tmp_path / "insurance.csv").write_bytes((DATASETS / "insurance.csv").read_bytes())
    data = load_channel("train", tmp_path, target="charges")
    assert data.features.shape == (1338, 6)
    fitted = Preprocessor.fit(data.features, impute=True, scale=True)
    assert fitted.categories["region"] == ["northeast", "northwest", "southeast", "southwest"]
    assert fitted.transform(data.features, source="insurance").shape == (1338, 11)
