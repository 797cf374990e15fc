"""Data capture: SageMaker's capture format, layout, sampling and the bounded queue."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from sabio._config import load_settings
from sabio.exceptions import ValidationError
from sabio.monitoring import CaptureWriter, capture_record
from sabio.storage import Store


@pytest.fixture
def store(sabio_home: Path) -> Store:
    return Store(load_settings())


def _config(**overrides: object) -> dict[str, object]:
    config: dict[str, object] = {
        "EnableCapture": True,
        "InitialSamplingPercentage": 100,
        "DestinationS3Uri": "s3://capture-bucket/dc",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {
            "CsvContentTypes": ["text/csv"],
            "JsonContentTypes": ["application/json"],
        },
    }
    config.update(overrides)
    return config


def _events(store: Store, prefix: str) -> list[tuple[str, dict[str, object]]]:
    if not store.exists(prefix):
        return []
    found = []
    for uri in store.list(prefix):
        for line in store.get_bytes(uri).decode().splitlines():
            found.append((uri, json.loads(line)))
    return found


def test_capture_record_csv_json_and_binary_encodings() -> None:
    record = capture_record(
        request_body=b"1,2,3",
        request_content_type="text/csv; charset=utf-8",
        response_body=b"\x93NUMPY\x00",
        response_content_type="application/x-npy",
        inference_id="abc",
        timestamp=0.0,
    )
    data = record["captureData"]
    assert data["endpointInput"] == {
        "observedContentType": "text/csv; charset=utf-8",
        "mode": "INPUT",
        "data": "1,2,3",
        "encoding": "CSV",
    }
    output = data["endpointOutput"]
    assert output["encoding"] == "BASE64"
    assert base64.b64decode(output["data"]) == b"\x93NUMPY\x00"
    assert output["mode"] == "OUTPUT"
    assert record["eventMetadata"]["inferenceTime"] == "1970-01-01T00:00:00Z"
    assert record["eventMetadata"]["inferenceId"] == "abc"
    assert record["eventVersion"] == "0"


def test_capture_record_non_utf8_csv_falls_back_to_base64() -> None:
    record = capture_record(
        request_body=b"\xff\xfe",
        request_content_type="text/csv",
        response_body=b'{"a": 1}',
        response_content_type="application/json",
        capture_output=True,
    )
    assert record["captureData"]["endpointInput"]["encoding"] == "BASE64"
    assert record["captureData"]["endpointOutput"]["encoding"] == "JSON"


def test_capture_writer_writes_sagemaker_layout(store: Store) -> None:
    store.create_bucket("capture-bucket")
    writer = CaptureWriter.from_config(_config(), "ep-1", "AllTraffic", store)
    for index in range(5):
        writer.capture(
            request_body=f"{index},2".encode(),
            request_content_type="text/csv",
            response_body=b'{"predictions": [1]}',
            response_content_type="application/json",
            inference_id=str(index),
        )
    writer.close()
    events = _events(store, "s3://capture-bucket/dc/ep-1/AllTraffic")
    assert len(events) == 5
    assert writer.written == 5 and writer.dropped == 0
    uri = events[0][0]
    pattern = r"s3://capture-bucket/dc/ep-1/AllTraffic/\d{4}/\d{2}/\d{2}/\d{2}/\d{2}-\d{2}-\d{3}-"
    assert re.match(pattern + r"[0-9a-f-]{36}\.jsonl$", uri), uri
    inputs = sorted(e["captureData"]["endpointInput"]["data"] for _, e in events)  # type: ignore[index]
    assert inputs == [f"{i},2" for i in range(5)]
    assert {e["eventMetadata"]["inferenceId"] for _, e in events} == {"0", "1", "2", "3", "4"}  # type: ignore[index]


def test_capture_writer_input_only_and_sampling_zero(store: Store) -> None:
    store.create_bucket("capture-bucket")
    writer = CaptureWriter.from_config(
        _config(CaptureOptions=[{"CaptureMode": "Input"}]), "ep-2", "AllTraffic", store
    )
    writer.capture(
        request_body=b"1",
        request_content_type="text/csv",
        response_body=b"2",
        response_content_type="text/csv",
    )
    writer.close()
    ((_, event),) = _events(store, "s3://capture-bucket/dc/ep-2")
    assert set(event["captureData"]) == {"endpointInput"}  # type: ignore[arg-type]
    silent = CaptureWriter.from_config(_config(InitialSamplingPercentage=0), "ep-3", "v", store)
    assert not silent.enabled
    silent.capture(
        request_body=b"1",
        request_content_type="text/csv",
        response_body=b"2",
        response_content_type="text/csv",
    )
    silent.close()
    assert _events(store, "s3://capture-bucket/dc/ep-3") == []


def test_capture_writer_disabled_by_config(store: Store) -> None:
    writer = CaptureWriter.from_config(_config(EnableCapture=False), "ep-4", "v", store)
    assert not writer.enabled
    writer.close()


def test_capture_writer_sampling_is_approximate(store: Store) -> None:
    store.create_bucket("capture-bucket")
    writer = CaptureWriter.from_config(_config(InitialSamplingPercentage=30), "ep-5", "v", store)
    for _ in range(2000):
        writer.capture(
            request_body=b"1",
            request_content_type="text/csv",
            response_body=b"2",
            response_content_type="text/csv",
        )
    writer.close()
    assert 400 < writer.written < 800


def test_capture_writer_full_queue_drops_and_counts(store: Store) -> None:
    store.create_bucket("capture-bucket")
    writer = CaptureWriter(
        store,
        "s3://capture-bucket/dc",
        "ep-6",
        sampling_percentage=100,
        queue_size=1,
        flush_seconds=60,
    )
    # The writer thread drains the queue concurrently, so at least one event lands and
    # most of a burst this size cannot fit in a queue of one.
    for _ in range(500):
        writer.capture(
            request_body=b"1",
            request_content_type="text/csv",
            response_body=b"2",
            response_content_type="text/csv",
        )
    writer.close()
    assert writer.dropped > 0
    assert writer.written + writer.dropped == 500


def test_capture_writer_default_destination_is_default_bucket(store: Store) -> None:
    config = _config()
    del config["DestinationS3Uri"]
    writer = CaptureWriter.from_config(config, "ep-7", "AllTraffic", store)
    assert writer.destination == "s3://sabio-default/model-monitor/data-capture"
    writer.close()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"InitialSamplingPercentage": 150}, "between 0 and 100"),
        ({"CaptureOptions": [{"CaptureMode": "Everything"}]}, "Unknown data capture mode"),
        ({"DestinationS3Uri": "/tmp/x"}, "must be an s3:// URI"),
    ],
)
def test_capture_writer_bad_config_is_refused(
    store: Store, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        CaptureWriter.from_config(_config(**overrides), "ep-8", "v", store)
