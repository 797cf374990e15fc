"""The supervisor of one processing job: ``python -m sabio.processing_jobs._supervisor <dir>``.

It owns the job's state: it reserves CPU slots, lays out each host's ``/opt/ml`` folder,
copies the inputs in, runs the program on every host (``ContainerEntrypoint`` plus
``ContainerArguments``, with ``/opt/ml`` paths mapped: ``_paths``), enforces
``MaxRuntimeInSeconds`` and stop requests, uploads the outputs once the program succeeded
(``EndOfJob``) and records the outcome. The kernel's :class:`~sabio.supervision.Supervisor`
gives it the heartbeat, stop requests and ``done`` marker.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from sabio import supervision
from sabio._config import Settings, load_settings
from sabio.exceptions import SabioError
from sabio.processing_jobs._io import materialize, upload_output
from sabio.processing_jobs._kind import PROCESSING
from sabio.processing_jobs._paths import CONTAINER_ROOT, host_path, rewrite_arguments
from sabio.processing_jobs._spec import ProcessingJobSpec
from sabio.storage import Store
from sabio.supervision._instances import instance_type
from sabio.supervision._slots import SlotReservation
from sabio.training._layout import host_names
from sabio.training._process import HostProcess

__all__ = ["ProcessingProgram", "Supervisor"]

#: SIGTERM, then SIGKILL after this many seconds (as training jobs).
STOP_GRACE_SECONDS = 10.0
_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")


class _Stopped(Exception):
    pass


class _Failed(Exception):
    def __init__(self, reason: str, exit_code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code


class Supervisor(supervision.Supervisor):
    """Runs one processing job to its end. Construct with the job folder; call :meth:`run`."""

    def __init__(self, folder: Path, settings: Settings) -> None:
        super().__init__(PROCESSING, folder, settings)
        self.spec = ProcessingJobSpec.model_validate_json((folder / "spec.json").read_text())
        self.name = self.spec.job_name
        self.store = Store(settings)
        self.hosts = host_names(self.spec.instance_count)
        self._log = (folder / "logs.txt").open("a", encoding="utf-8", buffering=1)
        self._log_lock = threading.Lock()
        self._processes: list[HostProcess] = []

    def log(self, line: str) -> None:
        """Append a line to the job log."""
        with self._log_lock:
            self._log.write(line + "\n")

    def _note(self, message: str) -> None:
        self.log(f"{time.strftime('%Y-%m-%d %H:%M:%S')} sabio: {message}")

    def _on_line(self, host: str, _stream: str, line: str) -> None:
        self.log(line if len(self.hosts) == 1 else f"[{host}] {line}")

    def host_dir(self, host: str) -> Path:
        """The folder that is ``/opt/ml`` for ``host``."""
        return self.folder / host

    # --------------------------------------------------------------------- run
    def run(self) -> int:
        """Run the job to its end; returns the supervisor's exit code."""
        self.claim()
        self.start_heartbeat()
        instance = instance_type(self.spec.instance_type, self.settings.price_table)
        wanted = instance.vcpus * self.spec.instance_count
        slots = SlotReservation(self.settings.locks_dir, wanted, self.settings.cpu_slots)
        values: dict[str, Any] = {}
        try:
            self._note(f"Starting processing job {self.name}")
            self._reserve(slots, wanted)
            self._prepare()
            self.jobs.update(self.name, started_at=time.time())
            self._run_programs()
            values["details"] = {"Outputs": self._upload()}
            self._end("Completed", **values)
            self._note("Completed")
            return 0
        except _Stopped as stop:
            self._note(f"Stopped: {stop}")
            self._end("Stopped", failure_reason=str(stop))
            return 0
        except _Failed as failed:
            self._note(f"Failed: {failed.reason}")
            self._end(
                "Failed",
                failure_reason=supervision.failure_reason(failed.reason),
                exit_code=failed.exit_code,
            )
            return 1
        except SabioError as exc:
            self._note(f"Failed: ClientError: {exc}")
            self._end("Failed", failure_reason=supervision.failure_reason(f"ClientError: {exc}"))
            return 1
        except Exception as exc:
            self.log(traceback.format_exc())
            reason = f"InternalServerError: {type(exc).__name__}: {exc}"
            self._end("Failed", failure_reason=supervision.failure_reason(reason))
            return 1
        finally:
            slots.release()
            self.finish()
            self._log.close()

    def _end(self, status: str, *, details: dict[str, Any] | None = None, **values: Any) -> None:
        message = self._exit_message()
        extra = dict(details or {})
        if message:
            extra["ExitMessage"] = message
        created = self.jobs.get(self.name).created_at
        self.jobs.transition(
            self.name,
            status,
            message=f"Processing job {status.lower()}",
            details=extra or None,
            wall_seconds=time.time() - created,
            **values,
        )

    def _exit_message(self) -> str | None:
        for host in self.hosts:
            path = self.host_dir(host) / "output" / "message"
            if path.is_file():
                return path.read_text(errors="replace")[:1024] or None
        return None

    def _reserve(self, slots: SlotReservation, wanted: int) -> None:
        if wanted > self.settings.cpu_slots:
            self._note(
                f"{self.spec.instance_type} x{self.spec.instance_count} asks for {wanted} vCPUs "
                f"but this machine has {self.settings.cpu_slots} CPU slots; the job gets the "
                "whole machine."
            )

        def on_wait() -> None:
            self._note(f"waiting for {slots.count} free CPU slot(s)...")

        if not slots.acquire(on_wait=on_wait, should_abort=lambda: self.stop_reason is not None):
            raise _Stopped(self.stop_reason or "Stopped while waiting for CPU slots.")
        if wanted:
            self._note(f"Holding {slots.count} CPU slot(s) for {self.spec.instance_type}")

    def _prepare(self) -> None:
        spec = self.spec
        request = spec.to_create_processing_job()
        for index, host in enumerate(self.hosts):
            base = self.host_dir(host)
            config = host_path(base, f"{CONTAINER_ROOT}/config")
            config.mkdir(parents=True, exist_ok=True)
            (config / "processingjobconfig.json").write_text(json.dumps(request, indent=2))
            (config / "resourceconfig.json").write_text(
                json.dumps({"current_host": host, "hosts": self.hosts}, indent=2)
            )
            host_path(base, f"{CONTAINER_ROOT}/output").mkdir(parents=True, exist_ok=True)
            for item in spec.inputs:
                self._check_stop()
                dest = host_path(base, item.local_path)
                count = materialize(self.store, item, dest, index, len(self.hosts))
                if index == 0:
                    self._note(f"Input {item.name}: {count} file(s) from {item.uri}")
            for output in spec.outputs:
                host_path(base, output.local_path).mkdir(parents=True, exist_ok=True)
        for output in spec.outputs:
            if output.upload_mode == "Continuous":
                self._note(
                    f"Output {output.name} asks for S3UploadMode Continuous: sabio uploads it "
                    "once, when the program ends (EndOfJob)."
                )

    def _check_stop(self) -> None:
        if self.stop_reason is not None:
            raise _Stopped(self.stop_reason)

    def command(self, host: str) -> list[str]:
        """The program's command on ``host``: the entrypoint and arguments with ``/opt/ml``
        paths mapped, ``python``/``python3`` as this environment's interpreter."""
        command = self.spec.entrypoint + self.spec.arguments
        command = rewrite_arguments(self.host_dir(host), command, (CONTAINER_ROOT,))
        if _PYTHON.match(command[0]):
            command[0] = sys.executable
        return command

    def environment(self, host: str) -> dict[str, str]:
        """The program's environment on ``host``: this one, the job's ``Environment``, and
        where ``/opt/ml`` and each input and output are on this machine."""
        base = self.host_dir(host)
        env = {**os.environ, **self.spec.environment}
        # ``python3`` in a shell entrypoint (runproc.sh) is this environment's interpreter.
        bin_dir = str(Path(sys.executable).parent)
        env["PATH"] = os.pathsep.join(p for p in (bin_dir, env.get("PATH", "")) if p)
        env["PYTHONUNBUFFERED"] = "1"
        env["SAGEMAKER_BASE_DIR"] = str(base)
        env["SABIO_OPT_ML"] = str(base)
        for item in self.spec.inputs:
            env[f"SABIO_PROCESSING_INPUT_{_env_name(item.name)}"] = str(
                host_path(base, item.local_path)
            )
        for output in self.spec.outputs:
            env[f"SABIO_PROCESSING_OUTPUT_{_env_name(output.name)}"] = str(
                host_path(base, output.local_path)
            )
        return env

    def _run_programs(self) -> None:
        self._check_stop()
        deadline = time.monotonic() + self.spec.max_runtime
        self._note(f"Running {' '.join(self.spec.entrypoint + self.spec.arguments)}")
        for host in self.hosts:
            try:
                # The program sees its host folder at /opt/ml (its own mount namespace), so
                # paths hard-coded in a script's body work too; arguments are mapped as well,
                # for where the namespace cannot be made.
                run = supervision.opt_ml_command(
                    self.command(host), self.host_dir(host), self.settings.opt_ml
                )
                process = HostProcess(
                    host,
                    run,
                    self.host_dir(host),
                    self.environment(host),
                    self._on_line,
                    self.wake,
                )
                process.command = self.command(host)  # what failure reasons show
            except OSError as exc:
                raise _Failed(
                    f"ClientError: cannot start {self.spec.entrypoint[0]!r}: {exc}. Check the "
                    "ContainerEntrypoint (ScriptProcessor's command, e.g. ['python3'])."
                ) from exc
            self._processes.append(process)
        while not all(p.finished for p in self._processes):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.request_stop(
                    f"MaxRuntimeExceeded: the job ran longer than MaxRuntimeInSeconds="
                    f"{self.spec.max_runtime} and was stopped. Raise max_runtime_in_seconds "
                    "or make the script faster."
                )
            if self.stop_reason is not None:
                for process in self._processes:
                    process.terminate(STOP_GRACE_SECONDS)
                for process in self._processes:
                    process.join()
                raise _Stopped(self.stop_reason)
            self.wake.wait(timeout=min(remaining, 3600.0))
            self.wake.clear()
        for process in self._processes:
            process.join()
        failed = [p for p in self._processes if p.proc.returncode != 0]
        if failed:
            raise _Failed(self._failure_reason(failed[0]), failed[0].proc.returncode)

    def _failure_reason(self, process: HostProcess) -> str:
        failure = self.host_dir(process.host) / "output" / "failure"
        if failure.is_file():
            text = failure.read_text(errors="replace").strip()
            if text:
                return text
        code = process.proc.returncode
        tail = "\n".join(process.stderr_tail).strip()
        message = tail[-700:] if tail else "(the program printed nothing to stderr)"
        return (
            f"AlgorithmError: See job logs for more information. ExitCode {code}\n"
            f'ErrorMessage "{message}"\nCommand "{" ".join(process.command)}"'
        )

    def _upload(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for output in self.spec.outputs:
            total = 0
            for host in self.hosts:
                self._check_stop()
                total += upload_output(
                    self.store, host_path(self.host_dir(host), output.local_path), output.uri
                )
            counts[output.name] = total
            self._note(f"Output {output.name}: uploaded {total} file(s) to {output.uri}")
        return counts


def _env_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


class ProcessingProgram(supervision.Program):
    """The processing supervisor program."""

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        supervisor = Supervisor(folder, load_settings())
        supervisor.install_signals()
        return supervisor.run()


if __name__ == "__main__":
    supervision.main(PROCESSING, ProcessingProgram())
