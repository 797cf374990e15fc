"""SageMaker's ``sagemaker.xgboost`` module shape."""

from sabio.xgboost.estimator import XGBoost

__all__ = ["XGBoost"]
