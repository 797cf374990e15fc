"""``sagemaker_containers.beta.framework``: the names framework scripts import."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sabio.inference._handlers import _answer
from sagemaker_containers.beta.framework import (
    content_types,
    encoders,
    env,
    errors,
    transformer,
    worker,
)


def test_encoders_round_trip_csv_json_npy() -> None:
    array = np.array([[1.5, 2.0], [3.0, 4.0]])
    for content_type in (content_types.CSV, content_types.JSON, content_types.NPY):
        encoded = encoders.encode(array, content_type)
        np.testing.assert_allclose(encoders.decode(encoded, content_type), array)
    assert encoders.decode(b"1,2\n3,4", "text/csv; charset=utf-8").shape == (2, 2)
    with pytest.raises(errors.UnsupportedFormatError, match="text/plain is not supported"):
        encoders.decode(b"x", "text/plain")
    assert isinstance(errors.UnsupportedFormatError("x"), errors.ClientError)


def test_worker_response_is_served_with_its_mimetype() -> None:
    response = worker.Response(encoders.encode([[1, 2]], content_types.CSV), mimetype="text/csv")
    assert response.get_data() == b"1,2\n"
    assert response.status == "200 OK"
    # sabio's handler chain answers a returned response object with its body and type.
    assert _answer(response, "application/json") == (b"1,2\n", "text/csv")
    as_json = worker.Response(json.dumps({"instances": [1]}), mimetype=content_types.JSON)
    assert _answer(as_json, "*/*") == (b'{"instances": [1]}', "application/json")


def test_training_env_reads_the_job_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SM_TRAINING_ENV", raising=False)
    with pytest.raises(RuntimeError, match="only inside a training job"):
        env.TrainingEnv()
    monkeypatch.setenv(
        "SM_TRAINING_ENV",
        json.dumps(
            {
                "hosts": ["algo-1"],
                "current_host": "algo-1",
                "model_dir": "/job/model",
                "channel_input_dirs": {"train": "/job/input/data/train"},
                "hyperparameters": {"epochs": 3},
                "num_gpus": 0,
                "num_cpus": 2,
                "job_name": "j",
            }
        ),
    )
    training = env.TrainingEnv()
    assert training.channel_input_dirs == {"train": "/job/input/data/train"}
    assert training.hyperparameters == {"epochs": 3}
    assert training.job_name == "j"  # type: ignore[attr-defined]
    assert training["model_dir"] == "/job/model"
    monkeypatch.setenv("SAGEMAKER_MODEL_SERVER_WORKERS", "3")
    assert env.ServingEnv().model_server_workers == 3


def test_transformer_chains_the_default_handlers() -> None:
    chain = transformer.Transformer(model_fn=lambda model_dir: lambda data: data * 2)
    chain.initialize("/unused")
    answer = chain.transform(b"1,2", content_types.CSV, content_types.JSON)
    assert answer.get_data() == b"[2, 4]"
