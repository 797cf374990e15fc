"""Default (de)serialisation of user models."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from sabio.inference import PayloadError, choose_accept, decode, encode, media_type


def test_codecs_decode_csv_json_jsonlines_npy() -> None:
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    buffer = io.BytesIO()
    np.save(buffer, expected)
    bodies = {
        "text/csv": b"1,2\n3,4\n",
        "application/json": b'{"instances": [[1, 2], [3, 4]]}',
        "application/jsonlines": b"[1, 2]\n[3, 4]\n",
        "application/x-npy": buffer.getvalue(),
    }
    for content_type, body in bodies.items():
        np.testing.assert_array_equal(decode(body, content_type), expected)


def test_codecs_decode_unsupported_type_is_415() -> None:
    with pytest.raises(PayloadError, match="Unsupported content type 'image/png'") as info:
        decode(b"x", "image/png")
    assert info.value.status_code == 415


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"1,abc", "text/csv", "not a number"),
        (b"1,2\n3", "text/csv", "row 2 has 1 values, expected 2"),
        (b"{oops", "application/json", "not valid JSON"),
        (b"[[1, 2], [3]]", "application/json", "different numbers of values"),
        (b"   ", "text/csv", "empty"),
        (b"not npy", "application/x-npy", ".npy"),
    ],
)
def test_codecs_decode_bad_body_is_400(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(PayloadError, match=message) as info:
        decode(body, content_type)
    assert info.value.status_code == 400


def test_codecs_encode_each_accept_type() -> None:
    prediction = np.array([0.5, 1.5])
    assert encode(prediction, "application/json") == (b"[0.5, 1.5]", "application/json")
    assert encode(prediction, "text/csv") == (b"0.5\n1.5", "text/csv")
    assert encode(prediction, "application/jsonlines")[0] == b"0.5\n1.5"
    body, kind = encode(prediction, "application/x-npy")
    assert kind == "application/x-npy"
    np.testing.assert_array_equal(np.load(io.BytesIO(body)), prediction)
    assert json.loads(encode(prediction, "*/*")[0]) == [0.5, 1.5]


def test_codecs_unsupported_accept_is_406() -> None:
    with pytest.raises(PayloadError, match="Unsupported Accept type") as info:
        choose_accept("image/png")
    assert info.value.status_code == 406


def test_codecs_media_type_normalises() -> None:
    assert media_type("Text/CSV; charset=utf-8") == "text/csv"
    assert media_type("application/x-ndjson") == "application/jsonlines"


def test_codecs_encode_json_of_float_arrays_is_what_json_dumps_writes() -> None:
    for prediction in (
        np.array([0.9994640946388245, 1e-30, -0.0, 1e22, 5e-324]),
        np.array([0.1, 0.7], dtype=np.float32),
        np.array([np.nan, np.inf, -np.inf, 1.5]),
        np.array([], dtype=np.float64),
        np.array([[0.25, 0.75]]),
    ):
        body, kind = encode(prediction, "application/json")
        assert kind == "application/json"
        assert body == json.dumps(prediction.tolist()).encode()


def test_codecs_decode_one_csv_row_like_float() -> None:
    row = b"1_0, 2.5 ,-inf,nan,1e400,+.5"
    decoded = decode(row, "text/csv")
    assert decoded.shape == (1, 6) and decoded.dtype == np.float64
    expected = [float(v) for v in row.decode().split(",")]
    np.testing.assert_array_equal(decoded[0], expected)
