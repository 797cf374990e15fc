"""An approved version replaces the model an endpoint serves with no failed request."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tests._wait import wait_until
from typer.testing import CliRunner

from sabio.cli import app
from sabio.model import Model, ModelPackage
from sabio.serializers import CSVSerializer
from sabio.serving import EndpointClient, describe_endpoint
from sabio.session import Session

MODULE = """
import numpy as np


def model_fn(model_dir):
    return np.asarray([{weight}, {weight}])


def predict_fn(data, model):
    return np.asarray(data) @ model
"""


def _model(folder: Path, weight: float, session: Session) -> Model:
    (folder / "code").mkdir(parents=True)
    (folder / "code" / "inference.py").write_text(MODULE.format(weight=weight))
    return Model(str(folder), sagemaker_session=session)


@pytest.mark.slow
def test_approved_version_updates_the_endpoint_without_a_failed_request(
    sabio_home: Path, tmp_path: Path
) -> None:
    session = Session()
    session.create_model_package_group("fraud")
    first = _model(tmp_path / "v1", 1.0, session).register(model_package_group_name="fraud")
    second = _model(tmp_path / "v2", 2.0, session).register(model_package_group_name="fraud")
    first.update_approval_status("Approved")
    predictor = ModelPackage(model_package_arn=first.model_package_arn).deploy(
        endpoint_name="fraud-live", serializer=CSVSerializer()
    )
    answers: list[bytes] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    url = describe_endpoint(session.settings, "fraud-live").details["Url"]

    def traffic() -> None:
        client = EndpointClient(url, "fraud-live")
        while not stop.is_set():
            try:
                answers.append(client.invoke(b"1,1", "text/csv", "application/json")[0])
            except BaseException as exc:  # every failure is reported below
                failures.append(exc)
        client.close()

    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        wait_until(lambda: len(answers) > 5, what="traffic on version 1")
        second.update_approval_status("Approved")
        result = CliRunner().invoke(
            app, ["models", "deploy", "fraud", "--endpoint-name", "fraud-live", "--update"]
        )
        assert result.exit_code == 0, result.output
        assert "serves fraud/2" in result.output
        served = len(answers)
        wait_until(lambda: len(answers) > served + 5, what="traffic on version 2")
    finally:
        stop.set()
        sender.join()
        predictor.delete_endpoint()
    assert failures == []
    assert answers[0] == b"[2.0]"
    assert answers[-1] == b"[4.0]"
    assert set(answers) == {b"[2.0]", b"[4.0]"}
