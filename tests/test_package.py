"""The public face of the package: ``__all__``, import cost, SageMaker module paths."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import sabio

HEAVY_MODULES = ("fastapi", "optuna", "torch", "pandas", "sqlalchemy")


def _run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter; return its stdout (fails the test on error)."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_all_is_pinned() -> None:
    assert sabio.__all__ == [
        "Estimator",
        "HyperparameterTuner",
        "Model",
        "Predictor",
        "SabioError",
        "Session",
        "TrainingInput",
        "Transformer",
        "__version__",
        "alias_sagemaker",
        "get_execution_role",
        "image_uris",
    ]


def test_all_names_resolve() -> None:
    for name in sabio.__all__:
        assert getattr(sabio, name) is not None


def test_getattr_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nosuch'"):
        sabio.nosuch  # noqa: B018


def test_import_sabio_loads_no_heavy_module() -> None:
    out = _run_python(
        f"""
        import json, sys
        import sabio
        print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))
        """
    )
    assert json.loads(out) == []


def test_import_sabio_as_sagemaker_names_resolve() -> None:
    out = _run_python(
        """
        import sabio as sagemaker
        from sabio.estimator import Estimator
        from sabio.inputs import TrainingInput
        from sabio.session import Session
        from sabio.sklearn import SKLearn
        from sabio.sklearn.estimator import SKLearn as SKLearn2
        from sabio.pytorch import PyTorch
        from sabio.pytorch.estimator import PyTorch as PyTorch2
        from sabio.xgboost import XGBoost
        from sabio.xgboost.estimator import XGBoost as XGBoost2
        from sabio.tensorflow import TensorFlow
        from sabio.tensorflow.estimator import TensorFlow as TensorFlow2

        assert sagemaker.Session is Session
        assert sagemaker.session.Session is Session
        assert sagemaker.estimator.Estimator is Estimator
        assert sagemaker.Estimator is Estimator
        assert sagemaker.inputs.TrainingInput is TrainingInput
        assert sagemaker.TrainingInput is TrainingInput
        assert sagemaker.sklearn.SKLearn is SKLearn is SKLearn2
        assert sagemaker.pytorch.PyTorch is PyTorch is PyTorch2
        assert sagemaker.xgboost.XGBoost is XGBoost is XGBoost2
        assert sagemaker.tensorflow.TensorFlow is TensorFlow is TensorFlow2
        assert callable(sagemaker.image_uris.retrieve)
        print(sagemaker.get_execution_role())
        """
    )
    assert out.strip().startswith("arn:aws:iam::")


def test_framework_modules_load_no_framework() -> None:
    out = _run_python(
        """
        import json, sys
        import sabio.sklearn, sabio.pytorch, sabio.xgboost, sabio.tensorflow
        print(json.dumps([m for m in ("torch", "sklearn", "xgboost") if m in sys.modules]))
        """
    )
    assert json.loads(out) == []


def test_import_sabio_as_sagemaker_submodules_resolve_without_explicit_import() -> None:
    _run_python(
        """
        import sabio as sagemaker
        assert sagemaker.estimator.Estimator is sagemaker.Estimator
        assert sagemaker.inputs.TrainingInput is sagemaker.TrainingInput
        assert sagemaker.session.Session is sagemaker.Session
        assert sagemaker.sklearn.SKLearn.__name__ == "SKLearn"
        assert sagemaker.xgboost.XGBoost.__name__ == "XGBoost"
        assert sagemaker.tuner.HyperparameterTuner is sagemaker.HyperparameterTuner
        assert sagemaker.parameter.ContinuousParameter.__name__ == "ContinuousParameter"
        assert sagemaker.predictor.Predictor is sagemaker.Predictor
        assert sagemaker.model.Model is sagemaker.Model
        assert sagemaker.transformer.Transformer is sagemaker.Transformer
        assert sagemaker.serializers.CSVSerializer().CONTENT_TYPE == "text/csv"
        assert sagemaker.deserializers.JSONDeserializer.__name__ == "JSONDeserializer"
        assert sagemaker.model_monitor.DataCaptureConfig.__name__ == "DataCaptureConfig"
        assert sagemaker.analytics.HyperparameterTuningJobAnalytics.__name__.startswith("Hyper")
        """
    )
