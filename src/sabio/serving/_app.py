"""The model server's ASGI application: SageMaker's routes plus Open Inference Protocol v2.

A bare ASGI callable rather than a web framework: the request path of ``/invocations`` is
a dict lookup, a body read and one handler call, so the server costs little next to the
model. Fast models run inline on the event loop; slow ones run on a worker thread under
the per-request timeout (the app switches by measuring, see :class:`_Runner`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sabio.exceptions import TimeoutError_
from sabio.inference import Handlers, ModelError, PayloadError, status_for
from sabio.serving import _oip
from sabio.serving._metrics import Metrics

__all__ = ["InferenceApp"]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

log = logging.getLogger("sabio.serving")
_JSON = b"application/json"
_ZERO_TIMING = b"decode=0.000000;predict=0.000000;encode=0.000000"
INFERENCE_ID_HEADER = b"x-amzn-sagemaker-inference-id"


class _Runner:
    """Runs handler calls inline while they are fast, on a thread (with timeout) otherwise.

    A thread hop costs tens of microseconds, a sizeable share of a fast model's request;
    but only a call on a thread can be abandoned at the timeout. Calls start on the thread;
    after ``_WARMUP`` consecutive calls under ``_FAST`` seconds they run inline, and one
    call over ``_SLOW`` seconds sends them back to the thread.
    """

    _WARMUP = 50
    _FAST = 0.005
    _SLOW = 0.05

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.inline = False
        self._fast_calls = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sabio-predict")

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        start = time.perf_counter()
        if self.inline:
            result = fn(*args)
            if time.perf_counter() - start > self._SLOW:
                self.inline, self._fast_calls = False, 0
            return result
        loop = asyncio.get_running_loop()
        try:
            result = await asyncio.wait_for(
                loop.run_in_executor(self._pool, fn, *args), self.timeout
            )
        except TimeoutError:
            raise TimeoutError_(
                f"The model did not answer within {self.timeout:g} s (the per-request "
                "timeout). Send fewer rows per request, or raise the timeout."
            ) from None
        self._fast_calls = self._fast_calls + 1 if time.perf_counter() - start < self._FAST else 0
        if self._fast_calls >= self._WARMUP:
            self.inline = True
        return result


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _timing(timings: dict[str, float]) -> bytes:
    return (
        f"decode={timings.get('decode', 0.0):.6f};predict={timings.get('predict', 0.0):.6f};"
        f"encode={timings.get('encode', 0.0):.6f}"
    ).encode()


class InferenceApp:
    """ASGI app serving one loaded model.

    Args:
        handlers: the model's handlers.
        model: what ``handlers.load_model()`` returned.
        endpoint: endpoint name (labels, v2 model name).
        max_payload_bytes: larger bodies get 413.
        timeout: seconds per request before 504.
        capture: a data-capture writer (``capture(...)``/``close()``) or None.
        execution_parameters: the ``GET /execution-parameters`` answer.
    """

    def __init__(
        self,
        handlers: Handlers,
        model: Any,
        *,
        endpoint: str,
        max_payload_bytes: int = 6 * 1024 * 1024,
        timeout: float = 60.0,
        capture: Any = None,
        execution_parameters: dict[str, Any] | None = None,
    ) -> None:
        self.handlers = handlers
        self.model = model
        self.endpoint = endpoint
        self.max_payload_bytes = max_payload_bytes
        self.capture = capture
        self.metrics = Metrics(endpoint)
        self.runner = _Runner(timeout)
        self.execution_parameters = json.dumps(
            execution_parameters
            or {
                "MaxConcurrentTransforms": 1,
                "BatchStrategy": "MULTI_RECORD",
                "MaxPayloadInMB": max(1, max_payload_bytes // (1024 * 1024)),
            }
        ).encode()
        v2 = f"/v2/models/{endpoint}"
        self._get: dict[str, Callable[[], tuple[int, bytes, bytes]]] = {
            "/ping": lambda: (200, b"", b"text/plain"),
            "/execution-parameters": lambda: (200, self.execution_parameters, _JSON),
            "/metrics": lambda: (200, self.metrics.render(), b"text/plain; version=0.0.4"),
            "/v2/health/ready": lambda: (200, b'{"ready": true}', _JSON),
            "/v2/health/live": lambda: (200, b'{"live": true}', _JSON),
            "/v2": lambda: (200, b'{"name": "sabio", "version": "1", "extensions": []}', _JSON),
            v2: lambda: (200, self._metadata(), _JSON),
            f"{v2}/ready": lambda: (200, b'{"ready": true}', _JSON),
            f"{v2}/versions/1": lambda: (200, self._metadata(), _JSON),
        }
        self._infer_paths = {f"{v2}/infer", f"{v2}/versions/1/infer"}

    def _metadata(self) -> bytes:
        return json.dumps(_oip.model_metadata(self.endpoint, self.handlers.source)).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        start = time.perf_counter()
        path: str = scope["path"]
        method: str = scope["method"]
        status, body, content_type, timing = 200, b"", _JSON, _ZERO_TIMING
        try:
            if path == "/invocations" and method == "POST":
                status, body, content_type, timing = await self._invocations(scope, receive)
            elif path in self._infer_paths and method == "POST":
                status, body, content_type, timing = await self._infer(scope, receive)
            elif path in self._get and method in ("GET", "HEAD"):
                status, body, content_type = self._get[path]()
            elif path in self._get or path == "/invocations" or path in self._infer_paths:
                status, body = 405, self._error(f"Method {method} is not allowed on {path}.")
            else:
                status, body = (
                    404,
                    self._error(
                        f"No route {path}: this model server answers /ping, /invocations, "
                        "/execution-parameters, /metrics and /v2/...",
                    ),
                )
        except Exception as exc:
            status = status_for(exc)
            if status >= 500:
                log.exception("Error while answering %s %s", method, path)
            message = (
                str(exc)
                if status < 500 or isinstance(exc, TimeoutError_ | ModelError)
                else (f"{type(exc).__name__}: {exc}")
            )
            body, content_type = self._error(message), _JSON
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-sabio-timing", timing),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        route = path if path in self._get or path == "/invocations" else "other"
        if path in self._infer_paths:
            route = "/v2/infer"
        self.metrics.record(route, status, time.perf_counter() - start)

    @staticmethod
    def _error(message: str) -> bytes:
        return json.dumps({"error": message}).encode()

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        limit = self.max_payload_bytes
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise self._too_large(int(declared))
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise self._too_large(size)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _too_large(self, size: int) -> PayloadError:
        return PayloadError(
            f"The request body ({size} bytes) is larger than this endpoint's limit "
            f"({self.max_payload_bytes} bytes = max_payload). Send fewer rows per request.",
            413,
        )

    async def _invocations(self, scope: Scope, receive: Receive) -> tuple[int, bytes, bytes, bytes]:
        body = await self._read_body(scope, receive)
        content_type = _header(scope, b"content-type") or "application/json"
        accept = _header(scope, b"accept") or "application/json"
        out, out_type, timings = await self.runner.run(
            self.handlers.invoke, self.model, body, content_type, accept
        )
        self.metrics.record_steps(timings)
        if self.capture is not None:
            try:
                self.capture.capture(
                    request_body=body,
                    request_content_type=content_type,
                    response_body=out,
                    response_content_type=out_type,
                    inference_id=_header(scope, INFERENCE_ID_HEADER),
                )
            except Exception:  # capture must never fail a prediction
                log.exception("Data capture failed")
        return 200, out, out_type.encode(), _timing(timings)

    async def _infer(self, scope: Scope, receive: Receive) -> tuple[int, bytes, bytes, bytes]:
        body = await self._read_body(scope, receive)
        t0 = time.perf_counter()
        data, request_id = _oip.parse_infer(body)
        t1 = time.perf_counter()
        prediction = await self.runner.run(self.handlers.predict, self.model, data)
        t2 = time.perf_counter()
        answer = _oip.infer_answer(self.endpoint, request_id, prediction)
        timings = {"decode": t1 - t0, "predict": t2 - t1, "encode": time.perf_counter() - t2}
        self.metrics.record_steps(timings)
        return 200, answer, _JSON, _timing(timings)
