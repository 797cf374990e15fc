"""The supervisor of one training job: ``python -m sabio.training._supervisor <job-dir>``.

It owns the job's state: it reserves CPU slots, lays out the hosts' folders, runs the
program on every host, pumps logs and metrics into the job folder and the catalog,
enforces ``max_run`` and stop requests, uploads the artifacts, and records the outcome.
The kernel's :class:`~sabio.supervision.Supervisor` gives it the heartbeat, stop requests
and ``done`` marker; its :class:`Program` gives warm pools pre-forked built-in programs.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sabio import supervision
from sabio._config import Settings, load_settings
from sabio.storage import ArchiveLimits, Store
from sabio.supervision._instances import instance_type
from sabio.supervision._slots import SlotReservation
from sabio.training._artifacts import pack_folder
from sabio.training._channels import materialize
from sabio.training._checkpoints import CheckpointSync
from sabio.training._code import command_for, install_requirements, unpack_code
from sabio.training._kind import TRAINING
from sabio.training._layout import HostLayout, decode_hyperparameters, host_names, to_cmd_args
from sabio.training._metrics import MetricFileFollower, RegexMetricParser
from sabio.training._process import HostProcess
from sabio.training._spec import TrainingJobSpec
from sabio.training._warm import MAX_PREFORK, PreForked, can_fork, is_warm, prefork, warm_up

__all__ = ["Supervisor", "TrainingProgram"]

STOP_GRACE_SECONDS = 10.0


class _Stopped(Exception):
    def __init__(self, secondary: str, reason: str) -> None:
        super().__init__(reason)
        self.secondary = secondary
        self.reason = reason


class Supervisor(supervision.Supervisor):
    """Runs one job to its end. Construct with the job folder; call :meth:`run`."""

    def __init__(
        self, job_dir: Path, settings: Settings, warm: list[PreForked] | None = None
    ) -> None:
        super().__init__(TRAINING, job_dir, settings)
        self.job_dir = job_dir
        self._warm = list(warm or [])
        self.spec = TrainingJobSpec.model_validate_json((job_dir / "spec.json").read_text())
        self.name = self.spec.job_name
        self.store = Store(settings)
        self.hosts = host_names(self.spec.instance_count)
        self.layouts = [HostLayout(job_dir / host) for host in self.hosts]
        self.log_path = job_dir / "logs.txt"
        self._log_lock = threading.Lock()
        self._log = self.log_path.open("a", encoding="utf-8", buffering=1)
        self._metrics: list[dict[str, Any]] = []
        self._metrics_lock = threading.Lock()
        # One flush at a time, holding its batch until the catalog has it: the heartbeat's
        # flush and the final one must not interleave (see _flush_metrics).
        self._flush_lock = threading.Lock()
        self._unsaved: list[dict[str, Any]] = []
        self._parser = RegexMetricParser(self.spec.metric_definitions)
        self._followers = [MetricFileFollower(layout.metrics_file) for layout in self.layouts]
        self._processes: list[HostProcess] = []
        #: Spot interruptions survived, seconds the programs ran (billable), and whether
        #: an interruption is under way.
        self.interruptions = 0
        self._ran_seconds = 0.0
        self._attempt_started = time.time()
        self._interrupting = False
        #: Programs run without /opt/ml (opt_ml=off, or the machine refused the namespace).
        self._no_opt_ml = settings.opt_ml == "off"
        self._created_at = time.time()  # the catalog's value replaces it in run()

    # ----------------------------------------------------------------- logging
    def log(self, line: str) -> None:
        """Append a line to the job log."""
        with self._log_lock:
            self._log.write(line + "\n")

    def _status(self, status: str, secondary: str, message: str, **values: Any) -> bool:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self.log(f"{stamp} {secondary} - {message}")
        return self.jobs.transition(
            self.name, status, secondary_status=secondary, message=message, **values
        )

    def _on_line(self, host: str, _stream: str, line: str) -> None:
        self.log(line if len(self.hosts) == 1 else f"[{host}] {line}")
        if line.startswith(supervision.OPT_ML_NOTE):
            self._no_opt_ml = True
        found = self._parser.parse(line)
        if found:
            with self._metrics_lock:
                self._metrics.extend(found)

    def _flush_metrics(self, *, final: bool = False) -> None:
        """Copy new metric values into the catalog.

        The heartbeat thread flushes while the program runs and the main thread flushes
        once it has ended, before the job's final status. Both hold ``_flush_lock`` from
        reading the metrics file until the values are committed: without it the final
        flush could find nothing new because a heartbeat flush had already consumed the
        file's lines but not yet written them, and the job would reach ``Completed``
        before its metrics did (or without them, when the process exits first and takes
        the daemon heartbeat thread with it). A batch the catalog refused is kept and
        retried by the next flush.

        Args:
            final: every program has exited; a last line without newline counts too.
        """
        with self._flush_lock:
            batch = self._unsaved
            self._unsaved = []
            for follower in self._followers:
                batch.extend(follower.read_new(final=final))
            with self._metrics_lock:
                batch.extend(self._metrics)
                self._metrics.clear()
            if not batch:
                return
            try:
                self.jobs.add_metrics(self.name, batch)
            except Exception:
                self._unsaved = batch
                raise

    def _programs_ended(self) -> bool:
        return bool(self._processes) and all(p.finished for p in self._processes)

    def _beat(self) -> None:
        self.jobs.heartbeat(self.name)
        self._flush_metrics()

    # --------------------------------------------------------------------- run
    def run(self) -> int:
        """Run the job to its end; returns the supervisor's exit code."""
        start_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        record = self.claim()
        self._created_at = record.created_at
        self.start_heartbeat(self._beat)
        self.log(f"{time.strftime('%Y-%m-%d %H:%M:%S')} Starting - Starting the training job...")
        instance = instance_type(self.spec.instance_type, self.settings.price_table)
        slots: SlotReservation | None = None
        training_started: float | None = None
        try:
            slots = self.admit(self.spec.instance_type, self.spec.instance_count, self.log)
            if slots is None:
                reason = self.stop_reason or "Stopped while waiting for CPU slots."
                raise _Stopped("Stopped", reason)
            self._status("InProgress", "Downloading", "Downloading input data")
            self._prepare()
            training_started = time.time()
            self._status(
                "InProgress",
                "Training",
                "Training image download completed. Training in progress.",
                started_at=training_started,
            )
            self._train()
            self._status("InProgress", "Uploading", "Uploading generated training model")
            # The outputs, the usage and the final status are recorded in one write.
            values = self._upload(model=True)
            values |= self._finish(start_usage, training_started, instance.usd_per_hour)
            self._status("Completed", "Completed", "Training job completed", **values)
            return 0
        except _Stopped as stop:
            values = self._upload(model=True)
            values |= self._finish(start_usage, training_started, instance.usd_per_hour)
            self._status(
                "Stopped", stop.secondary, stop.reason, failure_reason=stop.reason, **values
            )
            return 0
        except _UserError as error:
            values = self._upload(model=False)
            values |= self._finish(start_usage, training_started, instance.usd_per_hour)
            self._status(
                "Failed",
                "Failed",
                "Training job failed",
                failure_reason=supervision.failure_reason(error.reason),
                exit_code=error.exit_code,
                **values,
            )
            return 1
        except Exception as exc:
            reason = (
                f"ClientError: {exc}"
                if _is_user_facing(exc)
                else (f"InternalServerError: {type(exc).__name__}: {exc}")
            )
            self.log(traceback.format_exc())
            values = self._finish(start_usage, training_started, instance.usd_per_hour)
            self._status(
                "Failed",
                "Failed",
                "Training job failed",
                failure_reason=supervision.failure_reason(reason),
                **values,
            )
            return 1
        finally:
            for child in self._warm:
                child.cancel()
            self._warm.clear()
            # What the programs left running (a script's own children) ends with the job.
            self.end_leftovers(STOP_GRACE_SECONDS)
            if slots is not None:
                slots.release()
            self.stop_heartbeat()
            try:
                self._flush_metrics(final=self._programs_ended())
            except Exception as exc:
                self.log(f"sabio: could not record the last metrics: {exc}")
            self.finish()
            self._log.close()

    def _prepare(self) -> None:
        spec = self.spec
        archive: Path | None = None
        if spec.code_uri:
            archive = self.job_dir / "sourcedir.tar.gz"
            self.store.get_file(spec.code_uri, archive)
        for index, layout in enumerate(self.layouts):
            layout.create()
            layout.write_config(spec, self.hosts[index], self.hosts)
            if archive is not None:
                unpack_code(
                    archive,
                    layout.code,
                    ArchiveLimits.from_settings(self.settings),
                    spec.code_uri,
                )
            for name, channel in spec.channels.items():
                count = materialize(
                    self.store, channel, layout.channel(name), index, len(self.layouts)
                )
                if count == 0 and channel.distribution == "FullyReplicated":
                    raise _UserError(
                        f"ClientError: Channel {name!r} is empty: no files under {channel.uri}.",
                        None,
                    )

    def _train(self) -> None:
        spec = self.spec
        deadline = time.monotonic() + spec.max_run
        extra_path: Path | None = None
        requirements = self.layouts[0].code / "requirements.txt"
        if spec.entry_point and requirements.is_file():
            try:
                extra_path = install_requirements(requirements, self.settings.cache_dir, self.log)
            except Exception as exc:
                raise _UserError(f"ClientError: {exc}", None) from exc
        hps = decode_hyperparameters(spec.encoded_hyperparameters())
        args = to_cmd_args(hps)
        instance = instance_type(spec.instance_type, self.settings.price_table)
        num_cpus = instance.vcpus or (os.cpu_count() or 1)
        num_cpus = min(num_cpus, self.settings.cpu_slots) if instance.vcpus else num_cpus
        base_env = dict(os.environ)
        master_port = _free_port() if spec.distribution == "torch_distributed" else None
        if master_port is not None:
            self.log(
                f"sabio: torch_distributed: {len(self.hosts)} host(s), rendezvous at "
                f"127.0.0.1:{master_port}"
            )
        starts: list[tuple[list[str], list[str], Path, dict[str, str]]] = []
        for index, layout in enumerate(self.layouts):
            command = command_for(spec.entry_point, spec.builtin_module, layout.code) + args
            env = {**base_env, **spec.environment}
            env.update(
                layout.environment(
                    spec,
                    self.hosts[index],
                    self.hosts,
                    num_cpus,
                    spec.entry_point or "",
                    master_port,
                )
            )
            python_path = [str(layout.code)]
            if extra_path is not None:
                python_path.append(str(extra_path))
            if env.get("PYTHONPATH"):
                python_path.append(env["PYTHONPATH"])
            env["PYTHONPATH"] = os.pathsep.join(python_path)
            env["OMP_NUM_THREADS"] = env.get("OMP_NUM_THREADS", str(num_cpus))
            run = command
            if spec.entry_point:  # scripts may hard-code /opt/ml; built-ins do not
                run = supervision.opt_ml_command(command, layout.base, self.settings.opt_ml)
            starts.append((command, run, layout.code, env))
        sync = self._checkpoints()
        try:
            while True:
                self._start_hosts(starts)
                try:
                    self._watch(deadline)
                    return
                except _Interrupted as interruption:
                    self._resume(str(interruption), sync)
        finally:
            self._ran_seconds += time.time() - self._attempt_started
            if sync is not None:
                sync.stop()

    def _start_hosts(self, starts: list[tuple[list[str], list[str], Path, dict[str, str]]]) -> None:
        """Start every host's program (a warm pre-forked one for a built-in's first run)."""
        self._processes = []
        self._interrupting = False
        self._attempt_started = time.time()
        for index, (command, run, cwd, env) in enumerate(starts):
            warm = self._warm.pop(0) if self._warm and can_fork(env) else None
            process = HostProcess(
                self.hosts[index],
                command if warm is not None else run,
                cwd,
                env,
                self._on_line,
                self.wake,
                warm,
            )
            process.command = command  # what failure reasons show: the user's command
            if index == 0 and process.warm:
                self.log("sabio: started the built-in from a pre-imported process.")
            self._processes.append(process)

    def _checkpoints(self) -> CheckpointSync | None:
        """Restore the job's checkpoints and keep copying them while it runs (when it has a
        ``checkpoint_s3_uri``)."""
        if self.spec.checkpoint_uri is None:
            return None
        local = self.spec.checkpoint_local_path
        folders = [
            layout.base / "checkpoints"
            if local in (None, "/opt/ml/checkpoints")
            else Path(str(local))
            for layout in self.layouts
        ]
        sync = CheckpointSync(self.store, self.spec.checkpoint_uri, folders, self.log)
        sync.restore()
        sync.start()
        return sync

    def interrupt(self) -> None:
        """Lose the job's instances now, as a spot interruption does (SIGUSR2; for tests and
        drills): every host's program is killed. A spot job resumes from its checkpoints."""
        self._interrupting = True
        for process in self._processes:
            process.kill()

    def _resume(self, reason: str, sync: CheckpointSync | None) -> None:
        """After an interruption: copy the checkpoints written so far, then restart the
        hosts, unless max_wait has passed."""
        self.interruptions += 1
        self._ran_seconds += time.time() - self._attempt_started
        if sync is not None:
            sync.sync()
        max_wait = self.spec.max_wait or 0
        if time.time() - self._created_at >= max_wait:
            raise _Stopped(
                "MaxWaitTimeExceeded",
                f"MaxWaitTimeExceeded: the spot job was interrupted ({reason}) after "
                f"max_wait={max_wait} s; it keeps its last checkpoints. Raise max_wait.",
            )
        self._status(
            "InProgress",
            "Interrupted",
            f"Training job interrupted ({reason}); restarting from the last checkpoint "
            f"(interruption {self.interruptions})",
            details={"Interruptions": self.interruptions},
        )
        self._status("InProgress", "Training", "Training resumed from the last checkpoint.")

    def _watch(self, deadline: float) -> None:
        while True:
            if all(p.finished for p in self._processes):
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.request_stop(
                    f"MaxRuntimeExceeded: the job ran longer than max_run={self.spec.max_run} s "
                    "and was stopped. Raise max_run or make the script faster."
                )
            if self.stop_reason is not None:
                self._terminate_all()
                secondary = "MaxRuntimeExceeded" if "MaxRuntime" in self.stop_reason else "Stopped"
                if secondary == "Stopped":
                    self._status("Stopping", "Stopping", "Stopping the training job")
                raise _Stopped(secondary, self.stop_reason)
            # Wakes on: a host exiting, a stop request, or max_run.
            self.wake.wait(timeout=min(remaining, 3600.0))
            self.wake.clear()
        for process in self._processes:
            process.join()
        failed = [p for p in self._processes if p.proc.returncode != 0]
        if failed and self.spec.use_spot and self.stop_reason is None:
            lost = [p for p in failed if p.proc.returncode < 0]  # killed by a signal
            if self._interrupting or lost:
                host = (lost or failed)[0]
                raise _Interrupted(f"{host.host} lost (signal {-host.proc.returncode})")
        if failed:
            raise _UserError(self._failure_reason(failed[0]), failed[0].proc.returncode)

    def _terminate_all(self) -> None:
        for process in self._processes:
            process.terminate(STOP_GRACE_SECONDS)
        for process in self._processes:
            process.join()

    def _failure_reason(self, process: HostProcess) -> str:
        index = self.hosts.index(process.host)
        failure = self.layouts[index].failure_file
        if failure.is_file():
            text = failure.read_text(errors="replace").strip()
            if text:
                return supervision.failure_reason(text)
        code = process.proc.returncode
        tail = "\n".join(process.stderr_tail).strip()
        message = tail[-700:] if tail else "(the script printed nothing to stderr)"
        hint = supervision.opt_ml_hint(tail, self._no_opt_ml)
        message = f"{hint}\n{message}" if hint else message
        command = " ".join(process.command)
        return (
            f'AlgorithmError: ExecuteUserScriptError:\nExitCode {code}\nErrorMessage "{message}"\n'
            f'Command "{command}", exit code: {code}'
        )[: supervision.FAILURE_REASON_LIMIT]

    def _upload(self, *, model: bool) -> dict[str, Any]:
        """Pack and store the model and output data; return their URIs for the job record."""
        prefix = f"{self.spec.output_path.rstrip('/')}/{self.name}/output"
        values: dict[str, Any] = {}
        staging = self.job_dir / "artifacts"
        if model:
            archive = staging / "model.tar.gz"
            pack_folder(reversed([layout.model for layout in self.layouts]), archive)
            self.store.put_file(archive, f"{prefix}/model.tar.gz")
            values["model_artifacts"] = f"{prefix}/model.tar.gz"
        output = staging / "output.tar.gz"
        if pack_folder(reversed([layout.output_data for layout in self.layouts]), output):
            self.store.put_file(output, f"{prefix}/output.tar.gz")
            values["output_data"] = f"{prefix}/output.tar.gz"
        return values

    def _finish(
        self, start: resource.struct_rusage, training_started: float | None, price: float | None
    ) -> dict[str, Any]:
        """Record the last metrics; return the job's usage for its final status."""
        self._flush_metrics(final=self._programs_ended())
        end = resource.getrusage(resource.RUSAGE_CHILDREN)
        now = time.time()
        training_seconds = now - training_started if training_started else 0.0
        # A spot job is billed for the time its programs ran, not for its restarts.
        ran = self._ran_seconds if self.spec.use_spot and training_started else training_seconds
        billable = min(ran, training_seconds) * self.spec.instance_count
        cost = None if price is None else round(billable / 3600.0 * price, 6)
        cpu = (end.ru_utime - start.ru_utime) + (end.ru_stime - start.ru_stime)
        return {
            "wall_seconds": now - self._created_at,
            "billable_seconds": billable,
            "cpu_seconds": cpu,
            "peak_rss_bytes": int(end.ru_maxrss) * 1024,
            "estimated_cost_usd": cost,
        }


class _Interrupted(Exception):
    """The job's instances were lost (a spot interruption): resume from the checkpoints."""


class _UserError(Exception):
    def __init__(self, reason: str, exit_code: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code


def _is_user_facing(exc: Exception) -> bool:
    from sabio.exceptions import SabioError

    return isinstance(exc, SabioError)


class TrainingProgram(supervision.Program):
    """The training supervisor program: its warm pools pre-import built-in programs, and
    their spares pre-fork the program's child (``sabio.training._warm``)."""

    def warm_up(self, kind: supervision.JobKind, preload: Sequence[str]) -> list[str]:
        super().warm_up(kind, preload)
        return warm_up(preload)

    def prepare(self, warmed: Sequence[str]) -> list[PreForked]:
        # What a spare's program child runs: the built-in, when the standby warmed one.
        return prefork(warmed[0], 1) if len(warmed) == 1 else []

    def discard(self, prepared: Any) -> None:
        for child in prepared or []:
            child.cancel()

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        warm = _children_for(folder, prepared) if prepared is not None else None
        supervisor = Supervisor(folder, load_settings(), warm)
        supervisor.install_signals()
        signal.signal(signal.SIGUSR2, lambda *_: supervisor.interrupt())
        return supervisor.run()


def _children_for(job_dir: Path, ready: list[PreForked]) -> list[PreForked]:
    """Program children for a warm built-in job: the spare's ``ready`` ones, topped up or
    replaced to match the job (forked while this process has one thread)."""
    try:
        spec = json.loads((job_dir / "spec.json").read_text())
        module, count = spec.get("builtin_module"), int(spec.get("instance_count") or 1)
    except (OSError, ValueError, AttributeError):
        module, count = None, 0  # the supervisor itself reports a broken spec
    usable = isinstance(module, str) and 0 < count <= MAX_PREFORK and is_warm(module)
    if not usable or any(child.module != module for child in ready):
        for child in ready:
            child.cancel()
        ready = []
    if not usable or not isinstance(module, str):
        return []
    return ready + prefork(module, count - len(ready))


def _free_port() -> int:
    """A TCP port of 127.0.0.1 that was free a moment ago (the hosts' rendezvous)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    supervision.main(TRAINING, TrainingProgram())
