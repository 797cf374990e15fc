"""Endpoint lifecycle: create, describe (reconciling dead servers), update, delete.

An endpoint is a catalog record (``Creating`` → ``InService`` ↔ ``Updating``, ``Failed``,
``Deleting``) plus a detached supervisor process (:mod:`sabio.serving._server`) that records
its own state, so endpoints outlive the notebook that created them.
"""

from __future__ import annotations

import re
import shutil
import signal
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import (
    ConflictError,
    JobFailedError,
    NotFoundError,
    TimeoutError_,
    ValidationError,
)
from sabio.inference._kind import MODEL
from sabio.serving._kind import ENDPOINT
from sabio.serving._spec import EndpointSpec, HttpLimits

__all__ = [
    "ACTIVE_STATUSES",
    "create_endpoint",
    "delete_endpoint",
    "deleted_logs_dir",
    "describe_endpoint",
    "endpoint_dir",
    "list_endpoints",
    "reconcile",
    "update_endpoint",
    "wait_for_endpoint",
]

#: Statuses in which a live supervisor is expected.
ACTIVE_STATUSES = tuple(sorted(ENDPOINT.active))
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def endpoint_dir(settings: Settings, name: str) -> Path:
    """The endpoint's local folder (supervisor log, extracted model generations)."""
    return supervision.job_dir(settings, ENDPOINT, name)


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


def reconcile(settings: Settings, record: JobRecord) -> JobRecord:
    """Mark an endpoint ``Failed`` when its server process died without saying so."""
    return supervision.reconcile(settings, ENDPOINT, record)


def describe_endpoint(settings: Settings, name: str) -> JobRecord:
    """Return an endpoint's record, reconciled.

    Raises:
        NotFoundError: no such endpoint (with a "Did you mean" hint).
    """
    return supervision.describe(settings, ENDPOINT, name)


def list_endpoints(
    settings: Settings,
    *,
    status: str | None = None,
    name_contains: str | None = None,
    limit: int | None = 100,
) -> list[JobRecord]:
    """Endpoints, newest first, reconciled."""
    catalog = Catalog.open(settings)
    records = catalog.jobs(ENDPOINT).list(name_contains=name_contains, limit=limit)
    records = [reconcile(settings, r) for r in records]
    return [r for r in records if status is None or r.status == status]


def _explain(exc: PydanticError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'endpoint'}: {e['msg']}" for e in exc.errors()
    )


def _model(catalog: Catalog, name: str) -> JobRecord:
    return catalog.jobs(MODEL).get(name)


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
    limits: HttpLimits | None = None,
    wait: bool = True,
    wait_timeout: float = 600.0,
) -> JobRecord:
    """Record an endpoint and start its server.

    Args:
        name: endpoint name (unique).
        model_name: a model record (``catalog.jobs(MODEL)``).
        instance_count: worker processes; each loads the model once.
        data_capture_config: SageMaker's DataCaptureConfig request dict, or None.
        max_payload_mb: larger request bodies get 413.
        timeout_seconds: per-request timeout (504 after it).
        host, port: where to listen (port 0: a free port, recorded in the endpoint's Url).
        limits: request, connection and ``Host`` limits of each worker (defaults: see
            :class:`HttpLimits`).
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
    try:
        spec = EndpointSpec(
            endpoint_name=name,
            model_name=model_name,
            instance_count=instance_count,
            instance_type=instance_type,
            data_capture_config=data_capture_config,
            max_payload_mb=max_payload_mb,
            timeout_seconds=timeout_seconds,
            host=host,
            port=port,
            limits=limits or HttpLimits(),
        )
    except PydanticError as exc:
        raise ValidationError(f"Invalid endpoint {name!r}: {_explain(exc)}") from None
    catalog = Catalog.open(settings)
    _model(catalog, model_name)
    catalog.jobs(ENDPOINT).create(name, spec.model_dump(mode="json"), status="Creating")
    folder = endpoint_dir(settings, name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # Its URL is this machine's: on a cluster it runs here (Ray Serve is not used yet).
    resources = supervision.Resources.of(
        spec.instance_type, spec.instance_count, on_this_machine=True
    )
    supervision.launch(settings, ENDPOINT, name, resources=resources)
    if wait:
        return wait_for_endpoint(settings, name, timeout=wait_timeout)
    return catalog.jobs(ENDPOINT).get(name)


def wait_for_endpoint(
    settings: Settings, name: str, *, timeout: float = 600.0, model_name: str | None = None
) -> JobRecord:
    """Block until the endpoint is ``InService`` (serving ``model_name`` when given).

    Raises:
        JobFailedError: it ended ``Failed``, or an update was rolled back.
        TimeoutError_: still not in service after ``timeout`` seconds.
    """

    def settled(record: JobRecord) -> bool:
        serving = record.details.get("ModelName")
        in_service = record.status == "InService"
        done = in_service and (model_name is None or serving == model_name)
        rolled_back = in_service and model_name is not None and bool(record.failure_reason)
        return record.status == "Failed" or done or rolled_back

    try:
        record = supervision.wait(settings, ENDPOINT, name, until=settled, timeout=timeout)
    except TimeoutError_:
        status = Catalog.open(settings).jobs(ENDPOINT).get(name).status
        raise TimeoutError_(
            f"Endpoint {name!r} is still {status} after {timeout:g} s. Check "
            f"`sabio endpoints logs {name}`."
        ) from None
    if record.status == "Failed":
        raise JobFailedError(
            f"Error hosting endpoint {name}: Failed. Reason: {record.failure_reason}"
        )
    serving = record.details.get("ModelName")
    if model_name is not None and serving != model_name:
        raise JobFailedError(
            f"Updating endpoint {name} failed; it still serves model {serving!r}. "
            f"Reason: {record.failure_reason}"
        )
    return record


def update_endpoint(
    settings: Settings,
    name: str,
    *,
    model_name: str | None = None,
    instance_count: int | None = None,
    wait: bool = True,
) -> JobRecord:
    """Serve another model (and/or another number of workers) without downtime.

    The new workers load the model and accept requests before the old ones stop.

    Raises:
        ConflictError: the endpoint is not ``InService``.
        NotFoundError: the endpoint or the model does not exist.
        JobFailedError: (``wait``) the new model failed to load; the old one keeps serving.
    """
    catalog = Catalog.open(settings)
    record = reconcile(settings, catalog.jobs(ENDPOINT).get(name))
    if record.status != "InService":
        raise ConflictError(
            f"Endpoint {name!r} is {record.status}: only an InService endpoint can be updated."
            + (" Delete it and deploy again." if record.status == "Failed" else " Wait for it.")
        )
    spec = EndpointSpec.model_validate(record.spec)
    if model_name is not None:
        _model(catalog, model_name)
        spec = spec.model_copy(update={"model_name": model_name})
    if instance_count is not None:
        if instance_count < 1:
            raise ValidationError(f"instance_count must be at least 1, got {instance_count}.")
        spec = spec.model_copy(update={"instance_count": instance_count})
    catalog.jobs(ENDPOINT).update(name, spec=spec.model_dump(mode="json"))
    catalog.jobs(ENDPOINT).transition(name, "Updating", failure_reason=None)
    if record.supervisor_pid is not None:  # look now, not at the next beat
        supervision.backend_for(settings.backend).signal(
            ENDPOINT, record.supervisor_pid, record.supervisor_host, signal.SIGHUP
        )
    if not wait:
        return catalog.jobs(ENDPOINT).get(name)
    record = wait_for_endpoint(settings, name, model_name=spec.model_name)
    if len(record.details.get("Workers", [])) != spec.instance_count:
        raise JobFailedError(
            f"Updating endpoint {name} failed. Reason: {record.failure_reason or 'unknown'}"
        )
    return record


def delete_endpoint(settings: Settings, name: str, *, timeout: float = 30.0) -> None:
    """Stop the endpoint's server (freeing its port) and remove its record.

    Raises:
        NotFoundError: no such endpoint (with a "Did you mean" hint).
    """
    jobs = Catalog.open(settings).jobs(ENDPOINT)
    record = jobs.get(name)
    jobs.transition(name, "Deleting")
    jobs.request_stop(name)
    pid, host = record.supervisor_pid, record.supervisor_host
    backend = supervision.backend_for(settings.backend)
    if pid is not None:
        was_alive = bool(backend.alive(ENDPOINT, pid, host))
        if was_alive:
            backend.signal(ENDPOINT, pid, host, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while backend.alive(ENDPOINT, pid, host) and time.monotonic() < deadline:
                time.sleep(0.01)
        if was_alive or record.status in ACTIVE_STATUSES:
            backend.kill(ENDPOINT, pid, host)  # anything left of it (workers included)
    if not jobs.delete(name):
        raise NotFoundError(f"Endpoint {name!r} was deleted by someone else meanwhile.")
    folder = endpoint_dir(settings, name)
    _keep_logs(folder)
    shutil.rmtree(folder, ignore_errors=True)


def deleted_logs_dir(settings: Settings) -> Path:
    """Where the logs of deleted endpoints are kept (``_`` cannot start an endpoint name)."""
    return endpoint_dir(settings, "_deleted")


def _keep_logs(folder: Path) -> None:
    """Keep a deleted endpoint's logs: they are the trace of what it served and of any
    captured traffic it could not write."""
    logs = [p for p in (folder / "logs.txt", folder / "supervisor.log") if p.is_file()]
    if not logs:
        return
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    kept = folder.parent / "_deleted" / f"{folder.name}-{stamp}.log"
    kept.parent.mkdir(parents=True, exist_ok=True)
    with kept.open("ab") as out:
        for log in logs:
            out.write(log.read_bytes())
