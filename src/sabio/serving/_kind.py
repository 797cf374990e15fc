"""The endpoint kind: a supervised job that runs until it is deleted."""

from __future__ import annotations

from sabio.supervision import JobKind

__all__ = ["ENDPOINT"]

#: Endpoints: ``Creating`` → ``InService`` ↔ ``Updating``, ``Failed``, ``Deleting``; deleting
#: removes the record.
ENDPOINT = JobKind(
    name="endpoint",
    label="Endpoint",
    list_hint="`sabio endpoints list`",
    terminal=frozenset(),
    module="sabio.serving._server",
    folder="endpoints",
    active=frozenset({"Creating", "InService", "Updating"}),
    dead_reason=(
        "The model server process (pid {pid}) of endpoint {name!r} exited unexpectedly "
        "(killed, out of memory or machine restart). Delete the endpoint and deploy it again."
    ),
    stop_status="Deleting",
    warm_up=("httptools", "numpy", "sabio.inference", "sabio.serving._worker", "sabio.storage"),
    stop_hint="`sabio endpoints delete`",
)
