"""SageMaker v2's deprecated predictor names: module-level (de)serializers, RealTimePredictor."""

from __future__ import annotations

from pathlib import Path

from sabio import predictor as predictor_module
from sabio.deserializers import CSVDeserializer, JSONDeserializer, NumpyDeserializer
from sabio.predictor import (
    Predictor,
    RealTimePredictor,
    csv_deserializer,
    csv_serializer,
    json_deserializer,
    json_serializer,
    npy_serializer,
    numpy_deserializer,
)
from sabio.serializers import CSVSerializer, JSONSerializer, NumpySerializer


def test_v2_module_level_serializers_are_the_v2_classes() -> None:
    assert isinstance(csv_serializer, CSVSerializer)
    assert isinstance(json_serializer, JSONSerializer)
    assert isinstance(npy_serializer, NumpySerializer)
    assert isinstance(csv_deserializer, CSVDeserializer)
    assert isinstance(json_deserializer, JSONDeserializer)
    assert isinstance(numpy_deserializer, NumpyDeserializer)
    assert csv_serializer.serialize([[1, 2], [3, 4]]) == "1,2\n3,4"
    assert "csv_serializer" in predictor_module.__all__


def test_v1_style_predictor_setup(sabio_home: Path) -> None:
    legacy = RealTimePredictor("ep", serializer=csv_serializer, content_type="text/csv")
    assert isinstance(legacy, Predictor)
    assert legacy.endpoint == "ep"
    assert legacy.content_type == "text/csv"
    predictor = Predictor("ep", serializer=json_serializer, deserializer=json_deserializer)
    assert predictor.content_type == "application/json"
    predictor.content_type = "text/csv"
    predictor.accept = "text/csv"
    assert predictor.content_type == "text/csv"
    assert predictor.accept == ("text/csv",)
