"""The text-classifier job program: hyperparameters → checked data → training → model files,
metrics and the evaluation report (same contract and failure handling as the other built-ins).
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sabio.algorithms._env import JobEnv
from sabio.algorithms._errors import AlgorithmError, HyperparameterError
from sabio.algorithms._hparams import TUNING_OBJECTIVE, parse_hyperparameters
from sabio.algorithms._metrics import Arr, multiclass_metrics
from sabio.algorithms._objective import Objective, parse_objective, task_metrics
from sabio.algorithms._program import _fail, _output_dir
from sabio.algorithms._serving import META_FILE
from sabio.algorithms._task import MULTICLASS
from sabio.algorithms.text_classifier._base import TextModel, TrainInput
from sabio.algorithms.text_classifier._data import TextData, TextSplit, load_text_data
from sabio.algorithms.text_classifier._params import PARAMS, check, resolve
from sabio.runtime import log_metric

__all__ = ["ALGORITHM", "NATIVE_METRICS", "main", "trainer"]

ALGORITHM = "text_classifier"
FORMAT_VERSION = 1
#: Metrics the program reports itself besides the standard multiclass ones.
NATIVE_METRICS = frozenset({"loss", "macro_f1"})
_CANONICAL = {"loss": "log_loss", "macro_f1": "f1"}


def trainer(model_type: str) -> Callable[[TrainInput], TextModel]:
    """The ``train`` function of a model type (imported lazily: torch/transformers are heavy)."""
    if model_type == "bilstm":
        from sabio.algorithms.text_classifier._bilstm import train as bilstm

        return bilstm
    if model_type == "pretrained":
        from sabio.algorithms.text_classifier._pretrained import train as pretrained

        return pretrained
    from sabio.algorithms.text_classifier._tfidf import train as tfidf

    return tfidf


def main(environ: dict[str, str] | None = None) -> int:
    """Run the program in a job folder; returns the exit status."""
    try:
        run(JobEnv.from_environ(environ))
    except AlgorithmError as exc:
        _fail(_output_dir(environ), f"ClientError: {exc}")
        return 1
    except Exception as exc:  # every crash must leave a failure file
        traceback.print_exc()
        _fail(
            _output_dir(environ),
            f"AlgorithmError: the {ALGORITHM} built-in failed unexpectedly: "
            f"{type(exc).__name__}: {exc}",
        )
        return 2
    return 0


def _check_objective(objective: Objective | None, data: TextData) -> None:
    if objective is None:
        return
    known = task_metrics(MULTICLASS) | NATIVE_METRICS
    if objective.metric not in NATIVE_METRICS and objective.canonical not in known:
        raise HyperparameterError(
            f"Tuning objective metric {objective.metric!r} does not apply to text "
            f"classification: expected one of {', '.join(sorted(known))}."
        )
    present = {"train": data.train, "validation": data.validation, "test": data.test}
    if present[objective.channel] is None:
        raise HyperparameterError(
            f"Hyperparameter '_tuning_objective_metric' is {objective.channel}:{objective.metric}, "
            f"but the job has no {objective.channel!r} data. Add a {objective.channel!r} channel "
            "(or a validation_split for 'validation')."
        )


def run(env: JobEnv) -> None:
    """The whole job (errors propagate; :func:`main` turns them into a failure file)."""
    started = time.perf_counter()
    hps = parse_hyperparameters(env.hyperparameters, PARAMS, ALGORITHM)
    check(hps)
    hps = resolve(hps)
    objective = parse_objective(hps.get(TUNING_OBJECTIVE), NATIVE_METRICS)
    data = load_text_data(env, hps)
    _check_objective(objective, data)
    sizes = "; ".join(f"{s.name}: {len(s.texts)} texts" for s in data.splits())
    print(
        f"Training text_classifier ({hps['model_type']}) with {len(data.classes)} classes; "
        f"{sizes}.",
        file=sys.stderr,
    )
    model = trainer(hps["model_type"])(TrainInput(hps, data, env.channels, env.num_cpus))
    trained_at = time.perf_counter()
    env.model_dir.mkdir(parents=True, exist_ok=True)
    files = model.save(env.model_dir)
    scores = {split.name: model.predict_proba(split.texts) for split in data.splits()}
    _log_final(hps, data, model, scores, objective)
    _write_meta(env.model_dir, data, hps, files)
    _report(env, data, scores, hps["label_column"])
    print(
        f"Done in {time.perf_counter() - started:.1f} s (training {trained_at - started:.1f} s).",
        file=sys.stderr,
    )


def _values(split: TextSplit, probs: Arr) -> dict[str, float]:
    values = multiclass_metrics(split.y, probs, np.ones((1, len(split.y))))
    return {name: float(v[0]) for name, v in values.items()}


def _log_final(
    hps: dict[str, Any],
    data: TextData,
    model: TextModel,
    scores: dict[str, Arr],
    objective: Objective | None,
) -> None:
    if hps["model_type"] == "tfidf":  # one pass: its metrics are the "epoch 0" metrics
        for name, value in model.final_metrics.items():
            log_metric(name, value, step=0)
    line = []
    for split in data.splits():
        values = _values(split, scores[split.name])
        line += [f"{split.name}-accuracy:{values['accuracy']:.5f}",
                 f"{split.name}-macro_f1:{values['f1']:.5f}"]  # fmt: skip
    print("[final]\t" + "\t".join(line))
    if data.test is not None:  # test data never steers training: reported once, at the end
        values = _values(data.test, scores[data.test.name])
        log_metric("test:accuracy", values["accuracy"], step=model.steps)
        log_metric("test:macro_f1", values["f1"], step=model.steps)
    if objective is None:
        return
    key = f"{objective.channel}:{objective.metric}"
    if key in model.final_metrics:
        value = model.final_metrics[key]
    else:
        chosen = {"train": data.train, "validation": data.validation, "test": data.test}[
            objective.channel
        ]
        if chosen is None:  # _check_objective ran before training
            raise HyperparameterError(f"No {objective.channel!r} data for the tuning objective.")
        canonical = _CANONICAL.get(objective.metric, objective.canonical)
        value = _values(chosen, scores[chosen.name])[canonical]
    log_metric(key, value, step=model.steps)
    print(f"Tuning objective {key} = {value:.6g}")


def _write_meta(model_dir: Path, data: TextData, hps: dict[str, Any], files: list[str]) -> None:
    meta = {
        "format_version": FORMAT_VERSION,
        "algorithm": ALGORITHM,
        "model_type": hps["model_type"],
        "predictor_type": MULTICLASS,
        "target": hps["label_column"],
        "text_column": hps["text_column"],
        "classes": data.classes,
        "top_k": hps["top_k"],
        "model_files": files,
        "hyperparameters": {k: v for k, v in hps.items() if not k.startswith("_")},
    }
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _report(env: JobEnv, data: TextData, scores: dict[str, Arr], target: str) -> None:
    from sabio.algorithms._evaluate import EvalInput
    from sabio.algorithms._report import write_report

    split = data.test or data.validation or data.train
    inp = EvalInput(
        task=MULTICLASS,
        y=split.y,
        scores=scores[split.name],
        classes=list(data.classes),
        dataset=split.name,
        warnings=list(data.warnings),
    )
    write_report(
        inp,
        algorithm=ALGORITHM,
        target=target,
        subgroup_columns=[],
        folders=[env.output_data_dir, env.model_dir],
    )
    print(f"Evaluation on {split.name} data written to evaluation.json and report.html.")
