"""The supervisor of one tuning job: ``python -m sabio.tuning <tuning-job-folder>``.

It asks Optuna for hyperparameters, runs each trial as an ordinary training job (tagged
with the tuning job), feeds intermediate metrics to the pruner, tells Optuna each final
objective, and records counters and the best job in the catalog. It sleeps until a trial
writes its ``done`` marker (inotify on the trials' folders) or a trial's supervisor exits (a
pidfd each, which also catches one that died without the marker); where neither is
available it looks for the markers with a short back-off (5 to 50 ms). So a finished trial
is replaced at once without polling. The study is an append-only journal in the job folder:
a restarted supervisor re-opens it, adopts the trials still running and never re-runs a
finished one.

Started by ``sabio.tuning.submit``, it also adopts the warm pool its trials fork from,
which ``submit`` started first so that it warms up meanwhile (``--warm-pool``).
"""

from __future__ import annotations

import math
import secrets
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sabio import supervision
from sabio._config import Settings, load_settings
from sabio.storage import Store
from sabio.training import (
    TRAINING,
    TrainingJobSpec,
    adopt_warm_pool,
    job_dir,
    metrics_file,
    prepare_warm_pool,
)
from sabio.training import describe as describe_job
from sabio.training import stop as stop_job
from sabio.training import submit as submit_job
from sabio.tuning._criteria import completion_reason
from sabio.tuning._follow import MetricsFile
from sabio.tuning._kind import TUNING
from sabio.tuning._search import (
    add_parent_trials,
    distributions,
    hyperparameters_of,
    open_study,
)
from sabio.tuning._spec import TuningJobSpec
from sabio.tuning._state import (
    hold_catalog_open,
    job_exists,
    local_pid,
    parent_trials,
    summarize,
)
from sabio.tuning._wait import TrialWatch

if TYPE_CHECKING:
    import optuna

__all__ = ["TuningProgram", "TuningSupervisor"]

#: How often running trials are re-read for pruning and checked for a dead supervisor.
CHECK_SECONDS = 0.5
RECONCILE_SECONDS = 3.0
#: How long stopped trials get to end before the tuning job records its outcome anyway.
STOP_WAIT_SECONDS = 60.0


@dataclass
class _Running:
    trial: optuna.trial.Trial
    job: str
    done: Path
    follower: MetricsFile
    last_step: int = -1
    stopping: str | None = None
    pruned: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class TuningSupervisor(supervision.Supervisor):
    """Runs one tuning job to its end. Construct with the job folder; call :meth:`run`."""

    def __init__(self, folder: Path, settings: Settings, *, adopted: bool = False) -> None:
        super().__init__(TUNING, folder, settings)
        #: Whether the submitter lent this process the trials' warm pool (``--warm-pool``).
        self.adopted = adopted
        self.spec = TuningJobSpec.model_validate_json((folder / "spec.json").read_text())
        self.name = self.spec.name
        self.trials = self.catalog.jobs(TRAINING)
        self.store = Store(settings)
        self.metric = self.spec.objective.MetricName
        self.maximize = self.spec.objective.Type == "Maximize"
        self.study = open_study(self.spec, folder / "study.journal")
        self.dists = distributions(self.spec)
        self.running: dict[int, _Running] = {}
        self.launched = 0
        self.failed = 0
        self.last_failure: str | None = None
        self._watch = TrialWatch()
        self._markers: list[threading.Thread] = []
        self._prunes = self.spec.config.Strategy == "Hyperband" or (
            self.spec.config.TrainingJobEarlyStoppingType == "Auto"
        )
        self._log = (folder / "logs.txt").open("a", encoding="utf-8", buffering=1)

    # ------------------------------------------------------------------ utils
    def log(self, message: str) -> None:
        """Append a line to the tuning job's log."""
        self._log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")

    def request_stop(self, reason: str) -> None:
        """Ask the tuning job to stop (signal, heartbeat or ``stop_tuning_job``)."""
        super().request_stop(reason)
        self._watch.wake()

    # -------------------------------------------------------------------- run
    def run(self) -> int:
        """Run the search to its end; returns the process exit code."""
        started = time.time()
        record = self.jobs.get(self.name)
        self.claim(started_at=record.started_at or started)
        self.start_heartbeat()
        keeper = hold_catalog_open(self.catalog)
        deadline = None
        runtime = self.spec.config.ResourceLimits.MaxRuntimeInSeconds
        if runtime is not None:
            deadline = (record.started_at or started) + runtime
        try:
            self._restore()
            self._warm_trials()
            outcome = self._loop(deadline)
            self._finish(*outcome)
            return 0
        except Exception as exc:
            self.log(traceback.format_exc())
            self._stop_all("Stopped: the tuning job failed.")
            self._wait_stopping(STOP_WAIT_SECONDS)
            self._finish("Failed", f"InternalServerError: {type(exc).__name__}: {exc}")
            return 1
        finally:
            self.finish()
            if keeper is not None:
                keeper.close()
            self._watch.close()
            self._log.close()

    def _warm_trials(self) -> None:
        """Have the backend's warm pool ready for a built-in's trials.

        Every trial runs the same built-in, so all of them, the first ones included, can
        fork it instead of each importing its framework in a fresh interpreter. Usually the
        submitter started it before this process (``adopted``), else it starts now.
        """
        definition = self.spec.TrainingJobDefinition
        module = definition.get("builtin_module")
        if not module or definition.get("entry_point") or self.spec.max_jobs() < 2:
            return
        began = time.monotonic()
        try:
            ready = prepare_warm_pool(self.settings, str(module))
        except Exception as exc:  # trials then start cold: slower, not wrong
            self.log(f"could not start a warm pool for {module}: {exc}")
            return
        state = "ready" if ready else "not ready"
        origin = " (lent by the submitter)" if self.adopted else ""
        self.log(f"warm pool for {module}{origin} {state} after {time.monotonic() - began:.2f} s")

    def _restore(self) -> None:
        """Seed a new study from parents, or adopt the state of an earlier supervisor."""
        import optuna

        trials = self.study.get_trials(deepcopy=False)
        if not trials and self.spec.WarmStartConfig is not None:
            parents = parent_trials(self.catalog, self.spec)
            added = add_parent_trials(self.study, self.spec, parents)
            self.log(f"warm start: {added} trial(s) from parent tuning jobs")
            self.jobs.update(self.name, details={"WarmStartTrials": added})
            trials = self.study.get_trials(deepcopy=False)
        for frozen in trials:
            job = frozen.user_attrs.get("job_name")
            if job is None or frozen.user_attrs.get("never_started"):
                continue
            running = frozen.state == optuna.trial.TrialState.RUNNING
            if running and not job_exists(self.catalog, job):
                # Asked for but never submitted (the supervisor died in between): it does
                # not count against max_jobs; a new trial takes its place.
                orphan = optuna.trial.Trial(self.study, frozen._trial_id)
                orphan.set_user_attr("never_started", True)
                self.study.tell(frozen.number, state=optuna.trial.TrialState.FAIL)
                continue
            self.launched += 1
            if frozen.user_attrs.get("status") == "Failed":
                self.failed += 1
            if not running:
                continue
            trial = optuna.trial.Trial(self.study, frozen._trial_id)
            self.running[frozen.number] = self._running(trial, job, local_pid(self.catalog, job))
            self.log(f"adopted running trial {job}")

    def _loop(self, deadline: float | None) -> tuple[str, str | None]:
        total = self.spec.max_jobs()
        parallel = self.spec.config.ResourceLimits.MaxParallelTrainingJobs
        delay = 0.005
        last_check = last_reconcile = time.monotonic()
        changed = True
        gone: set[str] = set()
        while True:
            changed |= self._collect(gone)
            now = time.monotonic()
            if now - last_check >= CHECK_SECONDS:
                last_check = now
                if self._prunes:
                    self._prune()
                if now - last_reconcile >= RECONCILE_SECONDS:
                    last_reconcile = now
                    changed |= self._reconcile_trials()
            outcome = self._outcome(deadline, total)
            if outcome is not None:
                return outcome
            # Replacements start before the summary is written: they wait on nothing else.
            while len(self.running) < parallel and self.launched < total:
                self._launch()
                changed = True
            if changed:
                self._record()
                changed = False
                delay = 0.005
                continue
            # Sleep until a trial writes its marker or its supervisor exits, a stop request,
            # or the next check; only unwatched trials need the done-marker back-off.
            timeout = CHECK_SECONDS - (time.monotonic() - last_check)
            polled = self._watch.blind(r.job for r in self.running.values())
            gone = self._watch.wait(min(delay, timeout) if polled else timeout)
            delay = min(delay * 2, 0.05)

    def _outcome(self, deadline: float | None, total: int) -> tuple[str, str | None] | None:
        """The tuning job's ending, once one applies (stopping running trials first)."""
        ending: tuple[str, str | None] | None = None
        if self.stop_reason is not None:
            ending = ("Stopped", self.stop_reason)
        elif self.failed > self.spec.max_failed():
            ending = (
                "Failed",
                f"{self.failed} training job(s) failed (at most {self.spec.max_failed()} "
                f"tolerated; raise max_failed_jobs to tolerate more). Last failure: "
                f"{self.last_failure}",
            )
        elif deadline is not None and time.time() >= deadline:
            ending = ("Completed", "MaxRuntimeInSeconds reached")
        else:
            reason = completion_reason(self.spec, self.study)
            if reason is not None:
                ending = ("Completed", reason)
            elif self.launched >= total and not self.running:
                if self.failed and not self._succeeded():
                    return (
                        "Failed",
                        "No training job completed with an objective value. Last failure: "
                        f"{self.last_failure}",
                    )
                return ("Completed", "MaxNumberOfTrainingJobs reached")
        if ending is None:
            return None
        if self.running:
            if ending[0] == "Stopped":
                self.jobs.transition(self.name, "Stopping")
            self._stop_all(f"Stopped by tuning job {self.name!r}: {ending[1]}")
            self._wait_stopping(STOP_WAIT_SECONDS)
        return ending

    def _succeeded(self) -> bool:
        import optuna

        complete = (optuna.trial.TrialState.COMPLETE,)
        trials = self.study.get_trials(deepcopy=False, states=complete)
        return any("job_name" in t.user_attrs for t in trials)

    # ------------------------------------------------------------------ trials
    def _launch(self) -> None:
        import optuna

        trial = self.study.ask(fixed_distributions=self.dists)
        hps = hyperparameters_of(self.spec, trial.params)
        job = f"{self.name}-{trial.number + 1:03d}-{secrets.token_hex(4)}"
        trial.set_user_attr("job_name", job)
        trial.set_user_attr("hyperparameters", hps)
        self.launched += 1
        definition = dict(self.spec.TrainingJobDefinition)
        definition["job_name"] = job
        definition["hyperparameters"] = {**self.spec.static_hyperparameters(), **hps}
        definition["tuning_job_name"] = self.name
        archive = Path(self.spec.CodeArchive) if self.spec.CodeArchive else None
        output_path = str(definition["output_path"]).rstrip("/")
        definition["code_uri"] = (
            f"{output_path}/{job}/source/sourcedir.tar.gz" if archive is not None else None
        )
        try:
            training_spec = TrainingJobSpec.model_validate(definition)
            record = submit_job(self.settings, training_spec, self.store, code_archive=archive)
        except Exception as exc:
            reason = f"cannot start trial {job}: {exc}"
            self.log(reason)
            self._fail(trial, job, reason)
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
            return
        self.log(f"started {job} with {hps}")
        self.running[trial.number] = self._running(trial, job, record.supervisor_pid)

    def _running(self, trial: optuna.trial.Trial, job: str, pid: int | None) -> _Running:
        folder = job_dir(self.settings, job)
        self._watch.add(job, folder, pid)
        return _Running(trial, job, folder / "done", MetricsFile(metrics_file(self.settings, job)))

    def _fail(self, trial: optuna.trial.Trial, job: str, reason: str) -> None:
        trial.set_user_attr("status", "Failed")
        self.failed += 1
        self.last_failure = f"{job}: {reason}"

    def _collect(self, gone: set[str] | frozenset[str] = frozenset()) -> bool:
        """Tell Optuna about every trial whose job has ended; True when any has.

        ``gone`` are trials whose supervisor exited: one that did without its ``done``
        marker died, and is reconciled at once.
        """
        ended = [
            number
            for number, r in self.running.items()
            if r.done.exists() or (r.job in gone and describe_job(self.settings, r.job).is_terminal)
        ]
        for number in ended:
            self._conclude(self.running.pop(number))
        return bool(ended)

    def _reconcile_trials(self) -> bool:
        """Catch trials whose supervisor died without writing its ``done`` marker."""
        ended = []
        for number, running in self.running.items():
            if describe_job(self.settings, running.job).is_terminal:
                ended.append(number)
        for number in ended:
            self._conclude(self.running.pop(number))
        return bool(ended)

    def _conclude(self, running: _Running) -> None:
        import optuna

        self._watch.remove(running.job)
        trial, job = running.trial, running.job
        record = self.trials.get(job)
        if not record.is_terminal:  # its supervisor died: reconcile it to Failed
            record = describe_job(self.settings, job)
        if self._prunes:
            self._report(running)
        if running.pruned:
            trial.set_user_attr("status", "Pruned")
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            self.log(f"{job} pruned")
            return
        if record.status != "Completed":
            if record.status == "Failed":
                self._fail(trial, job, record.failure_reason or "failed")
            else:
                trial.set_user_attr("status", record.status)
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
            self.log(f"{job} ended {record.status}: {record.failure_reason}")
            return
        final = self.trials.final_metrics(job)
        value = final.get(self.metric)
        if value is None or not math.isfinite(value):
            reported = ", ".join(sorted(final)) or "no metrics"
            reason = (
                f"the objective metric {self.metric!r} was not reported (the job reported: "
                f"{reported}); check metric_definitions or the metric's name"
                if value is None
                else f"the objective metric {self.metric!r} is {value}"
            )
            self._fail(trial, job, reason)
            trial.set_user_attr("objective_error", reason)
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
            self.log(f"{job}: {reason}")
            return
        trial.set_user_attr("status", "Completed")
        self.study.tell(trial, value)
        self.log(f"{job} completed: {self.metric} = {value:.6g}")

    def _report(self, running: _Running) -> None:
        """Report the trial's new intermediate objective values to Optuna.

        Structured metrics are read as the program writes them (the job's metrics file);
        regex metrics from the log arrive through the catalog.
        """
        values = running.follower.read(self.metric)
        if not values:
            values = [
                (m.step if m.step is not None else i, m.value)
                for i, m in enumerate(self.trials.metrics(running.job, self.metric))
            ]
        for step, value in values:
            if step > running.last_step and math.isfinite(value):
                running.trial.report(value, step)
                running.last_step = step

    def _prune(self) -> None:
        for running in self.running.values():
            if running.stopping is not None:
                continue
            self._report(running)
            if running.last_step >= 0 and running.trial.should_prune():
                reason = (
                    f"Pruned by tuning job {self.name!r} at step {running.last_step}: "
                    f"{self.metric} was worse than the "
                    + ("Hyperband rung" if self.spec.config.Strategy == "Hyperband" else "median")
                    + " of earlier trials at that step."
                )
                running.pruned = True
                running.stopping = reason
                running.trial.set_user_attr("pruned_reason", reason)
                stop_job(self.settings, running.job)
                self._mark_reason(running.job, reason)
                self.log(f"{running.job}: {reason}")

    def _mark_reason(self, job: str, reason: str) -> None:
        # The job records "Stopped at the user's request"; a background thread replaces it
        # with why the tuner stopped it once the job has ended, without blocking the search.
        def mark() -> None:
            folder = job_dir(self.settings, job)
            deadline = time.monotonic() + STOP_WAIT_SECONDS
            while not (folder / "done").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.trials.update(job, failure_reason=reason)

        thread = threading.Thread(target=mark, daemon=True)
        thread.start()
        self._markers.append(thread)

    def _stop_all(self, reason: str) -> None:
        for running in self.running.values():
            if running.stopping is None:
                running.stopping = reason
                stop_job(self.settings, running.job)
                self._mark_reason(running.job, reason)

    def _wait_stopping(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            if not self._collect():
                time.sleep(0.02)
        if self.running:
            self._reconcile_trials()

    # -------------------------------------------------------------- recording
    def _record(self) -> None:
        self.jobs.update(self.name, details=summarize(self.catalog, self.spec, self.study))

    def _finish(self, status: str, reason: str | None) -> None:
        # The stop reasons are written by daemon threads: let them land before we exit.
        for thread in self._markers:
            thread.join(timeout=STOP_WAIT_SECONDS)
        details = summarize(self.catalog, self.spec, self.study)
        details["TuningJobCompletionReason"] = reason
        failure = reason if status in ("Failed", "Stopped") else None
        self.jobs.transition(self.name, status, details=details, failure_reason=failure)
        self.log(f"tuning job {status}: {reason}")


class TuningProgram(supervision.Program):
    """The tuning supervisor program (``python -m sabio.tuning``); it has no warm pool of
    its own, but may be lent the warm pool its trials fork from."""

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        settings = load_settings()
        adopted = False
        if warm_pool is not None:
            # Before anything is started: the jobs this process starts must not inherit it.
            try:
                adopted = adopt_warm_pool(settings, warm_pool)
            except OSError:  # no such descriptors: the supervisor warms a pool itself
                pass
        supervisor = TuningSupervisor(folder, settings, adopted=adopted)
        supervisor.install_signals()
        return supervisor.run()
