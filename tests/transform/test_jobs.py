"""Transform jobs end to end: real supervisor processes, workers, catalog and store."""

from __future__ import annotations

import gzip
import json
import os
import signal
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio._config import load_settings
from sabio._describe import transform_job
from sabio.catalog import Catalog
from sabio.exceptions import ConflictError, NotFoundError, ValidationError
from sabio.storage import Store
from sabio.transform import build_spec, describe, stop, submit, wait
from sabio.transform._kind import TRANSFORM

from ._models import register_model, score, write_csv

ROWS = [[float(i), float(i % 7), 0.5 * i] for i in range(300)]


@pytest.fixture
def store(sabio_home: Path) -> Store:
    return Store(load_settings())


def _run(name: str, data: str, **kwargs: object) -> dict[str, object]:
    settings = load_settings()
    values: dict[str, object] = {
        "job_name": name,
        "model_name": "linear",
        "data": data,
        "output_path": f"s3://out/{name}",
        "content_type": "text/csv",
        "split_type": "Line",
        "accept": "text/csv",
    }
    values.update(kwargs)
    submit(settings, build_spec(**values))
    record = wait(settings, name, timeout=120)
    return transform_job(record)


def _lines(store: Store, uri: str) -> list[str]:
    return store.get_bytes(uri).decode().splitlines()


def test_transform_multi_file_multi_record_parallel(store: Store, tmp_path: Path) -> None:
    register_model()
    write_csv(tmp_path / "in" / "a.csv", ROWS)
    write_csv(tmp_path / "in" / "sub" / "b.csv", ROWS[:10])
    store.upload(tmp_path / "in", "sabio-default", "batch")
    # A tiny max_payload forces many requests spread over 3 workers; order must hold.
    description = _run(
        "multi", "s3://sabio-default/batch", max_payload=0.001, max_concurrent_transforms=3
    )
    assert description["TransformJobStatus"] == "Completed", description.get("FailureReason")
    assert store.list("s3://out/multi") == [
        "s3://out/multi/a.csv.out",
        "s3://out/multi/sub/b.csv.out",
    ]
    assert [float(v) for v in _lines(store, "s3://out/multi/a.csv.out")] == [score(r) for r in ROWS]
    assert len(_lines(store, "s3://out/multi/sub/b.csv.out")) == 10
    progress = description["TransformProgress"]
    assert progress["Records"] == 310 and progress["FilesDone"] == 2  # type: ignore[index]
    assert description["BatchStrategy"] == "MultiRecord"
    assert description["TransformOutput"]["AssembleWith"] == "Line"  # type: ignore[index]


def test_transform_join_with_input_and_filters(store: Store, tmp_path: Path) -> None:
    register_model()
    write_csv(tmp_path / "ids.csv", ROWS[:20], ids=True)
    data = store.upload(tmp_path / "ids.csv", "sabio-default", "ids")
    description = _run(
        "joined",
        data,
        input_filter="$[1:]",
        join_source="Input",
        output_filter="$[0,-1]",
    )
    assert description["TransformJobStatus"] == "Completed", description.get("FailureReason")
    lines = _lines(store, "s3://out/joined/ids.csv.out")
    assert lines[3] == f"3,{score(ROWS[3])!r}"
    assert len(lines) == 20
    assert description["DataProcessing"] == {  # type: ignore[comparison-overlap]
        "InputFilter": "$[1:]",
        "OutputFilter": "$[0,-1]",
        "JoinSource": "Input",
    }


def test_transform_single_record_jsonlines_join(store: Store, tmp_path: Path) -> None:
    register_model()
    records = [{"id": i, "features": row} for i, row in enumerate(ROWS[:5])]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    data = store.upload(path, "sabio-default", "jl")
    description = _run(
        "jl-join",
        data,
        content_type="application/jsonlines",
        accept="application/jsonlines",
        strategy="SingleRecord",
        join_source="Input",
    )
    assert description["TransformJobStatus"] == "Completed", description.get("FailureReason")
    out = [json.loads(line) for line in _lines(store, "s3://out/jl-join/rows.jsonl.out")]
    assert out[2] == {**records[2], "SageMakerOutput": {"score": score(ROWS[2])}}


def test_transform_gzip_input_and_split_none(store: Store, tmp_path: Path) -> None:
    register_model()
    text = "\n".join(",".join(map(repr, r)) for r in ROWS[:4]) + "\n"
    (tmp_path / "z.csv.gz").write_bytes(gzip.compress(text.encode()))
    data = store.upload(tmp_path / "z.csv.gz", "sabio-default", "gz")
    description = _run("gz", data, compression_type="Gzip", split_type="None")
    assert description["TransformJobStatus"] == "Completed", description.get("FailureReason")
    assert [float(v) for v in _lines(store, "s3://out/gz/z.csv.gz.out")] == [
        score(r) for r in ROWS[:4]
    ]


def test_transform_bad_record_fails_naming_file_and_line(store: Store, tmp_path: Path) -> None:
    register_model()
    path = tmp_path / "bad.csv"
    path.write_text("1,2,3\n4,5,6\n7,8\n1,1,1\n")
    data = store.upload(path, "sabio-default", "bad")
    description = _run("bad", data)
    assert description["TransformJobStatus"] == "Failed"
    reason = str(description["FailureReason"])
    assert "bad.csv, line 3" in reason
    assert "expected 3 features, got 2" in reason
    assert not store.exists("s3://out/bad/bad.csv.out")  # nothing half-written is published


def test_transform_stop_and_dead_supervisor(store: Store, tmp_path: Path) -> None:
    register_model("slow", delay=0.2)
    write_csv(tmp_path / "slow.csv", ROWS)
    data = store.upload(tmp_path / "slow.csv", "sabio-default", "slow")
    settings = load_settings()
    common = {
        "model_name": "slow",
        "data": data,
        "content_type": "text/csv",
        "split_type": "Line",
        "strategy": "SingleRecord",
    }
    submit(settings, build_spec(job_name="stopped", output_path="s3://out/s", **common))
    submit(settings, build_spec(job_name="killed", output_path="s3://out/k", **common))
    catalog = Catalog.open(settings)
    wait_until(
        lambda: all(
            catalog.jobs(TRANSFORM).get(n).heartbeat_at is not None for n in ("stopped", "killed")
        ),
        what="both supervisors to beat",
    )
    assert stop(settings, "stopped")
    assert wait(settings, "stopped", timeout=60).status == "Stopped"
    assert not stop(settings, "stopped")  # already ended
    pid = catalog.jobs(TRANSFORM).get("killed").supervisor_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    record = wait_until(
        lambda: (r := describe(settings, "killed")).status != "InProgress" and r,
        timeout=30,
        what="the killed job to be reconciled",
    )
    assert record.status == "Failed"
    assert "died without recording an outcome" in (record.failure_reason or "")


def test_transform_submit_refuses_bad_input(store: Store, tmp_path: Path) -> None:
    register_model()
    write_csv(tmp_path / "x.csv", ROWS[:2])
    data = store.upload(tmp_path / "x.csv", "sabio-default", "x")
    settings = load_settings()
    base = {"job_name": "j1", "data": data, "output_path": "s3://out/j1"}
    with pytest.raises(NotFoundError, match="Did you mean 'linear'"):
        submit(settings, build_spec(model_name="lineer", **base))
    with pytest.raises(NotFoundError, match="No input files under"):
        submit(
            settings, build_spec(model_name="linear", **{**base, "data": "s3://sabio-default/nope"})
        )
    with pytest.raises(ValidationError, match="needs CSV or JSON input"):
        submit(
            settings,
            build_spec(
                model_name="linear", content_type="application/x-npy", input_filter="$[1:]", **base
            ),
        )
    with pytest.raises(ValidationError, match="same format"):
        submit(
            settings,
            build_spec(
                model_name="linear",
                content_type="text/csv",
                accept="application/jsonlines",
                join_source="Input",
                **base,
            ),
        )
    assert not Catalog.open(settings).jobs(TRANSFORM).exists("j1")  # refused: nothing recorded
    submit(settings, build_spec(model_name="linear", content_type="text/csv", **base))
    with pytest.raises(ConflictError, match="already exists"):
        submit(settings, build_spec(model_name="linear", content_type="text/csv", **base))
    wait(settings, "j1", timeout=60)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"split_type": "RecordIO"}, "not supported"),
        ({"strategy": "Batch"}, "strategy"),
        ({"max_payload": 500}, "max_payload"),
        ({"input_filter": "features"}, "starts with '\\$'"),
        ({"job_name": "bad_name!"}, "Invalid transform job name"),
    ],
)
def test_transform_build_spec_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "job_name": "ok",
        "model_name": "m",
        "data": "s3://b/k",
        "output_path": "s3://b/o",
    }
    values.update(kwargs)
    with pytest.raises(ValidationError, match=message):
        build_spec(**values)
