"""Expressions resolve against parameters, execution variables, properties and files."""

from __future__ import annotations

from typing import Any

import pytest

from sabio.exceptions import ValidationError
from sabio.pipelines._references import Resolver, parse_property

PROPERTIES: dict[str, dict[str, Any]] = {
    "Prep": {
        "ProcessingOutputConfig": {
            "Outputs": [
                {"OutputName": "train", "S3Output": {"S3Uri": "s3://b/train"}},
                {"OutputName": "test", "S3Output": {"S3Uri": "s3://b/test"}},
            ]
        }
    },
    "Tune": {"TrainingJobSummaries": [{"TrainingJobName": "best"}, {"TrainingJobName": "next"}]},
}


def _resolver(files: dict[str, Any] | None = None) -> Resolver:
    return Resolver(
        {"Epochs": 3},
        {"Execution.PipelineExecutionId": "abc"},
        PROPERTIES,
        lambda step, name: (files or {})[f"{step}/{name}"],
        lambda uri: (files or {})[uri],
    )


def test_references_parse_names_indexes_and_keys() -> None:
    ref = parse_property("Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri")
    assert ref.step == "Prep"
    assert ref.path == ("ProcessingOutputConfig", "Outputs", "train", "S3Output", "S3Uri")
    assert parse_property("Steps.Tune.TrainingJobSummaries[1].TrainingJobName").path[1] == 1
    assert parse_property("Steps.Eval.PropertyFiles.Report").property_file == "Report"


def test_references_resolve_get_join_and_json_get() -> None:
    value = {
        "a": {"Get": "Parameters.Epochs"},
        "b": {"Get": "Execution.PipelineExecutionId"},
        "c": {"Get": "Steps.Prep.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri"},
        "d": {
            "Std:Join": {
                "On": "/",
                "Values": [
                    "s3:/",
                    "bucket",
                    {"Get": "Steps.Tune.TrainingJobSummaries[0].TrainingJobName"},
                    "output/model.tar.gz",
                ],
            }
        },
        "e": {
            "Std:JsonGet": {
                "PropertyFile": {"Get": "Steps.Eval.PropertyFiles.Report"},
                "Path": "metrics[0].r2",
            }
        },
    }
    assert _resolver({"Eval/Report": {"metrics": [{"r2": 0.9}]}}).resolve(value, "S") == {
        "a": 3,
        "b": "abc",
        "c": "s3://b/test",
        "d": "s3://bucket/best/output/model.tar.gz",
        "e": 0.9,
    }
    assert (
        _resolver({"s3://b/e.json": {"k": {"v": 2}}}).resolve(
            {"Std:JsonGet": {"S3Uri": "s3://b/e.json", "Path": "k.v"}}, "S"
        )
        == 2
    )


def test_references_to_a_missing_item_name_what_is_there() -> None:
    with pytest.raises(
        ValidationError, match=r"no item named 'valid' \(there are \['train', 'test'\]\)"
    ):
        _resolver().resolve(
            {"Get": "Steps.Prep.ProcessingOutputConfig.Outputs['valid'].S3Output.S3Uri"}, "S"
        )
    with pytest.raises(ValidationError, match="did not run in this execution"):
        _resolver().resolve({"Get": "Steps.Skipped.ModelArtifacts"}, "S")
