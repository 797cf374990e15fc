"""The work of one transform request, and the worker processes that do it.

The supervisor prepares the model's handlers, :func:`install` s them, then forks the worker
processes; each loads the model once (:func:`init_worker`) and answers requests with
:func:`run_batch`. :func:`transform_batch` is the same work without processes.
"""

from __future__ import annotations

import signal
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sabio.exceptions import ValidationError
from sabio.transform._reader import Batch
from sabio.transform._records import RecordPlan

if TYPE_CHECKING:
    from sabio.inference import Handlers

__all__ = ["BatchResult", "WorkerConfig", "init_worker", "install", "run_batch", "transform_batch"]

#: Largest batch that is retried record by record to name the first bad line.
_LOCATE_LIMIT = 20_000


@dataclass(frozen=True)
class WorkerConfig:
    """What every request of a job shares."""

    content_type: str
    accept: str
    split_line: bool
    assemble_line: bool
    plan: RecordPlan | None  # None: no filter and no join, blocks go to the model as they are


@dataclass(frozen=True)
class BatchResult:
    """A request's answer (``output``) or the reason it failed (``error``)."""

    output: bytes = b""
    records: int = 0
    error: str | None = None


class _State:
    def __init__(self, handlers: Handlers, config: WorkerConfig) -> None:
        self.handlers = handlers
        self.config = config
        self.model: Any = None
        self.load_error: str | None = None


_STATE: _State | None = None


def install(handlers: Handlers, config: WorkerConfig) -> None:
    """Make the handlers and config visible to the worker processes forked after this."""
    global _STATE
    _STATE = _State(handlers, config)


def init_worker() -> None:
    """Load the model once in a worker process (the pool's initializer)."""
    if _STATE is None:
        raise RuntimeError("install() must run before the worker processes are started")
    # Forked from the supervisor: drop its stop handlers so that SIGTERM ends a worker.
    for signum in (signal.SIGTERM, signal.SIGUSR1):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _STATE.model = _STATE.handlers.load_model()
    except Exception as exc:
        _STATE.load_error = f"the model could not be loaded: {type(exc).__name__}: {exc}"


def run_batch(batch: Batch, source: str) -> BatchResult:
    """Answer one request in a worker process."""
    if _STATE is None:
        raise RuntimeError("install() must run before the worker processes are started")
    if _STATE.load_error is not None:
        return BatchResult(error=_STATE.load_error)
    return transform_batch(_STATE.handlers, _STATE.model, _STATE.config, batch, source)


def _where(source: str, first: int, last: int) -> str:
    return f"{source}, line {first}" if first == last else f"{source}, lines {first}-{last}"


def transform_batch(
    handlers: Handlers, model: Any, config: WorkerConfig, batch: Batch, source: str
) -> BatchResult:
    """Send one batch to the model and build its output bytes.

    Errors do not raise: they come back as ``BatchResult.error``, naming the file and the
    line (the first bad record of a batch is found by retrying its records one by one).
    """
    try:
        if config.plan is None:
            output = _invoke(handlers, model, config, batch.body)
            records = batch.body.count(b"\n") + (not batch.body.endswith(b"\n"))
            return BatchResult(output=output, records=records)
        return _transform_records(handlers, model, config, config.plan, batch)
    except ValidationError as exc:
        located = _locate(handlers, model, config, batch, source)
        where = _where(source, batch.first_line, batch.last_line)
        return BatchResult(error=f"ClientError: {located or f'{where}: {exc}'}")
    except Exception as exc:
        tail = traceback.format_exc(limit=-3)
        return BatchResult(
            error=(
                f"AlgorithmError: {_where(source, batch.first_line, batch.last_line)}: the "
                f"model's handlers failed: {type(exc).__name__}: {exc}\n{tail[-600:]}"
            )
        )


def _invoke(handlers: Handlers, model: Any, config: WorkerConfig, body: bytes) -> bytes:
    output, _, _ = handlers.invoke(model, body, config.content_type, config.accept)
    if config.assemble_line and output and not output.endswith(b"\n"):
        output += b"\n"
    return output


def _lines(config: WorkerConfig, batch: Batch) -> list[tuple[int, str]]:
    text = batch.body.decode("utf-8")
    if not config.split_line:
        return [(batch.first_line, text.strip())]
    return [
        (batch.first_line + offset, line)
        for offset, line in enumerate(text.split("\n"))
        if line.strip()
    ]


def _transform_records(
    handlers: Handlers, model: Any, config: WorkerConfig, plan: RecordPlan, batch: Batch
) -> BatchResult:
    try:
        records = [line.rstrip("\r") for _, line in _lines(config, batch)]
    except UnicodeDecodeError as exc:
        raise ValidationError(f"the input is not UTF-8 text ({exc})") from None
    payload = "\n".join(plan.filter_input(record) for record in records).encode("utf-8")
    output, content_type, _ = handlers.invoke(model, payload, config.content_type, config.accept)
    if not plan.join and plan.output_filter is None:
        if config.assemble_line and output and not output.endswith(b"\n"):
            output += b"\n"
        return BatchResult(output=output, records=len(records))
    outputs = plan.split_output(output, content_type, len(records))
    return BatchResult(output=plan.finish(records, outputs), records=len(records))


def _locate(
    handlers: Handlers, model: Any, config: WorkerConfig, batch: Batch, source: str
) -> str | None:
    """Find the first record of a failed batch that fails on its own."""
    if batch.first_line == batch.last_line or not config.split_line:
        return None
    try:
        lines = _lines(config, batch)
    except UnicodeDecodeError:
        return None
    if len(lines) > _LOCATE_LIMIT:
        return None
    for number, line in lines:
        single = Batch(line.encode("utf-8"), number, number)
        try:
            if config.plan is None:
                _invoke(handlers, model, config, single.body)
            else:
                _transform_records(handlers, model, config, config.plan, single)
        except ValidationError as exc:
            return f"{_where(source, number, number)}: {exc}"
        except Exception:
            return None
    return None
