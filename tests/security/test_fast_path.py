"""Finding 5 of issue 19: the in-event-loop ("inline") path is only for requests like those
measured fast, so the per-request timeout holds for every other request and ``/ping`` stays
answered while a slow one runs."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from sabio import serving
from sabio._config import Settings
from sabio.exceptions import TimeoutError_
from sabio.inference import ModelSpec, load_handlers
from sabio.serving._app import InferenceApp, Request

try:
    from tests.inference._models import user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import user_model  # type: ignore[no-redef]

# Fast on a few columns; a very wide request takes far longer than the endpoint's timeout.
SLOW_WHEN_WIDE = """
import time

import numpy as np


def model_fn(model_dir):
    return 1


def predict_fn(data, model):
    data = np.asarray(data, dtype=float)
    if data.shape[1] > 1000:
        time.sleep(30)
    return data.sum(axis=1)
"""
SMALL = b"1,2,3"
WIDE = ",".join(["1.5"] * 200_000).encode()  # 0.8 MB, the shape of the reported request


def _request(body: bytes) -> Request:
    headers = {b"content-type": b"text/csv", b"accept": b"text/csv"}
    return Request("POST", "/invocations", headers, body, time.perf_counter())


def test_fast_path_is_not_reachable_by_a_larger_request(tmp_path: Path) -> None:
    handlers = load_handlers(user_model(tmp_path / "m", SLOW_WHEN_WIDE))
    app = InferenceApp(handlers, handlers.load_model(), endpoint="ep", timeout=1.0)

    async def scenario() -> None:
        for _ in range(400):  # until the runner goes inline (a loaded machine may need more)
            assert (await app.respond(_request(SMALL))).status == 200
            if app.runner.may_inline(len(SMALL)):
                break
        assert app.runner.may_inline(len(SMALL)), "the fast model never went inline"
        assert app.respond_now(_request(SMALL)) is not None  # small: answered inline
        assert app.respond_now(_request(WIDE)) is None  # wide: sent to the thread
        started = time.monotonic()
        answer = await app.respond(_request(WIDE))
        assert answer.status == 504 and b"per-request timeout" in answer.body
        assert time.monotonic() - started < 25  # the 30 s call was abandoned
        assert app.runner.may_inline(len(SMALL))  # one big slow request changes nothing

    asyncio.run(scenario())


def test_fast_path_endpoint_times_out_wide_request_and_keeps_ping(
    workspace: Settings, tmp_path: Path
) -> None:
    model = user_model(tmp_path / "m", SLOW_WHEN_WIDE)
    serving.create_model(workspace, "wide", ModelSpec(model_data_url=str(model)))
    record = serving.create_endpoint(workspace, "ep-wide", "wide", timeout_seconds=2)
    url = record.details["Url"]
    client = serving.EndpointClient(url, "ep-wide")
    for _ in range(200):  # warm the model onto the inline path
        assert client.invoke(SMALL, "text/csv", "text/csv")[0] == b"6.0"

    outcome: dict[str, object] = {}

    def wide() -> None:
        other = serving.EndpointClient(url, "ep-wide")
        try:
            other.invoke(WIDE, "text/csv", "text/csv")
        except Exception as exc:
            outcome["error"] = exc
        finally:
            outcome["done"] = time.monotonic()
            other.close()

    thread = threading.Thread(target=wide)
    started = time.monotonic()
    thread.start()
    pings = []
    while thread.is_alive() and time.monotonic() - started < 60:
        t0 = time.monotonic()
        probe = serving.EndpointClient(url, "ep-wide", timeout=60)
        assert probe.request("GET", "/ping")[0] == 200
        probe.close()
        pings.append(time.monotonic() - t0)
        time.sleep(0.1)
    thread.join(60)
    client.close()
    error = outcome.get("error")
    assert isinstance(error, TimeoutError_) and "answered 504" in str(error), error
    assert float(outcome["done"]) - started < 25  # type: ignore[arg-type]
    assert pings and max(pings) < 10, pings  # /ping was answered while the model ran
    serving.delete_endpoint(workspace, "ep-wide")
