"""Data capture: endpoint requests and responses written in SageMaker's capture format.

SageMaker writes captured traffic as JSON Lines under
``<destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/<mm-ss-mmm>-<uuid>.jsonl``, one event a
line::

    {"captureData": {"endpointInput": {"observedContentType": "text/csv", "mode": "INPUT",
                                       "data": "1,2,3", "encoding": "CSV"},
                     "endpointOutput": {...}},
     "eventMetadata": {"eventId": "...", "inferenceTime": "2026-01-01T10:00:00Z"},
     "eventVersion": "0"}

Serving must not wait for the store, so :meth:`CaptureWriter.capture` only samples and
puts the event on a bounded queue; a background thread encodes events and writes them in
batches, one new object per flush (objects are written whole, so readers never see half a
file, on a local folder and on S3 alike). A batch is written at least every
``flush_seconds`` and whenever it holds ``max_records`` events or ``max_file_bytes``, so
what was accepted while the disk had room is on it. A batch the store refuses (a full
disk) is split and its parts tried again, so whatever fits is written; the rest waits, in
memory and bounded, for the next flush. No event is lost silently: an event that cannot be
queued or written is counted in :attr:`CaptureWriter.dropped` (the endpoint's ``/metrics``
and ``describe()`` show it) and logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import queue
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sabio.exceptions import ValidationError

if TYPE_CHECKING:
    from sabio.storage import Store

__all__ = [
    "DEFAULT_CSV_CONTENT_TYPES",
    "DEFAULT_JSON_CONTENT_TYPES",
    "CaptureWriter",
    "capture_record",
]

DEFAULT_CSV_CONTENT_TYPES = ("text/csv",)
DEFAULT_JSON_CONTENT_TYPES = ("application/json",)
_MODES = {"Input": "INPUT", "Output": "OUTPUT"}
_log = logging.getLogger("sabio.monitoring")


@dataclass(frozen=True)
class _Event:
    request_body: bytes
    request_content_type: str
    response_body: bytes
    response_content_type: str
    inference_id: str | None
    timestamp: float


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _encode(
    body: bytes, content_type: str, mode: str, csv_types: frozenset[str], json_types: frozenset[str]
) -> dict[str, str]:
    media = _media(content_type)
    encoding = "CSV" if media in csv_types else "JSON" if media in json_types else "BASE64"
    data: str | None = None
    if encoding != "BASE64":
        try:
            data = body.decode("utf-8")
        except UnicodeDecodeError:  # declared as text but is not: keep it losslessly
            encoding = "BASE64"
    if data is None:
        data = base64.b64encode(body).decode("ascii")
    return {"observedContentType": content_type, "mode": mode, "data": data, "encoding": encoding}


def capture_record(
    *,
    request_body: bytes,
    request_content_type: str,
    response_body: bytes,
    response_content_type: str,
    inference_id: str | None = None,
    timestamp: float | None = None,
    capture_input: bool = True,
    capture_output: bool = True,
    csv_content_types: Sequence[str] = DEFAULT_CSV_CONTENT_TYPES,
    json_content_types: Sequence[str] = DEFAULT_JSON_CONTENT_TYPES,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Build one capture event in SageMaker's format (one line of a capture file).

    Bodies whose content type is listed in ``csv_content_types``/``json_content_types``
    are stored as text (``"CSV"``/``"JSON"`` encoding); everything else, and text that is
    not UTF-8, is stored base64-encoded (``"BASE64"``).
    """
    csv_types = frozenset(_media(c) for c in csv_content_types)
    json_types = frozenset(_media(c) for c in json_content_types)
    data: dict[str, Any] = {}
    if capture_input:
        data["endpointInput"] = _encode(
            request_body, request_content_type, "INPUT", csv_types, json_types
        )
    if capture_output:
        data["endpointOutput"] = _encode(
            response_body, response_content_type, "OUTPUT", csv_types, json_types
        )
    when = dt.datetime.fromtimestamp(time.time() if timestamp is None else timestamp, tz=dt.UTC)
    metadata: dict[str, str] = {
        "eventId": event_id or str(uuid.uuid4()),
        "inferenceTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if inference_id is not None:
        metadata["inferenceId"] = inference_id
    return {"captureData": data, "eventMetadata": metadata, "eventVersion": "0"}


class CaptureWriter:
    """Samples an endpoint's traffic and writes it to the store in the background.

    Args:
        store: where capture files go.
        destination: ``s3://`` folder; files land under ``<destination>/<endpoint>/<variant>/``.
        endpoint_name: the endpoint whose traffic is captured.
        variant_name: the production variant (SageMaker's default is ``AllTraffic``).
        sampling_percentage: share of requests captured, 0 to 100.
        capture_input: capture request bodies.
        capture_output: capture response bodies.
        csv_content_types: content types stored as CSV text.
        json_content_types: content types stored as JSON text.
        enabled: when False, :meth:`capture` does nothing and no thread runs.
        queue_size: events waiting to be written before new ones are dropped (also the
            bound on events kept for a retry while the store refuses writes).
        flush_seconds: longest time an event waits before it is written.
        max_records: a batch of this many events is written at once.
        max_file_bytes: a batch this large is written at once (files roll at this size).

    Example:
        >>> writer = CaptureWriter.from_config(
        ...     {"EnableCapture": True, "InitialSamplingPercentage": 100,
        ...      "DestinationS3Uri": "s3://bucket/capture",
        ...      "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]},
        ...     "my-endpoint", "AllTraffic", store)  # doctest: +SKIP
        >>> writer.capture(request_body=b"1,2", request_content_type="text/csv",
        ...                response_body=b"0.9", response_content_type="text/csv")  # doctest: +SKIP
        >>> writer.close()  # doctest: +SKIP
    """

    def __init__(
        self,
        store: Store,
        destination: str,
        endpoint_name: str,
        variant_name: str = "AllTraffic",
        *,
        sampling_percentage: float = 20.0,
        capture_input: bool = True,
        capture_output: bool = True,
        csv_content_types: Sequence[str] = DEFAULT_CSV_CONTENT_TYPES,
        json_content_types: Sequence[str] = DEFAULT_JSON_CONTENT_TYPES,
        enabled: bool = True,
        queue_size: int = 10_000,
        flush_seconds: float = 1.0,
        max_records: int = 1000,
        max_file_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        if not 0 <= sampling_percentage <= 100:
            raise ValidationError(
                f"Data capture sampling percentage must be between 0 and 100, got "
                f"{sampling_percentage!r} (endpoint {endpoint_name!r})."
            )
        if not destination.startswith("s3://"):
            raise ValidationError(
                f"Data capture destination must be an s3:// URI, got {destination!r} "
                f"(endpoint {endpoint_name!r}). Example: s3://my-bucket/datacapture."
            )
        self.store = store
        self.destination = destination.rstrip("/")
        self.endpoint_name = endpoint_name
        self.variant_name = variant_name
        self.sampling_percentage = float(sampling_percentage)
        self.capture_input = capture_input
        self.capture_output = capture_output
        self.csv_content_types = tuple(csv_content_types)
        self.json_content_types = tuple(json_content_types)
        self.enabled = enabled and (capture_input or capture_output) and sampling_percentage > 0
        self.flush_seconds = flush_seconds
        self.max_records = max_records
        self.max_file_bytes = max_file_bytes
        self.queue_size = queue_size
        #: Events lost: the queue was full (the store could not keep up), or they could not
        #: be written (the store refused them until the retry bound or the end).
        self.dropped = 0
        #: Events written so far.
        self.written = 0
        #: Batches that could not be written (the last error is in ``last_error``).
        self.write_errors = 0
        self.last_error: Exception | None = None
        self._retrying = 0  # events kept for a retry
        self._quiet_until = 0.0  # no write warning before this time.monotonic()
        self._random = random.Random()
        self._queue: queue.Queue[_Event | None] = queue.Queue(maxsize=queue_size)
        self._lock = threading.Lock()
        self._closed = False
        self._thread: threading.Thread | None = None
        if self.enabled:
            self._thread = threading.Thread(
                target=self._run, name=f"sabio-capture-{endpoint_name}", daemon=True
            )
            self._thread.start()

    @classmethod
    def from_config(
        cls,
        capture_config: dict[str, Any],
        endpoint_name: str,
        variant_name: str,
        store: Store,
    ) -> CaptureWriter:
        """Build a writer from a ``DataCaptureConfig`` request dict (SageMaker's shape).

        A missing ``DestinationS3Uri`` means ``s3://<default bucket>/model-monitor/data-capture``
        (where the SageMaker SDK puts it).

        Raises:
            ValidationError: an unknown capture mode or a sampling percentage outside 0-100.
        """
        modes: list[str] = []
        for option in capture_config.get("CaptureOptions") or [
            {"CaptureMode": "Input"},
            {"CaptureMode": "Output"},
        ]:
            mode = option.get("CaptureMode") if isinstance(option, dict) else None
            if mode not in _MODES:
                raise ValidationError(
                    f"Unknown data capture mode {mode!r} for endpoint {endpoint_name!r}: "
                    "expected 'Input' or 'Output' (REQUEST/RESPONSE in DataCaptureConfig)."
                )
            modes.append(mode)
        headers = capture_config.get("CaptureContentTypeHeader") or {}
        destination = capture_config.get("DestinationS3Uri") or (
            f"s3://{store.default_bucket()}/model-monitor/data-capture"
        )
        return cls(
            store,
            destination,
            endpoint_name,
            variant_name,
            sampling_percentage=float(capture_config.get("InitialSamplingPercentage", 20)),
            capture_input="Input" in modes,
            capture_output="Output" in modes,
            csv_content_types=headers.get("CsvContentTypes") or DEFAULT_CSV_CONTENT_TYPES,
            json_content_types=headers.get("JsonContentTypes") or DEFAULT_JSON_CONTENT_TYPES,
            enabled=bool(capture_config.get("EnableCapture", True)),
        )

    # ------------------------------------------------------------- request path
    def capture(
        self,
        *,
        request_body: bytes,
        request_content_type: str,
        response_body: bytes,
        response_content_type: str,
        inference_id: str | None = None,
    ) -> None:
        """Queue one request/response pair if it is sampled; never blocks."""
        if not self.enabled or self._closed:
            return
        if self.sampling_percentage < 100 and self._random.random() * 100 >= (
            self.sampling_percentage
        ):
            return
        event = _Event(
            bytes(request_body),
            request_content_type,
            bytes(response_body),
            response_content_type,
            inference_id,
            time.time(),
        )
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            with self._lock:
                self.dropped += 1

    def close(self) -> None:
        """Write everything queued and stop the background thread; what cannot be written
        is counted in :attr:`dropped` and logged."""
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        if self.dropped:
            _log.warning(
                "Data capture of endpoint %s: %d event(s) written, %d dropped (last error: %s).",
                self.endpoint_name,
                self.written,
                self.dropped,
                self.last_error,
            )

    def counts(self) -> dict[str, int]:
        """``written``, ``dropped`` and ``pending`` (queued or awaiting a retry) events."""
        with self._lock:
            return {
                "written": self.written,
                "dropped": self.dropped,
                "pending": self._queue.qsize() + self._retrying,
            }

    def _drop(self, count: int) -> None:
        with self._lock:
            self.dropped += count

    # ------------------------------------------------------------ writer thread
    def _run(self) -> None:
        pending: list[_Event] = []
        size = 0
        refusing = False
        deadline = time.monotonic() + self.flush_seconds
        while True:
            try:
                event = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                event = _NO_EVENT
            if event is None:
                self._drop(len(self._flush(pending)))  # the last try
                with self._lock:
                    self._retrying = 0
                return
            if event is not _NO_EVENT and refusing and len(pending) >= self.queue_size:
                self._drop(1)  # the retry bound is reached while the store refuses writes
            elif event is not _NO_EVENT:
                pending.append(event)
                size += len(event.request_body) + len(event.response_body) + 400
            # While the store refuses writes, retry once per flush_seconds, not per event.
            full = not refusing and (
                size >= self.max_file_bytes or len(pending) >= self.max_records
            )
            if full or time.monotonic() >= deadline:
                pending = self._flush(pending)
                refusing = bool(pending)
                size = sum(len(e.request_body) + len(e.response_body) + 400 for e in pending)
                deadline = time.monotonic() + self.flush_seconds

    def _flush(self, events: list[_Event]) -> list[_Event]:
        """Write ``events``; return those kept for a retry (bounded: past ``queue_size``
        the newest are dropped and counted)."""
        left = self._write(events)
        if len(left) > self.queue_size:
            self._drop(len(left) - self.queue_size)
            left = left[: self.queue_size]
        with self._lock:
            self._retrying = len(left)
        return left

    def _write(self, events: list[_Event]) -> list[_Event]:
        """Write ``events`` (one object per hour folder); return those not written. A batch
        the store refuses is split in halves, so that what fits is written."""
        if not events:
            return []
        by_hour: dict[str, list[_Event]] = defaultdict(list)
        for event in events:
            when = dt.datetime.fromtimestamp(event.timestamp, tz=dt.UTC)
            by_hour[when.strftime("%Y/%m/%d/%H")].append(event)
        left: list[_Event] = []
        for folder, batch in by_hour.items():
            left += self._write_batch(folder, batch)
        return left

    def _write_batch(self, folder: str, events: list[_Event]) -> list[_Event]:
        lines = [self._line(event) for event in events]
        when = dt.datetime.fromtimestamp(events[0].timestamp, tz=dt.UTC)
        name = f"{when:%M-%S}-{when.microsecond // 1000:03d}-{uuid.uuid4()}.jsonl"
        uri = f"{self.destination}/{self.endpoint_name}/{self.variant_name}/{folder}/{name}"
        try:
            self.store.put_bytes(uri, ("\n".join(lines) + "\n").encode("utf-8"))
        except Exception as exc:  # a full disk must not take the endpoint down
            with self._lock:
                self.write_errors += 1
                self.last_error = exc
            if len(events) > 1:
                # Write what fits: the first half, then the second unless the first failed
                # whole (the store is full: do not try every event, once a second).
                half = len(events) // 2
                left = self._write_batch(folder, events[:half])
                if len(left) == half:
                    return left + events[half:]
                return left + self._write_batch(folder, events[half:])
            if time.monotonic() >= self._quiet_until:  # once a minute while the store refuses
                self._quiet_until = time.monotonic() + 60.0
                _log.warning(
                    "Data capture of endpoint %s: cannot write %s: %s (events are kept for a "
                    "retry, up to %d; past that they are dropped and counted)",
                    self.endpoint_name,
                    uri,
                    exc,
                    self.queue_size,
                )
            return events
        with self._lock:
            self.written += len(lines)
        return []

    def _line(self, event: _Event) -> str:
        record = capture_record(
            request_body=event.request_body,
            request_content_type=event.request_content_type,
            response_body=event.response_body,
            response_content_type=event.response_content_type,
            inference_id=event.inference_id,
            timestamp=event.timestamp,
            capture_input=self.capture_input,
            capture_output=self.capture_output,
            csv_content_types=self.csv_content_types,
            json_content_types=self.json_content_types,
        )
        return json.dumps(record, separators=(",", ":"))


_NO_EVENT = _Event(b"", "", b"", "", None, 0.0)
