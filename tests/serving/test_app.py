"""The ASGI app on its own: routes, status codes, headers, metrics, OIP v2."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

from sabio.inference import load_handlers
from sabio.serving._app import InferenceApp

try:
    from tests.inference._models import diabetes_row, trained_xgboost, user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import (  # type: ignore[no-redef]
        diabetes_row,
        trained_xgboost,
        user_model,
    )


def _call(app: InferenceApp, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


def _app(**kwargs: Any) -> InferenceApp:
    handlers = load_handlers(trained_xgboost())
    return InferenceApp(handlers, handlers.load_model(), endpoint="ep", **kwargs)


def test_app_invocations_answers_with_timing_header() -> None:
    app = _app()
    answer = _call(
        app, "POST", "/invocations", content=diabetes_row(), headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code == 200
    # Accept: */* (what httpx sends): SageMaker's XGBoost answers CSV scores.
    assert answer.headers["content-type"] == "text/csv"
    assert float(answer.text) > 0
    assert answer.headers["x-sabio-timing"].startswith("decode=")
    rich = _call(
        app,
        "POST",
        "/invocations",
        content=diabetes_row(),
        headers={"Content-Type": "text/csv", "Accept": "application/json"},
    )
    assert "score" in rich.json()["predictions"][0]


def test_app_bad_payloads_are_4xx_with_messages() -> None:
    app = _app(max_payload_bytes=1000)
    cases = [
        ({"content": "1,2", "headers": {"Content-Type": "text/csv"}}, 400, "expected 10"),
        ({"content": "1", "headers": {"Content-Type": "image/png"}}, 415, "content type"),
        ({"content": "x" * 2000, "headers": {"Content-Type": "text/csv"}}, 413, "max_payload"),
        (
            {"content": diabetes_row(), "headers": {"Content-Type": "text/csv", "Accept": "a/b"}},
            406,
            "accept type",
        ),
    ]
    for kwargs, status, message in cases:
        answer = _call(app, "POST", "/invocations", **kwargs)
        assert answer.status_code == status, answer.text
        assert message in answer.json()["error"]
        assert "x-sabio-timing" in answer.headers


def test_app_routes_ping_execution_parameters_and_unknown() -> None:
    app = _app()
    assert _call(app, "GET", "/ping").status_code == 200
    params = _call(app, "GET", "/execution-parameters").json()
    assert params["MaxPayloadInMB"] == 6
    assert _call(app, "GET", "/nope").status_code == 404
    assert _call(app, "GET", "/invocations").status_code == 405


def test_app_metrics_count_requests() -> None:
    app = _app()
    _call(app, "POST", "/invocations", content="1", headers={"Content-Type": "image/png"})
    text = _call(app, "GET", "/metrics").text
    assert 'route="/invocations",code="415"} 1' in text
    assert "sabio_request_duration_seconds_bucket" in text


def test_app_open_inference_protocol_v2() -> None:
    app = _app()
    assert _call(app, "GET", "/v2/health/ready").json() == {"ready": True}
    assert _call(app, "GET", "/v2/models/ep").json()["name"] == "ep"
    row = [float(v) for v in diabetes_row().split(",")]
    request = {
        "id": "r1",
        "inputs": [{"name": "x", "shape": [1, 10], "datatype": "FP64", "data": row}],
    }
    answer = _call(app, "POST", "/v2/models/ep/infer", content=json.dumps(request))
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == "r1" and body["outputs"][0]["shape"] == [1]
    bad = _call(app, "POST", "/v2/models/ep/infer", content=b'{"inputs": 3}')
    assert bad.status_code == 400


def test_app_timeout_is_504(tmp_path: Path) -> None:
    module = (
        "import time\n\ndef model_fn(d):\n    return 1\n\n"
        "def predict_fn(x, m):\n    time.sleep(1)\n    return x\n"
    )
    handlers = load_handlers(user_model(tmp_path / "m", module))
    app = InferenceApp(handlers, handlers.load_model(), endpoint="slow", timeout=0.05)
    answer = _call(
        app, "POST", "/invocations", content="[1]", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 504
    assert "per-request timeout" in answer.json()["error"]


def test_app_model_error_is_500_without_traceback(tmp_path: Path) -> None:
    module = (
        "def model_fn(d):\n    return 1\n\ndef predict_fn(x, m):\n    raise RuntimeError('boom')\n"
    )
    handlers = load_handlers(user_model(tmp_path / "m", module))
    app = InferenceApp(handlers, handlers.load_model(), endpoint="bad")
    answer = _call(
        app, "POST", "/invocations", content="[1]", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 500
    assert answer.json() == {"error": "RuntimeError: boom"}
