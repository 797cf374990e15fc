"""Built-ins end a job with a clear failure reason for data they cannot use: an infinite
feature (not XGBoost's C++ backtrace), an empty CSV, a header where none is expected (issue
19, findings 11e and 11f)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.algorithms._jobs import make_job, run_job


def _failure(tmp_path: Path, train: str, hyperparameters: dict[str, object]) -> str:
    job = make_job(tmp_path / "job", {"train": train}, hyperparameters)
    run_job(job, "xgboost")
    assert job.returncode == 1, job.stderr[-2000:]
    assert job.failure is not None
    assert job.failure.startswith("ClientError: "), job.failure
    return job.failure


def test_xgboost_infinite_feature_names_column(tmp_path: Path) -> None:
    train = "".join(f"{i % 2},{i},{i * 2}\n" for i in range(20)) + "1,3,inf\n"
    failure = _failure(tmp_path, train, {"num_round": 2})
    assert "column 'f1' has an infinite value (inf) at row 21" in failure
    assert "Stack trace" not in failure


def test_xgboost_empty_csv_says_file_is_empty(tmp_path: Path) -> None:
    failure = _failure(tmp_path, "", {"num_round": 2})
    assert "has no data rows: its CSV file(s)" in failure
    assert "are empty" in failure


@pytest.mark.parametrize("first_row", ["charges,age,bmi", "label,f0,f1"])
def test_xgboost_text_first_row_without_target_explains(tmp_path: Path, first_row: str) -> None:
    failure = _failure(tmp_path, f"{first_row}\n1,2,3\n0,1,2\n", {"num_round": 2})
    assert "looks like a header" in failure
    assert "target" in failure
