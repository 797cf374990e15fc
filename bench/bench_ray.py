"""The Ray backend next to the local backend and Ray Tune, in one run on this machine.

1. Per-job overhead: the median wall time of ``fit()`` of a script that does nothing, on the
   local backend and on a two-node Ray cluster once it is up (target on Ray: <= 1 s).
2. The seed's insurance MLP search (20 trials, 2 at a time; bench_tuning_insurance.py) on the
   local backend, on the two-node Ray cluster, and with Ray Tune + Optuna
   (bench_tuning_vs_ray.py), wall times side by side.
3. Distributed training: the same full-batch PyTorch regression on the insurance data with
   ``distribution={"torch_distributed": ...}`` on 1 host and on 2 hosts (gloo): the final
   loss must agree (DDP averages the two halves' gradients, which is the full batch's).

The cluster (a head and a second node joined with ``ray start --address``) and a throw-away
PostgreSQL (a cluster of two machines refuses SQLite) are started by the test helpers and
stopped at the end. Skips cleanly without Ray or the data set.

    PYTHONPATH=src python bench/bench_ray.py [--jobs 20] [--parallel 2] [--overhead-jobs 8]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / ".." / "shared" / "datasets"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DDP = """
import os
import numpy as np
import pandas as pd
import torch
import torch.distributed as dist

frame = pd.get_dummies(pd.read_csv(os.environ["SM_CHANNEL_TRAIN"] + "/insurance.csv"), dtype=float)
y = torch.tensor(frame.pop("charges").to_numpy() / 10000.0, dtype=torch.float64)
x = frame.to_numpy()
x = torch.tensor((x - x.mean(0)) / (x.std(0) + 1e-9), dtype=torch.float64)
rows = len(y) - len(y) % 2  # two equal halves, so the mean of their losses is the full one
x, y = x[:rows], y[:rows]
distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
if distributed:
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    shard = slice(rank * rows // world, (rank + 1) * rows // world)
else:
    shard = slice(0, rows)
torch.manual_seed(0)
model = torch.nn.Linear(x.shape[1], 1).double()
if distributed:
    model = torch.nn.parallel.DistributedDataParallel(model)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for epoch in range(300):
    optimizer.zero_grad()
    loss = torch.mean((model(x[shard]).squeeze(1) - y[shard]) ** 2)
    loss.backward()  # DDP averages the gradients of the hosts' shards
    optimizer.step()
with torch.no_grad():
    final = torch.mean((model(x).squeeze(1) - y) ** 2).item()
if not distributed or dist.get_rank() == 0:
    print(f"final_loss: {final:.10f}", flush=True)
if distributed:
    dist.destroy_process_group()
"""


def _overhead(session: object, tmp: Path, count: int) -> float:
    from sabio.estimator import Estimator

    script = tmp / "nothing.py"
    script.write_text("pass\n")
    times = []
    for _ in range(count):
        estimator = Estimator(entry_point=str(script), sagemaker_session=session)  # type: ignore[arg-type]
        started = time.perf_counter()
        estimator.fit(logs=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:] if len(times) > 1 else times)


def _ddp_loss(session: object, tmp: Path, hosts: int) -> float:
    from sabio.estimator import Estimator

    script = tmp / "ddp.py"
    script.write_text(textwrap.dedent(DDP))
    estimator = Estimator(
        entry_point=str(script),
        instance_count=hosts,
        distribution={"torch_distributed": {"enabled": True}},
        metric_definitions=[{"Name": "final_loss", "Regex": r"final_loss: ([0-9.]+)"}],
        sagemaker_session=session,  # type: ignore[arg-type]
    )
    data = session.upload_data(str(DATASETS / "insurance.csv"), key_prefix="ddp")  # type: ignore[attr-defined]
    estimator.fit({"train": data}, logs=False)
    metrics = estimator.latest_training_job.describe()["FinalMetricDataList"]
    return float(next(m["Value"] for m in metrics if m["MetricName"] == "final_loss"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--overhead-jobs", type=int, default=8)
    args = parser.parse_args()
    if importlib.util.find_spec("ray") is None:
        print("skipped: Ray is not installed (pip install 'sabio[ray]')")
        return 0
    if not (DATASETS / "insurance.csv").exists():
        print(f"skipped: {DATASETS / 'insurance.csv'} is absent")
        return 0
    from bench_tuning_insurance import run as run_tuning
    from bench_tuning_vs_ray import run_ray as run_ray_tune
    from tests._servers import postgres_server, ray_cluster

    from sabio.session import Session

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="sabio-bench-ray-") as name:
        tmp = Path(name)
        # Ray Tune first: it starts (and stops) a Ray of its own in this process.
        tune = run_ray_tune(args.jobs, args.parallel, args.seed, tmp / "ray-tune")
        # ray.init turned token authentication on for its own cluster in this process.
        os.environ.pop("RAY_AUTH_MODE", None)
        local = run_tuning(args.jobs, args.parallel, args.seed, tmp / "local-home")[0]
        os.environ["SABIO_HOME"] = str(tmp / "local-home")
        overhead_local = _overhead(Session(), tmp, args.overhead_jobs)
        loss_one = _ddp_loss(Session(), tmp, 1)
        loss_two_local = _ddp_loss(Session(), tmp, 2)
        with postgres_server() as database, ray_cluster() as address:
            os.environ |= {
                "SABIO_BACKEND": "ray",
                "RAY_ADDRESS": address,
                "SABIO_DATABASE_URL": database,
            }
            os.environ["SABIO_HOME"] = str(tmp / "ray-home")
            started = time.perf_counter()
            Session(backend="ray")
            from sabio.supervision import backend_for

            backend_for("ray").check(Session().settings)  # connect once: the cluster is up
            connect = time.perf_counter() - started
            overhead_ray = _overhead(Session(), tmp, args.overhead_jobs)
            loss_two_ray = _ddp_loss(Session(), tmp, 2)
            on_ray = run_tuning(args.jobs, args.parallel, args.seed, tmp / "ray-home")[0]
            import ray

            ray.shutdown()
    rows.append(
        ("fit() of an empty script, median s", f"{overhead_local:.2f}", f"{overhead_ray:.2f}", "—")
    )
    rows.append(
        (
            "20-trial insurance search, wall s",
            f"{local['wall']:.1f}",
            f"{on_ray['wall']:.1f}",
            f"{tune['wall']:.1f}",
        )
    )
    rows.append(
        (
            "trials completed",
            str(local["completed"]),
            str(on_ray["completed"]),
            str(tune["completed"]),
        )
    )
    rows.append(
        (
            "best validation:mse",
            f"{local['best_value']:.4g}",
            f"{on_ray['best_value']:.4g}",
            f"{tune['best_value']:.4g}",
        )
    )
    print(f"connecting to the cluster: {connect:.1f} s (once per process)")
    print(f"{'':<38} {'local':>10} {'Ray (2 nodes)':>14} {'Ray Tune':>10}")
    for label, a, b, c in rows:
        print(f"{label:<38} {a:>10} {b:>14} {c:>10}")
    print(
        f"DDP final loss: 1 host {loss_one:.8f}, 2 hosts local {loss_two_local:.8f}, "
        f"2 hosts on Ray {loss_two_ray:.8f} (relative difference "
        f"{abs(loss_two_ray - loss_one) / loss_one:.2e})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
