"""Clarify bias analyses run as processing jobs; metrics checked against hand-computed values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sabio import clarify
from sabio.exceptions import ValidationError
from sabio.session import Session

# sex=1 is the advantaged group a (6 rows), sex=0 the facet d (4 rows).
# a: y = 1,1,1,1,0,0  pred = 1,1,0,0,1,0 -> q_a = 4/6, q'_a = 3/6, accuracy 3/6, recall 2/4
# d: y = 1,0,0,0      pred = 1,0,0,0     -> q_d = 1/4, q'_d = 1/4, accuracy 1,   recall 1
ROWS = [
    (1, 1, 1),
    (1, 1, 1),
    (1, 1, 0),
    (1, 1, 0),
    (0, 1, 1),
    (0, 1, 0),
    (1, 0, 1),
    (0, 0, 0),
    (0, 0, 0),
    (0, 0, 0),
]
EXPECTED_PRE = {"CI": (6 - 4) / 10, "DPL": 4 / 6 - 1 / 4}
EXPECTED_POST = {
    "DI": (1 / 4) / (3 / 6),
    "DPPL": 3 / 6 - 1 / 4,
    "AD": 3 / 6 - 1.0,
    "RD": 2 / 4 - 1.0,
}


@pytest.fixture
def session(sabio_home: Path) -> Session:
    session = Session()
    body = "".join(f"{y},{sex},{pred}\n" for y, sex, pred in ROWS)
    session.upload_string_as_file_body(body, session.default_bucket(), "bias/data.csv")
    return session


def _data(session: Session, **values: object) -> clarify.DataConfig:
    bucket = session.default_bucket()
    return clarify.DataConfig(
        s3_data_input_path=f"s3://{bucket}/bias/data.csv",
        s3_output_path=f"s3://{bucket}/bias/out",
        label="y",
        headers=["y", "sex", "pred"],
        **values,  # type: ignore[arg-type]
    )


def _processor(session: Session) -> clarify.SageMakerClarifyProcessor:
    return clarify.SageMakerClarifyProcessor(
        role="r", instance_count=1, instance_type="local", sagemaker_session=session
    )


def _analysis(session: Session) -> dict[str, object]:
    text = session.read_s3_file(session.default_bucket(), "bias/out/analysis.json")
    return json.loads(text)  # type: ignore[no-any-return]


def _values(section: dict[str, object]) -> dict[str, dict[str, object]]:
    (entry,) = section["facets"]["sex"]  # type: ignore[index]
    assert entry["value_or_threshold"] == "0"
    return {m["name"]: m for m in entry["metrics"]}


def test_run_bias_writes_hand_computed_metrics(session: Session) -> None:
    bias = clarify.BiasConfig([1], facet_name="sex", facet_values_or_threshold=[0])
    processor = _processor(session)
    processor.run_bias(_data(session, predicted_label="pred"), bias, logs=False)
    assert processor.latest_job is not None
    assert processor.latest_job.describe()["ProcessingJobStatus"] == "Completed"
    analysis = _analysis(session)
    pre = _values(analysis["pre_training_bias_metrics"])  # type: ignore[arg-type]
    post = _values(analysis["post_training_bias_metrics"])  # type: ignore[arg-type]
    for found, expected in ((pre, EXPECTED_PRE), (post, EXPECTED_POST)):
        assert set(found) == set(expected)
        for name, value in expected.items():
            assert found[name]["value"] == pytest.approx(value), name
            assert found[name]["description"]
            low, high = found[name]["confidence_interval"]  # type: ignore[misc]
            assert low <= high
    report = session.read_s3_file(session.default_bucket(), "bias/out/report.html")
    assert "Class Imbalance (CI)" in report and "Disparate Impact (DI)" in report


def test_pre_training_methods_are_chosen(session: Session) -> None:
    bias = clarify.BiasConfig([1], facet_name="sex", facet_values_or_threshold=[0])
    _processor(session).run_pre_training_bias(_data(session), bias, methods=["CI"], logs=False)
    analysis = _analysis(session)
    assert "post_training_bias_metrics" not in analysis
    pre = _values(analysis["pre_training_bias_metrics"])  # type: ignore[arg-type]
    assert list(pre) == ["CI"]
    assert pre["CI"]["value"] == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("bias", "values", "message"),
    [
        (clarify.BiasConfig([1], facet_name="age"), {}, "facet 'age' is not a column"),
        (clarify.BiasConfig([7], facet_name="sex"), {}, "Label values [7] do not occur"),
        (clarify.BiasConfig([1], "sex", [5]), {}, "Facet values [5] do not occur"),
    ],
)
def test_bad_config_is_refused_before_the_job(
    session: Session, bias: clarify.BiasConfig, values: dict[str, object], message: str
) -> None:
    processor = _processor(session)
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        processor.run_pre_training_bias(_data(session, **values), bias, logs=False)
    assert processor.latest_job is None


def test_post_training_without_predictions_is_refused(session: Session) -> None:
    bias = clarify.BiasConfig([1], facet_name="sex", facet_values_or_threshold=[0])
    with pytest.raises(ValidationError, match="predicted_label"):
        _processor(session).run_post_training_bias(_data(session), bias, logs=False)
