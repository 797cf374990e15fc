"""SageMaker's ``sagemaker.sklearn`` module shape."""

from sabio.sklearn.estimator import SKLearn
from sabio.sklearn.processing import SKLearnProcessor

__all__ = ["SKLearn", "SKLearnProcessor"]
