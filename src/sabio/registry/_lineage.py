"""A version's lineage: what it was made from, hashed so two versions can be compared.

Data channels are hashed by content (each object's SHA-256 with its key relative to the
channel, in key order), so the same data uploaded twice hashes the same and a changed row
does not. Code archives are hashed by their members (names and contents in name order), not
their bytes: a ``tar.gz`` repacked from unchanged code carries new timestamps.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
import tarfile
import time
from typing import Any

from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import NotFoundError
from sabio.storage import Store
from sabio.training._kind import TRAINING

__all__ = ["current_user", "lineage_of", "tree_hash"]

_CHUNK = 1 << 20


def current_user() -> str:
    """The OS user registering or approving (``user@host``)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"{user}@{socket.gethostname()}"


def _file_hash(store: Store, uri: str) -> str:
    digest = hashlib.sha256()
    with store.open(uri, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def tree_hash(store: Store, uri: str) -> dict[str, Any]:
    """Content hash of an object or of every object under a prefix.

    Returns:
        ``{"uri", "sha256", "objects", "bytes"}``.

    Raises:
        NotFoundError: nothing exists at ``uri``.
    """
    uris = store.list(uri)
    if not uris:
        raise NotFoundError(f"Nothing exists at {uri!r} to hash.")
    base = uri.rstrip("/")
    digest = hashlib.sha256()
    size = 0
    for item in uris:
        relative = item[len(base) :].lstrip("/") if item != base else os.path.basename(item)
        digest.update(relative.encode() + b"\0" + _file_hash(store, item).encode() + b"\n")
        size += store.size(item)
    return {"uri": uri, "sha256": digest.hexdigest(), "objects": len(uris), "bytes": size}


def _code_hash(store: Store, uri: str) -> str:
    digest = hashlib.sha256()
    with store.open(uri, "rb") as raw, tarfile.open(fileobj=raw, mode="r:*") as archive:
        members = sorted((m for m in archive.getmembers() if m.isfile()), key=lambda m: m.name)
        for member in members:
            handle = archive.extractfile(member)
            content = handle.read() if handle is not None else b""
            digest.update(member.name.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def _training_job(catalog: Catalog, name: str | None, model_data: str | None) -> JobRecord | None:
    jobs = catalog.jobs(TRAINING)
    if name:
        return jobs.get(name)
    if not model_data:
        return None
    # Found by its artifacts: a pipeline's CreateModelPackage names only the model data.
    for record in jobs.list(status="Completed", limit=1000):
        if record.model_artifacts == model_data:
            return record
    return None


def lineage_of(
    catalog: Catalog,
    store: Store,
    *,
    training_job_name: str | None,
    model_data_url: str | None,
    registered_by: str,
) -> dict[str, Any]:
    """The lineage of a version made from ``model_data_url`` (by ``training_job_name``).

    Raises:
        NotFoundError: ``training_job_name`` names no training job.
    """
    lineage: dict[str, Any] = {"registered_by": registered_by, "registered_at": time.time()}
    if model_data_url:
        try:
            lineage["model_data"] = tree_hash(store, model_data_url)
        except NotFoundError:
            lineage["model_data"] = {"uri": model_data_url, "sha256": None}
    job = _training_job(catalog, training_job_name, model_data_url)
    if job is None:
        return lineage
    spec = job.spec
    lineage["training_job"] = job.name
    code: dict[str, Any] = {"entry_point": spec.get("entry_point")}
    if spec.get("builtin_module"):
        code["builtin"] = spec["builtin_module"]
    if spec.get("code_uri"):
        code["uri"] = spec["code_uri"]
        try:
            code["sha256"] = _code_hash(store, spec["code_uri"])
        except (NotFoundError, tarfile.TarError, OSError):
            code["sha256"] = None
    lineage["code"] = code
    channels: dict[str, Any] = {}
    for channel, source in (spec.get("channels") or {}).items():
        try:
            channels[channel] = tree_hash(store, source["uri"])
        except NotFoundError:  # deleted since training: keep where it was
            channels[channel] = {"uri": source["uri"], "sha256": None}
    lineage["data"] = channels
    lineage["hyperparameters"] = dict(spec.get("hyperparameters") or {})
    lineage["metrics"] = catalog.jobs(TRAINING).final_metrics(job.name)
    return lineage
