"""The job environment a built-in runs in (SageMaker's ``SM_*`` variables).

Built-ins are standalone programs, so they read the contract's environment variables
themselves instead of going through :mod:`sabio._config` (which is for the SDK side).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sabio.algorithms._errors import HyperparameterError

__all__ = ["JobEnv", "parse_cli_hyperparameters"]

_DEFAULT_BASE = "/opt/ml"


def _json_or_raw(text: str) -> Any:
    """Decode a value the way SageMaker's training toolkit does: JSON if it parses, else raw."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return text


def parse_cli_hyperparameters(argv: Sequence[str]) -> dict[str, Any]:
    """Parse ``--key value`` pairs (the contract's command line) into a dict of strings.

    Raises:
        HyperparameterError: when the arguments are not ``--key value`` pairs.
    """
    result: dict[str, Any] = {}
    index = 0
    while index < len(argv):
        key = argv[index]
        if not key.startswith("--") or len(key) < 3:
            raise HyperparameterError(
                f"Unexpected command-line argument {key!r}: built-in algorithms take "
                "hyperparameters as '--name value' pairs."
            )
        name, sep, inline = key[2:].partition("=")
        if sep:
            result[name] = inline
            index += 1
            continue
        if index + 1 >= len(argv):
            raise HyperparameterError(f"Hyperparameter '--{name}' has no value.")
        result[name] = argv[index + 1]
        index += 2
    return result


@dataclass(frozen=True)
class JobEnv:
    """Paths and settings of the running job.

    Attributes:
        model_dir: where the model files go (``SM_MODEL_DIR``).
        output_data_dir: extra outputs such as the evaluation report (``SM_OUTPUT_DATA_DIR``).
        output_dir: where the ``failure`` file goes (``SM_OUTPUT_DIR``).
        channels: channel name → folder holding its files.
        content_types: channel name → declared content type (may be missing).
        hyperparameters: raw hyperparameters (values not yet validated).
        num_cpus: CPUs the job may use.
        hosts: all hosts of the job; current_host: this one.
    """

    model_dir: Path
    output_data_dir: Path
    output_dir: Path
    channels: dict[str, Path]
    content_types: dict[str, str]
    hyperparameters: dict[str, Any]
    num_cpus: int = 1
    hosts: list[str] = field(default_factory=lambda: ["algo-1"])
    current_host: str = "algo-1"

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, argv: Sequence[str] | None = None
    ) -> JobEnv:
        """Read the environment of a job (defaults follow SageMaker's ``/opt/ml`` layout).

        Hyperparameters come from ``SM_HPS`` when set, else from the command line, else
        from ``<input config dir>/hyperparameters.json``.
        """
        env = dict(os.environ if environ is None else environ)
        args = list(sys.argv[1:] if argv is None else argv)
        base = Path(env.get("SAGEMAKER_BASE_DIR", _DEFAULT_BASE))
        input_dir = Path(env.get("SM_INPUT_DIR", str(base / "input")))
        config_dir = Path(env.get("SM_INPUT_CONFIG_DIR", str(input_dir / "config")))
        data_config = _load_json_env(env, "SM_INPUT_DATA_CONFIG", config_dir, "inputdataconfig")
        names = _channel_names(env, data_config)
        channels = {
            name: Path(env.get(f"SM_CHANNEL_{name.upper()}", str(input_dir / "data" / name)))
            for name in names
        }
        content_types = {
            str(name): str(cfg["ContentType"])
            for name, cfg in data_config.items()
            if isinstance(cfg, dict) and cfg.get("ContentType")
        }
        return cls(
            model_dir=Path(env.get("SM_MODEL_DIR", str(base / "model"))),
            output_data_dir=Path(env.get("SM_OUTPUT_DATA_DIR", str(base / "output" / "data"))),
            output_dir=Path(env.get("SM_OUTPUT_DIR", str(base / "output"))),
            channels=channels,
            content_types=content_types,
            hyperparameters=_hyperparameters(env, args, config_dir),
            num_cpus=_positive_int(env.get("SM_NUM_CPUS"), os.cpu_count() or 1),
            hosts=list(_json_or_raw(env.get("SM_HOSTS", '["algo-1"]'))),
            current_host=env.get("SM_CURRENT_HOST", "algo-1"),
        )


def _positive_int(text: str | None, default: int) -> int:
    try:
        value = int(text) if text else default
    except ValueError:
        return default
    return max(1, value)


def _load_json_env(
    env: Mapping[str, str], variable: str, config_dir: Path, stem: str
) -> dict[str, Any]:
    raw = env.get(variable)
    if raw is None:
        path = config_dir / f"{stem}.json"
        raw = path.read_text(encoding="utf-8") if path.is_file() else "{}"
    value = _json_or_raw(raw)
    return value if isinstance(value, dict) else {}


def _channel_names(env: Mapping[str, str], data_config: dict[str, Any]) -> list[str]:
    if "SM_CHANNELS" in env:
        names = _json_or_raw(env["SM_CHANNELS"])
        if isinstance(names, list):
            return [str(name) for name in names]
    names_from_vars = [
        key[len("SM_CHANNEL_") :].lower() for key in env if key.startswith("SM_CHANNEL_")
    ]
    return sorted(set(names_from_vars) | {str(name) for name in data_config})


def _hyperparameters(env: Mapping[str, str], args: list[str], config_dir: Path) -> dict[str, Any]:
    if env.get("SM_HPS"):
        value = _json_or_raw(env["SM_HPS"])
        if not isinstance(value, dict):
            raise HyperparameterError(f"SM_HPS must be a JSON object, got {env['SM_HPS']!r}.")
        return value
    if args:
        return parse_cli_hyperparameters(args)
    path = config_dir / "hyperparameters.json"
    if path.is_file():
        raw = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict):
            return {str(k): _json_or_raw(v) if isinstance(v, str) else v for k, v in raw.items()}
    return {}
