"""The skeleton every built-in program runs: read the job environment, validate
hyperparameters, prepare data, train, save the model, report metrics and the evaluation.

A user-caused problem (:class:`~sabio.algorithms._errors.AlgorithmError`) ends the job with
a ``failure`` file starting ``ClientError:`` and exit status 1, as SageMaker's built-ins do; an
unexpected exception writes ``AlgorithmError: ...`` and exits with 2.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from sabio.algorithms._env import JobEnv
from sabio.algorithms._errors import AlgorithmError, HyperparameterError
from sabio.algorithms._hparams import COMMON_PARAMS, TUNING_OBJECTIVE, Param, parse_hyperparameters
from sabio.algorithms._metrics import Arr, choose_threshold
from sabio.algorithms._objective import Objective, compute_metrics, parse_objective, public_name
from sabio.algorithms._prepare import PreparedData, Split, TaskResolver, prepare_data
from sabio.algorithms._serving import META_FILE
from sabio.algorithms._task import BINARY
from sabio.runtime import log_metric

__all__ = ["META_FILE", "Algorithm", "Fitted", "TrainContext", "main"]

FORMAT_VERSION = 1


class Fitted(Protocol):
    """A trained model as the program sees it."""

    #: Algorithm-native final metrics, e.g. ``{"validation:loss": 0.3}``.
    final_metrics: dict[str, float]
    #: Rounds or epochs actually trained (the step of the final metrics).
    steps: int
    #: Out-of-sample ``(labels, scores)`` of training rows (e.g. a forest's out-of-bag
    #: predictions), used to choose the threshold when there is no validation data.
    holdout: tuple[Arr, Arr] | None

    def predict(self, x: Arr) -> Arr:
        """Regression values, positive-class probabilities, or ``(n, k)`` probabilities."""

    def save(self, model_dir: Path) -> list[str]:
        """Write the model files; return their names."""


@dataclass
class TrainContext:
    """What an algorithm's ``train`` function receives."""

    env: JobEnv
    hps: dict[str, Any]
    data: PreparedData
    objective: Objective | None


@dataclass(frozen=True)
class Algorithm:
    """Declaration of a built-in algorithm.

    Attributes:
        name: program name (``xgboost``, ``random_forest`` ...).
        params: its own hyperparameters (the common ones are added).
        train: fits a model.
        resolver: task implied by the hyperparameters (``None``: infer from the label).
        check: cross-hyperparameter validation run before any data is read.
        impute, scale: preprocessing the algorithm needs.
        allow_libsvm: whether libsvm channels are accepted.
        native_metrics: metric names the algorithm itself can report (tuning objectives).
        logs_per_step: it logs ``train:``/``validation:`` metrics per round or epoch itself.
        extra_metrics: the algorithm's own final metrics of one channel,
            ``(task, y, scores, threshold, hps) -> {name: value}`` (Linear Learner's
            ``binary_f_beta`` ...), logged as ``<channel>:<name>`` for every channel with data
            and usable as tuning objectives (list them in ``native_metrics``).
    """

    name: str
    params: tuple[Param, ...]
    train: Callable[[TrainContext], Fitted]
    resolver: TaskResolver = field(default=lambda hps: None)
    check: Callable[[dict[str, Any]], None] = field(default=lambda hps: None)
    impute: bool = True
    scale: Callable[[dict[str, Any]], bool] = field(default=lambda hps: False)
    allow_libsvm: bool = False
    native_metrics: frozenset[str] = frozenset()
    logs_per_step: bool = False
    extra_metrics: Callable[[str, Arr, Arr, float, dict[str, Any]], dict[str, float]] | None = None


def _fail(output_dir: Path, message: str) -> None:
    print(message, file=sys.stderr)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        (output_dir / "failure").write_text(message, encoding="utf-8")
    except OSError as exc:  # the message is in the log anyway
        print(f"Could not write the failure file: {exc}", file=sys.stderr)


def _output_dir(environ: dict[str, str] | None) -> Path:
    """Where the failure file goes, even when the environment itself is broken."""
    env = os.environ if environ is None else environ
    base = Path(env.get("SAGEMAKER_BASE_DIR", "/opt/ml"))
    return Path(env.get("SM_OUTPUT_DIR", str(base / "output")))


def main(algorithm: Algorithm, environ: dict[str, str] | None = None) -> int:
    """Run ``algorithm`` as a job program; returns the exit status."""
    try:
        _run(algorithm, JobEnv.from_environ(environ))
    except AlgorithmError as exc:
        _fail(_output_dir(environ), f"ClientError: {exc}")
        return 1
    except Exception as exc:  # every crash must leave a failure file
        traceback.print_exc()
        _fail(
            _output_dir(environ),
            f"AlgorithmError: the {algorithm.name} built-in failed unexpectedly: "
            f"{type(exc).__name__}: {exc}",
        )
        return 2
    return 0


def _run(algorithm: Algorithm, env: JobEnv) -> None:
    started = time.perf_counter()
    hps = parse_hyperparameters(
        env.hyperparameters, algorithm.params + COMMON_PARAMS, algorithm.name
    )
    algorithm.check(hps)
    objective = parse_objective(hps.get(TUNING_OBJECTIVE), algorithm.native_metrics)
    data = prepare_data(
        env,
        hps,
        resolver=algorithm.resolver,
        impute=algorithm.impute,
        scale=algorithm.scale(hps),
        allow_libsvm=algorithm.allow_libsvm,
        validation_split=float(hps.get("validation_split") or 0.0),
        seed=int(hps.get("seed") or 0),
    )
    if objective is not None:
        objective.check_available(data)
    print(_describe(algorithm.name, data), file=sys.stderr)
    fitted = algorithm.train(TrainContext(env, hps, data, objective))
    env.model_dir.mkdir(parents=True, exist_ok=True)
    files = fitted.save(env.model_dir)
    scores = {
        split.name: fitted.predict(split.x)
        for split in (data.train, data.validation, data.test)
        if split is not None
    }
    threshold, source = _threshold(data, scores, hps["threshold_metric"], fitted.holdout)
    _log_final(algorithm, data, fitted, scores, threshold, objective, hps)
    _write_meta(env.model_dir, algorithm.name, data, hps, threshold, source, files)
    _report(env, algorithm.name, data, scores, threshold, source, hps)
    print(f"Done in {time.perf_counter() - started:.1f} s.", file=sys.stderr)


def _describe(name: str, data: PreparedData) -> str:
    parts = [
        f"Training {name} ({data.task}) on {len(data.train.y)} rows x "
        f"{data.train.x.shape[1]} encoded features"
    ]
    for split in (data.validation, data.test):
        if split is not None:
            parts.append(f"{split.name}: {len(split.y)} rows")
    return "; ".join(parts) + "."


def _threshold(
    data: PreparedData, scores: dict[str, Arr], metric: str, holdout: tuple[Arr, Arr] | None
) -> tuple[float, str]:
    if data.task != BINARY:
        return 0.5, "not applicable"
    if metric == "none":
        return 0.5, "default 0.5"
    if data.validation is None and holdout is not None:
        value = choose_threshold(holdout[0], holdout[1], metric)
        return value, f"out-of-bag predictions on the training data, maximising {metric}"
    if data.validation is None:
        return 0.5, "default 0.5 (no validation data)"
    value = choose_threshold(
        data.validation.y.astype(np.float64), scores[data.validation.name], metric
    )
    return value, f"{data.validation.name} data, maximising {metric}"


def _split(data: PreparedData, channel: str) -> Split | None:
    if channel == "validation":
        return data.validation
    return data.train if channel == "train" else data.test


def _log_final(
    algorithm: Algorithm,
    data: PreparedData,
    fitted: Fitted,
    scores: dict[str, Arr],
    threshold: float,
    objective: Objective | None,
    hps: dict[str, Any],
) -> None:
    if algorithm.extra_metrics is not None:
        for channel in ("train", "validation", "test"):
            split = _split(data, channel)
            if split is None:
                continue
            found = algorithm.extra_metrics(data.task, split.y, scores[split.name], threshold, hps)
            for name, value in found.items():
                fitted.final_metrics[f"{channel}:{name}"] = value
                log_metric(f"{channel}:{name}", value, step=fitted.steps)
                # The line SageMaker's first-party algorithms print for each final metric.
                print(f"#quality_metric: host=algo-1, {channel} {name} <score>={value}")
    if not algorithm.logs_per_step:
        for channel in ("train", "validation"):
            split = _split(data, channel)
            if split is None:
                continue
            values = compute_metrics(data.task, split.y, scores[split.name], threshold)
            line = []
            for name, value in values.items():
                log_metric(f"{channel}:{public_name(name)}", value, step=fitted.steps)
                line.append(f"{channel}-{public_name(name)}:{value:.5f}")
            print("[final]\t" + "\t".join(line))
    if objective is None:
        return
    key = f"{objective.channel}:{objective.metric}"
    if key in fitted.final_metrics:
        value = fitted.final_metrics[key]
    else:
        split = _split(data, objective.channel)
        if split is None:  # check_available() ran before training
            raise HyperparameterError(f"No {objective.channel!r} data for the tuning objective.")
        if objective.native:
            raise HyperparameterError(
                f"The {algorithm.name} built-in does not report {key} for a {data.task}: "
                "choose a metric of this predictor type as the tuning objective."
            )
        value = objective.value(data.task, split.y, scores[split.name], threshold)
    log_metric(key, value, step=fitted.steps)
    print(f"Tuning objective {key} = {value:.6g}")


def _write_meta(
    model_dir: Path,
    name: str,
    data: PreparedData,
    hps: dict[str, Any],
    threshold: float,
    source: str,
    files: list[str],
) -> None:
    meta = {
        "format_version": FORMAT_VERSION,
        "algorithm": name,
        "predictor_type": data.task,
        "target": data.target,
        "input_format": data.fmt,
        "classes": None if data.encoding is None else data.encoding.classes,
        "threshold": threshold,
        "threshold_source": source,
        "preprocessing": data.preprocessor.to_json(),
        "feature_names": data.preprocessor.feature_names,
        "model_files": files,
        "hyperparameters": {k: v for k, v in hps.items() if not k.startswith("_")},
    }
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _report(
    env: JobEnv,
    name: str,
    data: PreparedData,
    scores: dict[str, Arr],
    threshold: float,
    source: str,
    hps: dict[str, Any],
) -> None:
    from sabio.algorithms._evaluate import EvalInput
    from sabio.algorithms._report import write_report

    split = data.test or data.validation or data.train
    warnings = list(data.warnings)
    inp = EvalInput(
        task=data.task,
        y=split.y,
        scores=scores[split.name],
        classes=None if data.encoding is None else data.encoding.classes,
        threshold=threshold,
        threshold_source=source,
        raw_features=split.raw,
        dataset=split.name,
        warnings=warnings,
    )
    write_report(
        inp,
        algorithm=name,
        target=data.target,
        subgroup_columns=list(hps.get("subgroup_columns") or []),
        folders=[env.output_data_dir, env.model_dir],
    )
    print(f"Evaluation on {split.name} data written to evaluation.json and report.html.")
