"""Submitting, describing, stopping, waiting for and resuming tuning jobs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import ConflictError, ValidationError
from sabio.storage import Store
from sabio.training import TRAINING, TrainingJobSpec, lend_warm_pool
from sabio.training import stop as stop_job
from sabio.tuning._kind import TUNING
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


def tuning_dir(settings: Settings, name: str) -> Path:
    """The local folder of a tuning job (spec, Optuna journal, log)."""
    return supervision.job_dir(settings, TUNING, name)


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
    standby: supervision.WarmHandoff | None = None,
    keep_alive: float = 0.0,
) -> JobRecord:
    """Validate a tuning job, record it and start its supervisor.

    Everything is checked before anything is written: the objective metric, the training
    definition, the channels and the warm-start parents.

    The trials of a built-in fork from a standby that spends seconds importing it: it starts
    first and warms up while the spec is checked and the supervisor starts, which adopts it.
    A caller may start it earlier still (``sabio.training.lend_warm_pool``, before its own
    imports) and pass it as ``standby``; it is stopped when the job is not started. With
    ``keep_alive`` seconds (the estimator's ``keep_alive_period_in_seconds``) this process
    keeps the warm pool afterwards for its next jobs; a ``standby`` passed in was started
    with its own.

    Raises:
        ValidationError, NotFoundError: bad input (nothing was recorded).
        ConflictError: a tuning job with this name exists already.
        ConfigError: the backend is unknown or unavailable.
    """
    if standby is None:
        supervision.check_backend(settings)  # before a standby is started for it
        standby = _start_standby(settings, spec, keep_alive)
    try:
        return _submit(settings, spec, store or Store(settings), code_archive, standby)
    finally:
        if standby is not None:
            standby.discard()  # a no-op once the supervisor got it


def _start_standby(
    settings: Settings, spec: TuningJobSpec, keep_alive: float = 0.0
) -> supervision.WarmHandoff | None:
    """Start the standby the supervisor's trials fork from, for a built-in's trials."""
    definition = spec.TrainingJobDefinition
    module = definition.get("builtin_module")
    if not isinstance(module, str) or definition.get("entry_point") or spec.max_jobs() < 2:
        return None
    try:
        return lend_warm_pool(settings, module, keep_alive)
    except Exception:  # only a head start: the supervisor warms one itself
        return None


def _submit(
    settings: Settings,
    spec: TuningJobSpec,
    store: Store,
    code_archive: Path | None,
    standby: supervision.WarmHandoff | None,
) -> JobRecord:
    supervision.check_backend(settings)
    catalog = Catalog.open(settings)
    spec = prepare(spec)
    _check_channels(store, spec)
    if spec.WarmStartConfig is not None:
        for parent in spec.WarmStartConfig.ParentHyperParameterTuningJobs:
            catalog.jobs(TUNING).get(parent.HyperParameterTuningJobName)
    folder = tuning_dir(settings, spec.name)
    if catalog.jobs(TUNING).exists(spec.name):
        raise ConflictError(
            f"Tuning job {spec.name!r} already exists. Names are unique: pick another name or "
            "leave it out to get a generated one (list them with `sabio tuning list`)."
        )
    if code_archive is not None:
        spec = spec.model_copy(update={"CodeArchive": str(folder / "sourcedir.tar.gz")})
    record = catalog.jobs(TUNING).create(
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
    supervision.launch(settings, TUNING, spec.name, handoff=standby)
    return record


def _stop_trials(settings: Settings, record: JobRecord) -> None:
    """A tuning job's supervisor died: stop its running trials."""
    trials = Catalog.open(settings).jobs(TRAINING)
    for trial in trials.list(parent=record.name, limit=None):
        if not trial.is_terminal:
            stop_job(settings, trial.name)


def reconcile(settings: Settings, record: JobRecord) -> JobRecord:
    """Mark a tuning job ``Failed`` (and stop its trials) when its supervisor died."""
    return supervision.reconcile(
        settings, TUNING, record, on_dead=lambda dead: _stop_trials(settings, dead)
    )


def describe(settings: Settings, name: str) -> JobRecord:
    """Return a tuning job, reconciling a dead supervisor first."""
    return reconcile(settings, Catalog.open(settings).jobs(TUNING).get(name))


def list_tuning_jobs(
    settings: Settings,
    *,
    status: str | None = None,
    name_contains: str | None = None,
    limit: int | None = 100,
) -> list[JobRecord]:
    """Tuning jobs, newest first (each reconciled)."""
    catalog = Catalog.open(settings)
    records = catalog.jobs(TUNING).list(status=status, name_contains=name_contains, limit=limit)
    return [reconcile(settings, r) for r in records]


def trials(settings: Settings, name: str) -> list[JobRecord]:
    """The training jobs of a tuning job, oldest first."""
    catalog = Catalog.open(settings)
    catalog.jobs(TUNING).get(name)
    return sorted(catalog.jobs(TRAINING).list(parent=name, limit=None), key=lambda r: r.created_at)


def stop(settings: Settings, name: str) -> bool:
    """Ask a tuning job to stop (its running trials end ``Stopped``); False if it had ended."""
    return supervision.stop(settings, TUNING, name)


def resume(settings: Settings, name: str) -> bool:
    """Start a new supervisor for a tuning job whose supervisor died (before a reader
    reconciled it to ``Failed``: after a machine restart, or from a crash handler).

    The new supervisor re-opens the study, adopts the trials still running and starts only
    the trials that remain; finished trials are never re-run.

    Returns:
        False when the supervisor is alive or the job has ended.
    """
    record = Catalog.open(settings).jobs(TUNING).get(name)
    if not supervision.supervisor_dead(settings, TUNING, record):
        return False
    supervision.launch(settings, TUNING, name)
    return True


def wait(
    settings: Settings,
    name: str,
    timeout: float | None = None,
    on_change: Callable[[JobRecord], Any] | None = None,
) -> JobRecord:
    """Block until the tuning job ends; ``on_change`` sees each changed record.

    Raises:
        TimeoutError_: it did not end within ``timeout`` seconds.
    """
    return supervision.wait(
        settings,
        TUNING,
        name,
        timeout=timeout,
        on_change=on_change,
        on_dead=lambda dead: _stop_trials(settings, dead),
    )
