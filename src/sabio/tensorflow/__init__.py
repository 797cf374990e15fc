"""SageMaker's ``sagemaker.tensorflow`` module shape."""

from sabio.tensorflow.estimator import TensorFlow

__all__ = ["TensorFlow"]
