"""The one mapping of a processing job's ``/opt/ml`` paths onto its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.processing_jobs._paths import host_path, is_under, rewrite_arguments


def test_host_path_maps_opt_ml_into_the_host_folder(tmp_path: Path) -> None:
    assert host_path(tmp_path, "/opt/ml/processing/input/data") == (
        tmp_path / "processing" / "input" / "data"
    )
    assert host_path(tmp_path, "/opt/ml") == tmp_path
    with pytest.raises(ValueError, match="not under /opt/ml"):
        host_path(tmp_path, "/etc/passwd")


def test_is_under_normalises_dotdot() -> None:
    assert is_under("/opt/ml/processing/a/../b", "/opt/ml/processing")
    assert not is_under("/opt/ml/processing/../model", "/opt/ml/processing")
    assert not is_under("/opt/ml/processing-x", "/opt/ml/processing")
    assert not is_under("opt/ml/processing/x", "/opt/ml/processing")


def test_rewrite_arguments_maps_paths_and_flag_values_only(tmp_path: Path) -> None:
    rewritten = rewrite_arguments(
        tmp_path,
        [
            "--input",
            "/opt/ml/processing/input/data",
            "--out=/opt/ml/processing/output/x.csv",
            "/opt/mlx/data",
            "--ratio",
            "0.2",
        ],
        ("/opt/ml",),
    )
    assert rewritten == [
        "--input",
        str(tmp_path / "processing" / "input" / "data"),
        f"--out={tmp_path / 'processing' / 'output'}/x.csv",
        "/opt/mlx/data",
        "--ratio",
        "0.2",
    ]
