"""Submitting, describing, stopping, waiting for and resuming tuning jobs."""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sabio._config import Settings, environ, settings_to_env
from sabio.backends import StandbyHandoff, start_standby
from sabio.backends._process import exit_watch, process_alive, spawn_detached
from sabio.catalog import Catalog, ResourceRecord, TrainingJobRecord
from sabio.exceptions import ConflictError, TimeoutError_, ValidationError
from sabio.storage import Store
from sabio.training import TrainingJobSpec
from sabio.training import stop as stop_job
from sabio.tuning._metrics import check_objective_metric
from sabio.tuning._search import resource_hyperparameter
from sabio.tuning._spec import TuningJobSpec

__all__ = [
    "describe",
    "list_tuning_jobs",
    "reconcile",
    "resume",
    "stop",
    "submit",
    "trials",
    "tuning_dir",
    "wait",
]

SUPERVISOR_MODULE = "sabio.tuning"
#: A supervisor whose heartbeat is older than this (and whose process is gone) is dead.
STALE_SECONDS = 15.0
_ENDED = ("Completed", "Failed", "Stopped")


def tuning_dir(settings: Settings, name: str) -> Path:
    """The local folder of a tuning job (spec, Optuna journal, log)."""
    return settings.home / "tuning-jobs" / name


def prepare(spec: TuningJobSpec) -> TuningJobSpec:
    """Check what the spec alone cannot, and fill in Hyperband's resource hyperparameter.

    Raises:
        ValidationError: an unknown objective metric, or a training definition that is not
            a valid training job.
    """
    from pydantic import ValidationError as PydanticError

    definition = dict(spec.TrainingJobDefinition)
    check_objective_metric(spec.objective.MetricName, definition, spec.name)
    hyperband = (
        spec.config.StrategyConfig.HyperbandStrategyConfig if spec.config.StrategyConfig else None
    )
    resource = resource_hyperparameter(spec)
    static = spec.static_hyperparameters()
    if (
        spec.config.Strategy == "Hyperband"
        and hyperband is not None
        and hyperband.MaxResource is not None
        and resource is not None
        and resource not in static
        and resource not in spec.config.ParameterRanges.names()
    ):
        # Hyperband budgets each trial up to MaxResource epochs/rounds; the pruner stops the
        # weaker ones earlier.
        static[resource] = hyperband.MaxResource
    module = definition.get("builtin_module")
    if module and not definition.get("entry_point"):
        # Like SageMaker, tell the built-in which metric is tuned so it reports it.
        static["_tuning_objective_metric"] = spec.objective.MetricName
    definition["hyperparameters"] = static
    definition["tuning_job_name"] = spec.name
    probe = {**definition, "job_name": f"{spec.name}-001-00000000"}
    if spec.CodeArchive is not None:
        probe["code_uri"] = f"{str(definition.get('output_path', '')).rstrip('/')}/probe"
    try:
        TrainingJobSpec.model_validate(probe)
    except PydanticError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'job'}: {e['msg']}" for e in exc.errors()
        )
        raise ValidationError(
            f"Invalid training job definition of tuning job {spec.name!r}: {details}"
        ) from None
    return spec.model_copy(update={"TrainingJobDefinition": definition})


def _check_channels(store: Store, spec: TuningJobSpec) -> None:
    for name, channel in (spec.TrainingJobDefinition.get("channels") or {}).items():
        uri = channel["uri"]
        if not store.exists(uri) and not store.list(uri):
            raise ValidationError(
                f"Channel {name!r} of tuning job {spec.name!r} has no data: nothing under "
                f"{uri}. Upload data with Session.upload_data(...) and pass its URI."
            )


def submit(
    settings: Settings,
    spec: TuningJobSpec,
    store: Store | None = None,
    code_archive: Path | None = None,
    standby: StandbyHandoff | None = None,
    keep_alive: float = 0.0,
) -> ResourceRecord:
    """Validate a tuning job, record it and start its supervisor.

    Everything is checked before anything is written: the objective metric, the training
    definition, the channels and the warm-start parents.

    The trials of a built-in fork from a standby that spends seconds importing it: it starts
    first and warms up while the spec is checked and the supervisor starts, which adopts it.
    A caller may start it earlier still (``sabio.backends.start_standby``, before its own
    imports) and pass it as ``standby``; it is stopped when the job is not started. With
    ``keep_alive`` seconds (the estimator's ``keep_alive_period_in_seconds``) this process
    keeps the standby afterwards as a warm pool for its next jobs (see
    ``sabio.backends.start_standby``); a ``standby`` passed in was started with its own.

    Raises:
        ValidationError, NotFoundError: bad input (nothing was recorded).
        ConflictError: a tuning job with this name exists already.
    """
    if standby is None:
        standby = _start_standby(settings, spec, keep_alive)
    try:
        return _submit(settings, spec, store or Store(settings), code_archive, standby)
    finally:
        if standby is not None:
            standby.discard()  # a no-op once the supervisor got it


def _start_standby(
    settings: Settings, spec: TuningJobSpec, keep_alive: float = 0.0
) -> StandbyHandoff | None:
    """Start the standby the supervisor's trials fork from, for a built-in's trials."""
    definition = spec.TrainingJobDefinition
    module = definition.get("builtin_module")
    if not isinstance(module, str) or definition.get("entry_point") or spec.max_jobs() < 2:
        return None
    try:
        return start_standby(settings, module, keep_alive)
    except Exception:  # only a head start: the supervisor warms one itself
        return None


def _submit(
    settings: Settings,
    spec: TuningJobSpec,
    store: Store,
    code_archive: Path | None,
    standby: StandbyHandoff | None,
) -> ResourceRecord:
    catalog = Catalog.open(settings)
    spec = prepare(spec)
    _check_channels(store, spec)
    if spec.WarmStartConfig is not None:
        for parent in spec.WarmStartConfig.ParentHyperParameterTuningJobs:
            catalog.tuning_jobs.get(parent.HyperParameterTuningJobName)
    folder = tuning_dir(settings, spec.name)
    if catalog.tuning_jobs.exists(spec.name):
        raise ConflictError(
            f"Tuning job {spec.name!r} already exists. Names are unique: pick another name or "
            "leave it out to get a generated one (list them with `sabio tuning list`)."
        )
    if code_archive is not None:
        spec = spec.model_copy(update={"CodeArchive": str(folder / "sourcedir.tar.gz")})
    record = catalog.tuning_jobs.create(
        spec.name,
        spec.model_dump(mode="json"),
        status="InProgress",
        details={"TrainingJobStatusCounters": {}, "ObjectiveStatusCounters": {}},
    )
    if folder.exists():  # a deleted tuning job of the same name left its folder behind
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if code_archive is not None:
        shutil.copyfile(code_archive, folder / "sourcedir.tar.gz")
    (folder / "spec.json").write_text(spec.model_dump_json(indent=2))
    _launch(settings, catalog, spec.name, folder, standby)
    return record


def _launch(
    settings: Settings,
    catalog: Catalog,
    name: str,
    folder: Path,
    standby: StandbyHandoff | None = None,
) -> None:
    # The environment start_standby() warmed the standby for: the supervisor's jobs use it.
    env = {**environ(), **settings_to_env(settings)}
    try:
        pid = _spawn(folder, env, standby)
    except OSError as exc:
        catalog.tuning_jobs.transition(
            name,
            "Failed",
            failure_reason=f"InternalServerError: cannot start the tuning supervisor: {exc}",
        )
        raise
    catalog.tuning_jobs.update(name, supervisor_pid=pid, supervisor_host=socket.gethostname())


def _spawn(folder: Path, env: dict[str, str], standby: StandbyHandoff | None = None) -> int:
    """Start ``python -m sabio.tuning <folder>`` detached (own session, no terminal).

    With ``standby``, the supervisor gets its pipes as descriptors 3 and 4 and
    ``--standby <argument>`` on its command line; this process's copies are then closed.
    """
    if standby is None:
        return spawn_detached(SUPERVISOR_MODULE, [str(folder)], env, folder / "supervisor.log")
    args = [str(folder), "--standby", standby.argument()]
    pid = spawn_detached(
        SUPERVISOR_MODULE, args, env, folder / "supervisor.log", pass_fds=standby.fds
    )
    standby.release(pid)
    return pid


def _dead(record: ResourceRecord) -> bool:
    if record.status in ("Completed", "Failed", "Stopped"):
        return False
    if record.supervisor_pid is not None and record.supervisor_host in (None, socket.gethostname()):
        return not process_alive(record.supervisor_pid, SUPERVISOR_MODULE)
    return record.heartbeat_at is not None and time.time() - record.heartbeat_at > STALE_SECONDS


def reconcile(settings: Settings, catalog: Catalog, record: ResourceRecord) -> ResourceRecord:
    """Mark a tuning job ``Failed`` (and stop its trials) when its supervisor died."""
    if not _dead(record):
        return record
    time.sleep(0.05)  # wait out the supervisor's last write (it may have just finished)
    record = catalog.tuning_jobs.get(record.name)
    if not _dead(record):
        return record
    for trial in catalog.list_training_jobs(tuning_job_name=record.name, limit=None):
        if not trial.is_terminal:
            stop_job(settings, trial.name)
    catalog.tuning_jobs.transition(
        record.name,
        "Failed",
        failure_reason=(
            f"InternalServerError: the tuning job's supervisor process (pid "
            f"{record.supervisor_pid}) died without recording an outcome (killed, out of "
            "memory or machine restart); its running trials were stopped. Start a new tuning "
            f"job with a warm start from {record.name!r} to reuse its finished trials."
        ),
    )
    return catalog.tuning_jobs.get(record.name)


def describe(settings: Settings, name: str) -> ResourceRecord:
    """Return a tuning job, reconciling a dead supervisor first."""
    catalog = Catalog.open(settings)
    return reconcile(settings, catalog, catalog.tuning_jobs.get(name))


def list_tuning_jobs(
    settings: Settings,
    *,
    status: str | None = None,
    name_contains: str | None = None,
    limit: int | None = 100,
) -> list[ResourceRecord]:
    """Tuning jobs, newest first (each reconciled)."""
    catalog = Catalog.open(settings)
    records = catalog.tuning_jobs.list_records(
        status=status, name_contains=name_contains, limit=limit
    )
    return [reconcile(settings, catalog, r) for r in records]


def trials(settings: Settings, name: str) -> list[TrainingJobRecord]:
    """The training jobs of a tuning job, oldest first."""
    catalog = Catalog.open(settings)
    catalog.tuning_jobs.get(name)
    return sorted(
        catalog.list_training_jobs(tuning_job_name=name, limit=None), key=lambda r: r.created_at
    )


def stop(settings: Settings, name: str) -> bool:
    """Ask a tuning job to stop (its running trials end ``Stopped``); False if it had ended."""
    catalog = Catalog.open(settings)
    record = reconcile(settings, catalog, catalog.tuning_jobs.get(name))
    if record.status in ("Completed", "Failed", "Stopped"):
        return False
    if not catalog.tuning_jobs.request_stop(name):
        return False
    catalog.tuning_jobs.transition(name, "Stopping", only_from=("InProgress",))
    record = catalog.tuning_jobs.get(name)
    if record.supervisor_pid is not None and record.heartbeat_at is not None:
        try:
            os.kill(record.supervisor_pid, signal.SIGUSR1)
        except ProcessLookupError:
            pass
    return True


def resume(settings: Settings, name: str) -> bool:
    """Start a new supervisor for a tuning job whose supervisor died (before a reader
    reconciled it to ``Failed``: after a machine restart, or from a crash handler).

    The new supervisor re-opens the study, adopts the trials still running and starts only
    the trials that remain; finished trials are never re-run.

    Returns:
        False when the supervisor is alive or the job has ended.
    """
    catalog = Catalog.open(settings)
    record = catalog.tuning_jobs.get(name)
    if not _dead(record):
        return False
    _launch(settings, catalog, name, tuning_dir(settings, name))
    return True


def wait(
    settings: Settings,
    name: str,
    timeout: float | None = None,
    on_change: Callable[[ResourceRecord], Any] | None = None,
) -> ResourceRecord:
    """Block until the tuning job ends; ``on_change`` sees each changed record.

    Raises:
        TimeoutError_: it did not end within ``timeout`` seconds.
    """
    catalog = Catalog.open(settings)
    deadline = None if timeout is None else time.monotonic() + timeout
    last_modified = -1.0
    last_reconcile = time.monotonic()
    delay = 0.01
    # The supervisor exits right after recording the outcome: waiting on its exit returns
    # at once, and the catalog is still read every ``delay`` for changes and other hosts.
    record = catalog.tuning_jobs.get(name)
    watch = _exit_watch(record)
    try:
        while True:
            if watch is not None and _exited(watch, 0.0):
                os.close(watch)
                watch = None
                last_reconcile = 0.0  # it is gone: reconcile now
            record = catalog.tuning_jobs.get(name)
            if time.monotonic() - last_reconcile > 2.0:
                last_reconcile = time.monotonic()
                record = reconcile(settings, catalog, record)
            if record.last_modified != last_modified:
                last_modified = record.last_modified
                delay = 0.01
                if on_change is not None:
                    on_change(record)
            if record.status in _ENDED:
                return record
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError_(
                    f"Tuning job {name!r} did not finish within {timeout} s; it is still "
                    "running. Wait again, or stop it with `sabio tuning stop`."
                )
            if watch is None:
                time.sleep(delay)
            else:
                _exited(watch, delay)
            delay = min(delay * 1.5, 0.25)
    finally:
        if watch is not None:
            os.close(watch)


def _exit_watch(record: ResourceRecord) -> int | None:
    """An exit descriptor for a tuning job's supervisor on this machine (None: poll)."""
    local = record.supervisor_host in (None, socket.gethostname())
    if record.supervisor_pid is None or not local or record.status in _ENDED:
        return None
    return exit_watch(record.supervisor_pid)


def _exited(fd: int, timeout: float) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(timeout * 1000.0))
