"""Endpoint soak: one endpoint under good, bad (malformed) and slow (slowloris) clients.

For ``--seconds`` (default 300) it runs, at once: good clients checking every answer
against the model (a dot product), bad clients sending malformed HTTP, bad payloads,
oversized heads/URLs/bodies and foreign ``Host`` headers (each must get a 4xx, never a
5xx), slow clients holding half-sent requests, and a ``/ping`` probe on fresh connections.
It prints wrong answers (must be 0), 5xx for client errors (must be 0), the worker's
resident memory at the start and the end, and ``/ping`` p50/p99.

    python bench/bench_endpoint_soak.py [--seconds 300]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

INFERENCE = """
import numpy as np

def model_fn(model_dir):
    return np.asarray([1.0, 2.0, 3.0])

def predict_fn(data, model):
    return np.asarray(data, dtype=float) @ model
"""

BAD_REQUESTS = [
    b"GARBAGE\r\n\r\n",
    b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
    b"Content-Length: 5\r\n\r\na,b,c",
    b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
    b"Content-Length: 3\r\n\r\n1,2",
    b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    b"Content-Length: 4\r\n\r\n[[1,",
    b"GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
    b"GET /" + b"u" * 20_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
    b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
    b"Content-Length: 99999999\r\n\r\n",
    b"POST /invocations HTTP/1.1\r\nHost: rebind.example\r\nContent-Type: text/csv\r\n"
    b"Content-Length: 5\r\n\r\n1,2,3",
    b"GET /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n",
]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.good = 0
        self.wrong = 0
        self.good_failed = 0
        self.bad = 0
        self.bad_5xx = 0
        self.bad_no_answer = 0
        self.slow = 0
        self.pings: list[float] = []
        self.ping_failed = 0


def read_status(conn: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(head.split()[1]), body[:length]


def good_client(port: int, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    while not stop.is_set():
        row = [rng.randint(-1000, 1000) for _ in range(3)]
        body = ",".join(map(str, row)).encode()
        request = (
            b"POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
            b"Accept: text/csv\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        )
        try:
            conn.sendall(request)
            status, answer = read_status(conn)
        except OSError:  # an idle-closed connection: reconnect and count nothing
            conn.close()
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            continue
        with tally.lock:
            if status != 200:
                tally.good_failed += 1
            elif float(answer) != row[0] + 2 * row[1] + 3 * row[2]:
                tally.wrong += 1
            else:
                tally.good += 1
    conn.close()


def bad_client(port: int, stop: threading.Event, tally: Tally) -> None:
    while not stop.is_set():
        for request in BAD_REQUESTS:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
                try:
                    conn.sendall(request)
                    status, _ = read_status(conn)
                except OSError:
                    with tally.lock:
                        tally.bad_no_answer += 1
                    continue
            with tally.lock:
                tally.bad += 1
                tally.bad_5xx += status >= 500
        time.sleep(0.01)


def slow_client(port: int, stop: threading.Event, tally: Tally) -> None:
    held: list[socket.socket] = []
    while not stop.is_set():
        while len(held) < 50:
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            conn.sendall(b"POST /invocations HTTP/1.1\r\nHost: localhost\r\n")
            held.append(conn)
        for conn in list(held):
            try:
                conn.sendall(b"X")  # a byte a second: never a whole header
            except OSError:  # closed by the header timeout, as it should
                held.remove(conn)
                conn.close()
                with tally.lock:
                    tally.slow += 1
        stop.wait(1.0)
    for conn in held:
        conn.close()


def pinger(port: int, stop: threading.Event, tally: Tally) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
                conn.sendall(b"GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n")
                status, _ = read_status(conn)
            ok = status == 200
        except OSError:
            ok = False
        with tally.lock:
            if ok:
                tally.pings.append(time.perf_counter() - start)
            else:
                tally.ping_failed += 1
        stop.wait(0.05)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=300.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sabio-bench-soak-"))
    os.environ["SABIO_HOME"] = str(work / "home")
    (work / "model" / "code").mkdir(parents=True)
    (work / "model" / "code" / "inference.py").write_text(INFERENCE)

    from sabio import serving
    from sabio._config import load_settings
    from sabio.inference import ModelSpec

    settings = load_settings()
    serving.create_model(settings, "soak", ModelSpec(model_data_url=str(work / "model")))
    record = serving.create_endpoint(settings, "soak", "soak")
    port, (worker,) = record.details["Port"], record.details["Workers"]
    tally, stop = Tally(), threading.Event()
    threads = [
        *(threading.Thread(target=good_client, args=(port, stop, tally, i)) for i in range(2)),
        threading.Thread(target=bad_client, args=(port, stop, tally)),
        threading.Thread(target=slow_client, args=(port, stop, tally)),
        threading.Thread(target=pinger, args=(port, stop, tally)),
    ]
    try:
        time.sleep(2.0)
        rss_start = rss_kib(worker)
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        rss_end = rss_kib(worker)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        serving.delete_endpoint(settings, "soak")
        shutil.rmtree(work, ignore_errors=True)
    pings = sorted(tally.pings)
    p99 = pings[min(len(pings) - 1, int(len(pings) * 0.99))] if pings else float("nan")
    rows = [
        ("duration (s)", f"{args.seconds:g}"),
        ("good answers", tally.good),
        ("wrong answers (must be 0)", tally.wrong),
        ("good requests not 200", tally.good_failed),
        ("bad requests answered", tally.bad),
        ("5xx for client errors (must be 0)", tally.bad_5xx),
        ("bad requests without an answer", tally.bad_no_answer),
        ("slowloris connections closed by the server", tally.slow),
        ("worker RSS start / end (MiB)", f"{rss_start / 1024:.1f} / {rss_end / 1024:.1f}"),
        ("/ping probes (failed)", f"{len(pings)} ({tally.ping_failed})"),
        (
            "/ping p50 / p99 (ms)",
            f"{statistics.median(pings) * 1000:.1f} / {p99 * 1000:.1f}" if pings else "n/a",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
