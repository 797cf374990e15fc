"""sabio's HTTP/1.1 server over real sockets: keep-alive, pipelining, chunked bodies,
Expect: 100-continue, the body limit, malformed requests, slow models and graceful stop."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sabio.inference import load_handlers
from sabio.serving._app import InferenceApp
from sabio.serving._http_server import HttpServer

try:
    from tests.inference._models import user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import user_model  # type: ignore[no-redef]

SLOW_INFERENCE = """
import time

import numpy as np


def model_fn(model_dir):
    return None


def predict_fn(data, model):
    data = np.asarray(data, dtype=float)
    if data[0, 0] < 0:
        time.sleep(-data[0, 0])  # a negative first value: sleep that many seconds
    return data.sum(axis=1)
"""


class Served:
    """A server on a loopback port, run on a background thread."""

    def __init__(self, app: InferenceApp) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.server = HttpServer(app, self.sock, grace=5.0)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"handle_signals": False}, daemon=True
        )
        self.thread.start()
        self.clients: list[socket.socket] = []

    def connect(self) -> socket.socket:
        conn = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.clients.append(conn)
        return conn

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=15)
        self.sock.close()
        for conn in self.clients:
            conn.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    handlers = load_handlers(user_model(tmp_path / "m", SLOW_INFERENCE))
    app = InferenceApp(handlers, handlers.load_model(), endpoint="ep", max_payload_bytes=1000)
    running = Served(app)
    yield running
    running.stop()
    assert not running.thread.is_alive()


def post(body: bytes, *, extra: bytes = b"", path: bytes = b"/invocations") -> bytes:
    return (
        b"POST " + path + b" HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body
    )


def read_response(conn: socket.socket, buffer: bytearray) -> tuple[int, dict[str, str], bytes]:
    """Read one response off ``conn`` (leftover bytes stay in ``buffer``)."""
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a full response head: {bytes(buffer)!r}")
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the full body")
        rest += chunk
    buffer[:] = rest[length:]
    return status, headers, rest[:length]


def closed(conn: socket.socket) -> bool:
    conn.settimeout(5)
    try:
        return conn.recv(1) == b""
    except ConnectionResetError:
        return True


def test_http_keep_alive_and_pipelining_answer_in_order(served: Served) -> None:
    conn = served.connect()
    buffer = bytearray()
    conn.sendall(post(b"1,2"))
    assert read_response(conn, buffer)[2] == b"[3.0]"
    # Three pipelined requests in one write; the first is slow (on the worker thread).
    conn.sendall(
        post(b"-0.3,0") + post(b"5,5") + b"GET /ping?probe=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    first, second, third = (read_response(conn, buffer) for _ in range(3))
    assert first[0] == 200 and first[2] == b"[-0.3]"
    assert second[2] == b"[10.0]"
    assert third[0] == 200 and third[1]["content-type"] == "text/plain"
    assert "connection" not in third[1]  # kept alive
    conn.close()


def test_http_pipelined_answers_keep_their_order_up_to_a_close(served: Served) -> None:
    # Answers computed in one loop iteration are written together: order and closes hold,
    # whether the model runs on the worker thread (first calls) or inline (after them).
    conn = served.connect()
    buffer = bytearray()
    conn.sendall(b"".join(post(b"%d,1" % i) for i in range(60)))
    assert [read_response(conn, buffer)[2] for _ in range(60)] == [
        b"[%d.0]" % (i + 1) for i in range(60)
    ]
    assert served.server.app.runner.inline  # fast calls now run in the protocol callback
    conn.sendall(post(b"1,1") + post(b"2,2", extra=b"Connection: close\r\n") + post(b"3,3"))
    first, second = read_response(conn, buffer), read_response(conn, buffer)
    assert first[2] == b"[2.0]" and "connection" not in first[1]
    assert second[2] == b"[4.0]" and second[1]["connection"] == "close"
    assert closed(conn) and not buffer  # the request after the close is not answered
    conn = served.connect()
    buffer = bytearray()
    conn.sendall(post(b"1,1") + b"NOT HTTP AT ALL\r\n\r\n")
    assert read_response(conn, buffer)[2] == b"[2.0]"
    status, headers, _ = read_response(conn, buffer)
    assert status == 400 and headers["connection"] == "close"
    assert closed(conn)


def test_http_chunked_body_and_expect_continue(served: Served) -> None:
    conn = served.connect()
    buffer = bytearray()
    conn.sendall(
        b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\n1,\r\n1\r\n4\r\n0\r\n\r\n"
    )
    assert read_response(conn, buffer)[2] == b"[5.0]"
    conn.sendall(
        b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
        b"Content-Length: 3\r\nExpect: 100-continue\r\n\r\n"
    )
    assert read_response(conn, buffer)[0] == 100
    conn.sendall(b"2,2")
    assert read_response(conn, buffer)[2] == b"[4.0]"
    conn.close()


def test_http_body_limit_refuses_without_reading_or_losing_the_connection(
    served: Served,
) -> None:
    conn = served.connect()
    buffer = bytearray()
    # Declared too large: answered 413, the body read and discarded, the connection reusable.
    conn.sendall(post(b"1," * 600 + b"1"))
    status, _, body = read_response(conn, buffer)
    assert status == 413 and b"max_payload" in body
    conn.sendall(post(b"1,1"))
    assert read_response(conn, buffer)[2] == b"[2.0]"
    # A chunked body that grows past the limit.
    chunk = b"1," * 300
    conn.sendall(
        b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
        + (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 3
        + b"1\r\n1\r\n0\r\n\r\n"
    )
    assert read_response(conn, buffer)[0] == 413
    conn.close()
    # Too large with Expect: 100-continue: refused at once, before the body, then closed.
    conn = served.connect()
    buffer = bytearray()
    conn.sendall(
        b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
        b"Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n"
    )
    status, headers, _ = read_response(conn, buffer)
    assert status == 413 and headers["connection"] == "close"
    assert closed(conn)


def test_http_malformed_request_is_400_and_closed(served: Served) -> None:
    conn = served.connect()
    buffer = bytearray()
    conn.sendall(b"THIS IS NOT HTTP\r\n\r\n")
    status, headers, body = read_response(conn, buffer)
    assert status == 400 and b"Malformed HTTP request" in body
    assert headers["connection"] == "close"
    assert closed(conn)


def test_http_head_http10_and_bad_payload(served: Served) -> None:
    conn = served.connect()
    buffer = bytearray()
    conn.sendall(b"HEAD /ping HTTP/1.1\r\nHost: localhost\r\n\r\n")
    status, headers, body = read_response(conn, buffer)
    assert status == 200 and body == b""
    conn.sendall(post(b"a,b"))
    status, _, body = read_response(conn, buffer)
    assert status == 400 and b"not a number" in body
    conn.close()
    # HTTP/1.0 without keep-alive: one answer, then the server closes.
    conn = served.connect()
    buffer = bytearray()
    conn.sendall(b"GET /ping HTTP/1.0\r\n\r\n")
    status, headers, _ = read_response(conn, buffer)
    assert status == 200 and headers["connection"] == "close"
    assert closed(conn)


def test_http_stop_finishes_requests_in_flight_and_closes_idle_connections(
    served: Served,
) -> None:
    idle = served.connect()
    busy = served.connect()
    buffer = bytearray()
    busy.sendall(post(b"-1,0"))  # one second on the worker thread
    time.sleep(0.2)
    stopper = threading.Thread(target=served.stop)
    stopper.start()
    status, headers, body = read_response(busy, buffer)
    assert status == 200 and body == b"[-1.0]"
    assert headers["connection"] == "close"
    assert closed(busy)
    assert closed(idle)
    stopper.join(timeout=15)
    with pytest.raises(OSError):
        served.connect()  # no longer accepting
