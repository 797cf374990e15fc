"""The supervisor of one transform job: ``python -m sabio.transform._supervisor <job-dir>``.

It owns the job's state: it prepares the model (S3 artifacts, handlers), forks
``instance_count * max_concurrent_transforms`` worker processes that each load the model
once, streams every input file through them in order, writes one ``<input>.out`` per input
file, and records the outcome. A heartbeat lets any reader tell when it has died.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import os
import threading
import time
import traceback
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any

from sabio import supervision
from sabio._config import Settings, load_settings
from sabio.exceptions import SabioError
from sabio.inference._kind import MODEL
from sabio.storage import Store
from sabio.supervision._process import end_children
from sabio.supervision._slots import SlotReservation
from sabio.transform._kind import TRANSFORM
from sabio.transform._reader import (
    MIN_BLOCK,
    InputFile,
    iter_batches,
    list_inputs,
    open_input,
)
from sabio.transform._records import RecordPlan
from sabio.transform._spec import TransformJobSpec
from sabio.transform._worker import BatchResult, WorkerConfig, init_worker, install, run_batch

__all__ = ["Supervisor", "TransformProgram"]

#: How long a stopped worker gets to exit on SIGTERM before it is killed.
WORKER_EXIT_SECONDS = 2.0

DEFAULT_CONTENT_TYPE = "application/octet-stream"


class _Stopped(Exception):
    pass


class _Failed(Exception):
    pass


class _Output:
    """An output object being written; published on :meth:`close`, dropped on :meth:`abort`."""

    def __init__(self, handle: IO[bytes], uri: str) -> None:
        self.handle = handle
        self.uri = uri
        self.closed = False

    def close(self) -> None:
        self.closed = True
        self.handle.close()

    def abort(self) -> None:
        if self.closed:
            return
        self.closed = True
        abort = getattr(self.handle, "abort", None)
        if abort is not None:
            abort()
        self.handle.close()


class Supervisor(supervision.Supervisor):
    """Runs one transform job to its end. Construct with the job folder; call :meth:`run`."""

    def __init__(self, job_dir: Path, settings: Settings) -> None:
        super().__init__(TRANSFORM, job_dir, settings)
        self.job_dir = job_dir
        self.spec = TransformJobSpec.model_validate_json((job_dir / "spec.json").read_text())
        self.name = self.spec.job_name
        self.store = Store(settings)
        self._log = (job_dir / "logs.txt").open("a", encoding="utf-8", buffering=1)
        self._log_lock = threading.Lock()
        self.progress = {"InputFiles": 0, "FilesDone": 0, "Records": 0, "BytesIn": 0}

    def log(self, message: str) -> None:
        """Append a time-stamped line to the job log."""
        with self._log_lock:
            self._log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")

    def _check_stop(self) -> None:
        if self.stop_reason is not None:
            raise _Stopped(self.stop_reason)

    def _beat(self) -> None:
        self.jobs.update(self.name, heartbeat_at=time.time(), details=dict(self.progress))

    # --------------------------------------------------------------------- run
    def run(self) -> int:
        """Run the job to its end; returns the supervisor's exit code."""
        started = time.time()
        self.claim(started_at=started)
        pool: concurrent.futures.ProcessPoolExecutor | None = None
        slots: SlotReservation | None = None
        outputs: list[_Output] = []
        try:
            self.log(f"Starting transform job {self.name} (model {self.spec.model_name})")
            self._check_stop()
            files, config = self._prepare()
            self.start_heartbeat(self._beat)  # before the slot wait: a stop request ends it
            slots = self.admit(self.spec.instance_type, self.spec.instance_count, self.log)
            if slots is None:
                raise _Stopped(self.stop_reason or "Stopped while waiting for CPU slots.")
            pool = self._start_workers()
            self._transform(pool, files, config, outputs)
            self._end("Completed", None, started)
            self.log(
                f"Completed: {self.progress['Records']} records from "
                f"{self.progress['FilesDone']} file(s) in {time.time() - started:.2f} s"
            )
            return 0
        except _Stopped as stop:
            self._abort(outputs, pool)
            self.log(f"Stopped: {stop}")
            self._end("Stopped", str(stop), started)
            return 0
        except BrokenProcessPool:
            self._abort(outputs, pool)
            reason = (
                "InternalServerError: a worker process died (killed, out of memory, or a crash "
                "in native model code). Lower max_concurrent_transforms or max_payload and retry."
            )
            self.log(reason)
            self._end("Failed", reason, started)
            return 1
        except (_Failed, SabioError) as exc:
            self._abort(outputs, pool)
            text = str(exc)
            reason = text if isinstance(exc, _Failed) else f"ClientError: {text}"
            self.log(f"Failed: {reason}")
            self._end("Failed", reason, started)
            return 1
        except Exception as exc:
            self._abort(outputs, pool)
            self.log(traceback.format_exc())
            reason = f"InternalServerError: {type(exc).__name__}: {exc}"
            self._end("Failed", reason, started)
            return 1
        finally:
            self.stop_heartbeat()
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
                self.end_leftovers(WORKER_EXIT_SECONDS)
            if slots is not None:
                slots.release()
            self.finish()
            self._log.close()

    def _end(self, status: str, reason: str | None, started: float) -> None:
        details = {**self.progress, "WallSeconds": round(time.time() - started, 3)}
        values: dict[str, Any] = {}
        if reason is not None:
            values["failure_reason"] = supervision.failure_reason(reason)
        self.jobs.transition(self.name, status, details=details, **values)

    def _prepare(self) -> tuple[list[InputFile], WorkerConfig]:
        from sabio.inference import ModelSpec, prepare_model

        spec = self.spec
        model = self.catalog.jobs(MODEL).get(spec.model_name)
        self.log(f"Preparing model {spec.model_name}")
        model_spec = ModelSpec.model_validate(model.spec)
        # What SageMaker sets in a batch transform's container: handlers that answer
        # differently in batch (the XGBoost built-in's CSV: one prediction per line) see it.
        os.environ["SAGEMAKER_BATCH"] = "true"
        _, handlers = prepare_model(self.settings, model_spec, self.job_dir / "model")
        files = list_inputs(self.store, spec.data, spec.data_type)
        self.progress["InputFiles"] = len(files)
        self.log(f"{len(files)} input file(s) under {spec.data}")
        content_type = spec.content_type or DEFAULT_CONTENT_TYPE
        accept = spec.accept or content_type
        plan = None
        if spec.record_level:
            plan = RecordPlan.create(
                spec.content_type,
                spec.accept,
                spec.input_filter,
                spec.output_filter,
                spec.join_source == "Input",
            )
        config = WorkerConfig(
            content_type=content_type,
            accept=accept,
            split_line=spec.split_type == "Line",
            assemble_line=spec.assemble_with == "Line",
            plan=plan,
        )
        install(handlers, config)
        return files, config

    def _start_workers(self) -> concurrent.futures.ProcessPoolExecutor:
        # fork: workers inherit the prepared handlers and start in milliseconds; they never
        # touch the catalog. Each loads the model once in init_worker.
        workers = self.spec.workers
        self.log(f"Starting {workers} worker process(es)")
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=init_worker,
        )

    def _transform(
        self,
        pool: concurrent.futures.ProcessPoolExecutor,
        files: list[InputFile],
        config: WorkerConfig,
        outputs: list[_Output],
    ) -> None:
        spec = self.spec
        limit = 2 * spec.workers
        pending: collections.deque[tuple[concurrent.futures.Future[BatchResult] | None, _Output]]
        pending = collections.deque()
        prefix = spec.output_path.rstrip("/")
        for file in files:
            out = _Output(self.store.open(f"{prefix}/{file.relative}.out", "wb"), file.uri)
            outputs.append(out)
            block = self._block_bytes(file)
            with open_input(self.store, file.uri, spec.compression_type) as stream:
                for batch in iter_batches(
                    stream,
                    source=file.uri,
                    split_line=config.split_line,
                    single_record=spec.strategy == "SingleRecord",
                    max_bytes=spec.max_payload_bytes,
                    block_bytes=block,
                ):
                    self._check_stop()
                    while len(pending) >= limit:
                        self._collect(pending)
                    self.progress["BytesIn"] += len(batch.body)
                    pending.append((pool.submit(run_batch, batch, file.uri), out))
            pending.append((None, out))
        while pending:
            self._collect(pending)

    def _block_bytes(self, file: InputFile) -> int:
        try:
            size = self.store.size(file.uri)
        except SabioError:
            return self.spec.max_payload_bytes
        share = size // (2 * self.spec.workers) + 1
        return max(MIN_BLOCK, min(self.spec.max_payload_bytes, share))

    def _collect(
        self,
        pending: collections.deque[tuple[concurrent.futures.Future[BatchResult] | None, _Output]],
    ) -> None:
        future, out = pending.popleft()
        if future is None:
            out.close()
            self.progress["FilesDone"] += 1
            self.log(f"Wrote the output of {out.uri}")
            return
        while True:
            self._check_stop()
            try:
                result = future.result(timeout=0.2)
                break
            except concurrent.futures.TimeoutError:
                continue
        if result.error is not None:
            raise _Failed(result.error)
        out.handle.write(result.output)
        self.progress["Records"] += result.records

    def _abort(
        self, outputs: list[_Output], pool: concurrent.futures.ProcessPoolExecutor | None
    ) -> None:
        for out in outputs:
            try:
                out.abort()
            except Exception as exc:  # the job outcome matters more than a temp file
                self.log(f"sabio: cannot discard {out.uri}: {exc}")
        if pool is not None:
            # Workers may be busy on a long request: do not wait for them on a stop. They are
            # this process's only multiprocessing children.
            end_children(WORKER_EXIT_SECONDS)
            pool.shutdown(wait=False, cancel_futures=True)


class TransformProgram(supervision.Program):
    """The transform supervisor program; its warm pool pre-imports the workers' modules."""

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        supervisor = Supervisor(folder, load_settings())
        supervisor.install_signals()
        return supervisor.run()


if __name__ == "__main__":
    supervision.main(TRANSFORM, TransformProgram())
