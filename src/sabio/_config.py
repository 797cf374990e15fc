"""Settings: the only module that reads environment variables and the config file.

Resolution order for every setting: explicit argument > environment variable >
``<home>/config.toml`` (or the file named by ``SABIO_CONFIG``) > default.

=====================  ==========================  ======================================
setting                environment variable        default
=====================  ==========================  ======================================
home                   ``SABIO_HOME``              ``~/.sabio``
database_url           ``SABIO_DATABASE_URL``      ``sqlite:///<home>/catalog.db``
store_url              ``SABIO_STORE_URL``         ``file://<home>/store``
s3_endpoint_url        ``SABIO_S3_ENDPOINT_URL``   none (AWS)
s3_access_key_id       ``SABIO_S3_ACCESS_KEY_ID``  ``AWS_ACCESS_KEY_ID`` if set
s3_secret_access_key   ``SABIO_S3_SECRET_ACCESS_KEY``  ``AWS_SECRET_ACCESS_KEY`` if set
s3_region              ``SABIO_S3_REGION``         ``us-east-1``
backend                ``SABIO_BACKEND``           ``local`` (or ``ray``)
ray_address            ``SABIO_RAY_ADDRESS``       ``RAY_ADDRESS`` if set, else the cluster
                                                   started on this machine (``ray start``)
cpu_slots              ``SABIO_CPU_SLOTS``         number of CPUs of this machine
default_bucket         ``SABIO_DEFAULT_BUCKET``    ``sabio-default``
default_bucket_prefix  ``SABIO_DEFAULT_BUCKET_PREFIX``  none (SageMaker's ``default_bucket_prefix``)
price_table            ``SABIO_PRICE_TABLE``       none (built-in dated table)
opt_ml                 ``SABIO_OPT_ML``            ``auto`` (see below)
allow_new_catalog      ``SABIO_ALLOW_NEW_CATALOG`` false (see "Workspace integrity")
archive_max_bytes      ``SABIO_ARCHIVE_MAX_BYTES`` 17179869184 (16 GiB unpacked per archive)
archive_max_members    ``SABIO_ARCHIVE_MAX_MEMBERS``  100000 (members per archive)
=====================  ==========================  ======================================

``opt_ml`` decides whether a job's program sees its job folder at ``/opt/ml`` (a private mount
namespace, Linux only): ``auto`` tries and, when the machine does not allow it, runs the program
anyway with a note naming the ``SM_*`` variables to use; ``on`` fails the job instead; ``off``
never tries.

The config file uses the same names as keys, e.g.::

    database_url = "postgresql+psycopg://sabio@127.0.0.1:5432/sabio"
    cpu_slots = 4
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from sabio.exceptions import ConfigError, did_you_mean

__all__ = ["OPT_ML_MODES", "Settings", "environ", "load_settings", "settings_to_env"]

#: Values of the ``opt_ml`` setting.
OPT_ML_MODES = ("auto", "on", "off")


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one workspace."""

    home: Path
    database_url: str
    store_url: str
    s3_endpoint_url: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_region: str = "us-east-1"
    backend: str = "local"
    ray_address: str | None = None
    cpu_slots: int = 1
    default_bucket: str = "sabio-default"
    default_bucket_prefix: str | None = None
    price_table: str | None = None
    opt_ml: str = "auto"
    #: Start an empty catalog even though the workspace has job folders (its catalog was
    #: deleted or moved); without it sabio refuses, so no job history is lost silently.
    allow_new_catalog: bool = False
    archive_max_bytes: int = 16 * 1024**3
    archive_max_members: int = 100_000

    @property
    def jobs_dir(self) -> Path:
        """Folder holding one sub-folder per training job."""
        return self.home / "jobs"

    @property
    def cache_dir(self) -> Path:
        """Folder for caches (requirements installs, downloads)."""
        return self.home / "cache"

    @property
    def locks_dir(self) -> Path:
        """Folder for machine-wide lock files (CPU slots)."""
        return self.home / "locks"

    def ensure_home(self) -> Path:
        """Create the workspace folder, readable by its owner only, when it does not exist
        yet (an existing one keeps its mode); return it."""
        if not self.home.exists():
            self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.home

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with some fields replaced."""
        return replace(self, **overrides)


_ENV = {
    "database_url": "SABIO_DATABASE_URL",
    "store_url": "SABIO_STORE_URL",
    "s3_endpoint_url": "SABIO_S3_ENDPOINT_URL",
    "s3_access_key_id": "SABIO_S3_ACCESS_KEY_ID",
    "s3_secret_access_key": "SABIO_S3_SECRET_ACCESS_KEY",
    "s3_region": "SABIO_S3_REGION",
    "backend": "SABIO_BACKEND",
    "ray_address": "SABIO_RAY_ADDRESS",
    "cpu_slots": "SABIO_CPU_SLOTS",
    "default_bucket": "SABIO_DEFAULT_BUCKET",
    "default_bucket_prefix": "SABIO_DEFAULT_BUCKET_PREFIX",
    "price_table": "SABIO_PRICE_TABLE",
    "opt_ml": "SABIO_OPT_ML",
    "allow_new_catalog": "SABIO_ALLOW_NEW_CATALOG",
    "archive_max_bytes": "SABIO_ARCHIVE_MAX_BYTES",
    "archive_max_members": "SABIO_ARCHIVE_MAX_MEMBERS",
}
_FALLBACK_ENV = {
    "ray_address": "RAY_ADDRESS",
    "s3_access_key_id": "AWS_ACCESS_KEY_ID",
    "s3_secret_access_key": "AWS_SECRET_ACCESS_KEY",
}


def environ() -> Mapping[str, str]:
    """Return the process environment (the one sanctioned read of ``os.environ``)."""
    return os.environ


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"Config file {path} is not valid TOML: {exc}. Fix or remove it."
        ) from exc
    known = {f.name for f in fields(Settings)} - {"home"}
    for key in data:
        if key not in known:
            raise ConfigError(
                f"Unknown setting {key!r} in config file {path}.{did_you_mean(key, known)} "
                f"Known settings: {', '.join(sorted(known))}."
            )
    return data


def _positive_int(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ConfigError(
            f"{name} must be a whole number of at least 1, got {value!r}. Set "
            f"{_ENV[name]}=<number> or fix config.toml."
        )
    return number


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Resolve the settings from arguments, environment and config file.

    Args:
        env: environment to read (defaults to ``os.environ``).
        **overrides: explicit values that win over everything else.

    Raises:
        ConfigError: a value is malformed (names the variable and how to fix it).
    """
    env = environ() if env is None else env
    home_raw = overrides.pop("home", None) or env.get("SABIO_HOME") or "~/.sabio"
    home = Path(home_raw).expanduser().resolve()
    config_path = Path(env.get("SABIO_CONFIG", str(home / "config.toml"))).expanduser()
    file_values = _read_config_file(config_path)

    values: dict[str, Any] = {}
    for name, var in _ENV.items():
        if overrides.get(name) is not None:
            values[name] = overrides[name]
        elif env.get(var):
            values[name] = env[var]
        elif name in file_values:
            values[name] = file_values[name]
        elif name in _FALLBACK_ENV and env.get(_FALLBACK_ENV[name]):
            values[name] = env[_FALLBACK_ENV[name]]

    values.setdefault("database_url", f"sqlite:///{home / 'catalog.db'}")
    values.setdefault("store_url", f"file://{home / 'store'}")
    values.setdefault("cpu_slots", os.cpu_count() or 1)
    try:
        values["cpu_slots"] = int(values["cpu_slots"])
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"cpu_slots must be a whole number, got {values['cpu_slots']!r}. "
            "Set SABIO_CPU_SLOTS=4 (for example) or fix config.toml."
        ) from exc
    flag = str(values.get("allow_new_catalog", "false")).strip().lower()
    if flag not in ("1", "true", "yes", "0", "false", "no", ""):
        raise ConfigError(
            f"allow_new_catalog must be true or false, got {values['allow_new_catalog']!r} "
            "(SABIO_ALLOW_NEW_CATALOG=1 or allow_new_catalog = true in config.toml)."
        )
    values["allow_new_catalog"] = flag in ("1", "true", "yes")
    if values["cpu_slots"] < 1:
        raise ConfigError(f"cpu_slots must be at least 1, got {values['cpu_slots']}.")
    for name in ("archive_max_bytes", "archive_max_members"):
        if name in values:
            values[name] = _positive_int(name, values[name])
    # Which backends exist and can run here is known in one place, the kernel's
    # backend_for; the session and every submission ask it.
    values["backend"] = str(values.get("backend", "local"))
    opt_ml = str(values.get("opt_ml", "auto")).lower()
    if opt_ml not in OPT_ML_MODES:
        raise ConfigError(
            f"Unknown opt_ml mode {opt_ml!r}: expected one of {', '.join(OPT_ML_MODES)} "
            "(SABIO_OPT_ML or 'opt_ml' in config.toml)."
        )
    values["opt_ml"] = opt_ml
    store_url = str(values["store_url"])
    if not store_url.startswith(("file://", "s3://")):
        raise ConfigError(
            f"store_url must start with file:// or s3://, got {store_url!r}. "
            "Example: SABIO_STORE_URL=file:///data/sabio-store or s3://my-bucket-prefix."
        )
    return Settings(home=home, **values)


def settings_to_env(settings: Settings) -> dict[str, str]:
    """Environment variables that make a child process resolve the same settings."""
    env = {"SABIO_HOME": str(settings.home)}
    for name, var in _ENV.items():
        value = getattr(settings, name)
        if value is not None:
            env[var] = str(value)
    return env
