"""The supervisor of one pipeline execution: ``python -m sabio.pipelines._supervisor <dir>``.

It claims the execution, runs its steps (:class:`Executor`), and records the outcome; a
stop request (``sabio pipelines stop``, ``execution.stop()``) stops the running steps' jobs.
"""

from __future__ import annotations

import threading
import time
import traceback
from pathlib import Path
from typing import Any

from sabio import supervision
from sabio._config import load_settings
from sabio.pipelines._context import StepContext
from sabio.pipelines._kind import PIPELINE_EXECUTION
from sabio.pipelines._spec import ExecutionSpec
from sabio.storage import Store

__all__ = ["ExecutionProgram"]


class _Supervisor(supervision.Supervisor):
    def __init__(self, folder: Path) -> None:
        super().__init__(PIPELINE_EXECUTION, folder, load_settings())
        self.stopping = threading.Event()
        self._log = (folder / "logs.txt").open("a", encoding="utf-8", buffering=1)
        self._lock = threading.Lock()

    def request_stop(self, reason: str) -> None:
        super().request_stop(reason)
        self.stopping.set()

    def log(self, line: str) -> None:
        with self._lock:
            self._log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")

    def run(self) -> int:
        from sabio.pipelines._executor import Executor

        record = self.claim(started_at=time.time())
        self.install_signals()
        self.start_heartbeat()
        try:
            spec = ExecutionSpec.model_validate(record.spec)
            ctx = StepContext(
                settings=self.settings,
                store=Store(self.settings),
                pipeline_name=spec.pipeline_name,
                execution_id=spec.execution_id,
                execution_dir=self.folder,
                log=self.log,
                stopping=self.stopping,
                record_metadata=lambda step, metadata: executor._metadata(step, metadata),
            )
            executor = Executor(ctx, spec, dict(record.details.get("Steps") or {}))
            self.log(f"Executing pipeline {spec.pipeline_name} ({spec.execution_id})")
            status, reason = executor.run()
        except Exception as exc:
            self.log(traceback.format_exc())
            status, reason = "Failed", f"InternalServerError: {type(exc).__name__}: {exc}"
        values: dict[str, Any] = {"ended_at": time.time()}
        if reason is not None:
            values["failure_reason"] = supervision.failure_reason(reason)
        self.log(f"{status}" + (f": {reason}" if reason else ""))
        self.jobs.transition(self.name, status, only_from=("Executing", "Stopping"), **values)
        self.finish()
        self._log.close()
        return 0 if status != "Failed" else 1


class ExecutionProgram(supervision.Program):
    """The pipeline execution supervisor program."""

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        return _Supervisor(folder).run()


if __name__ == "__main__":
    supervision.main(PIPELINE_EXECUTION, ExecutionProgram())
