"""``sagemaker_containers.worker``: the response object handlers may return.

An ``output_fn`` (or ``transform_fn``) that returns ``worker.Response(body, mimetype=...)``
is answered with that body and content type by sabio's model server and batch transform.
"""

from __future__ import annotations

from http import HTTPStatus

__all__ = ["Response"]


class Response:
    """A handler's answer: a body, its MIME type and an HTTP status.

    Args:
        response: the body (``bytes`` or ``str``; text is sent as UTF-8).
        status: the HTTP status code (default 200).
        mimetype: the content type (default ``application/json``, as the containers').
        content_type: another name for ``mimetype`` (Werkzeug's).
    """

    default_mimetype = "application/json"

    def __init__(
        self,
        response: bytes | str | None = None,
        status: int = HTTPStatus.OK,
        headers: dict[str, str] | None = None,
        mimetype: str | None = None,
        content_type: str | None = None,
    ) -> None:
        body = response if response is not None else b""
        self.response = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        self.status_code = int(status)
        self.headers = dict(headers or {})
        self.mimetype = mimetype or content_type or self.default_mimetype

    @property
    def status(self) -> str:
        """The status line, e.g. ``"200 OK"``."""
        return f"{self.status_code} {HTTPStatus(self.status_code).phrase}"

    def get_data(self, as_text: bool = False) -> bytes | str:
        """The body (as text with ``as_text=True``)."""
        return self.response.decode("utf-8") if as_text else self.response
