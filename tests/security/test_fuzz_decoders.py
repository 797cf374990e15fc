"""Fuzzing every request decoder (issue 19): whatever the body, a decoder returns or raises
:class:`PayloadError` (a 4xx), never another exception (a 500), and a model server answers
every fuzzed request with a status below 500. See ``_fuzz.py`` for the example count."""

from __future__ import annotations

import asyncio
import io
import json
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sabio.algorithms._payload import parse_payload
from sabio.algorithms.text_classifier import inference as text_inference
from sabio.algorithms.xgboost import inference as xgb_inference
from sabio.exceptions import PayloadError, ValidationError
from sabio.inference import decode, load_handlers
from sabio.serving._app import InferenceApp, Request
from sabio.serving._oip import parse_infer
from sabio.transform._records import RecordPlan

from ._fuzz import FUZZ

try:
    from tests.inference._models import trained_xgboost
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import trained_xgboost  # type: ignore[no-redef]

TYPES = ["text/csv", "application/json", "application/jsonlines", "application/x-npy"]
ALL_TYPES = [*TYPES, "text/libsvm"]

# JSON values, nested, with the numbers that hurt (huge, tiny, non-finite as text).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.sampled_from(["instances", "features", "inputs", "a", "b"]), children)
    ),
    max_leaves=40,
)
cells = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(repr),
    st.sampled_from(["", " ", "nan", "inf", "-", "1e400", "1_0", '"a,b"', "x", "0x1"]),
)
csv_bodies = st.lists(st.lists(cells, min_size=1, max_size=12), min_size=1, max_size=8).map(
    lambda rows: "\n".join(",".join(row) for row in rows).encode()
)
libsvm_tokens = st.one_of(
    st.tuples(st.integers(0, 10**20), st.floats()).map(lambda t: f"{t[0]}:{t[1]!r}"),
    st.sampled_from(["qid:1", "1", "-1", ":", "a:b", "1:", ":1", "99999999999:1", "#c"]),
)
libsvm_bodies = st.lists(st.lists(libsvm_tokens, max_size=8), min_size=1, max_size=6).map(
    lambda rows: "\n".join(" ".join(row) for row in rows).encode()
)


@st.composite
def npy_bodies(draw: st.DrawFn) -> bytes:
    """Real ``.npy`` files, then the same with a forged header or cut short."""
    shape = draw(st.lists(st.integers(0, 4), max_size=3))
    dtype = draw(st.sampled_from(["<f8", "<i4", "|u1", "<f4", "|b1"]))
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(shape, dtype=dtype))
    raw = buffer.getvalue()
    how = draw(st.sampled_from(["real", "forge", "cut", "noise"]))
    if how == "forge":
        fake = draw(st.lists(st.integers(0, 10**12), max_size=4))
        header = f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {tuple(fake)}, }}"
        header = header + " " * (118 - len(header) % 64) + "\n"
        return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode()
    if how == "cut":
        return raw[: draw(st.integers(0, len(raw)))]
    if how == "noise":
        return raw[:10] + draw(st.binary(max_size=200))
    return raw


any_bodies = st.one_of(
    st.binary(max_size=300),
    csv_bodies,
    libsvm_bodies,
    npy_bodies(),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
)


def _refused_cleanly(parse: Any, body: bytes, content_type: str) -> None:
    try:
        parse(body, content_type)
    except PayloadError as exc:
        assert 400 <= exc.status_code < 500 and str(exc)


@FUZZ
@given(body=any_bodies, content_type=st.sampled_from(TYPES))
def test_fuzz_default_decoder(body: bytes, content_type: str) -> None:
    _refused_cleanly(decode, body, content_type)


@FUZZ
@given(body=any_bodies, content_type=st.sampled_from(ALL_TYPES))
def test_fuzz_builtin_payload_decoder(body: bytes, content_type: str) -> None:
    _refused_cleanly(xgb_inference.input_fn, body, content_type)
    _refused_cleanly(parse_payload, body, content_type)


@FUZZ
@given(
    body=any_bodies,
    content_type=st.sampled_from(["text/plain", "text/csv", *TYPES[1:3]]),
)
def test_fuzz_text_classifier_decoder(body: bytes, content_type: str) -> None:
    _refused_cleanly(text_inference.input_fn, body, content_type)


@st.composite
def infer_requests(draw: st.DrawFn) -> bytes:
    tensor = {
        "name": draw(st.text(max_size=5)),
        "shape": draw(st.one_of(st.lists(st.integers(-2, 10**9), max_size=4), json_values)),
        "datatype": draw(st.sampled_from(["FP64", "FP32", "INT64", "BYTES", "BOOL", "??"])),
        "data": draw(json_values),
    }
    inputs = draw(st.lists(st.just(tensor), min_size=0, max_size=3))
    return json.dumps(draw(st.sampled_from([{"inputs": inputs}, inputs, tensor]))).encode()


@FUZZ
@given(body=st.one_of(infer_requests(), any_bodies))
def test_fuzz_oip_decoder(body: bytes) -> None:
    try:
        parse_infer(body)
    except PayloadError as exc:
        assert exc.status_code == 400 and str(exc)


@FUZZ
@given(record=st.one_of(any_bodies, json_values.map(json.dumps).map(str.encode)))
def test_fuzz_transform_record_decoder(record: bytes) -> None:
    text = record.decode("utf-8", errors="replace")
    for formats in (("json", "json"), ("csv", "csv")):
        try:
            RecordPlan(*formats, None, None, False).decode_input(text)
        except ValidationError as exc:
            assert str(exc)


@pytest.fixture(scope="module")
def builtin_app() -> InferenceApp:
    handlers = load_handlers(trained_xgboost())
    return InferenceApp(handlers, handlers.load_model(), endpoint="ep")


@FUZZ
@given(
    body=any_bodies,
    content_type=st.sampled_from(ALL_TYPES),
    path=st.sampled_from(["/invocations", "/v2/models/ep/infer"]),
)
def test_fuzz_model_server_never_answers_5xx(
    builtin_app: InferenceApp, body: bytes, content_type: str, path: str
) -> None:
    headers = {b"content-type": content_type.encode(), b"accept": b"application/json"}
    request = Request("POST", path, headers, body, time.perf_counter())
    answer = asyncio.run(builtin_app.respond(request))
    assert answer.status < 500, answer.body[:300]
    if answer.status >= 400:
        assert json.loads(answer.body)["error"]
