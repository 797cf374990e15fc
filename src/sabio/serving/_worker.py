"""One worker process of an endpoint: loads the model once and serves the shared socket."""

from __future__ import annotations

import gc
import logging
import os
import socket
from pathlib import Path
from typing import Any

from sabio.inference import Handlers
from sabio.serving._app import InferenceApp
from sabio.serving._http_server import serve_forever
from sabio.serving._spec import EndpointSpec

__all__ = ["GRACE_SECONDS", "serve"]

#: On SIGTERM, requests in flight get this long to finish.
GRACE_SECONDS = 30.0


def _capture(spec: EndpointSpec, endpoint: str) -> Any:
    config = spec.data_capture_config
    if not config or not config.get("EnableCapture", True):
        return None
    from sabio._config import load_settings
    from sabio.monitoring import CaptureWriter
    from sabio.storage import Store

    return CaptureWriter.from_config(config, endpoint, spec.variant_name, Store(load_settings()))


def serve(
    sock: socket.socket,
    handlers: Handlers,
    *,
    endpoint: str,
    spec: EndpointSpec,
    environment: dict[str, str],
    ready_fd: int,
    metrics_dir: Path | None = None,
    watch_fd: int | None = None,
) -> int:
    """Load the model, report on ``ready_fd`` (``ok`` or the error), then serve until SIGTERM.

    ``metrics_dir`` is the folder the endpoint's workers share their counters in;
    ``watch_fd`` the supervisor's pipe: when the supervisor dies (even by SIGKILL) the
    worker stops instead of serving unsupervised. Returns the process exit code.
    """
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    os.environ.update(environment)  # the model's Environment, as its container would have it
    try:
        model = handlers.load_model()
        capture = _capture(spec, endpoint)
        app = InferenceApp(
            handlers,
            model,
            endpoint=endpoint,
            max_payload_bytes=spec.max_payload_bytes,
            timeout=spec.timeout_seconds,
            capture=capture,
            metrics_dir=metrics_dir,
        )
    except Exception as exc:
        user_caused = isinstance(exc, ValueError | LookupError | OSError) and str(exc)
        message = str(exc) if user_caused else f"{type(exc).__name__}: {exc}"
        os.write(ready_fd, f"Loading the model with {handlers.source} failed: {message}".encode())
        os.close(ready_fd)
        return 1
    os.write(ready_fd, b"ok")
    os.close(ready_fd)
    # Everything loaded so far (the libraries, the model) lives as long as the worker: keep
    # the cyclic garbage collector from scanning it again and again while requests come in.
    gc.collect()
    gc.freeze()
    orphaned = serve_forever(  # returns after SIGTERM (or the supervisor's death), drained
        app, sock, grace=GRACE_SECONDS, limits=spec.limits, watch_fd=watch_fd
    )
    if orphaned:
        print(
            f"sabio: worker {os.getpid()} of endpoint {endpoint!r} stopped: its supervisor "
            "process is gone (a worker never serves unsupervised).",
            flush=True,
        )
    if capture is not None:
        capture.close()  # writes what is queued (or counts it dropped) before the last publish
    app.metrics.publish()  # the final counts stay in the endpoint's totals
    return 0
