"""Endpoint lifecycle: create, describe (reconciling dead servers), update, delete.

An endpoint is a catalog record (``Creating`` → ``InService`` ↔ ``Updating``, ``Failed``,
``Deleting``) plus a detached supervisor process (:mod:`sabio.serving._server`) that records
its own state, so endpoints outlive the notebook that created them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import time
from pathlib import Path
from typing import Any

from sabio._config import Settings, environ, settings_to_env
from sabio.backends._process import process_alive
from sabio.catalog import Catalog, ResourceRecord
from sabio.exceptions import (
    ConflictError,
    JobFailedError,
    NotFoundError,
    TimeoutError_,
    ValidationError,
)

__all__ = [
    "ACTIVE_STATUSES",
    "create_endpoint",
    "delete_endpoint",
    "describe_endpoint",
    "endpoint_dir",
    "list_endpoints",
    "reconcile",
    "update_endpoint",
    "wait_for_endpoint",
]

SERVER_MODULE = "sabio.serving._server"
#: Statuses in which a live supervisor is expected.
ACTIVE_STATUSES = ("Creating", "InService", "Updating")
#: A supervisor whose heartbeat is older than this (on another host) is dead.
STALE_SECONDS = 15.0
#: A record still ``Creating`` without a supervisor after this long was never started.
ORPHAN_SECONDS = 60.0
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def endpoint_dir(settings: Settings, name: str) -> Path:
    """The endpoint's local folder (supervisor log, extracted model generations)."""
    return settings.home / "endpoints" / name


def check_name(name: str, kind: str = "Endpoint") -> None:
    """Refuse names SageMaker would refuse (they also become folder names).

    Raises:
        ValidationError: the name is empty, too long or has other characters than
            letters, digits and hyphens.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"{kind} name {name!r} is invalid: use 1-63 letters, digits and hyphens, starting "
            "and ending with a letter or digit (e.g. 'cancer-rf-1')."
        )


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def reconcile(catalog: Catalog, record: ResourceRecord) -> ResourceRecord:
    """Mark an endpoint ``Failed`` when its server process died without saying so."""
    if record.status not in ACTIVE_STATUSES:
        return record
    dead = False
    if record.supervisor_pid is not None and record.supervisor_host in (None, socket.gethostname()):
        dead = not process_alive(record.supervisor_pid, SERVER_MODULE)
    elif record.heartbeat_at is not None:
        dead = time.time() - record.heartbeat_at > STALE_SECONDS
    elif record.supervisor_pid is None:
        dead = time.time() - record.created_at > ORPHAN_SECONDS
    if not dead:
        return record
    time.sleep(0.05)  # let a supervisor that just finished write its outcome
    record = catalog.endpoints.get(record.name)
    if record.status not in ACTIVE_STATUSES:
        return record
    if record.supervisor_pid is not None:
        _kill_group(record.supervisor_pid)  # its workers share its process group
    catalog.endpoints.transition(
        record.name,
        "Failed",
        only_from=ACTIVE_STATUSES,
        failure_reason=(
            f"The model server process (pid {record.supervisor_pid}) of endpoint "
            f"{record.name!r} exited unexpectedly (killed, out of memory or machine restart). "
            "Delete the endpoint and deploy it again."
        ),
    )
    return catalog.endpoints.get(record.name)


def describe_endpoint(settings: Settings, name: str) -> ResourceRecord:
    """Return an endpoint's record, reconciled.

    Raises:
        NotFoundError: no such endpoint (with a "Did you mean" hint).
    """
    catalog = Catalog.open(settings)
    return reconcile(catalog, catalog.endpoints.get(name))


def list_endpoints(
    settings: Settings,
    *,
    status: str | None = None,
    name_contains: str | None = None,
    limit: int | None = 100,
) -> list[ResourceRecord]:
    """Endpoints, newest first, reconciled."""
    catalog = Catalog.open(settings)
    records = catalog.endpoints.list_records(name_contains=name_contains, limit=limit)
    records = [reconcile(catalog, r) for r in records]
    return [r for r in records if status is None or r.status == status]


def _model(catalog: Catalog, name: str) -> ResourceRecord:
    return catalog.models.get(name)


def create_endpoint(
    settings: Settings,
    name: str,
    model_name: str,
    *,
    instance_count: int = 1,
    instance_type: str = "local",
    data_capture_config: dict[str, Any] | None = None,
    max_payload_mb: float = 6.0,
    timeout_seconds: float = 60.0,
    host: str = "127.0.0.1",
    port: int = 0,
    wait: bool = True,
    wait_timeout: float = 600.0,
) -> ResourceRecord:
    """Record an endpoint and start its server.

    Args:
        name: endpoint name (unique).
        model_name: a model record (``catalog.models``).
        instance_count: worker processes; each loads the model once.
        data_capture_config: SageMaker's DataCaptureConfig request dict, or None.
        max_payload_mb: larger request bodies get 413.
        timeout_seconds: per-request timeout (504 after it).
        host, port: where to listen (port 0: a free port, recorded in the endpoint's Url).
        wait: block until ``InService`` (raising if it fails).

    Raises:
        ValidationError: bad name or arguments.
        NotFoundError: the model does not exist.
        ConflictError: an endpoint with this name exists already.
        JobFailedError: (``wait``) the endpoint failed to start, with the reason.
    """
    check_name(name)
    if instance_count < 1:
        raise ValidationError(f"initial_instance_count must be at least 1, got {instance_count}.")
    if max_payload_mb <= 0 or timeout_seconds <= 0:
        raise ValidationError("max_payload and the request timeout must be positive.")
    catalog = Catalog.open(settings)
    _model(catalog, model_name)
    spec = {
        "EndpointName": name,
        "EndpointConfigName": name,
        "ModelName": model_name,
        "VariantName": "AllTraffic",
        "InitialInstanceCount": instance_count,
        "InstanceType": instance_type,
        "DataCaptureConfig": data_capture_config,
        "MaxPayloadInMB": max_payload_mb,
        "TimeoutSeconds": timeout_seconds,
        "Host": host,
        "Port": port,
    }
    catalog.endpoints.create(name, spec, status="Creating")
    folder = endpoint_dir(settings, name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    from sabio.backends import backend_for

    env = {**environ(), **settings_to_env(settings)}
    try:
        pid = backend_for(settings.backend).launch(SERVER_MODULE, folder, env)
    except OSError as exc:
        catalog.endpoints.transition(
            name, "Failed", failure_reason=f"Cannot start the model server: {exc}"
        )
        raise
    if pid is not None:
        catalog.endpoints.update(name, supervisor_pid=pid, supervisor_host=socket.gethostname())
    if wait:
        return wait_for_endpoint(settings, name, timeout=wait_timeout)
    return catalog.endpoints.get(name)


def wait_for_endpoint(
    settings: Settings, name: str, *, timeout: float = 600.0, model_name: str | None = None
) -> ResourceRecord:
    """Block until the endpoint is ``InService`` (serving ``model_name`` when given).

    Raises:
        JobFailedError: it ended ``Failed``, or an update was rolled back.
        TimeoutError_: still not in service after ``timeout`` seconds.
    """
    catalog = Catalog.open(settings)
    started = time.monotonic()
    while True:
        record = reconcile(catalog, catalog.endpoints.get(name))
        if record.status == "Failed":
            raise JobFailedError(
                f"Error hosting endpoint {name}: Failed. Reason: {record.failure_reason}"
            )
        if record.status == "InService":
            serving = record.details.get("ModelName")
            if model_name is None or serving == model_name:
                return record
            if record.failure_reason:
                raise JobFailedError(
                    f"Updating endpoint {name} failed; it still serves model {serving!r}. "
                    f"Reason: {record.failure_reason}"
                )
        elapsed = time.monotonic() - started
        if elapsed > timeout:
            raise TimeoutError_(
                f"Endpoint {name!r} is still {record.status} after {timeout:g} s. Check "
                f"`sabio endpoints logs {name}`."
            )
        time.sleep(0.01 if elapsed < 2 else 0.1)


def update_endpoint(
    settings: Settings,
    name: str,
    *,
    model_name: str | None = None,
    instance_count: int | None = None,
    wait: bool = True,
) -> ResourceRecord:
    """Serve another model (and/or another number of workers) without downtime.

    The new workers load the model and accept requests before the old ones stop.

    Raises:
        ConflictError: the endpoint is not ``InService``.
        NotFoundError: the endpoint or the model does not exist.
        JobFailedError: (``wait``) the new model failed to load; the old one keeps serving.
    """
    catalog = Catalog.open(settings)
    record = reconcile(catalog, catalog.endpoints.get(name))
    if record.status != "InService":
        raise ConflictError(
            f"Endpoint {name!r} is {record.status}: only an InService endpoint can be updated."
            + (" Delete it and deploy again." if record.status == "Failed" else " Wait for it.")
        )
    spec = dict(record.spec)
    if model_name is not None:
        _model(catalog, model_name)
        spec["ModelName"] = model_name
    if instance_count is not None:
        if instance_count < 1:
            raise ValidationError(f"instance_count must be at least 1, got {instance_count}.")
        spec["InitialInstanceCount"] = instance_count
    catalog.endpoints.update(name, spec=spec)
    catalog.endpoints.transition(name, "Updating", failure_reason=None)
    if record.supervisor_pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(record.supervisor_pid, signal.SIGHUP)  # look now, not at the next beat
    if not wait:
        return catalog.endpoints.get(name)
    record = wait_for_endpoint(settings, name, model_name=str(spec["ModelName"]))
    if len(record.details.get("Workers", [])) != int(spec["InitialInstanceCount"]):
        raise JobFailedError(
            f"Updating endpoint {name} failed. Reason: {record.failure_reason or 'unknown'}"
        )
    return record


def delete_endpoint(settings: Settings, name: str, *, timeout: float = 30.0) -> None:
    """Stop the endpoint's server (freeing its port) and remove its record.

    Raises:
        NotFoundError: no such endpoint (with a "Did you mean" hint).
    """
    catalog = Catalog.open(settings)
    record = catalog.endpoints.get(name)
    catalog.endpoints.transition(name, "Deleting")
    catalog.endpoints.request_stop(name)
    pid = record.supervisor_pid
    if pid is not None and record.supervisor_host in (None, socket.gethostname()):
        was_alive = process_alive(pid, SERVER_MODULE)
        if was_alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while process_alive(pid, SERVER_MODULE) and time.monotonic() < deadline:
                time.sleep(0.01)
        if was_alive or record.status in ACTIVE_STATUSES:
            _kill_group(pid)  # anything left of it (workers included)
    if not catalog.endpoints.delete(name):
        raise NotFoundError(f"Endpoint {name!r} was deleted by someone else meanwhile.")
    shutil.rmtree(endpoint_dir(settings, name), ignore_errors=True)
