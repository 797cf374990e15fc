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
discarded), 400 for malformed requests, and a graceful stop on SIGTERM/SIGINT: stop
accepting, close idle connections, finish the requests in flight (answering them with
``Connection: close``), then return.

Hostile clients are bounded by :class:`~sabio.serving._spec.HttpLimits`: URL (414) and
request head (431) sizes are counted as the bytes arrive and refused before more is
parsed (httptools joins a header's pieces by concatenation, which is quadratic in a huge
header; refusing at the limit keeps that cost tiny); a request head must arrive within a
timeout and a whole request within another (408, closed: a half-sent request cannot hold
a connection); an idle kept-alive connection is closed; at the connection cap the
longest-idle connection makes room, or the new one gets 503. ``Host`` headers that do not
name this server get 403 (:mod:`sabio.serving._hosts`).
"""

from __future__ import annotations

import asyncio
import http
import time
from collections import deque
from typing import cast
from urllib.parse import unquote

import httptools

from sabio.serving._app import InferenceApp, Request, Response
from sabio.serving._hosts import HostCheck
from sabio.serving._spec import HttpLimits

__all__ = ["State", "connection_factory", "sweep"]

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


def _refusal(status: int, message: str) -> bytes:
    """A complete answer that closes the connection, for a request that is not parsed."""
    body = InferenceApp._error(message)
    return _head(Response(status, body), close=True) + body


class State:
    """What the connections of one server share."""

    def __init__(
        self,
        app: InferenceApp,
        loop: asyncio.AbstractEventLoop,
        limits: HttpLimits,
        hosts: HostCheck,
        max_connections: int,
    ) -> None:
        self.app = app
        self.loop = loop
        self.limits = limits
        self.hosts = hosts
        self.max_connections = max_connections
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

    def __init__(self, state: State) -> None:
        self.state = state
        self.app = state.app
        self.limit = state.app.max_payload_bytes
        self.limits = state.limits
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        # (request, keep the connection open after it, its refusal when it is refused)
        self.queue: deque[tuple[Request, bool, Response | None]] = deque()
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
        self._began_at = 0.0  # time.monotonic() of that first byte
        # The request head (request line and headers) being received and its size so far.
        self._in_head = True
        self._head_size = 0
        self._header_count = 0

    # ------------------------------------------------------------ asyncio protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        state = self.state
        if len(state.connections) >= state.max_connections and not _make_room(state):
            # Refuse this one at once: its descriptor is freed now, not held by a client.
            self.transport.write(
                _refusal(
                    503,
                    f"This model server has {len(state.connections)} open connections, its "
                    "limit (max_connections): try again shortly, reuse connections, or raise "
                    "the limit.",
                )
            )
            self.transport.close()
            return
        state.connections.add(self)  # (uvloop and asyncio set TCP_NODELAY themselves)

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
        if self._closing():
            return  # refused already: parse nothing more
        if self._in_head:
            # Count head bytes before parsing them; past the limit, parse only up to it:
            # either the head ends there, or the request is refused without reading on.
            room = self.limits.max_header_bytes - self._head_size
            if len(data) > room:
                self._feed(data[:room])
                if self._closing():
                    return
                if self._in_head:
                    self._reject(
                        f"The request head (request line and headers) is larger than this "
                        f"endpoint's limit ({self.limits.max_header_bytes} bytes). Send "
                        "smaller headers.",
                        431,
                    )
                    return
                data = data[room:]
            else:
                self._head_size += len(data)
        self._feed(data)

    def _feed(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            refused = exc.__context__
            if isinstance(refused, _Refused):
                self._reject(refused.message, refused.status)
            else:
                raise
        except httptools.HttpParserUpgrade:
            self._reject("Protocol upgrades are not supported by this model server.")
        except httptools.HttpParserError as exc:
            self._reject(f"Malformed HTTP request: {exc}.")

    def _reject(self, message: str, status: int = 400) -> None:
        """Answer ``status`` (unless earlier answers are still due) and close."""
        if self._closing():
            return
        if not self.queue and not self.busy:
            self._send(_refusal(status, message))
            self.app.metrics.record("other", status, time.perf_counter() - self._began)
        self._close()

    def timed_out(self, now: float) -> bool:
        """Close the connection with 408 if the request being received is overdue."""
        if not self._receiving:
            return False
        limits = self.limits
        if self._in_head and now - self._began_at > limits.header_timeout_seconds:
            what = f"its head did not arrive within {limits.header_timeout_seconds:g} s"
        elif now - self._began_at > limits.read_timeout_seconds:
            what = f"it did not arrive within {limits.read_timeout_seconds:g} s"
        else:
            return False
        self._reject(f"Request timed out: {what}. The connection is closed.", 408)
        if self.transport is not None and not self.out:
            self.transport.close()
        return True

    # ------------------------------------------------------------ httptools callbacks
    def on_message_begin(self) -> None:
        self._receiving = True
        self._began_at = time.monotonic()
        self._url, self._headers, self._chunks = b"", {}, []
        self._size, self._over, self._began = 0, None, time.perf_counter()
        self._header_count = 0

    def on_url(self, url: bytes) -> None:
        self._url += url
        if len(self._url) > self.limits.max_url_bytes:
            raise _Refused(
                414,
                f"The request URL is longer than this endpoint's limit "
                f"({self.limits.max_url_bytes} bytes).",
            )

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > self.limits.max_headers:
            raise _Refused(
                431,
                f"The request has more headers than this endpoint's limit "
                f"({self.limits.max_headers}).",
            )
        self._headers[name.lower()] = value

    def on_headers_complete(self) -> None:
        self._in_head = False
        declared = self._headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            self._over = int(declared)
        expects = self._headers.get(b"expect", b"").lower() == b"100-continue"
        # A body a little over the limit is read and discarded (the connection stays
        # usable); a far larger one is refused at once, not read for minutes.
        huge = self._over is not None and self._over > 2 * self.limit + 1024 * 1024
        if not expects and not huge:
            return
        if self._closing():
            return
        if self._over is None:
            if not self.queue and not self.busy:
                self._send(_CONTINUE)
            return
        # Refuse before the client sends the body (it asked about, or is far too large),
        # then close: whether it sends the body anyway is up to the client.
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
        self._in_head, self._head_size = True, 0
        transport = self.transport
        if transport is None or self._closing():
            return
        request = self._request()
        refusal: Response | None = None
        host = self._headers.get(b"host")
        if not self.state.hosts.allows(host):
            refusal = self.app.refuse(request, 403, self.state.hosts.message(host or b""))
        elif self._over is not None:
            refusal = self.app.refuse_too_large(request, self._over)
        self.queue.append((request, bool(self.parser.should_keep_alive()), refusal))
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
            request, keep_alive, refusal = self.queue[0]
            response = refusal if refusal is not None else self.app.respond_now(request)
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


class _Refused(Exception):
    """Raised from a parser callback to refuse the request with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _make_room(state: State) -> bool:
    """Close the longest-idle connection to make room for a new one; False if none is
    idle (every connection is receiving, waiting for or writing an answer)."""
    oldest: _Connection | None = None
    for connection in state.connections:
        if connection.idle and (oldest is None or connection.last_active < oldest.last_active):
            oldest = connection
    if oldest is None or oldest.transport is None:
        return False
    state.connections.discard(oldest)
    oldest.transport.close()
    return True


async def sweep(state: State) -> None:
    """Every second: close kept-alive connections idle for longer than the keep-alive
    timeout and connections whose request is overdue, and publish the app's new counts
    to the other workers."""
    keep_alive = state.limits.keep_alive_seconds
    while True:
        await asyncio.sleep(1.0)
        state.app.metrics.publish_pending()
        now = time.monotonic()
        for connection in list(state.connections):
            if connection.timed_out(now):
                continue
            idle = connection.idle and connection.last_active < now - keep_alive
            if idle and connection.transport is not None:
                connection.transport.close()


def connection_factory(state: State) -> asyncio.Protocol:
    """A new connection of the server whose shared state is ``state``."""
    return _Connection(state)
