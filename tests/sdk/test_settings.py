"""Settings: defaults, config.toml, environment overriding the file, clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sabio._config import load_settings, settings_to_env
from sabio.exceptions import ConfigError


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)


def test_load_settings_defaults(tmp_path: Path) -> None:
    settings = load_settings(env={"SABIO_HOME": str(tmp_path)})
    assert settings.home == tmp_path.resolve()
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'catalog.db'}"
    assert settings.store_url == f"file://{tmp_path.resolve() / 'store'}"
    assert settings.backend == "local"
    assert settings.cpu_slots == (os.cpu_count() or 1)
    assert settings.default_bucket == "sabio-default"
    assert settings.s3_endpoint_url is None
    assert settings.jobs_dir == settings.home / "jobs"


def test_load_settings_home_defaults_to_dot_sabio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/nonexistent-home")
    assert load_settings(env={}).home == Path("/nonexistent-home/.sabio")


def test_load_settings_reads_config_toml(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        """
database_url = "sqlite:////tmp/elsewhere.db"
cpu_slots = 3
default_bucket = "team-bucket"
s3_region = "eu-west-1"
""",
    )
    settings = load_settings(env={"SABIO_HOME": str(tmp_path)})
    assert settings.database_url == "sqlite:////tmp/elsewhere.db"
    assert settings.cpu_slots == 3
    assert settings.default_bucket == "team-bucket"
    assert settings.s3_region == "eu-west-1"


def test_load_settings_env_overrides_config_file(tmp_path: Path) -> None:
    write_config(tmp_path, 'cpu_slots = 3\ndefault_bucket = "from-file"\n')
    settings = load_settings(
        env={"SABIO_HOME": str(tmp_path), "SABIO_CPU_SLOTS": "5", "SABIO_DEFAULT_BUCKET": "env"}
    )
    assert (settings.cpu_slots, settings.default_bucket) == (5, "env")


def test_load_settings_argument_overrides_env(tmp_path: Path) -> None:
    settings = load_settings(env={"SABIO_HOME": str(tmp_path), "SABIO_CPU_SLOTS": "5"}, cpu_slots=7)
    assert settings.cpu_slots == 7


def test_load_settings_config_named_by_sabio_config(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('default_bucket = "named"\n')
    settings = load_settings(env={"SABIO_HOME": str(tmp_path / "h"), "SABIO_CONFIG": str(config)})
    assert settings.default_bucket == "named"


def test_load_settings_aws_keys_are_fallback_credentials(tmp_path: Path) -> None:
    env = {"SABIO_HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": "aws", "AWS_SECRET_ACCESS_KEY": "s"}
    settings = load_settings(env=env)
    assert (settings.s3_access_key_id, settings.s3_secret_access_key) == ("aws", "s")
    settings = load_settings(env={**env, "SABIO_S3_ACCESS_KEY_ID": "mine"})
    assert settings.s3_access_key_id == "mine"


def test_load_settings_unknown_config_key_suggests(tmp_path: Path) -> None:
    write_config(tmp_path, "cpu_slot = 2\n")
    with pytest.raises(
        ConfigError, match=r"Unknown setting 'cpu_slot'.*Did you mean 'cpu_slots'\?"
    ):
        load_settings(env={"SABIO_HOME": str(tmp_path)})


def test_load_settings_invalid_toml_raises_config_error(tmp_path: Path) -> None:
    write_config(tmp_path, "cpu_slots = = 2\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(env={"SABIO_HOME": str(tmp_path)})


@pytest.mark.parametrize(
    ("value", "message"),
    [("four", "cpu_slots must be a whole number, got 'four'"), ("0", "at least 1, got 0")],
)
def test_load_settings_bad_cpu_slots_raises_config_error(
    tmp_path: Path, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env={"SABIO_HOME": str(tmp_path), "SABIO_CPU_SLOTS": value})


def test_load_settings_bad_cpu_slots_in_file_raises_config_error(tmp_path: Path) -> None:
    write_config(tmp_path, 'cpu_slots = "many"\n')
    with pytest.raises(ConfigError, match="SABIO_CPU_SLOTS"):
        load_settings(env={"SABIO_HOME": str(tmp_path)})


def test_load_settings_keeps_backend_for_the_kernel_to_check(tmp_path: Path) -> None:
    # Which backends exist is known in one place (supervision.backend_for); the session and
    # every submission ask it (tests/security/test_backend_refused.py).
    settings = load_settings(env={"SABIO_HOME": str(tmp_path), "SABIO_BACKEND": "locl"})
    assert settings.backend == "locl"


def test_load_settings_bad_store_url_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="store_url must start with file:// or s3://"):
        load_settings(env={"SABIO_HOME": str(tmp_path), "SABIO_STORE_URL": "gs://bucket"})


def test_settings_to_env_round_trips(tmp_path: Path) -> None:
    settings = load_settings(
        env={
            "SABIO_HOME": str(tmp_path),
            "SABIO_CPU_SLOTS": "3",
            "SABIO_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        }
    )
    assert load_settings(env=settings_to_env(settings)) == settings
