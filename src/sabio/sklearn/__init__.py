"""SageMaker's ``sagemaker.sklearn`` module shape."""

from sabio.sklearn.estimator import SKLearn
from sabio.sklearn.model import SKLearnModel, SKLearnPredictor
from sabio.sklearn.processing import SKLearnProcessor

__all__ = ["SKLearn", "SKLearnModel", "SKLearnPredictor", "SKLearnProcessor"]
