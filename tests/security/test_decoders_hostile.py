"""Findings 3, 6 and 7 of issue 19: every request decoder checks shape and size before it
allocates, and hostile bodies are a 4xx with a message, never a 500."""

from __future__ import annotations

import asyncio
import io
import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from sabio.algorithms._errors import DataError
from sabio.algorithms._libsvm import parse_libsvm
from sabio.algorithms._payload import parse_payload
from sabio.algorithms.xgboost import inference as xgb_inference
from sabio.exceptions import PayloadError
from sabio.inference import decode, load_handlers
from sabio.serving._app import InferenceApp, Request
from sabio.serving._oip import parse_infer

try:
    from tests.inference._models import diabetes_row, trained_xgboost, user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import (  # type: ignore[no-redef]
        diabetes_row,
        trained_xgboost,
        user_model,
    )

MB = 1024 * 1024


def fake_npy(shape: tuple[int, ...], payload: bytes = b"") -> bytes:
    """A ``.npy`` whose header declares ``shape`` of float64 but holds ``payload``."""
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}"
    header = header + " " * (118 - len(header)) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + payload


DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
HUGE_INT = b"[[1" + b"0" * 400 + b"]]"  # the integer 1e400, written out
LONG_INT = b"[[1" + b"0" * 5000 + b"]]"  # beyond Python's 4,300-digit int() limit
# 20,000 object rows with a key each: a 250 KB body whose frame would hold 4e8 cells.
SPARSE_KEYS = b"\n".join(b'{"k%d": 1}' % i for i in range(20_000))

# (name, content type, body, status, what the message says)
HOSTILE = [
    ("libsvm huge index", "text/libsvm", b"1 99999999999:1", 400, "below 10"),
    ("libsvm two rows", "text/libsvm", b"0:1 999999999:1\n0:1 999999999:1", 400, "below 10"),
    ("deep json", "application/json", DEEP_JSON, 400, "nested too deeply"),
    ("deep jsonlines", "application/jsonlines", DEEP_JSON, 400, "nested too deeply"),
    ("integer 1e400", "application/json", HUGE_INT, 400, "401 digits"),
    ("5000-digit integer", "application/json", LONG_INT, 400, "5001 digits"),
    ("fake npy shape", "application/x-npy", fake_npy((100_000, 100_000)), 400, "declares shape"),
    ("npy object dtype", "application/x-npy", b"\x93NUMPY\x01\x00", 400, ".npy"),
    ("ragged csv", "text/csv", None, 400, "CSV row 2 has 3 values, expected 10"),
    ("a new key per row", "application/jsonlines", SPARSE_KEYS, 400, "different keys"),
]


def _ragged() -> bytes:
    return f"{diabetes_row()}\n1,2,3".encode()


@pytest.fixture
def low_memory() -> Iterator[Callable[[], int]]:
    """The peak of Python and NumPy allocations (tracemalloc) while the test runs."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    yield lambda: tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()


def test_libsvm_huge_index_allocates_nothing(low_memory: Callable[[], int]) -> None:
    for body in (b"1 99999999999:1", b"0:1 999999999:1\n0:1 999999999:1"):
        payload = xgb_inference.input_fn(body, "text/libsvm")
        with pytest.raises(PayloadError, match="below 10"):
            payload.dense(10)
        with pytest.raises(PayloadError, match="more than sabio's limit"):
            _ = payload.frame  # custom code asking for the whole frame: refused, not built
    assert low_memory() < 5 * MB


def test_libsvm_training_file_is_capped(low_memory: Callable[[], int]) -> None:
    with pytest.raises(DataError, match="more than sabio's limit"):
        parse_libsvm("1 99999999999:1\n", source="train.libsvm", require_label=True)
    with pytest.raises(DataError, match="too large"):
        parse_libsvm("1 " + "9" * 40 + ":1\n", source="train.libsvm", require_label=True)
    assert low_memory() < 5 * MB


def test_json_rows_with_a_new_key_each_allocate_nothing(low_memory: Callable[[], int]) -> None:
    with pytest.raises(PayloadError, match="20000 different keys"):
        parse_payload(SPARSE_KEYS, "application/jsonlines")
    assert low_memory() < 50 * MB  # the parsed JSON itself, not a 20,000² frame
    rows = parse_payload(b'[{"a": 1, "b": 2}, {"a": 3}]', "application/json")
    assert rows.frame.shape == (2, 2)  # a row may leave a key out


def test_npy_fake_shape_allocates_nothing(low_memory: Callable[[], int]) -> None:
    body = fake_npy((100_000, 100_000), b"\x00" * 16)
    for parse in (
        lambda: decode(body, "application/x-npy"),
        lambda: parse_payload(body, "application/x-npy"),
    ):
        with pytest.raises(PayloadError, match=r"declares shape \(100000, 100000\).*16 bytes"):
            parse()
    assert low_memory() < 5 * MB
    good = np.arange(6, dtype=np.float64).reshape(2, 3)
    buffer = io.BytesIO()
    np.save(buffer, good)
    np.testing.assert_array_equal(decode(buffer.getvalue(), "application/x-npy"), good)
    np.save(buffer := io.BytesIO(), np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(PayloadError, match="pickle"):
        decode(buffer.getvalue(), "application/x-npy")


@pytest.mark.parametrize(
    "request_",
    [
        {"inputs": [{"name": "x", "shape": [100_000, 100_000], "datatype": "FP64", "data": [1]}]},
        {"inputs": [{"name": "x", "shape": [-1, -1], "datatype": "FP64", "data": [1, 2]}]},
        {"inputs": [{"name": "x", "shape": "big", "datatype": "FP64", "data": [1]}]},
        {"inputs": [{"name": "x", "shape": [2, 1.5], "datatype": "FP64", "data": [1, 2]}]},
        {"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [[1], [1, 2]]}]},
    ],
)
def test_oip_tensor_shape_is_checked_before_reshaping(
    request_: dict[str, Any], low_memory: Callable[[], int]
) -> None:
    with pytest.raises(PayloadError, match=r"shape|rectangular"):
        parse_infer(json.dumps(request_).encode())
    assert low_memory() < 5 * MB


def test_oip_too_many_inputs_is_a_payload_error() -> None:
    inputs = [{"name": f"f{i}", "shape": [1], "datatype": "FP64", "data": [1]} for i in range(5000)]
    with pytest.raises(PayloadError, match="5000 inputs; at most 4096"):
        parse_infer(json.dumps({"inputs": inputs}).encode())


def test_oip_hostile_json_is_a_payload_error() -> None:
    for body, message in ((DEEP_JSON, "nested too deeply"), (HUGE_INT, "401 digits")):
        with pytest.raises(PayloadError, match=message):
            parse_infer(body)
    data, _ = parse_infer(b'{"inputs": [{"name": "x", "shape": [2, -1], "data": [1, 2, 3, 4]}]}')
    assert data.shape == (2, 2)


def _respond(app: InferenceApp, path: str, body: bytes, content_type: str) -> tuple[int, str]:
    headers = {b"content-type": content_type.encode(), b"accept": b"application/json"}
    answer = asyncio.run(app.respond(Request("POST", path, headers, body, time.perf_counter())))
    return answer.status, json.loads(answer.body).get("error", "") if answer.status >= 400 else ""


@pytest.fixture(scope="module")
def builtin_app() -> InferenceApp:
    handlers = load_handlers(trained_xgboost())
    return InferenceApp(handlers, handlers.load_model(), endpoint="ep")


@pytest.fixture(scope="module")
def default_app(tmp_path_factory: pytest.TempPathFactory) -> InferenceApp:
    # The default handlers (no input_fn): SageMaker's NumPy decoding.
    folder = user_model(
        tmp_path_factory.mktemp("m"),
        "import numpy as np\ndef model_fn(d):\n    return np.ones(10)\n"
        "def predict_fn(data, model):\n    return np.asarray(data, dtype=float) @ model\n",
    )
    handlers = load_handlers(folder)
    return InferenceApp(handlers, handlers.load_model(), endpoint="ep")


@pytest.mark.parametrize(("name", "content_type", "body", "status", "message"), HOSTILE)
def test_hostile_bodies_are_4xx_with_a_message(
    builtin_app: InferenceApp,
    default_app: InferenceApp,
    name: str,
    content_type: str,
    body: bytes | None,
    status: int,
    message: str,
) -> None:
    body = _ragged() if body is None else body
    got, error = _respond(builtin_app, "/invocations", body, content_type)
    assert (got, message in error) == (status, True), (name, got, error)
    if content_type == "text/libsvm":
        return  # the default handlers do not read libsvm (415)
    got, error = _respond(default_app, "/invocations", body, content_type)
    assert 400 <= got < 500 and error, (name, got, error)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (",".join(["a"] * 200_000).encode(), "text/csv", "expected 10 features"),
        (b'"a,b",' + b",".join([b"x"] * 200_000), "text/csv", "expected 10 features"),
        (b'[["' + b'","'.join([b"a"] * 200_000) + b'"]]', "application/json", "got 200000"),
        (json.dumps({f"k{i}": 1 for i in range(200_000)}).encode(), "application/json", "lack"),
    ],
)
def test_wide_text_rows_are_checked_before_pandas_builds_them(
    builtin_app: InferenceApp, body: bytes, content_type: str, message: str
) -> None:
    # pandas needs seconds per 10,000 columns: the width is checked against the model first.
    started = time.monotonic()
    status, error = _respond(builtin_app, "/invocations", body, content_type)
    assert status == 400 and message in error, error
    assert time.monotonic() - started < 15  # was minutes; generous for a loaded machine


def test_ragged_csv_is_refused_not_padded(builtin_app: InferenceApp) -> None:
    row = diabetes_row()
    assert _respond(builtin_app, "/invocations", f"{row}\n{row}".encode(), "text/csv")[0] == 200
    status, error = _respond(builtin_app, "/invocations", _ragged(), "text/csv")
    assert status == 400 and "CSV row 2 has 3 values, expected 10" in error


def test_oip_route_hostile_bodies_are_400(builtin_app: InferenceApp) -> None:
    for body in (
        DEEP_JSON,
        HUGE_INT,
        b'{"inputs": [{"name": "x", "shape": [99999, 99999], "data": [1]}]}',
    ):
        status, error = _respond(builtin_app, "/v2/models/ep/infer", body, "application/json")
        assert status == 400 and error
