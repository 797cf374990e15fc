"""Data capture on a disk that fills up (issue 19, finding 10): a real, small tmpfs under
the store's bucket folder. What was accepted while there was room is written, what could
not be written is counted (the writer, /metrics, describe()) and logged, and the log
outlives delete_endpoint."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio import serving
from sabio._config import Settings, load_settings
from sabio._describe import endpoint as describe_shape
from sabio.inference import ModelSpec
from sabio.monitoring import CaptureWriter
from sabio.storage import Store

try:
    from tests.inference._models import user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import user_model  # type: ignore[no-redef]

ROW = b"1," * 400 + b"1"  # about 800 bytes a request


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Fill the filesystem of ``folder`` to the last byte; return the filler file."""
    filler = folder / "filler"
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as out:
        while True:
            out.write(b"\0" * 4096)
            out.flush()
    return filler


def captured(folder: Path) -> int:
    return sum(
        len(p.read_text().splitlines()) for p in folder.rglob("*.jsonl") if p.name != "filler"
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SABIO_HOME", str(tmp_path / "home"))
    for name in ("SABIO_DATABASE_URL", "SABIO_STORE_URL", "SABIO_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return load_settings()


def send(writer: CaptureWriter, count: int) -> None:
    for _ in range(count):
        writer.capture(
            request_body=ROW,
            request_content_type="text/csv",
            response_body=b"801.0",
            response_content_type="text/csv",
        )


def test_capture_disk_full_keeps_what_was_accepted_with_room_and_counts_the_rest(
    home: Settings,
) -> None:
    bucket = home.home / "store" / "capture-bucket"
    with small_disk(bucket, "1m"):
        writer = CaptureWriter(
            Store(home),
            "s3://capture-bucket/dc",
            "ep",
            sampling_percentage=100,
            flush_seconds=0.2,
            max_records=50,
            queue_size=100,
        )
        try:
            for batch in (1, 2):  # accepted while there is room: written within the bounds
                send(writer, 100)
                want = 100 * batch
                wait_until(lambda: writer.counts()["written"] == want, 30, "writes")  # noqa: B023
            filler = fill(bucket)
            send(writer, 50)  # the disk is full: kept for a retry, not lost
            wait_until(lambda: writer.write_errors > 0, 30, "a refused write")
            wait_until(lambda: writer.counts()["pending"] == 50, 30, "50 kept for a retry")
            assert writer.dropped == 0
            filler.unlink()  # room again: the kept events are written
            wait_until(lambda: writer.counts()["written"] == 250, 30, "the retried events")
            fill(bucket)
            errors = writer.write_errors
            send(writer, 300)  # more than the queue and the retry bound (100) hold, while full
            wait_until(lambda: writer.write_errors > errors, 30, "refused writes")
        finally:
            writer.close()
        counts = writer.counts()
        assert counts["written"] == 250 == captured(bucket)
        assert counts["dropped"] == 300 and counts["pending"] == 0


def test_capture_disk_full_is_visible_in_metrics_describe_and_the_kept_log(
    home: Settings, tmp_path: Path
) -> None:
    bucket = home.home / "store" / "capture-bucket"
    with small_disk(bucket, "2m"):
        model = ModelSpec(model_data_url=str(user_model(tmp_path / "m")))
        serving.create_model(home, "dot", model)
        config = {
            "EnableCapture": True,
            "InitialSamplingPercentage": 100,
            "DestinationS3Uri": "s3://capture-bucket/dc",
        }
        record = serving.create_endpoint(home, "ep-cap", "dot", data_capture_config=config)
        url = record.details["Url"]
        client = serving.EndpointClient(url, "ep-cap")
        try:
            for _ in range(100):
                client.invoke(b"1,2,3", "text/csv", "text/csv")
            wait_until(lambda: captured(bucket) == 100, 30, "100 captured events on disk")
            fill(bucket)
            for _ in range(40):
                client.invoke(b"1,2,3", "text/csv", "text/csv")

            def metrics() -> str:
                with urllib.request.urlopen(f"{url}/metrics", timeout=30) as answer:
                    return str(answer.read().decode())

            wait_until(
                lambda: 'sabio_data_capture_pending_events{endpoint="ep-cap"} 40' in metrics(),
                30,
                "40 pending events in /metrics",
            )
            assert 'outcome="written"} 100' in metrics()
            shape = wait_until(
                lambda: (
                    describe_shape(serving.describe_endpoint(home, "ep-cap"), "us-east-1")[
                        "DataCaptureConfig"
                    ].get("CapturedRecordCount")
                    == 100
                    and describe_shape(serving.describe_endpoint(home, "ep-cap"), "us-east-1")
                ),
                60,
                "the counts in describe()",
            )
            assert shape["DataCaptureConfig"]["DroppedRecordCount"] == 0
        finally:
            client.close()
            serving.delete_endpoint(home, "ep-cap")
        assert captured(bucket) == 100
    kept = list(serving.deleted_logs_dir(home).glob("ep-cap-*.log"))
    assert len(kept) == 1
    log = kept[0].read_text()
    assert "data capture: 100 event(s) written, 40 dropped" in log
    assert json.dumps("ep-cap") and os.path.getsize(kept[0]) > 0
