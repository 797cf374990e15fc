"""``sabio.sklearn.processing.SKLearnProcessor``: SageMaker's scikit-learn processor."""

from __future__ import annotations

from typing import Any

from sabio._processing_code import check_framework
from sabio.processing import ScriptProcessor
from sabio.session import Session
from sabio.sklearn.estimator import SKLearn

__all__ = ["SKLearnProcessor"]


class SKLearnProcessor(ScriptProcessor):
    """Runs a scikit-learn script (``run(code=...)``) with the scikit-learn installed here.

    SageMaker's signature: ``framework_version`` is required and recorded (in the image
    name); ``command`` defaults to ``["python3"]``, this environment's interpreter.

    Raises:
        FrameworkNotInstalledError: scikit-learn is not installed here.
    """

    def __init__(
        self,
        framework_version: str,
        role: str | None = None,
        instance_type: str | None = None,
        instance_count: int | None = None,
        command: list[str] | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: Any = None,
    ) -> None:
        check_framework(type(self).__name__, SKLearn, framework_version)
        self.framework_version = framework_version
        super().__init__(
            role=role,
            image_uri=f"sabio/sklearn-processing:{framework_version}",
            command=command or ["python3"],
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=base_job_name,
            sagemaker_session=sagemaker_session,
            env=env,
            tags=tags,
            network_config=network_config,
        )
