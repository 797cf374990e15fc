"""``sagemaker_xgboost_container``: channel folders and request bodies as DMatrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from sagemaker_xgboost_container import data_utils, distributed, encoder


def test_get_dmatrix_reads_csv_and_libsvm_channels(tmp_path: Path) -> None:
    csv = tmp_path / "csv"
    csv.mkdir()
    (csv / "a.csv").write_text("1,2,3\n0,4,5\n")
    (csv / "b.csv").write_text("1,7,8\n")
    (csv / ".hidden").write_text("junk")
    matrix = data_utils.get_dmatrix(str(csv), "csv")
    assert (matrix.num_row(), matrix.num_col()) == (3, 2)
    assert matrix.get_label().tolist() == [1.0, 0.0, 1.0]
    libsvm = tmp_path / "libsvm"
    libsvm.mkdir()
    (libsvm / "a.libsvm").write_text("1 0:1 2:3\n")
    (libsvm / "b.libsvm").write_text("0 1:2")
    matrix = data_utils.get_dmatrix(str(libsvm), "text/libsvm")
    assert matrix.get_label().tolist() == [1.0, 0.0]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert data_utils.get_dmatrix(str(empty), "text/csv") is None
    with pytest.raises(ValueError, match="not supported"):
        data_utils.get_dmatrix(str(csv), "application/x-parquet")


def test_encoder_decodes_request_bodies() -> None:
    assert encoder.csv_to_dmatrix("1,2,3\n4,,6").num_row() == 2
    assert encoder.decode(b"1 0:1 2:3\n0 1:2\n", "text/libsvm").num_row() == 2
    assert encoder.decode("1,2", "text/csv").num_col() == 2


def test_rabit_run_on_one_host_runs_the_function() -> None:
    result = distributed.rabit_run(
        exec_fun=lambda **kw: kw,
        args={"a": 1},
        include_in_training=True,
        hosts=["algo-1"],
        current_host="algo-1",
        update_rabit_args=True,
    )
    assert result == {"a": 1, "is_master": True}
    with pytest.raises(NotImplementedError, match="instance_count=1"):
        distributed.rabit_run(lambda: None, {}, True, ["algo-1", "algo-2"], "algo-1")
