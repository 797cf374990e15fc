"""Reading a period of captured traffic: time window, CSV and JSON bodies, multi-row bodies."""

from __future__ import annotations

import json
from pathlib import Path

from sabio.monitoring import capture_record
from sabio.monitoring._captured import capture_files, read_rows
from sabio.session import Session

HOUR = 1_764_752_400.0  # 2025-12-03T09:00:00Z


def _file(session: Session, name: str, events: list[dict]) -> str:
    uri = f"s3://{session.default_bucket()}/cap/ep/AllTraffic/2025/12/03/09/{name}.jsonl"
    session.store.put_bytes(uri, "".join(json.dumps(e) + "\n" for e in events).encode())
    return uri


def _event(body: bytes, content_type: str, at: float) -> dict:
    return capture_record(
        request_body=body,
        request_content_type=content_type,
        response_body=b"0.5",
        response_content_type="text/csv",
        timestamp=at,
    )


def test_captured_rows_of_the_period_only(sabio_home: Path) -> None:
    session = Session()
    _file(
        session,
        "a",
        [
            _event(b"1,2,3", "text/csv", HOUR + 10),
            _event(b"4,5,6\n7,8,9", "text/csv", HOUR + 20),
            _event(b"10,11,12", "text/csv", HOUR + 3000),  # after the period
        ],
    )
    _file(session, "b", [_event(b'{"instances": [[13, 14, 15]]}', "application/json", HOUR + 30)])
    prefix = f"s3://{session.default_bucket()}/cap/ep"
    files = capture_files(session.store, prefix, HOUR, HOUR + 1800)
    assert len(files) == 2
    assert capture_files(session.store, prefix, HOUR + 3600, HOUR + 7200) == []
    chunks = list(read_rows(session.store, files, HOUR, HOUR + 1800))
    rows = [frame.to_numpy().tolist() for frame, _ in chunks]
    assert sum(events for _, events in chunks) == 3
    assert sorted(r for chunk in rows for r in chunk) == [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
        [13, 14, 15],
    ]
