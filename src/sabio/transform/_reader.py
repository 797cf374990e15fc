"""Finding a transform job's input files and cutting them into requests, streaming.

A file is never read whole: ``split_type="Line"`` reads blocks of at most ``max_payload``
bytes and cuts them at the last newline, so memory stays bounded by the payload size
times the number of requests in flight, whatever the file size.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from sabio.exceptions import NotFoundError, ValidationError
from sabio.storage import Store

__all__ = ["Batch", "InputFile", "iter_batches", "list_inputs"]

#: Smallest block worth a request of its own when splitting a file across workers.
MIN_BLOCK = 256 * 1024


@dataclass(frozen=True)
class InputFile:
    """One input object and the name of its output relative to ``output_path``."""

    uri: str
    relative: str


@dataclass(frozen=True)
class Batch:
    """One request body: whole lines ``first_line`` .. ``last_line`` (1-based) of a file."""

    body: bytes
    first_line: int
    last_line: int


def list_inputs(store: Store, data: str, data_type: str) -> list[InputFile]:
    """The input files of a job, sorted, with their output names (SageMaker's rules).

    ``S3Prefix``: ``data`` is an object, a folder, or a key prefix; outputs keep the path
    relative to the folder. ``ManifestFile``: ``data`` is a JSON manifest
    ``[{"prefix": "s3://b/p/"}, "rel/key1", ...]``.

    Raises:
        NotFoundError: nothing matches ``data``.
        ValidationError: a malformed manifest.
    """
    if data_type == "ManifestFile":
        return _from_manifest(store, data)
    base = data.rstrip("/")
    if store.exists(base) and not store.is_prefix(base):
        return [InputFile(base, base.rsplit("/", 1)[-1])]
    if store.is_prefix(base):
        found = [u for u in store.list(base) if not u.endswith("/")]
        files = [InputFile(u, u[len(base) + 1 :]) for u in found]
    else:
        parent = base.rsplit("/", 1)[0]
        found = store.list(parent) if store.is_prefix(parent) else []
        files = [InputFile(u, u[len(parent) + 1 :]) for u in found if u.startswith(base)]
    files = [f for f in files if not f.relative.rsplit("/", 1)[-1].startswith(".")]
    if not files:
        raise NotFoundError(
            f"No input files under {data}: expected an object, or objects under that prefix. "
            "Upload data first (Session.upload_data) and pass its URI."
        )
    return sorted(files, key=lambda f: f.relative)


def _from_manifest(store: Store, uri: str) -> list[InputFile]:
    try:
        manifest = json.loads(store.get_bytes(uri))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError; nesting too deep
        raise ValidationError(f"Manifest {uri} is not valid JSON: {exc}.") from None
    if (
        not isinstance(manifest, list)
        or not manifest
        or not isinstance(manifest[0], dict)
        or not isinstance(manifest[0].get("prefix"), str)
        or not all(isinstance(key, str) for key in manifest[1:])
    ):
        raise ValidationError(
            f"Manifest {uri} must be a JSON list like "
            '[{"prefix": "s3://bucket/data/"}, "part-1.csv", "part-2.csv"].'
        )
    prefix = manifest[0]["prefix"].rstrip("/")
    return [InputFile(f"{prefix}/{key}", key) for key in manifest[1:]]


def open_input(store: Store, uri: str, compression: str) -> IO[bytes]:
    """Open an input file for streaming (decompressing ``Gzip``)."""
    raw: IO[bytes] = store.open(uri, "rb")
    if compression == "Gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def iter_batches(
    stream: IO[bytes],
    *,
    source: str,
    split_line: bool,
    single_record: bool,
    max_bytes: int,
    block_bytes: int | None = None,
) -> Iterator[Batch]:
    """Cut a stream into request bodies.

    Args:
        source: the file's URI, for messages.
        split_line: one record a line; otherwise the whole file is one record.
        single_record: one line a request (``SingleRecord``); else blocks of whole lines.
        max_bytes: ``max_payload`` in bytes: no request is larger.
        block_bytes: preferred request size (at most ``max_bytes``), so that a file is
            spread over several workers.

    Raises:
        ValidationError: a record (or an unsplit file) is larger than ``max_bytes``.
    """
    if not split_line:
        body = stream.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise ValidationError(
                f"{source} is larger than max_payload ({max_bytes / 2**20:g} MB) and "
                "split_type is 'None', so it would be one request. Use split_type='Line' "
                "or raise max_payload (at most 100 MB)."
            )
        if body.strip():
            yield Batch(body, 1, body.count(b"\n") + 1)
        return
    if single_record:
        yield from _single_lines(stream, source, max_bytes)
        return
    block = min(max_bytes, block_bytes or max_bytes)
    line = 1
    leftover = b""
    while True:
        want = block - len(leftover)
        if want <= 0:  # a line longer than a block: read on, up to max_payload
            want = max_bytes + 1 - len(leftover)
        chunk = stream.read(max(want, 1))
        buffer = leftover + chunk
        if not chunk:
            if buffer.strip():
                yield Batch(buffer, line, line + buffer.count(b"\n"))
            return
        cut = buffer.rfind(b"\n")
        if cut < 0:
            if len(buffer) > max_bytes:
                raise _too_long(source, line, max_bytes)
            leftover = buffer
            continue
        body, leftover = buffer[: cut + 1], buffer[cut + 1 :]
        count = body.count(b"\n")
        if body.strip():
            yield Batch(body, line, line + count - 1)
        line += count


def _single_lines(stream: IO[bytes], source: str, max_bytes: int) -> Iterator[Batch]:
    for number, raw in enumerate(stream, start=1):
        if len(raw) > max_bytes + 2:
            raise _too_long(source, number, max_bytes)
        record = raw.rstrip(b"\r\n")
        if record.strip():
            yield Batch(record, number, number)


def _too_long(source: str, line: int, max_bytes: int) -> ValidationError:
    return ValidationError(
        f"{source}, line {line}: the record is larger than max_payload "
        f"({max_bytes / 2**20:g} MB). Raise max_payload (at most 100 MB) or check that the "
        "file has one record a line."
    )
