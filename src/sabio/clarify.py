"""``sabio.clarify``: SageMaker Clarify's bias analysis, run as a processing job.

``SageMakerClarifyProcessor.run_pre_training_bias`` (and ``run_post_training_bias`` /
``run_bias`` on a dataset that holds the predicted label) checks the configs against the
dataset, then runs sabio's analysis program (``sabio/_clarify/analysis.py``) as an ordinary
processing job: the dataset and ``analysis_config.json`` are its inputs, and
``analysis.json`` (SageMaker's shape) and ``report.html`` land under
``DataConfig.s3_output_path``. See ``docs/monitoring.md`` ("Bias and explanations").

Example:
    >>> from sabio import clarify
    >>> data = clarify.DataConfig(s3_data_input_path="s3://bucket/data.csv",
    ...     s3_output_path="s3://bucket/clarify", label="y", headers=["y", "sex", "x"])
    >>> bias = clarify.BiasConfig(label_values_or_threshold=[1], facet_name="sex",
    ...     facet_values_or_threshold=[0])
    >>> clarify.SageMakerClarifyProcessor(role="r", instance_count=1,
    ...     instance_type="local").run_pre_training_bias(data, bias)  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from sabio._processing_io import ProcessingInput, ProcessingOutput
from sabio.exceptions import ValidationError
from sabio.processing import ScriptProcessor
from sabio.s3 import S3Downloader
from sabio.session import Session

__all__ = [
    "BiasConfig",
    "DataConfig",
    "ModelPredictedLabelConfig",
    "SageMakerClarifyProcessor",
]

_PROGRAM = Path(__file__).parent / "_clarify" / "analysis.py"
_PRE = ("CI", "DPL")
_POST = ("DI", "DPPL", "AD", "RD")


class DataConfig:
    """The dataset to analyze and where the results go. SageMaker's signature (CSV only).

    ``headers`` name the columns of a CSV without a header row; without ``headers`` the
    first row is the header. ``predicted_label`` names a column of model predictions, for
    post-training metrics.
    """

    def __init__(
        self,
        s3_data_input_path: str,
        s3_output_path: str,
        label: str | None = None,
        headers: list[str] | None = None,
        features: str | None = None,
        dataset_type: str = "text/csv",
        s3_compression_type: str = "None",
        joinsource: str | None = None,
        facet_dataset_uri: str | None = None,
        facet_headers: list[str] | None = None,
        predicted_label_dataset_uri: str | None = None,
        predicted_label_headers: list[str] | None = None,
        predicted_label: str | None = None,
        excluded_columns: list[str] | None = None,
    ) -> None:
        if dataset_type != "text/csv":
            raise ValidationError(
                f"dataset_type {dataset_type!r} is not supported by sabio's Clarify: use "
                "'text/csv'."
            )
        if not label:
            raise ValidationError("DataConfig needs label=, the name of the label column.")
        self.s3_data_input_path = s3_data_input_path
        self.s3_output_path = s3_output_path
        self.label = label
        self.headers = list(headers) if headers else None
        self.features = features
        self.dataset_type = dataset_type
        self.s3_compression_type = s3_compression_type
        self.predicted_label = predicted_label
        self.excluded_columns = list(excluded_columns or [])


class BiasConfig:
    """The positive label values and the sensitive facet. SageMaker's signature.

    A list names values; a number is a threshold (positive / in the facet when greater).
    ``facet_values_or_threshold=None`` analyzes every value of the facet in turn.
    """

    def __init__(
        self,
        label_values_or_threshold: list[Any] | float,
        facet_name: str | list[str],
        facet_values_or_threshold: list[Any] | float | None = None,
        group_name: str | None = None,
    ) -> None:
        self.label_values_or_threshold = label_values_or_threshold
        names = facet_name if isinstance(facet_name, list) else [facet_name]
        values = (
            facet_values_or_threshold
            if isinstance(facet_name, list) and isinstance(facet_values_or_threshold, list)
            else [facet_values_or_threshold]
        )
        self.facets = list(zip(names, values, strict=False))
        self.group_name = group_name


class ModelPredictedLabelConfig:
    """How to read a model's predicted label. SageMaker's signature (recorded)."""

    def __init__(
        self,
        label: str | int | None = None,
        probability: str | int | None = None,
        probability_threshold: float | None = None,
        label_headers: list[str] | None = None,
    ) -> None:
        self.label = label
        self.probability = probability
        self.probability_threshold = probability_threshold
        self.label_headers = label_headers


class SageMakerClarifyProcessor(ScriptProcessor):
    """Runs Clarify analyses as processing jobs. SageMaker's signature."""

    JOB_CLASS_NAME = "Clarify-Bias"

    def __init__(
        self,
        role: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: Any = None,
        job_name_prefix: str | None = None,
        version: str | None = None,
        skip_early_validation: bool = False,
    ) -> None:
        super().__init__(
            role=role,
            command=["python3"],
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=job_name_prefix,
            sagemaker_session=sagemaker_session,
            env=env,
            tags=tags,
            network_config=network_config,
        )
        self.job_name_prefix = job_name_prefix

    def run_pre_training_bias(
        self,
        data_config: DataConfig,
        data_bias_config: BiasConfig,
        methods: str | list[str] = "all",
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        kms_key: str | None = None,
        experiment_config: dict[str, str] | None = None,
    ) -> None:
        """Pre-training bias metrics (CI, DPL) of the facet, as a processing job.

        Raises:
            ValidationError: a facet or label that is not a column, a label value absent
                from the data, an unknown method (before the job runs).
            JobFailedError: with ``wait``, the job failed.
        """
        return self._run(
            data_config,
            data_bias_config,
            {"pre_training_bias": {"methods": _methods(methods, _PRE)}},
            wait=wait,
            logs=logs,
            job_name=job_name,
            kms_key=kms_key,
            experiment_config=experiment_config,
        )

    def run_post_training_bias(
        self,
        data_config: DataConfig,
        data_bias_config: BiasConfig,
        model_config: Any = None,
        model_predicted_label_config: ModelPredictedLabelConfig | None = None,
        methods: str | list[str] = "all",
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        kms_key: str | None = None,
        experiment_config: dict[str, str] | None = None,
    ) -> None:
        """Post-training bias metrics (DI, DPPL, AD, RD) of ``DataConfig.predicted_label``.

        Raises:
            ValidationError: as :meth:`run_pre_training_bias`; no ``predicted_label`` column
                (sabio does not yet query a ``model_config`` model for predictions).
            JobFailedError: with ``wait``, the job failed.
        """
        _needs_predictions(data_config, model_config)
        return self._run(
            data_config,
            data_bias_config,
            {"post_training_bias": {"methods": _methods(methods, _POST)}},
            wait=wait,
            logs=logs,
            job_name=job_name,
            kms_key=kms_key,
            experiment_config=experiment_config,
        )

    def run_bias(
        self,
        data_config: DataConfig,
        bias_config: BiasConfig,
        model_config: Any = None,
        model_predicted_label_config: ModelPredictedLabelConfig | None = None,
        pre_training_methods: str | list[str] = "all",
        post_training_methods: str | list[str] = "all",
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        kms_key: str | None = None,
        experiment_config: dict[str, str] | None = None,
    ) -> None:
        """Pre- and post-training bias metrics in one processing job.

        Raises:
            ValidationError: as :meth:`run_post_training_bias`.
            JobFailedError: with ``wait``, the job failed.
        """
        _needs_predictions(data_config, model_config)
        return self._run(
            data_config,
            bias_config,
            {
                "pre_training_bias": {"methods": _methods(pre_training_methods, _PRE)},
                "post_training_bias": {"methods": _methods(post_training_methods, _POST)},
            },
            wait=wait,
            logs=logs,
            job_name=job_name,
            kms_key=kms_key,
            experiment_config=experiment_config,
        )

    def _run(
        self,
        data_config: DataConfig,
        bias_config: BiasConfig,
        methods: dict[str, Any],
        **run: Any,
    ) -> None:
        columns, rows = _peek(data_config, self.sagemaker_session)
        _check(data_config, bias_config, columns, rows)
        config = {
            "dataset_type": data_config.dataset_type,
            "headers": data_config.headers,
            "label": data_config.label,
            "predicted_label": data_config.predicted_label,
            "label_values_or_threshold": bias_config.label_values_or_threshold,
            "facet": [
                {"name_or_index": name, "value_or_threshold": value}
                for name, value in bias_config.facets
            ],
            "methods": methods,
            "bootstrap_samples": 200,
            "seed": 0,
        }
        with tempfile.TemporaryDirectory(prefix="sabio-clarify-") as tmp:
            config_file = Path(tmp) / "analysis_config.json"
            config_file.write_text(json.dumps(config, indent=2))
            # The job uploads local inputs itself while building its request.
            super().run(
                code=str(_PROGRAM),
                inputs=[
                    ProcessingInput(
                        source=data_config.s3_data_input_path,
                        destination="/opt/ml/processing/input/data",
                        input_name="dataset",
                    ),
                    ProcessingInput(
                        source=str(config_file),
                        destination="/opt/ml/processing/input/config",
                        input_name="analysis_config",
                    ),
                ],
                outputs=[
                    ProcessingOutput(
                        source="/opt/ml/processing/output",
                        destination=data_config.s3_output_path,
                        output_name="analysis_result",
                    )
                ],
                **run,
            )


def _methods(methods: str | list[str], known: tuple[str, ...]) -> str | list[str]:
    if methods == "all":
        return "all"
    chosen = [methods] if isinstance(methods, str) else list(methods)
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise ValidationError(f"Unknown bias methods {unknown}: choose from {list(known)}.")
    return chosen


def _needs_predictions(data_config: DataConfig, model_config: Any) -> None:
    if not data_config.predicted_label:
        raise ValidationError(
            "Post-training bias needs predicted labels: name the column of model "
            "predictions with DataConfig(predicted_label=...). sabio does not yet query "
            f"a model (model_config={model_config!r}) for them."
        )


def _peek(data_config: DataConfig, session: Session) -> tuple[list[str], list[list[str]]]:
    """The dataset's column names and rows (read before the job, to check the configs)."""
    path = data_config.s3_data_input_path
    files = S3Downloader.list(path, sagemaker_session=session)
    if not files:
        raise ValidationError(f"s3_data_input_path {path!r} holds no data: upload the CSV first.")
    rows: list[list[str]] = []
    for uri in files:
        rows.extend(r for r in csv.reader(io.StringIO(S3Downloader.read_file(uri, session))) if r)
    if data_config.headers:
        return list(data_config.headers), rows
    return rows[0], rows[1:]


def _check(
    data_config: DataConfig, bias: BiasConfig, columns: list[str], rows: list[list[str]]
) -> None:
    named = [("label", data_config.label)] + [("facet", name) for name, _ in bias.facets]
    if data_config.predicted_label:
        named.append(("predicted_label", data_config.predicted_label))
    for role, name in named:
        if name not in columns:
            raise ValidationError(
                f"The {role} {name!r} is not a column of the dataset (columns: {columns}): "
                "fix the name, or DataConfig(headers=...)."
            )
    if isinstance(bias.label_values_or_threshold, list):
        index = columns.index(data_config.label)
        present = {r[index] for r in rows if index < len(r)}
        absent = [v for v in bias.label_values_or_threshold if str(v) not in present]
        if absent:
            raise ValidationError(
                f"Label values {absent} do not occur in column {data_config.label!r} "
                f"(values: {sorted(present)[:10]}): fix label_values_or_threshold."
            )
    for name, value in bias.facets:
        if isinstance(value, list):
            index = columns.index(name)
            present = {r[index] for r in rows if index < len(r)}
            absent = [v for v in value if str(v) not in present]
            if absent:
                raise ValidationError(
                    f"Facet values {absent} do not occur in column {name!r} "
                    f"(values: {sorted(present)[:10]}): fix facet_values_or_threshold."
                )
