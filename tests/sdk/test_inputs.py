"""``TrainingInput`` and ``image_uris``: SageMaker's shapes and their validation."""

from __future__ import annotations

import pytest

from sabio import image_uris
from sabio.exceptions import ValidationError
from sabio.inputs import TrainingInput


def test_training_input_defaults_to_fully_replicated() -> None:
    channel = TrainingInput("s3://bucket/train")
    assert channel.distribution == "FullyReplicated"
    assert channel.content_type is None
    assert channel.config == {
        "DataSource": {
            "S3DataSource": {
                "S3DataType": "S3Prefix",
                "S3Uri": "s3://bucket/train",
                "S3DataDistributionType": "FullyReplicated",
            }
        }
    }


def test_training_input_sharded_with_content_type() -> None:
    channel = TrainingInput(
        "s3://bucket/train", distribution="ShardedByS3Key", content_type="text/csv"
    )
    assert channel.config["DataSource"]["S3DataSource"]["S3DataDistributionType"] == (
        "ShardedByS3Key"
    )
    assert channel.config["ContentType"] == "text/csv"
    assert "ShardedByS3Key" in repr(channel)


def test_training_input_bad_distribution_raises_validation() -> None:
    with pytest.raises(ValidationError, match=r"Unknown distribution 'Replicated'.*Sharded"):
        TrainingInput("s3://bucket/train", distribution="Replicated")


@pytest.mark.parametrize("data", ["", None, 3])
def test_training_input_bad_uri_raises_validation(data: object) -> None:
    with pytest.raises(ValidationError, match="needs a URI or path string"):
        TrainingInput(data)  # type: ignore[arg-type]


def test_training_input_pipe_mode_raises_validation() -> None:
    with pytest.raises(ValidationError, match="input_mode 'Pipe' is not supported"):
        TrainingInput("s3://bucket/train", input_mode="Pipe")


def test_image_uris_retrieve_xgboost() -> None:
    assert image_uris.retrieve("xgboost", "us-east-1", "1.7-1") == "sabio/xgboost:1.7-1"
    assert image_uris.retrieve("xgboost") == "sabio/xgboost:latest"
    assert image_uris.retrieve(framework="xgboost", region="eu-west-1", version="1.5-1").endswith(
        ":1.5-1"
    )


def test_image_uris_retrieve_unknown_suggests() -> None:
    with pytest.raises(
        ValidationError, match=r"No built-in algorithm 'xgbost'.*Did you mean 'xgboost'\?"
    ):
        image_uris.retrieve("xgbost", "us-east-1")


@pytest.mark.parametrize(
    ("uri", "module"),
    [
        ("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "xgboost"),
        ("sabio/xgboost:latest", "xgboost"),
        ("sabio/random-forest:1", "random_forest"),
        ("sabio/linear-learner", "linear_learner"),
    ],
)
def test_builtin_module_for_image_uri(uri: str, module: str) -> None:
    assert image_uris.builtin_module(uri) == f"sabio.algorithms.{module}"


@pytest.mark.parametrize(
    "uri",
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com/my-own-image:1", "pytorch-training:2.1"],
)
def test_builtin_module_other_image_is_none(uri: str) -> None:
    assert image_uris.builtin_module(uri) is None


def test_builtin_module_round_trips_retrieve() -> None:
    for name in image_uris.BUILTINS:
        assert image_uris.builtin_module(image_uris.retrieve(name)) == image_uris.BUILTINS[name]
