"""A small, fast HTTP client for one endpoint (stdlib ``http.client``, kept-alive)."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from urllib.parse import urlsplit

from sabio.exceptions import NotFoundError, TimeoutError_
from sabio.inference import ModelError, PayloadError

__all__ = ["EndpointClient"]

_RETRIABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def _message(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"])
    except (ValueError, KeyError, TypeError):
        return body.decode("utf-8", errors="replace")[:2000]


class EndpointClient:
    """Sends requests to one model server, reusing a connection per thread.

    Args:
        url: the endpoint's ``http://host:port``.
        name: the endpoint name, for messages.
        timeout: socket timeout in seconds.
    """

    def __init__(self, url: str, name: str, timeout: float = 120.0) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.name = name
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def __del__(self) -> None:
        # A forgotten predictor must not leave a ResourceWarning behind.
        with contextlib.suppress(Exception):
            self.close()

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        """Send one request; returns ``(status, body, headers)``.

        A kept-alive connection the server closed in the meantime (idle timeout, a worker
        retired during an update) is retried once on a fresh connection.

        Raises:
            ConnectionError: the endpoint does not answer.
        """
        for attempt in (0, 1):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                data = response.read()
                return response.status, data, {k.lower(): v for k, v in response.getheaders()}
            except _RETRIABLE:
                self.close()
                if attempt:
                    raise
            except (ConnectionRefusedError, OSError) as exc:
                self.close()
                raise ConnectionError(
                    f"Endpoint {self.name!r} does not answer at http://{self.host}:{self.port} "
                    f"({exc}). Check it with `sabio endpoints describe {self.name}`."
                ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def invoke(
        self,
        body: bytes,
        content_type: str,
        accept: str,
        *,
        inference_id: str | None = None,
        target_model: str | None = None,
    ) -> tuple[bytes, str]:
        """``POST /invocations``; returns ``(body, content type)``.

        Raises:
            PayloadError: the server refused the request (4xx), with its message.
            NotFoundError: 404.
            TimeoutError_: the model did not answer within the endpoint's timeout (504).
            ModelError: the model failed (5xx).
        """
        headers = {"Content-Type": content_type, "Accept": accept}
        if inference_id:
            headers["X-Amzn-SageMaker-Inference-Id"] = inference_id
        if target_model:
            headers["X-Amzn-SageMaker-Target-Model"] = target_model
        status, data, answer_headers = self.request("POST", "/invocations", body, headers)
        if status == 200:
            return data, answer_headers.get("content-type", accept)
        message = f"Endpoint {self.name!r} answered {status}: {_message(data)}"
        if status == 404:
            raise NotFoundError(message)
        if status == 504:
            raise TimeoutError_(message)
        if 400 <= status < 500:
            raise PayloadError(message, status)
        raise ModelError(message, status)
