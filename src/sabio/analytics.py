"""``TrainingJobAnalytics``: a job's metrics as a pandas DataFrame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sabio.session import Session
from sabio.training._kind import TRAINING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["HyperparameterTuningJobAnalytics", "TrainingJobAnalytics"]

_ROW_COLUMNS = (
    "TrainingJobName",
    "TrainingJobStatus",
    "FinalObjectiveValue",
    "TrainingStartTime",
    "TrainingEndTime",
    "TrainingElapsedTimeSeconds",
)


class TrainingJobAnalytics:
    """Metrics of one training job (SageMaker's ``TrainingJobAnalytics``).

    ``dataframe()`` has SageMaker's columns ``timestamp`` (seconds since the job's
    training started), ``metric_name`` and ``value``.
    """

    def __init__(
        self,
        training_job_name: str,
        metric_names: list[str] | None = None,
        sagemaker_session: Session | None = None,
        **_ignored: Any,
    ) -> None:
        self.name = training_job_name
        self.metric_names = metric_names
        self.session = sagemaker_session or Session()

    def dataframe(self, force_refresh: bool = False) -> pd.DataFrame:
        """Return one row per reported metric value."""
        import pandas as pd

        catalog = self.session.catalog
        record = catalog.jobs(TRAINING).get(self.name)
        start = record.started_at or record.created_at
        rows = [
            {"timestamp": m.timestamp - start, "metric_name": m.name, "value": m.value}
            for m in catalog.jobs(TRAINING).metrics(self.name)
            if self.metric_names is None or m.name in self.metric_names
        ]
        return pd.DataFrame(rows, columns=["timestamp", "metric_name", "value"])


class HyperparameterTuningJobAnalytics:
    """The trials of a tuning job (SageMaker's ``HyperparameterTuningJobAnalytics``).

    ``dataframe()`` has one row per training job: the tuned values, ``TrainingJobName``,
    ``TrainingJobStatus``, ``FinalObjectiveValue``, ``TrainingStartTime``,
    ``TrainingEndTime`` and ``TrainingElapsedTimeSeconds``.
    """

    def __init__(
        self,
        hyperparameter_tuning_job_name: str,
        sagemaker_session: Session | None = None,
        **_ignored: Any,
    ) -> None:
        self.name = hyperparameter_tuning_job_name
        self.session = sagemaker_session or Session()

    @property
    def tuning_ranges(self) -> dict[str, Any]:
        """Tuned name → its range in the request shape."""
        spec = self.description()["HyperParameterTuningJobConfig"]["ParameterRanges"]
        return {item["Name"]: item for kind in spec.values() for item in kind}

    def description(self, force_refresh: bool = False) -> dict[str, Any]:
        """DescribeHyperParameterTuningJob of the tuning job."""
        from sabio._describe import describe_tuning_job

        return describe_tuning_job(self.session, self.name)

    def _rows(self) -> tuple[list[dict[str, Any]], list[str], str]:
        from sabio import tuning

        settings = self.session.settings
        record = tuning.describe(settings, self.name)
        rows = tuning.trial_rows(record, tuning.trials(settings, self.name), self.session.catalog)
        config = record.spec["HyperParameterTuningJobConfig"]
        tuned = [item["Name"] for kind in config["ParameterRanges"].values() for item in kind]
        return rows, tuned, config["HyperParameterTuningJobObjective"]["MetricName"]

    def training_job_summaries(self, force_refresh: bool = False) -> list[dict[str, Any]]:
        """One summary per trial (SageMaker's ListTrainingJobsForHyperParameterTuningJob)."""
        rows, tuned, metric = self._rows()
        return [
            {
                **{k: row[k] for k in _ROW_COLUMNS},
                "TunedHyperParameters": {n: str(row[n]) for n in tuned},
                "FinalHyperParameterTuningJobObjectiveMetric": {
                    "MetricName": metric,
                    "Value": row["FinalObjectiveValue"],
                },
            }
            for row in rows
        ]

    def dataframe(self, force_refresh: bool = False) -> pd.DataFrame:
        """One row per trial (see the class docstring)."""
        import pandas as pd

        rows, tuned, _ = self._rows()
        columns = [*tuned, *_ROW_COLUMNS]
        return pd.DataFrame([{k: row[k] for k in columns} for row in rows], columns=columns)

    def plot(self) -> Figure:
        """Objective per trial with the best-so-far line, and tuned values vs objective."""
        from sabio import tuning

        rows, tuned, metric = self._rows()
        return tuning.plot_trials(rows, tuned, metric, title=f"Tuning job {self.name}")
