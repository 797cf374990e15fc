"""Runs a pipeline execution's steps: a dependency graph walked with a thread per running
step, so independent steps run in parallel.

Each step resolves its arguments (parameters, execution variables, upstream properties,
property files), is served from the cache when its CacheConfig allows and an earlier run
matches, else runs through its engine with its retry policies. A condition step decides
which branch runs; a failed step lets running steps finish and starts no others; a retry
runs again what did not succeed.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from sabio.catalog import Catalog
from sabio.exceptions import SabioError
from sabio.pipelines import _functions, _jobs_steps, _more_steps
from sabio.pipelines._cache import cache_key, find_cached, parse_duration
from sabio.pipelines._conditions import evaluate
from sabio.pipelines._context import StepContext, StepFailed, StepOutcome, StepStopped
from sabio.pipelines._definition import (
    PipelineDefinition,
    StepDefinition,
    check_definition,
    parse_definition,
)
from sabio.pipelines._kind import PIPELINE_EXECUTION
from sabio.pipelines._references import Resolver, navigate
from sabio.pipelines._spec import ExecutionSpec, execution_arn, pipeline_arn
from sabio.supervision import failure_reason

__all__ = ["STEP_FAILURE", "Executor"]

STEP_FAILURE = "Step failure: One or multiple steps failed."
_Runner = Callable[[StepContext, str, dict[str, Any]], StepOutcome]


def _runners() -> dict[str, _Runner]:
    runners: dict[str, _Runner] = {
        "Training": _jobs_steps.run_training,
        "Tuning": _jobs_steps.run_tuning,
        "Transform": _jobs_steps.run_transform,
        "Model": _jobs_steps.run_model,
        "Processing": _more_steps.run_processing,
        "RegisterModel": _more_steps.run_register_model,
    }
    return runners


class Executor:
    """Runs one execution from its record's spec and step states.

    Args:
        ctx: the execution's context (workspace, log, stop event).
        spec: the execution spec.
        states: step states kept from an earlier run (a retry keeps the succeeded ones).
    """

    def __init__(self, ctx: StepContext, spec: ExecutionSpec, states: dict[str, Any]) -> None:
        self.ctx = ctx
        self.spec = spec
        self.definition: PipelineDefinition = parse_definition(spec.definition)
        self.graph = check_definition(self.definition)
        self.steps = {s.Name: s for s in self.definition.all_steps()}
        self.jobs = Catalog.open(ctx.settings).jobs(PIPELINE_EXECUTION)
        self.catalog = Catalog.open(ctx.settings)
        self.lock = threading.Lock()
        self.states: dict[str, dict[str, Any]] = {
            name: state for name, state in states.items() if state.get("StepStatus") == "Succeeded"
        }
        self.properties = {n: s.get("Properties") or {} for n, s in self.states.items()}
        self.failure: str | None = None
        started = dt.datetime.now(dt.UTC).isoformat()
        self.resolver = Resolver(
            spec.parameters,
            {
                "Execution.PipelineExecutionId": spec.execution_id,
                "Execution.PipelineExecutionArn": execution_arn(
                    spec.pipeline_name, spec.execution_id
                ),
                "Execution.PipelineName": spec.pipeline_name,
                "Execution.PipelineArn": pipeline_arn(spec.pipeline_name),
                "Execution.StartDateTime": started,
                "Execution.CurrentDateTime": started,
            },
            self.properties,
            self._property_file,
            self._read_json,
        )
        self.runners = _runners()

    # ------------------------------------------------------------------ state
    def _save(self, name: str, **values: Any) -> None:
        with self.lock:
            state = self.states.setdefault(
                name,
                {
                    "StepName": name,
                    "StepDisplayName": self.steps[name].DisplayName,
                    "StepDescription": self.steps[name].Description,
                    "StepType": self.steps[name].Type,
                    "AttemptCount": 0,
                    "Metadata": {},
                },
            )
            state.update(values)
            snapshot = json.loads(json.dumps(self.states))
            # Written under the lock: parallel steps must not overwrite a newer snapshot
            # with an older one (a finished step would read as still running).
            self.jobs.update(self.spec.execution_id, details={"Steps": snapshot})

    def _metadata(self, name: str, metadata: dict[str, Any]) -> None:
        with self.lock:
            state = self.states.get(name)
            merged = {**((state or {}).get("Metadata") or {}), **metadata}
        self._save(name, Metadata=merged)

    # ------------------------------------------------------------ resolution
    def _property_file(self, step: str, file: str) -> Any:
        declared = next(
            (f for f in self.steps[step].PropertyFiles if f.get("PropertyFileName") == file), None
        )
        if declared is None or step not in self.properties:
            raise SabioError(f"Property file {file!r} of step {step!r} is not available.")
        uri = navigate(
            self.properties[step],
            ("ProcessingOutputConfig", "Outputs", declared["OutputName"], "S3Output", "S3Uri"),
            f"Property file {file!r} of step {step!r}",
        )
        return self._read_json(f"{str(uri).rstrip('/')}/{declared['FilePath'].lstrip('/')}")

    def _read_json(self, uri: str) -> Any:
        try:
            return json.loads(self.ctx.store.get_bytes(uri))
        except ValueError as exc:
            raise SabioError(f"{uri} is not JSON: {exc}") from None

    # -------------------------------------------------------------------- run
    def run(self) -> tuple[str, str | None]:
        """Run what is left; return the execution's final status and failure reason."""
        done = set(self.states)
        skipped: set[str] = set()
        pending = set(self.steps) - done
        running: dict[concurrent.futures.Future[bool], str] = {}
        failed = False
        with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
            while True:
                for name in sorted(pending):
                    upstream = self.graph.get(name, set())
                    if name in skipped or upstream & skipped:
                        skipped.add(name)
                        pending.discard(name)
                    elif upstream <= done and not failed and not self.ctx.stopping.is_set():
                        pending.discard(name)
                        running[pool.submit(self._run_step, name)] = name
                if not running:
                    break
                finished, _ = concurrent.futures.wait(
                    running, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in finished:
                    name = running.pop(future)
                    if future.result():
                        done.add(name)
                        skipped |= self._not_taken(name)
                    else:
                        failed = True
        if self.ctx.stopping.is_set():
            return "Stopped", None
        if failed:
            return "Failed", self.failure or STEP_FAILURE
        return "Succeeded", None

    def _not_taken(self, name: str) -> set[str]:
        """The steps of the branch a condition step did not take."""
        step = self.steps[name]
        if step.Type != "Condition":
            return set()
        outcome = (self.states[name].get("Properties") or {}).get("Outcome")
        if_steps, else_steps = step.branches()
        return {s.Name for s in (else_steps if outcome else if_steps)}

    def _run_step(self, name: str) -> bool:
        step = self.steps[name]
        self._save(name, StepStatus="Starting", StartTime=time.time(), EndTime=None)
        try:
            outcome, hit = self._attempts(step)
        except StepStopped as exc:
            self._save(name, StepStatus="Stopped", EndTime=time.time(), FailureReason=str(exc))
            return False
        except StepFailed as exc:
            reason = failure_reason(exc.reason)
            self.ctx.log(f"{name}: failed: {reason}")
            self._save(name, StepStatus="Failed", EndTime=time.time(), FailureReason=reason)
            if step.Type == "Fail":
                self.failure = reason
            return False
        except Exception as exc:  # a bug or a broken store: the step fails, not the supervisor
            reason = failure_reason(f"InternalServerError: {type(exc).__name__}: {exc}")
            self.ctx.log(f"{name}: failed: {reason}")
            self._save(name, StepStatus="Failed", EndTime=time.time(), FailureReason=reason)
            return False
        self.properties[name] = outcome.properties
        values: dict[str, Any] = {"Properties": outcome.properties}
        if outcome.metadata:
            values["Metadata"] = {**(self.states[name].get("Metadata") or {}), **outcome.metadata}
        if hit is not None:
            values["CacheHitResult"] = {
                "SourcePipelineExecutionArn": execution_arn(self.spec.pipeline_name, hit)
            }
        self._save(name, StepStatus="Succeeded", EndTime=time.time(), **values)
        self.ctx.log(f"{name}: succeeded" + (" (cache hit)" if hit else ""))
        return True

    def _attempts(self, step: StepDefinition) -> tuple[StepOutcome, str | None]:
        arguments = self._resolve(step)
        cache = step.CacheConfig or {}
        key = None
        if cache.get("Enabled") and step.Type in _cacheable():
            key = cache_key(self.ctx.store, step.Type, self._identity(step.Type, arguments))
            expire = parse_duration(str(cache.get("ExpireAfter") or "P30D"), step.Name)
            found = find_cached(
                self.catalog,
                self.spec.pipeline_name,
                step.Name,
                key,
                expire,
                self.spec.execution_id,
            )
            self._save(step.Name, CacheKey=key)
            if found is not None:
                source, state = found
                self._save(step.Name, Metadata=state.get("Metadata") or {})
                return StepOutcome(state.get("Properties") or {}), source
        attempt = 0
        started = time.monotonic()
        while True:
            attempt += 1
            self._save(step.Name, StepStatus="Executing", AttemptCount=attempt)
            try:
                return self._once(step, arguments), None
            except StepFailed as exc:
                delay = _retry_delay(step.RetryPolicies, exc.kinds, attempt, started)
                if delay is None:
                    raise
                self.ctx.log(f"{step.Name}: attempt {attempt} failed ({exc.reason}); retrying")
                if self.ctx.stopping.wait(delay):
                    raise StepStopped("stopped between retries") from None

    def _identity(self, step_type: str, arguments: Any) -> Any:
        """What a step's cache key is made of: its arguments, with a transform's model named
        by what it is (image, artifacts, code) rather than by its per-execution name."""
        if step_type != "Transform" or not isinstance(arguments, dict):
            return arguments
        from sabio.exceptions import NotFoundError
        from sabio.inference import MODEL

        try:
            model = self.catalog.jobs(MODEL).get(str(arguments.get("ModelName")))
        except NotFoundError:
            return arguments
        spec = {k: v for k, v in model.spec.items() if k != "model_name"}
        return {**arguments, "ModelName": spec}

    def _resolve(self, step: StepDefinition) -> Any:
        try:
            if step.Type == "Condition":
                return self.resolver.resolve((step.Arguments or {}).get("Conditions"), step.Name)
            if step.Type in ("Lambda", "Callback"):
                return self.resolver.resolve(step.Arguments or {}, step.Name)
            return self.resolver.resolve(step.Arguments, step.Name)
        except SabioError as exc:
            raise StepFailed(f"ClientError: {exc}") from None
        except KeyError as exc:
            raise StepFailed(f"ClientError: step {step.Name!r}: no value for {exc}") from None

    def _once(self, step: StepDefinition, arguments: Any) -> StepOutcome:
        if step.Type == "Condition":
            try:
                outcome = evaluate(step.Name, arguments)
            except SabioError as exc:
                raise StepFailed(f"ClientError: {exc}") from None
            self._metadata(step.Name, {"Condition": {"Outcome": str(outcome)}})
            return StepOutcome({"Outcome": outcome})
        if step.Type == "Fail":
            message = (arguments or {}).get("ErrorMessage") if isinstance(arguments, dict) else None
            text = "" if message is None else str(message)
            self._metadata(step.Name, {"Fail": {"ErrorMessage": text}})
            raise StepFailed(text)
        if step.Type == "Lambda":
            return _functions.run_lambda(
                self.ctx,
                step.Name,
                str(step.extra("FunctionArn")),
                arguments,
                step.extra("OutputParameters"),
            )
        if step.Type == "Callback":
            return _functions.run_callback(
                self.ctx,
                step.Name,
                str(step.extra("SqsQueueUrl") or ""),
                arguments,
                step.extra("OutputParameters"),
            )
        runner = self.runners.get(step.Type)
        if runner is None:
            raise StepFailed(
                f"ClientError: step {step.Name!r} has type {step.Type}, which this sabio cannot "
                "run yet."
            )
        return runner(self.ctx, step.Name, arguments)


def _cacheable() -> frozenset[str]:
    return frozenset({"Training", "Tuning", "Transform", "Processing", "Model", "RegisterModel"})


def _retry_delay(
    policies: list[dict[str, Any]], kinds: frozenset[str], attempt: int, started: float
) -> float | None:
    """Seconds to wait before the next attempt, or None when no policy retries it."""
    for policy in policies:
        if not kinds & set(policy.get("ExceptionType") or []):
            continue
        interval = float(policy.get("IntervalSeconds", 1))
        delay = interval * float(policy.get("BackoffRate", 2.0)) ** (attempt - 1)
        if policy.get("MaxAttempts") is not None and attempt > int(policy["MaxAttempts"]):
            return None
        expire = policy.get("ExpireAfterMin")
        if expire is not None and time.monotonic() - started + delay > float(expire) * 60:
            return None
        return delay
    return None
