"""A tiny linear model with SageMaker-style handlers, registered in the catalog for tests.

Pure Python (no numpy in the handlers), so transform tests exercise sabio, not a framework.
``score = 1*x0 + 2*x1 + 3*x2``; CSV, JSON Lines and JSON bodies; a wrong number of features
or a non-number raises ``ValueError`` (a 4xx for the model server, a failed record here).
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.inference import MODEL, ModelSpec
from sabio.storage import Store

INFERENCE = """
import json, os, time

def model_fn(model_dir):
    with open(os.path.join(model_dir, "weights.json")) as fh:
        return json.load(fh)

def input_fn(body, content_type):
    if content_type == "text/csv":
        rows = [[float(v) for v in line.split(",")] for line in body.splitlines() if line.strip()]
    elif content_type == "application/jsonlines":
        rows = [json.loads(line)["features"] for line in body.splitlines() if line.strip()]
    else:
        raise ValueError(f"unsupported content type {content_type}")
    for row in rows:
        if len(row) != 3:
            raise ValueError(f"expected 3 features, got {len(row)}")
    return rows

def predict_fn(rows, model):
    delay = model.get("delay", 0.0)
    if delay:
        time.sleep(delay)
    return [sum(w * x for w, x in zip(model["w"], row)) for row in rows]

def output_fn(scores, accept):
    if accept == "text/csv":
        return "\\n".join(repr(s) for s in scores), "text/csv"
    if accept == "application/jsonlines":
        return "\\n".join(json.dumps({"score": s}) for s in scores), accept
    return json.dumps({"predictions": [{"score": s} for s in scores]}), "application/json"
"""


def register_model(name: str = "linear", *, delay: float = 0.0) -> str:
    """Upload the model archive and create the catalog record; return the model name."""
    settings = load_settings()
    store = Store(settings)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for member, text in (
            ("weights.json", json.dumps({"w": [1.0, 2.0, 3.0], "delay": delay})),
            ("code/inference.py", INFERENCE),
        ):
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    uri = f"s3://{store.default_bucket()}/models/{name}/model.tar.gz"
    store.put_bytes(uri, buffer.getvalue())
    spec = ModelSpec(model_name=name, image="sabio/custom", model_data_url=uri)
    Catalog.open(settings).jobs(MODEL).create(name, spec.model_dump(mode="json"), status="Created")
    return name


def score(row: list[float]) -> float:
    """What the model answers for a row."""
    return sum(w * x for w, x in zip([1.0, 2.0, 3.0], row, strict=True))


def write_csv(path: Path, rows: list[list[float]], ids: bool = False) -> None:
    """Write rows as CSV (with an integer id column first when ``ids``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        ",".join(([str(i)] if ids else []) + [repr(v) for v in row]) for i, row in enumerate(rows)
    ]
    path.write_text("\n".join(lines) + "\n")
