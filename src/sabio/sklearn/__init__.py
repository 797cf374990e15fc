"""SageMaker's ``sagemaker.sklearn`` module shape."""

from sabio.sklearn.estimator import SKLearn

__all__ = ["SKLearn"]
