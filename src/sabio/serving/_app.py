"""The model server's request logic: SageMaker's routes plus Open Inference Protocol v2.

:class:`InferenceApp` answers a parsed :class:`Request` with a :class:`Response`. sabio's own
HTTP server (:mod:`sabio.serving._http`) calls :meth:`InferenceApp.respond_now` straight
from its protocol callback, so a fast model's request is a dict lookup, one handler call and
one socket write; the app is also a plain ASGI application (``__call__``) for tests and for
anyone who mounts it in another server. Fast models run inline; slow ones run on a worker
thread under the per-request timeout (the app switches by measuring, see :class:`_Runner`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sabio.exceptions import TimeoutError_
from sabio.inference import Handlers, ModelError, PayloadError, status_for
from sabio.serving import _oip
from sabio.serving._metrics import Metrics

__all__ = ["InferenceApp", "Request", "Response"]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

log = logging.getLogger("sabio.serving")
_JSON = b"application/json"
_ZERO_TIMING = b"decode=0.000000;predict=0.000000;encode=0.000000"
INFERENCE_ID_HEADER = b"x-amzn-sagemaker-inference-id"


@dataclass(slots=True)
class Request:
    """One parsed HTTP request.

    Attributes:
        method: ``"GET"``, ``"POST"`` ...
        path: the URL path without the query string.
        headers: lower-case header names → values.
        body: the whole body.
        received: ``time.perf_counter()`` when the request began (for the latency metric).
    """

    method: str
    path: str
    headers: dict[bytes, bytes]
    body: bytes
    received: float


@dataclass(slots=True)
class Response:
    """An answer: status, body, ``Content-Type`` and the ``X-Sabio-Timing`` header value."""

    status: int
    body: bytes
    content_type: bytes = _JSON
    timing: bytes = _ZERO_TIMING


class _Runner:
    """Runs handler calls inline while they are fast, on a thread (with timeout) otherwise.

    A thread hop costs tens of microseconds, a sizeable share of a fast model's request;
    but only a call on a thread can be abandoned at the timeout. Calls start on the thread;
    after ``_WARMUP`` consecutive calls under ``_FAST`` seconds they run inline, and one
    call over ``_SLOW`` seconds sends them back to the thread. Going inline needs fast
    wall time inside the worker thread (a model waiting on I/O stays on the thread);
    going back is decided on the CPU seconds of the call, so a busy machine pre-empting
    the server does not make a fast model look slow.

    Only requests like those measured fast may run inline (:meth:`may_inline`): a body no
    larger than the largest one answered fast on the thread, and never over
    ``_INLINE_MAX_BYTES``. Any other request (a 200,000-column CSV to a model warmed on
    single rows) goes to the thread, where the per-request timeout holds and ``/ping``
    stays answered.
    """

    _WARMUP = 50
    _FAST = 0.005
    _SLOW = 0.05
    _INLINE_MAX_BYTES = 64 * 1024

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.inline = False
        self._fast_calls = 0
        # The largest body answered in under _FAST seconds on the thread, since the last
        # slow call: what "a request like those measured fast" means.
        self._fast_bytes = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sabio-predict")

    def may_inline(self, size: int) -> bool:
        """Whether a request of ``size`` body bytes may run inline (see the class)."""
        return self.inline and size <= self._fast_bytes

    def _slow(self) -> None:
        self.inline, self._fast_calls, self._fast_bytes = False, 0, 0

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call ``fn`` now, on this thread (only while :attr:`inline`)."""
        start = time.thread_time()
        try:
            return fn(*args)
        finally:
            seconds = time.thread_time() - start
            if seconds > self._SLOW:
                self._slow()
                log.warning(
                    "A model call took %.3f s of CPU: calls run on the worker thread again "
                    "(where the per-request timeout applies).",
                    seconds,
                )

    async def run(self, size: int, fn: Callable[..., Any], *args: Any) -> Any:
        """Call ``fn`` on the worker thread, abandoning it after the timeout; ``size`` is the
        request's body size (what a fast answer makes eligible to run inline)."""
        loop = asyncio.get_running_loop()
        try:
            result, seconds = await asyncio.wait_for(
                loop.run_in_executor(self._pool, _timed, fn, args), self.timeout
            )
        except TimeoutError:
            if size <= self._fast_bytes:
                self._slow()  # a request like the fast ones was slow: measure afresh
            raise TimeoutError_(
                f"The model did not answer within {self.timeout:g} s (the per-request "
                "timeout). Send fewer rows per request, or raise the timeout."
            ) from None
        except BaseException:
            self._fast_calls = 0  # a failed call says nothing about speed
            raise
        if seconds < self._FAST:
            self._fast_calls += 1
            if size <= self._INLINE_MAX_BYTES:
                self._fast_bytes = max(self._fast_bytes, size)
        elif seconds > self._SLOW and size <= self._fast_bytes:
            self._slow()  # a request like the fast ones was slow: measure afresh
        else:
            self._fast_calls = 0
        if self._fast_calls >= self._WARMUP:
            self.inline = True
        return result


def _timed(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, float]:
    """``fn(*args)`` and its wall seconds (measured on the thread that runs it)."""
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def _timing(timings: dict[str, float]) -> bytes:
    get = timings.get
    return b"decode=%.6f;predict=%.6f;encode=%.6f" % (
        get("decode", 0.0),
        get("predict", 0.0),
        get("encode", 0.0),
    )


def _text(headers: dict[bytes, bytes], name: bytes, default: str) -> str:
    value = headers.get(name)
    return default if value is None else value.decode("latin-1")


# A model route: (request -> (function, arguments) to run, (request, its result) -> answer).
_ModelRoute = tuple[
    Callable[[Request], tuple[Callable[..., Any], tuple[Any, ...]]],
    Callable[[Request, Any], Response],
]


class InferenceApp:
    """Request logic of a server for one loaded model.

    Args:
        handlers: the model's handlers.
        model: what ``handlers.load_model()`` returned.
        endpoint: endpoint name (labels, v2 model name).
        max_payload_bytes: larger bodies get 413.
        timeout: seconds per request before 504.
        capture: a data-capture writer (``capture(...)``/``close()``) or None.
        execution_parameters: the ``GET /execution-parameters`` answer.
        metrics_dir: folder where the endpoint's workers share their counters (None: this
            process's counters only).
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
        metrics_dir: Path | None = None,
    ) -> None:
        self.handlers = handlers
        self.model = model
        self.endpoint = endpoint
        self.max_payload_bytes = max_payload_bytes
        self.capture = capture
        self.metrics = Metrics(endpoint, metrics_dir)
        if capture is not None and hasattr(capture, "counts"):
            self.metrics.capture = capture.counts
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
        self._get: dict[str, Callable[[], Response]] = {
            "/ping": lambda: Response(200, b"", b"text/plain"),
            "/execution-parameters": lambda: Response(200, self.execution_parameters),
            "/metrics": lambda: Response(200, self.metrics.render(), b"text/plain; version=0.0.4"),
            "/v2/health/ready": lambda: Response(200, b'{"ready": true}'),
            "/v2/health/live": lambda: Response(200, b'{"live": true}'),
            "/v2": lambda: Response(200, b'{"name": "sabio", "version": "1", "extensions": []}'),
            v2: lambda: Response(200, self._metadata()),
            f"{v2}/ready": lambda: Response(200, b'{"ready": true}'),
            f"{v2}/versions/1": lambda: Response(200, self._metadata()),
        }
        infer: _ModelRoute = (self._infer_call, self._infer_answer)
        self._post: dict[str, _ModelRoute] = {
            "/invocations": (self._invocations_call, self._invocations_answer),
            f"{v2}/infer": infer,
            f"{v2}/versions/1/infer": infer,
        }
        # Metric labels: the known routes, both v2 infer paths as one.
        self._labels = {path: path for path in (*self._get, "/invocations")}
        self._labels.update({f"{v2}/infer": "/v2/infer", f"{v2}/versions/1/infer": "/v2/infer"})

    def _metadata(self) -> bytes:
        return json.dumps(_oip.model_metadata(self.endpoint, self.handlers.source)).encode()

    # ------------------------------------------------------------------ answering
    def respond_now(self, request: Request) -> Response | None:
        """The answer, computed on this thread; None when the model call has to run on the
        worker thread (then ``await`` :meth:`respond`)."""
        route = self._post.get(request.path) if request.method == "POST" else None
        if route is None:
            return self._finish(request, self._other(request))
        if not self.runner.may_inline(len(request.body)):
            return None
        try:
            fn, args = route[0](request)
            response = route[1](request, self.runner.call(fn, *args))
        except Exception as exc:
            response = self._failure(exc, request)
        return self._finish(request, response)

    async def respond(self, request: Request) -> Response:
        """The answer, the model call running on the worker thread unless it is fast."""
        now = self.respond_now(request)
        if now is not None:
            return now
        call, answer = self._post[request.path]
        try:
            fn, args = call(request)
            response = answer(request, await self.runner.run(len(request.body), fn, *args))
        except Exception as exc:
            response = self._failure(exc, request)
        return self._finish(request, response)

    def refuse_too_large(self, request: Request, size: int) -> Response:
        """The 413 answer for a request whose body (``size`` bytes) exceeds the limit."""
        return self._finish(request, self._failure(self._too_large(size), request))

    def refuse(self, request: Request, status: int, message: str) -> Response:
        """A client-error answer (``status``, 4xx) decided before the request is handled."""
        return self._finish(request, Response(status, self._error(message)))

    def _finish(self, request: Request, response: Response) -> Response:
        label = self._labels.get(request.path, "other")
        self.metrics.record(label, response.status, time.perf_counter() - request.received)
        return response

    def _other(self, request: Request) -> Response:
        path, method = request.path, request.method
        answer = self._get.get(path)
        if answer is not None and method in ("GET", "HEAD"):
            return answer()
        if answer is not None or path in self._post:
            return self._failure(
                PayloadError(f"Method {method} is not allowed on {path}.", 405), request
            )
        return Response(
            404,
            self._error(
                f"No route {path}: this model server answers /ping, /invocations, "
                "/execution-parameters, /metrics and /v2/..."
            ),
        )

    def _failure(self, exc: Exception, request: Request) -> Response:
        status = status_for(exc)
        if status >= 500:
            log.exception("Error while answering %s %s", request.method, request.path)
        message = (
            str(exc)
            if status < 500 or isinstance(exc, TimeoutError_ | ModelError)
            else f"{type(exc).__name__}: {exc}"
        )
        return Response(status, self._error(message))

    @staticmethod
    def _error(message: str) -> bytes:
        return json.dumps({"error": message}).encode()

    def _too_large(self, size: int) -> PayloadError:
        return PayloadError(
            f"The request body ({size} bytes) is larger than this endpoint's limit "
            f"({self.max_payload_bytes} bytes = max_payload). Send fewer rows per request.",
            413,
        )

    # ---------------------------------------------------------------- model routes
    def _invocations_call(self, request: Request) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        content_type = _text(request.headers, b"content-type", "application/json")
        accept = _text(request.headers, b"accept", "*/*")
        return self.handlers.invoke, (self.model, request.body, content_type, accept)

    def _invocations_answer(self, request: Request, result: Any) -> Response:
        out, out_type, timings = result
        self.metrics.record_steps(timings)
        if self.capture is not None:
            try:
                self.capture.capture(
                    request_body=request.body,
                    request_content_type=_text(
                        request.headers, b"content-type", "application/json"
                    ),
                    response_body=out,
                    response_content_type=out_type,
                    inference_id=request.headers.get(INFERENCE_ID_HEADER, b"").decode("latin-1")
                    or None,
                )
            except Exception:  # capture must never fail a prediction
                log.exception("Data capture failed")
        return Response(200, out, out_type.encode(), _timing(timings))

    def _infer_call(self, request: Request) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        # Decoding runs with the prediction (on the thread unless inline): a large body
        # must not be parsed on the event loop, outside the timeout.
        return self._infer_run, (request.body,)

    def _infer_run(self, body: bytes) -> tuple[bytes, Any]:
        start = time.perf_counter()
        data, request_id = _oip.parse_infer(body)
        decode = time.perf_counter() - start
        t0 = time.perf_counter()
        prediction = self.handlers.predict(self.model, data)
        t1 = time.perf_counter()
        answer = _oip.infer_answer(self.endpoint, request_id, prediction)
        timings = {"decode": decode, "predict": t1 - t0, "encode": time.perf_counter() - t1}
        return answer, timings

    def _infer_answer(self, request: Request, result: Any) -> Response:
        answer, timings = result
        self.metrics.record_steps(timings)
        return Response(200, answer, _JSON, _timing(timings))

    # ------------------------------------------------------------------------ ASGI
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app as an ASGI application (HTTP only)."""
        if scope["type"] != "http":
            return
        request = Request(
            scope["method"], scope["path"], dict(scope["headers"]), b"", time.perf_counter()
        )
        size = await self._read_body(request, receive)
        if size > self.max_payload_bytes:
            response = self.refuse_too_large(request, size)
        else:
            response = await self.respond(request)
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": [
                    (b"content-type", response.content_type),
                    (b"content-length", str(len(response.body)).encode()),
                    (b"x-sabio-timing", response.timing),
                ],
            }
        )
        await send({"type": "http.response.body", "body": response.body})

    async def _read_body(self, request: Request, receive: Receive) -> int:
        """Read the body into ``request``; returns its size (the declared one when that is
        already over the limit, the bytes seen once they exceed it)."""
        declared = request.headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_payload_bytes:
            return int(declared)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_payload_bytes:
                return size
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        request.body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return size
