"""Transform jobs of sized instance types hold CPU slots, like training jobs."""

from __future__ import annotations

from pathlib import Path

from tests._wait import wait_until

from sabio._config import load_settings
from sabio._describe import transform_job
from sabio.storage import Store
from sabio.supervision._slots import SlotReservation
from sabio.transform import build_spec, describe, job_dir, submit, wait

from ._models import register_model, write_csv


def _wait_for_log(path: Path, text: str, timeout: float = 60.0) -> str:
    def log() -> str:
        found = path.read_text() if path.is_file() else ""
        return found if text in found else ""

    return str(wait_until(log, timeout, what=f"{text!r} in {path}"))


def test_transform_sized_instance_waits_for_cpu_slots(sabio_home: Path, tmp_path: Path) -> None:
    settings = load_settings()
    store = Store(settings)
    register_model()
    write_csv(tmp_path / "in" / "a.csv", [[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]])
    store.upload(tmp_path / "in", "sabio-default", "slots")
    held = SlotReservation(settings.locks_dir, settings.cpu_slots, settings.cpu_slots)
    assert held.acquire()
    try:
        spec = build_spec(
            job_name="sized",
            model_name="linear",
            data="s3://sabio-default/slots",
            output_path="s3://out/sized",
            content_type="text/csv",
            split_type="Line",
            accept="text/csv",
            instance_type="ml.m5.large",
        )
        submit(settings, spec)
        _wait_for_log(job_dir(settings, "sized") / "logs.txt", "waiting for")
        assert describe(settings, "sized").status == "InProgress"
    finally:
        held.release()
    description = transform_job(wait(settings, "sized", timeout=120))
    assert description["TransformJobStatus"] == "Completed", description.get("FailureReason")
    assert store.get_bytes("s3://out/sized/a.csv.out").decode().splitlines() == ["14.0", "2.0"]


def test_transform_local_instance_reserves_no_slots(sabio_home: Path, tmp_path: Path) -> None:
    settings = load_settings()
    store = Store(settings)
    register_model()
    write_csv(tmp_path / "in" / "a.csv", [[1.0, 1.0, 1.0]])
    store.upload(tmp_path / "in", "sabio-default", "local")
    held = SlotReservation(settings.locks_dir, settings.cpu_slots, settings.cpu_slots)
    assert held.acquire()
    try:
        spec = build_spec(
            job_name="unsized",
            model_name="linear",
            data="s3://sabio-default/local",
            output_path="s3://out/unsized",
            content_type="text/csv",
            split_type="Line",
            accept="text/csv",
        )
        submit(settings, spec)
        description = transform_job(wait(settings, "unsized", timeout=120))
    finally:
        held.release()
    assert description["TransformJobStatus"] == "Completed", description.get("FailureReason")
