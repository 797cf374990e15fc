"""``TrainingJobAnalytics``: a job's metrics as a pandas DataFrame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sabio.session import Session

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TrainingJobAnalytics"]


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
        record = catalog.get_training_job(self.name)
        start = record.started_at or record.created_at
        rows = [
            {"timestamp": m.timestamp - start, "metric_name": m.name, "value": m.value}
            for m in catalog.get_metrics(self.name)
            if self.metric_names is None or m.name in self.metric_names
        ]
        return pd.DataFrame(rows, columns=["timestamp", "metric_name", "value"])
