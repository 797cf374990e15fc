"""Every structured metric a program writes reaches the catalog, however the flushes race.

Regression: a trial reached ``Completed`` with no metrics in the catalog although its
``sabio-metrics.jsonl`` held 487 lines. The heartbeat thread's flush had consumed the file's
lines but not yet committed them when the final flush (finding nothing new) ran, and the
supervisor process then ended with the heartbeat's insert in flight.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio import training
from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.estimator import Estimator
from sabio.session import Session
from sabio.training import TrainingJobSpec
from sabio.training._kind import TRAINING
from sabio.training._metrics import MetricFileFollower
from sabio.training._supervisor import Supervisor

from .conftest import WriteFile

LINES = 487


def _line(step: int) -> str:
    record = {"name": "validation:mse", "value": float(step), "step": step, "timestamp": 1.0}
    return json.dumps(record)


def _supervisor(sabio_home: Path, name: str) -> Supervisor:
    """A real supervisor of a recorded job (not run: the test drives its flushes)."""
    settings = load_settings()
    spec = TrainingJobSpec(job_name=name, entry_point="train.py", output_path="s3://b/out")
    Catalog.open(settings).jobs(TRAINING).create(
        name, spec.model_dump(mode="json"), status="InProgress", secondary_status="Starting"
    )
    folder = training.job_dir(settings, name)
    folder.mkdir(parents=True)
    (folder / "spec.json").write_text(spec.model_dump_json())
    supervisor = Supervisor(folder, settings)
    supervisor.layouts[0].metrics_file.parent.mkdir(parents=True)
    return supervisor


def test_metric_flush_concurrent_with_writes_records_every_line_once(sabio_home: Path) -> None:
    for attempt in range(2):
        supervisor = _supervisor(sabio_home, f"flush-race-{attempt}")
        path = supervisor.layouts[0].metrics_file
        writing = threading.Event()
        writing.set()

        def heartbeat(supervisor: Supervisor = supervisor, writing: threading.Event = writing):
            while writing.is_set():
                supervisor._flush_metrics()

        threads = [threading.Thread(target=heartbeat) for _ in range(3)]
        for thread in threads:
            thread.start()
        with path.open("a", encoding="utf-8") as fh:
            for step in range(LINES):  # a burst right before the program exits
                fh.write(_line(step) + "\n")
                fh.flush()
        supervisor._flush_metrics(final=True)  # the main thread's last flush
        writing.clear()
        for thread in threads:
            thread.join()
        supervisor._log.close()
        steps = [m.step for m in supervisor.catalog.jobs(TRAINING).metrics(supervisor.name)]
        assert sorted(steps) == list(range(LINES)), f"attempt {attempt}: lost or duplicated"
        assert (
            supervisor.catalog.jobs(TRAINING).final_metrics(supervisor.name)["validation:mse"]
            == LINES - 1
        )


def _count(database: Path, job: str) -> int:
    """Committed metric rows of ``job``, read beside the catalog's own connections."""
    with sqlite3.connect(database) as conn:
        row = conn.execute("SELECT count(*) FROM metrics WHERE job_name = ?", (job,)).fetchone()
    return int(row[0])


def test_metric_flush_final_waits_for_heartbeat_flush_in_flight(sabio_home: Path) -> None:
    supervisor = _supervisor(sabio_home, "flush-in-flight")
    path = supervisor.layouts[0].metrics_file
    path.write_text("".join(_line(step) + "\n" for step in range(LINES)))
    database = sabio_home / "catalog.db"
    blocker = sqlite3.connect(database, isolation_level=None, timeout=60)
    # Hold the catalog's write lock so the heartbeat's insert stays in flight.
    blocker.execute("BEGIN IMMEDIATE")
    heartbeat = threading.Thread(target=supervisor._flush_metrics)
    heartbeat.start()
    follower = supervisor._followers[0]
    wait_until(lambda: follower._offset == path.stat().st_size, what="the heartbeat's read")
    seen: list[int] = []

    def final_flush() -> None:  # the main thread's, right before the job's final status
        supervisor._flush_metrics(final=True)
        seen.append(_count(database, supervisor.name))

    final = threading.Thread(target=final_flush)
    final.start()
    final.join(timeout=0.5)  # without the fix it returns at once, having found nothing
    blocker.execute("COMMIT")
    blocker.close()
    final.join()
    heartbeat.join()
    supervisor._log.close()
    assert seen == [LINES], "the final flush returned before the heartbeat's batch was saved"


def test_metric_follower_final_read_keeps_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "sabio-metrics.jsonl"
    path.write_text(_line(0) + "\n" + _line(1))
    follower = MetricFileFollower(path)
    assert [r["step"] for r in follower.read_new()] == [0]
    assert [r["step"] for r in follower.read_new(final=True)] == [1]
    assert follower.read_new(final=True) == []


def test_metric_follower_skips_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "sabio-metrics.jsonl"
    path.write_text('not json\n{"name": "a"}\n[1, 2]\n' + _line(3) + "\n")
    assert [r["step"] for r in MetricFileFollower(path).read_new()] == [3]


@pytest.mark.parametrize("attempt", range(2))
def test_metric_flush_job_burst_before_exit_all_in_catalog(
    session: Session, write_file: WriteFile, attempt: int
) -> None:
    script = write_file(
        "burst.py",
        f"""
        import json, os
        from sabio.runtime import log_metric
        for step in range({LINES}):
            log_metric("validation:mse", float(step), step=step)
        # A last record without its newline, as a program killed mid-write leaves it.
        with open(os.environ["SABIO_METRICS_FILE"], "a") as fh:
            fh.write(json.dumps({{"name": "validation:mse", "value": 1e6, "step": {LINES}}}))
        """,
    )
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    name = f"burst-{attempt}"
    estimator.fit(job_name=name, logs=False)
    metrics_path = training.metrics_file(session.settings, name)
    assert metrics_path.read_text().count("\n") == LINES
    catalog = session.catalog
    assert [m.step for m in catalog.jobs(TRAINING).metrics(name)] == list(range(LINES + 1))
    assert catalog.jobs(TRAINING).final_metrics(name) == {"validation:mse": 1e6}


def test_metrics_file_is_under_the_host_output_folder(session: Session) -> None:
    path = training.metrics_file(session.settings, "some-job", host="algo-2")
    assert path == training.job_dir(session.settings, "some-job") / "algo-2" / "output" / (
        "sabio-metrics.jsonl"
    )
