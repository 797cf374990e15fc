"""``sabio train``: start a training job from flags or a YAML/JSON spec file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from sabio.exceptions import ValidationError

__all__ = ["train"]


def _parse_pairs(values: list[str], what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise ValidationError(f"{what} {item!r} must look like name=value.")
        key, value = item.split("=", 1)
        pairs[key] = value
    return pairs


def _load_spec(path: Path) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text()
    except OSError as exc:
        raise ValidationError(f"Cannot read spec file {path}: {exc}") from exc
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValidationError(f"Spec file {path} must hold a mapping of Estimator arguments.")
    return data


def train(
    entry_point: str | None = typer.Option(None, help="Your training script."),
    image_uri: str | None = typer.Option(None, help="A built-in, e.g. sabio/xgboost:latest."),
    source_dir: str | None = typer.Option(None, help="Folder with the code."),
    spec: Path | None = typer.Option(None, help="YAML/JSON file of Estimator arguments."),
    channel: list[str] = typer.Option([], "--channel", "-c", help="name=uri (repeatable)."),
    hp: list[str] = typer.Option([], "--hp", help="Hyperparameter name=value (repeatable)."),
    instance_type: str = typer.Option("local", help="local or an ml.* type."),
    instance_count: int = typer.Option(1, help="Number of hosts."),
    job_name: str | None = typer.Option(None, help="Job name (default: generated)."),
    wait: bool = typer.Option(True, help="Follow the job until it ends."),
) -> None:
    """Run a training job; the spec file may hold Estimator arguments plus ``inputs``."""
    from sabio.estimator import Estimator

    args: dict[str, Any] = _load_spec(spec) if spec else {}
    inputs = args.pop("inputs", None)
    job_name = job_name or args.pop("job_name", None)
    hyperparameters = {**args.pop("hyperparameters", {}), **_parse_pairs(hp, "--hp")}
    for key, value in {
        "entry_point": entry_point,
        "image_uri": image_uri,
        "source_dir": source_dir,
    }.items():
        if value is not None:
            args[key] = value
    args.setdefault("instance_type", instance_type)
    args.setdefault("instance_count", instance_count)
    if channel:
        inputs = {**(inputs or {}), **_parse_pairs(channel, "--channel")}
    estimator = Estimator(hyperparameters=hyperparameters, **args)
    estimator.fit(inputs, wait=wait, job_name=job_name)
    job = estimator.latest_training_job
    if job is not None:
        typer.echo(f"Training job: {job.name}")
