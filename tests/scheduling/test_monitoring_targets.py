"""Monitoring schedules run under the real scheduler: a due period starts once, even with two
schedulers on the workspace."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
from tests._wait import wait_until

from sabio import monitoring
from sabio.model import Model
from sabio.model_monitor import (
    CronExpressionGenerator,
    DataCaptureConfig,
    DatasetFormat,
    DefaultModelMonitor,
)
from sabio.scheduling import start_scheduler, stop_scheduler
from sabio.serializers import CSVSerializer
from sabio.session import Session

MODULE = """
import numpy as np


def model_fn(model_dir):
    return np.asarray([0.01, 1.0])


def predict_fn(data, model):
    return np.asarray(data) @ model
"""


def test_two_schedulers_start_a_due_monitoring_period_once(
    sabio_home: Path, tmp_path: Path
) -> None:
    session = Session()
    settings = session.settings
    bucket = session.default_bucket()
    rng = np.random.default_rng(3)
    training = tmp_path / "train.csv"
    pd.DataFrame(
        {"amount": rng.lognormal(3, 0.8, 200).round(2), "score": rng.normal(0, 1, 200)}
    ).to_csv(training, index=False)
    monitor = DefaultModelMonitor(role="any", sagemaker_session=session)
    monitor.suggest_baseline(
        baseline_dataset=str(training),
        dataset_format=DatasetFormat.csv(header=True),
        output_s3_uri=f"s3://{bucket}/baseline",
    )
    (tmp_path / "m" / "code").mkdir(parents=True)
    (tmp_path / "m" / "code" / "inference.py").write_text(MODULE)
    capture = DataCaptureConfig(
        enable_capture=True,
        sampling_percentage=100,
        destination_s3_uri=f"s3://{bucket}/capture",
        sagemaker_session=session,
    )
    predictor = Model(str(tmp_path / "m"), sagemaker_session=session).deploy(
        endpoint_name="scored", serializer=CSVSerializer(), data_capture_config=capture
    )
    try:
        monitor.create_monitoring_schedule(
            endpoint_input=predictor,
            output_s3_uri=f"s3://{bucket}/reports",
            monitor_schedule_name="scored-dq",
            schedule_cron_expression=CronExpressionGenerator.hourly(),
        )
        predictor.predict(np.asarray([[10.0, 0.5], [20.0, -0.5]]))
    finally:
        predictor.delete_endpoint()
    # Force a due run by time: the schedule "was created" two hours ago, so the period ending
    # at the top of this hour is due now (an hourly cron cannot be waited for in a test).
    jobs = session.catalog.jobs(monitoring.SCHEDULE)
    jobs.update("scored-dq", created_at=time.time() - 7200)
    end = dt.datetime.now(tz=dt.UTC).replace(minute=0, second=0, microsecond=0)
    try:
        start_scheduler(settings, poll_seconds=0.2, name="scheduler-a")
        start_scheduler(settings, poll_seconds=0.2, exclusive=False, name="scheduler-b")
        executions = session.catalog.jobs(monitoring.MONITORING)
        wait_until(
            lambda: executions.list(parent="scored-dq", limit=None),
            timeout=90,
            what="the scheduler starts the due monitoring execution",
        )
        name = f"scored-dq-{end:%Y%m%d-%H%M}"
        record = monitoring.wait(settings, name, timeout=120)
        assert record.status == "Completed"
        assert record.spec["end_time"] == end.timestamp()
        assert record.spec["start_time"] == end.timestamp() - 3600
        time.sleep(2)  # ten more passes of each scheduler: nothing else starts
        assert [r.name for r in executions.list(parent="scored-dq", limit=None)] == [name]
    finally:
        stop_scheduler(settings)
        for record in session.catalog.jobs(monitoring.MONITORING).list(limit=None):
            monitoring.wait(settings, record.name, timeout=120)
