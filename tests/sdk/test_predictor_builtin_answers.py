"""A deployed XGBoost built-in answers what SageMaker's fraud-detection tutorial parses: with
``CSVSerializer`` and the default deserializer (``Accept: */*``) the body is the scores joined
by commas, read back with ``np.fromstring(..., sep=",")``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.datasets import load_diabetes

from sabio import image_uris
from sabio.model import Model
from sabio.serializers import CSVSerializer

try:
    from tests.inference._models import trained_xgboost
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import trained_xgboost  # type: ignore[no-redef]


def test_xgboost_endpoint_answers_comma_joined_scores(sabio_home: Path) -> None:
    container = image_uris.retrieve("xgboost", "us-east-1", "1.7-1")
    model = Model(image_uri=container, model_data=str(trained_xgboost()), name="fraud-xgb")
    predictor = model.deploy(initial_instance_count=1, instance_type="ml.m5.large")
    try:
        predictor.serializer = CSVSerializer()
        rows = load_diabetes(as_frame=True).data.iloc[:5].to_numpy()
        body = predictor.predict(rows).decode("utf-8")
        scores = np.fromstring(body, sep=",")
        assert scores.shape == (5,) and (scores > 0).all()
        assert "\n" not in body
    finally:
        predictor.delete_endpoint()
