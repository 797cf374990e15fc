"""The HTTP/1.1 server of a model worker: httptools parsing on an asyncio (uvloop) loop.

Why not uvicorn: per request it creates an asyncio task and ASGI message dicts and checks
every header against regular expressions, about 0.1 ms on a 2-core laptop, which is more
than a small model takes to predict. This server hands each complete request to
:meth:`InferenceApp.respond_now` straight from the protocol callback; only a slow model's
request becomes a task (its model call runs on the app's worker thread, under the
per-request timeout).

Answers are written at the end of the event-loop iteration that computed them, one write
per connection: the requests that arrived together (from several connections, or
pipelined on one) go back together. Writing each answer as soon as it is ready wakes the
client once per answer, and a wake-up (an interrupt to another core; a VM exit on a
virtual machine) costs as much as a small model's prediction: under load, this halves the
kernel time per request. An idle server answers as before, a loop callback later.

HTTP handled: keep-alive (HTTP/1.1 default, ``Connection`` headers honoured), pipelined
requests (answered in order; reading pauses when too many queue up), chunked request
bodies, ``Expect: 100-continue``, ``HEAD``, the body size limit (refused from the declared
``Content-Length`` before reading, or as soon as a chunked body passes it; the body is
discarded), a keep-alive idle timeout, 400 for malformed requests, and a graceful stop on
SIGTERM/SIGINT: stop accepting, close idle connections, finish the requests in flight
(answering them with ``Connection: close``), then return.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import signal
import socket
import time
from collections import deque
from typing import cast
from urllib.parse import unquote

import httptools

from sabio.serving._app import InferenceApp, Request, Response

__all__ = ["KEEP_ALIVE_SECONDS", "HttpServer", "serve_forever"]

#: An idle kept-alive connection is closed after this many seconds.
KEEP_ALIVE_SECONDS = 5.0
#: Requests queued on one connection (pipelining) before it stops reading.
MAX_QUEUED = 32

_PHRASES = {status.value: status.phrase.encode() for status in http.HTTPStatus}
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


_HEAD = b"HTTP/1.1 %d %s\r\ncontent-type: %s\r\ncontent-length: %d\r\nx-sabio-timing: %s\r\n%s\r\n"


def _head(response: Response, close: bool) -> bytes:
    return _HEAD % (
        response.status,
        _PHRASES.get(response.status, b"Unknown"),
        response.content_type,
        len(response.body),
        response.timing,
        b"connection: close\r\n" if close else b"",
    )


class _State:
    """What the connections of one server share."""

    def __init__(self, app: InferenceApp, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop
        self.connections: set[_Connection] = set()
        self.stopping = False
        self.unsent: list[_Connection] = []  # connections with output to flush
        self.flush_scheduled = False

    def flush(self) -> None:
        """Write the output of every connection that has some (a loop callback)."""
        self.flush_scheduled = False
        unsent, self.unsent = self.unsent, []
        for connection in unsent:
            connection.flush()


class _Connection(asyncio.Protocol):
    """One client connection: parses requests, answers them in order."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.app = state.app
        self.limit = state.app.max_payload_bytes
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        # (request, keep the connection open after it, body size when over the limit)
        self.queue: deque[tuple[Request, bool, int | None]] = deque()
        self.busy = False  # a task is answering the head of the queue
        self.paused = False
        self.out: list[bytes] = []  # written at the end of this loop iteration
        self.close_after_out = False
        self.last_active = time.monotonic()
        # The message being parsed.
        self._url = b""
        self._headers: dict[bytes, bytes] = {}
        self._chunks: list[bytes] = []
        self._size = 0
        self._over: int | None = None
        self._began = 0.0
        self._receiving = False  # between the first byte of a request and its end

    # ------------------------------------------------------------ asyncio protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.state.connections.add(self)  # (uvloop and asyncio set TCP_NODELAY themselves)

    def connection_lost(self, exc: Exception | None) -> None:
        self.state.connections.discard(self)
        self.queue.clear()
        self.out.clear()

    # ------------------------------------------------------------------ output
    def _send(self, data: bytes) -> None:
        """Queue ``data`` for the flush at the end of this loop iteration."""
        if not self.out:
            state = self.state
            state.unsent.append(self)
            if not state.flush_scheduled:
                state.flush_scheduled = True
                state.loop.call_soon(state.flush)
        self.out.append(data)

    def _closing(self) -> bool:
        """The connection is gone or closes once its queued output is written."""
        transport = self.transport
        return transport is None or transport.is_closing() or self.close_after_out

    def _close(self) -> None:
        """Close the connection once its queued output is written."""
        transport = self.transport
        if self.out:
            self.close_after_out = True
        elif transport is not None:
            transport.close()

    def flush(self) -> None:
        """Write the queued output (and close the connection when that was asked for)."""
        out, self.out = self.out, []
        transport = self.transport
        if transport is None or transport.is_closing() or not out:
            return
        if len(out) == 1:
            transport.write(out[0])
        else:
            transport.writelines(out)
        if self.close_after_out:
            transport.close()

    def data_received(self, data: bytes) -> None:
        self.last_active = time.monotonic()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._reject("Protocol upgrades are not supported by this model server.")
        except httptools.HttpParserError as exc:
            self._reject(f"Malformed HTTP request: {exc}.")

    def _reject(self, message: str) -> None:
        if self._closing():
            return
        if not self.queue and not self.busy:
            response = Response(400, InferenceApp._error(message))
            self._send(_head(response, close=True) + response.body)
        self._close()

    # ------------------------------------------------------------ httptools callbacks
    def on_message_begin(self) -> None:
        self._receiving = True
        self._url, self._headers, self._chunks = b"", {}, []
        self._size, self._over, self._began = 0, None, time.perf_counter()

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.lower()] = value

    def on_headers_complete(self) -> None:
        declared = self._headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            self._over = int(declared)
        if self._headers.get(b"expect", b"").lower() != b"100-continue":
            return
        if self._closing():
            return
        if self._over is None:
            if not self.queue and not self.busy:
                self._send(_CONTINUE)
            return
        # Refuse before the client sends the body it asked about, then close: whether it
        # sends the body anyway is up to the client.
        request = self._request()
        response = self.app.refuse_too_large(request, self._over)
        if not self.queue and not self.busy:
            self._send(_head(response, close=True) + response.body)
        self._close()

    def on_body(self, body: bytes) -> None:
        if self._over is not None:
            return  # discarded
        self._size += len(body)
        if self._size > self.limit:
            self._over, self._chunks = self._size, []
            return
        self._chunks.append(body)

    def on_message_complete(self) -> None:
        self._receiving = False
        transport = self.transport
        if transport is None or self._closing():
            return
        request = self._request()
        self.queue.append((request, bool(self.parser.should_keep_alive()), self._over))
        if len(self.queue) > MAX_QUEUED and not self.paused:
            transport.pause_reading()
            self.paused = True
        if not self.busy:
            self._drain()

    def _request(self) -> Request:
        url = self._url
        if not url.startswith(b"/"):  # absolute form (http://host/path)
            url = httptools.parse_url(url).path or b"/"
        path = url.split(b"?", 1)[0].decode("latin-1")
        if "%" in path:
            path = unquote(path)
        chunks = self._chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return Request(
            self.parser.get_method().decode("ascii"), path, self._headers, body, self._began
        )

    # ------------------------------------------------------------------ answering
    def _drain(self) -> None:
        """Answer queued requests in order until one has to wait for the model thread."""
        while self.queue and not self.busy:
            request, keep_alive, over = self.queue[0]
            if over is not None:
                response: Response | None = self.app.refuse_too_large(request, over)
            else:
                response = self.app.respond_now(request)
            if response is None:
                self.busy = True
                self.state.loop.create_task(self._answer_later(request, keep_alive))
                return
            self.queue.popleft()
            self._write(request, response, keep_alive)
        if self.paused and self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()
            self.paused = False

    async def _answer_later(self, request: Request, keep_alive: bool) -> None:
        try:
            response = await self.app.respond(request)
        finally:
            self.busy = False
        if self.queue:
            self.queue.popleft()
            self._write(request, response, keep_alive)
            self._drain()

    def _write(self, request: Request, response: Response, keep_alive: bool) -> None:
        if self._closing():
            return
        close = not keep_alive or self.state.stopping
        head = _head(response, close)
        if request.method == "HEAD":
            self._send(head)
        elif len(response.body) < 65536:
            self._send(head + response.body)
        else:
            self._send(head)
            self._send(response.body)
        self.last_active = time.monotonic()
        if close:
            self._close()

    @property
    def idle(self) -> bool:
        """No request being received, queued, answered or written."""
        return not self.queue and not self.busy and not self._receiving and not self.out


async def _sweep_idle(state: _State) -> None:
    """Every second: close kept-alive connections idle for longer than
    :data:`KEEP_ALIVE_SECONDS` and publish the app's new counts to the other workers."""
    while True:
        await asyncio.sleep(1.0)
        state.app.metrics.publish_pending()
        cutoff = time.monotonic() - KEEP_ALIVE_SECONDS
        for connection in list(state.connections):
            idle = connection.idle and connection.last_active < cutoff
            if idle and connection.transport is not None:
                connection.transport.close()


class HttpServer:
    """Serves one :class:`InferenceApp` on a listening socket until stopped.

    Args:
        app: the request logic.
        sock: a bound, listening socket (other worker processes may share it).
        grace: seconds requests in flight get to finish once a stop is asked for.
    """

    def __init__(self, app: InferenceApp, sock: socket.socket, *, grace: float = 30.0) -> None:
        self.app = app
        self.sock = sock
        self.grace = grace
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stop_asked = False

    def run(self, *, handle_signals: bool = True) -> None:
        """Serve until :meth:`stop` (or SIGTERM/SIGINT when ``handle_signals``; main
        thread only), then stop gracefully."""
        loop = _new_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(loop, handle_signals))
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    def stop(self) -> None:
        """Ask the server to stop (from any thread)."""
        self._stop_asked = True
        loop, event = self._loop, self._stop
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                loop.call_soon_threadsafe(event.set)

    async def _serve(self, loop: asyncio.AbstractEventLoop, handle_signals: bool) -> None:
        state = _State(self.app, loop)
        server = await loop.create_server(lambda: _Connection(state), sock=self.sock, backlog=2048)
        self._stop = stop = asyncio.Event()
        self._loop = loop
        if self._stop_asked:
            stop.set()
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
        sweeper = loop.create_task(_sweep_idle(state))
        try:
            await stop.wait()
        finally:
            # Stop accepting (the other workers keep the shared socket), answer what is
            # in flight with Connection: close, and close idle connections.
            server.close()
            state.stopping = True
            deadline = time.monotonic() + self.grace
            while state.connections and time.monotonic() < deadline:
                for connection in list(state.connections):
                    if connection.idle and connection.transport is not None:
                        connection.transport.close()
                await asyncio.sleep(0.01)
            for connection in list(state.connections):
                if connection.transport is not None:
                    connection.transport.abort()
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # not on Windows: the standard loop works, a little slower
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def serve_forever(app: InferenceApp, sock: socket.socket, *, grace: float = 30.0) -> None:
    """Serve ``app`` on the listening ``sock`` until SIGTERM or SIGINT, then stop
    gracefully (requests in flight get up to ``grace`` seconds to finish)."""
    HttpServer(app, sock, grace=grace).run()
