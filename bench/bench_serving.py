"""Serving throughput and latency: sabio vs `mlflow models serve` vs a bare uvicorn app.

Single-row requests at concurrency 1, 8 and 32, measured with wrk (Debian package `wrk`).
Models: a RandomForest on breast cancer and an XGBoost classifier on the credit-card fraud
sample (``../shared/datasets/creditcard_sample.csv.gz``; skipped when absent). sabio and
MLflow serve the *same* fitted model object and both answer ``model.predict`` (sabio: the
model file plus an ``inference.py`` with only ``model_fn`` for the forest, no code at all for
XGBoost).

    python bench/bench_serving.py [--seconds 10] [--workers 1] [--models xgboost]

Prints requests/s, p50 and p99 (ms) per server, model and concurrency, and the ratios
sabio/MLflow and sabio/floor.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAUD = ROOT.parent / "shared" / "datasets" / "creditcard_sample.csv.gz"
CONCURRENCY = (1, 8, 32)

FOREST_INFERENCE = """
from pathlib import Path
from sklearn.ensemble import RandomForestClassifier
from skops.io import load

def model_fn(model_dir):
    # The bench wrote this file itself, so its tree type is trusted.
    return load(Path(model_dir) / "model.skops", trusted=["sklearn.tree._tree.Tree"])
"""

FLOOR_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"[0.5]"})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(port: int, path: str, timeout: float = 120.0) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


def wrk(url: str, body: str, content_type: str, connections: int, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
            f'wrk.headers["Content-Type"] = "{content_type}"\n'
        )
    threads = min(connections, 2)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


@contextlib.contextmanager
def process(
    command: list[str], port: int, path: str, env: dict[str, str] | None = None
) -> Iterator[None]:
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    try:
        wait_http(port, path)
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def forest(folder: Path):  # type: ignore[no-untyped-def]
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from skops.io import dump

    x, y = load_breast_cancer(return_X_y=True)
    model = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(x, y)
    (folder / "code").mkdir(parents=True)
    dump(model, folder / "model.skops")
    (folder / "code" / "inference.py").write_text(FOREST_INFERENCE)
    return model, ",".join(map(str, x[0].tolist())), "sklearn"


def fraud(folder: Path):  # type: ignore[no-untyped-def]
    import pandas as pd
    import xgboost as xgb

    frame = pd.read_csv(FRAUD)
    label = "Class" if "Class" in frame.columns else frame.columns[-1]
    x, y = frame.drop(columns=[label]).to_numpy(dtype=float), frame[label].to_numpy()
    model = xgb.XGBClassifier(n_estimators=100, max_depth=6, n_jobs=1).fit(x, y)
    folder.mkdir(parents=True)
    model.get_booster().save_model(str(folder / "xgboost-model"))
    return model, ",".join(map(str, x[0].tolist())), "xgboost"


def mlflow_model(model, flavor: str, folder: Path) -> Path | None:  # type: ignore[no-untyped-def]
    try:
        import mlflow.sklearn
        import mlflow.xgboost
    except ImportError as exc:
        print(f"# mlflow not importable ({exc}); install it with pip install mlflow")
        return None
    path = folder / "mlflow-model"
    if flavor == "sklearn":
        mlflow.sklearn.save_model(model, str(path), skops_trusted_types=["sklearn.tree._tree.Tree"])
    else:
        mlflow.xgboost.save_model(model, str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--models", nargs="+", default=["random-forest", "xgboost"], help="cases to measure"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="sabio-bench-serving-"))
    os.environ["SABIO_HOME"] = str(work / "home")
    from sabio.model import Model

    cases = [("random-forest", forest)]
    if FRAUD.exists():
        cases.append(("xgboost", fraud))
    else:
        print(f"# {FRAUD} not found: XGBoost fraud case skipped")
    cases = [(name, build) for name, build in cases if name in args.models]
    rows: list[tuple[str, str, int, dict[str, float]]] = []
    for name, build in cases:
        model, row, flavor = build(work / name)
        predictor = Model(str(work / name), name=f"{name}-m").deploy(
            initial_instance_count=args.workers, endpoint_name=f"{name}-ep"
        )
        url = predictor.describe()["Url"]
        for c in CONCURRENCY:
            rows.append(
                ("sabio", name, c, wrk(f"{url}/invocations", row, "text/csv", c, args.seconds))
            )
            print(rows[-1], flush=True)
        predictor.delete_endpoint()
        path = mlflow_model(model, flavor, work / name)
        if path is not None:
            port = free_port()
            command = [
                sys.executable,
                "-m",
                "mlflow",
                "models",
                "serve",
                "-m",
                str(path),
                "-p",
                str(port),
                "-h",
                "127.0.0.1",
                "--env-manager",
                "local",
                "-w",
                str(args.workers),
            ]
            body = json.dumps({"inputs": [[float(v) for v in row.split(",")]]})
            with process(command, port, "/ping"):
                for c in CONCURRENCY:
                    rows.append(
                        (
                            "mlflow",
                            name,
                            c,
                            wrk(
                                f"http://127.0.0.1:{port}/invocations",
                                body,
                                "application/json",
                                c,
                                args.seconds,
                            ),
                        )
                    )
    floor = work / "floor.py"
    floor.write_text(FLOOR_APP)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "floor:app",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--app-dir",
        str(work),
    ]
    with process(command, port, "/"):
        for c in CONCURRENCY:
            rows.append(
                (
                    "uvicorn-floor",
                    "constant",
                    c,
                    wrk(f"http://127.0.0.1:{port}/", "1", "text/csv", c, args.seconds),
                )
            )

    header = ("server", "model", "conc", "req/s", "p50 ms", "p99 ms", "non-2xx")
    print("\n{:<14} {:<14} {:>4} {:>9} {:>8} {:>8} {:>7}".format(*header))
    for server, model_name, c, r in rows:
        values = (server, model_name, c, r["rps"], r["p50"], r["p99"], r["errors"])
        print("{:<14} {:<14} {:>4} {:>9.0f} {:>8.2f} {:>8.2f} {:>7.0f}".format(*values))
    table = {(s, m, c): r["rps"] for s, m, c, r in rows}
    print()
    for name, _ in cases:
        for c in CONCURRENCY:
            sabio = table.get(("sabio", name, c))
            mlflow = table.get(("mlflow", name, c))
            base = table.get(("uvicorn-floor", "constant", c))
            parts = [f"{name} c={c}:"]
            if sabio and mlflow:
                parts.append(f"sabio/mlflow = {sabio / mlflow:.1f}x")
            if sabio and base:
                parts.append(f"floor/sabio = {base / sabio:.1f}x")
            print("  ".join(parts))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
