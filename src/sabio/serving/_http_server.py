"""The listening side of a model worker's HTTP server: the event loop, signals, the
supervisor watch, the connection cap and the graceful stop (the protocol itself is
:mod:`sabio.serving._http`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import socket
import time

from sabio.serving._app import InferenceApp
from sabio.serving._hosts import HostCheck
from sabio.serving._http import State, connection_factory, sweep
from sabio.serving._spec import HttpLimits

__all__ = ["HttpServer", "serve_forever"]


class HttpServer:
    """Serves one :class:`InferenceApp` on a listening socket until stopped.

    Args:
        app: the request logic.
        sock: a bound, listening socket (other worker processes may share it).
        grace: seconds requests in flight get to finish once a stop is asked for.
        limits: request and connection bounds (the connection cap is lowered to what the
            process's open-file limit leaves room for).
        watch_fd: a pipe whose other end the endpoint's supervisor holds: when it reads
            end-of-file (the supervisor died, even by SIGKILL) the server stops.
    """

    def __init__(
        self,
        app: InferenceApp,
        sock: socket.socket,
        *,
        grace: float = 30.0,
        limits: HttpLimits | None = None,
        watch_fd: int | None = None,
    ) -> None:
        self.app = app
        self.sock = sock
        self.grace = grace
        self.limits = limits or HttpLimits()
        self.watch_fd = watch_fd
        #: Why the server stopped on its own (None: asked to stop).
        self.orphaned = False
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
        bound = self.sock.getsockname()[0] if self.sock.family != socket.AF_UNIX else ""
        state = State(
            self.app,
            loop,
            self.limits,
            HostCheck(str(bound), self.limits.allowed_hosts),
            _connection_cap(self.limits.max_connections),
        )
        server = await loop.create_server(
            lambda: connection_factory(state), sock=self.sock, backlog=2048
        )
        self._stop = stop = asyncio.Event()
        self._loop = loop
        if self._stop_asked:
            stop.set()
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
        if self.watch_fd is not None:
            loop.add_reader(self.watch_fd, self._watched, stop)
        sweeper = loop.create_task(sweep(state))
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
            if self.watch_fd is not None:
                loop.remove_reader(self.watch_fd)

    def _watched(self, stop: asyncio.Event) -> None:
        """The supervisor's pipe is readable: end-of-file means it is gone."""
        try:
            data = os.read(self.watch_fd or 0, 64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.orphaned = True
            stop.set()


def _connection_cap(wanted: int) -> int:
    """``wanted``, lowered to leave descriptors for the model and the logs (a worker that
    runs out of them fails every request, /ping included)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - 64))


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # not on Windows: the standard loop works, a little slower
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def serve_forever(
    app: InferenceApp,
    sock: socket.socket,
    *,
    grace: float = 30.0,
    limits: HttpLimits | None = None,
    watch_fd: int | None = None,
) -> bool:
    """Serve ``app`` on the listening ``sock`` until SIGTERM or SIGINT (or end-of-file on
    ``watch_fd``), then stop gracefully (requests in flight get up to ``grace`` seconds to
    finish). Returns True when it stopped because ``watch_fd`` was closed."""
    server = HttpServer(app, sock, grace=grace, limits=limits, watch_fd=watch_fd)
    server.run()
    return server.orphaned
