"""``sabio tune SPEC`` and ``sabio tuning list|describe|stop|resume``.

A spec file (YAML or JSON) holds the estimator, the inputs and the tuner's arguments::

    estimator: {image_uri: sabio/mlp:latest, hyperparameters: {target: charges, epochs: 100}}
    inputs: {train: s3://sabio-default/insurance/train}
    objective_metric_name: validation:mse
    objective_type: Minimize
    hyperparameter_ranges:
      learning_rate: {type: Continuous, min_value: 0.0001, max_value: 0.1,
                      scaling_type: Logarithmic}
      batch_size: {type: Integer, min_value: 32, max_value: 128}
      activation: {type: Categorical, values: [relu, tanh, sigmoid]}
    max_jobs: 20
    max_parallel_jobs: 2
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from sabio.cli._format import JOB_STYLES, when
from sabio.exceptions import ValidationError, did_you_mean
from sabio.session import Session

__all__ = ["app", "tune"]

app = typer.Typer(
    help="Hyperparameter tuning jobs: list, describe, stop, resume.", no_args_is_help=True
)
_RANGE_KINDS = ("Continuous", "Integer", "Categorical")


def _load(path: Path) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text()
    except OSError as exc:
        raise ValidationError(f"Cannot read tuning spec file {path}: {exc}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValidationError(f"Tuning spec file {path} is not valid YAML/JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValidationError(f"Tuning spec file {path} must hold a mapping (see `sabio tune -h`).")
    return data


def _range(name: str, item: Any) -> Any:
    from sabio.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter

    if not isinstance(item, dict):
        raise ValidationError(
            f"hyperparameter_ranges.{name} must be a mapping such as {{type: Continuous, "
            f"min_value: 0.001, max_value: 0.1}}, got {item!r}."
        )
    kind = str(item.get("type", "Categorical" if "values" in item else "Continuous"))
    kind = kind.removesuffix("Parameter").capitalize()
    if kind not in _RANGE_KINDS:
        raise ValidationError(
            f"hyperparameter_ranges.{name}.type must be one of {', '.join(_RANGE_KINDS)}, "
            f"got {item.get('type')!r}.{did_you_mean(kind, _RANGE_KINDS)}"
        )
    if kind == "Categorical":
        return CategoricalParameter(item.get("values") or [])
    low = item.get("min_value", item.get("min"))
    high = item.get("max_value", item.get("max"))
    scaling = str(item.get("scaling_type", item.get("scaling", "Auto")))
    if low is None or high is None:
        raise ValidationError(f"hyperparameter_ranges.{name} needs min_value and max_value.")
    cls = ContinuousParameter if kind == "Continuous" else IntegerParameter
    return cls(low, high, scaling_type=scaling)


def tune(
    spec: Path = typer.Argument(..., help="YAML/JSON file: estimator, inputs and tuner args."),
    job_name: str | None = typer.Option(None, help="Tuning job name (default: generated)."),
    wait: bool = typer.Option(True, help="Show the live table of trials until it ends."),
) -> None:
    """Start a hyperparameter tuning job from a spec file and follow its trials."""
    from sabio.estimator import Estimator
    from sabio.tuner import HyperparameterTuner, WarmStartConfig

    args = _load(spec)
    estimator_args = args.pop("estimator", None)
    if not isinstance(estimator_args, dict):
        raise ValidationError(
            f"Tuning spec {spec} needs an 'estimator' mapping of Estimator arguments, e.g. "
            "{image_uri: sabio/xgboost:latest, hyperparameters: {num_round: 100}}."
        )
    inputs = args.pop("inputs", None)
    ranges = args.pop("hyperparameter_ranges", None)
    if not isinstance(ranges, dict) or not ranges:
        raise ValidationError(f"Tuning spec {spec} needs a non-empty 'hyperparameter_ranges'.")
    warm = args.pop("warm_start_config", None)
    if isinstance(warm, dict):
        args["warm_start_config"] = WarmStartConfig(
            warm.get("warm_start_type", "IdenticalDataAndAlgorithm"), warm.get("parents", [])
        )
    job_name = job_name or args.pop("job_name", None)
    metric = args.pop("objective_metric_name", None)
    if not metric:
        raise ValidationError(f"Tuning spec {spec} needs 'objective_metric_name'.")
    estimator = Estimator(**estimator_args)
    parsed = {name: _range(name, item) for name, item in ranges.items()}
    try:
        tuner = HyperparameterTuner(estimator, metric, parsed, **args)
    except TypeError as exc:
        raise ValidationError(f"Tuning spec {spec}: {exc}") from None
    tuner.fit(inputs, job_name=job_name, wait=False)
    job = tuner.latest_tuning_job
    name = job.name if job is not None else str(job_name)
    typer.echo(f"Tuning job: {name}")
    if wait:
        _follow(name)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _status(status: str) -> Text:
    return Text(status, style=JOB_STYLES.get(status, ""))


def _view(name: str) -> Group:
    from sabio import tuning

    session = Session()
    record = tuning.describe(session.settings, name)
    rows = tuning.trial_rows(record, tuning.trials(session.settings, name), session.catalog)
    config = record.spec["HyperParameterTuningJobConfig"]
    objective = config["HyperParameterTuningJobObjective"]
    tuned = [item["Name"] for kind in config["ParameterRanges"].values() for item in kind]
    table = Table("#", "Training job", "Status", *tuned, objective["MetricName"], "Best so far")
    for index, row in enumerate(rows, start=1):
        table.add_row(
            str(index),
            row["TrainingJobName"],
            _status(row["TrainingJobStatus"]),
            *(_fmt(row[n]) for n in tuned),
            _fmt(row["FinalObjectiveValue"]),
            _fmt(row["BestSoFar"]),
        )
    counters = record.details.get("TrainingJobStatusCounters") or {}
    limits = config.get("ResourceLimits") or {}
    head = Text.assemble(
        (f"{name}  ", "bold"),
        _status(record.status),
        f"  {config.get('Strategy')} · {objective['Type']} {objective['MetricName']} · "
        f"{len(rows)}/{limits.get('MaxNumberOfTrainingJobs') or '?'} trials · "
        + ", ".join(f"{k} {v}" for k, v in counters.items() if v),
    )
    parts: list[Any] = [head, table]
    best = record.details.get("BestTrainingJob")
    if best:
        value = best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
        parts.append(Text(f"Best: {best['TrainingJobName']}  {_fmt(value)}  "
                          f"{json.dumps(best['TunedHyperParameters'])}"))  # fmt: skip
    reason = record.failure_reason or record.details.get("TuningJobCompletionReason")
    if reason and record.status in ("Completed", "Failed", "Stopped"):
        parts.append(Text(f"Reason: {reason}", style="red" if record.failure_reason else ""))
    return Group(*parts)


def _follow(name: str) -> None:
    from sabio import tuning

    session = Session()
    console = Console()
    with Live(_view(name), console=console, auto_refresh=False, transient=False) as live:
        record = tuning.wait(
            session.settings, name, on_change=lambda _: live.update(_view(name), refresh=True)
        )
        live.update(_view(name), refresh=True)
    if record.status == "Failed":
        raise typer.Exit(1)


@app.command("list")
def list_jobs(
    status: str | None = typer.Option(None, help="Only tuning jobs with this status."),
    name_contains: str | None = typer.Option(None, "--name-contains", help="Filter by name."),
    limit: int = typer.Option(50, help="At most this many, newest first."),
) -> None:
    """List tuning jobs, newest first."""
    from sabio import tuning

    table = Table("Name", "Status", "Strategy", "Objective", "Trials", "Best", "Created")
    for record in tuning.list_tuning_jobs(
        Session().settings, status=status, name_contains=name_contains, limit=limit
    ):
        config = record.spec["HyperParameterTuningJobConfig"]
        counters = record.details.get("TrainingJobStatusCounters") or {}
        best = record.details.get("BestTrainingJob") or {}
        value = (best.get("FinalHyperParameterTuningJobObjectiveMetric") or {}).get("Value")
        table.add_row(
            record.name,
            _status(record.status),
            str(config.get("Strategy")),
            config["HyperParameterTuningJobObjective"]["MetricName"],
            str(sum(counters.values())),
            _fmt(value),
            when(record.created_at),
        )
    Console().print(table)


@app.command("describe")
def describe(
    name: str,
    as_json: bool = typer.Option(False, "--json", help="Print DescribeHyperParameterTuningJob."),
    follow: bool = typer.Option(False, "-f", "--follow", help="Live table until it ends."),
) -> None:
    """Describe a tuning job with a table of its trials."""
    if as_json:
        from sabio._describe import describe_tuning_job

        description = describe_tuning_job(Session(), name)
        typer.echo(json.dumps(description, indent=2, default=str))
        return
    if follow:
        _follow(name)
        return
    Console().print(_view(name))


@app.command("stop")
def stop(name: str, wait: bool = typer.Option(True, help="Wait until it has stopped.")) -> None:
    """Stop a tuning job and its running trials."""
    from sabio import tuning

    settings = Session().settings
    if not tuning.stop(settings, name):
        typer.echo(f"Tuning job {name} has already ended.")
        return
    if wait:
        record = tuning.wait(settings, name, timeout=180)
        typer.echo(f"Tuning job {name}: {record.status}")
    else:
        typer.echo(f"Stop requested for tuning job {name}.")


@app.command("resume")
def resume(name: str) -> None:
    """Restart the supervisor of a tuning job whose supervisor died."""
    from sabio import tuning

    if tuning.resume(Session().settings, name):
        typer.echo(f"Tuning job {name} resumed.")
    else:
        typer.echo(f"Tuning job {name} has a live supervisor or has ended; nothing to resume.")
