"""Data-quality monitoring throughput: one execution over N captured records.

Writes N capture events (SageMaker's capture format, one CSV row each: three numerical
features and a categorical one) into a fresh workspace's store, baselines 50 000 training
rows, then times a monitoring execution (the real supervised job: chunked reading, sketch
summaries, checks) and compares it with the exact in-memory way (load every record with
pandas, ``scipy.stats.ks_2samp`` per numerical feature): wall time, peak memory, and the
drift distances each finds.

    PYTHONPATH=src python bench/bench_monitoring.py --records 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

FEATURES = ["amount", "age", "score", "channel"]


def _rows(rng: np.random.Generator, n: int, shifted: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount": (rng.lognormal(3, 0.8, n) * (3.0 if shifted else 1.0)).round(2),
            "age": rng.integers(18, 90, n),
            "score": (rng.normal(0, 1, n) + (0.5 if shifted else 0.0)).round(4),
            "channel": rng.choice(["web", "pos", "atm"], n, p=[0.5, 0.3, 0.2]),
        }
    )


def _write_capture(session: object, prefix: str, frame: pd.DataFrame, start: float) -> None:
    # The capture writer's format, written in bulk (json.dumps per line is the slow part of
    # capture, not what is measured here).
    lines = frame.to_csv(header=False, index=False).splitlines()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + 60))
    folder = time.strftime("%Y/%m/%d/%H", time.gmtime(start + 60))
    per_file = 50_000
    for part in range(0, len(lines), per_file):
        body = "".join(
            '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT",'
            f'"data":{json.dumps(row)},"encoding":"CSV"}},"endpointOutput":'
            '{"observedContentType":"text/csv","mode":"OUTPUT","data":"0.1","encoding":"CSV"}},'
            f'"eventMetadata":{{"eventId":"e{part + i}","inferenceTime":"{stamp}"}},'
            '"eventVersion":"0"}\n'
            for i, row in enumerate(lines[part : part + per_file])
        )
        session.store.put_bytes(  # type: ignore[attr-defined]
            f"{prefix}/AllTraffic/{folder}/{part:09d}.jsonl", body.encode()
        )


def _exact(session: object, prefix: str, baseline: pd.DataFrame) -> tuple[float, int, dict]:
    from scipy import stats

    tracemalloc.start()
    begin = time.perf_counter()
    rows = []
    for uri in session.store.list(prefix):  # type: ignore[attr-defined]
        for line in session.store.get_bytes(uri).splitlines():  # type: ignore[attr-defined]
            rows.append(json.loads(line)["captureData"]["endpointInput"]["data"])
    import io

    frame = pd.read_csv(io.StringIO("\n".join(rows)), header=None, names=FEATURES)
    distances = {
        name: float(stats.ks_2samp(baseline[name], frame[name]).statistic)
        for name in ("amount", "age", "score")
    }
    elapsed = time.perf_counter() - begin
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, distances


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--skip-exact", action="store_true", help="Skip the in-memory reference.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sabio-bench-monitoring-") as home:
        os.environ["SABIO_HOME"] = home
        from sabio import monitoring
        from sabio.session import Session

        session = Session()
        bucket = session.default_bucket()
        rng = np.random.default_rng(0)
        baseline = _rows(rng, 50_000, shifted=False)
        Path(home, "train.csv").write_text(baseline.to_csv(index=False))
        from sabio.model_monitor import DatasetFormat, DefaultModelMonitor

        monitor = DefaultModelMonitor(sagemaker_session=session)
        monitor.suggest_baseline(
            baseline_dataset=str(Path(home, "train.csv")),
            dataset_format=DatasetFormat.csv(header=True),
            output_s3_uri=f"s3://{bucket}/baseline",
        )
        prefix = f"s3://{bucket}/capture/bench"
        start = (time.time() // 3600) * 3600 - 7200
        began = time.perf_counter()
        _write_capture(session, prefix, _rows(rng, args.records, shifted=True), start)
        print(f"wrote {args.records} capture events in {time.perf_counter() - began:.1f} s")
        spec = monitoring.MonitoringScheduleSpec(
            schedule_name="bench",
            endpoint_name="bench",
            schedule_expression="cron(0 * ? * * *)",
            capture_prefix=prefix,
            statistics_uri=f"s3://{bucket}/baseline/statistics.json",
            constraints_uri=f"s3://{bucket}/baseline/constraints.json",
            output_uri=f"s3://{bucket}/reports",
        )
        # The schedule record is written directly: the benchmark has no live endpoint.
        session.catalog.jobs(monitoring.SCHEDULE).create(
            "bench", spec.model_dump(mode="json"), status="Scheduled"
        )
        began = time.perf_counter()
        record = monitoring.run_monitoring_period(
            session.settings, "bench", start, start + 3600, timeout=1800
        )
        wall = time.perf_counter() - began
        if record.status != "Completed":
            raise SystemExit(f"execution {record.status}: {record.failure_reason}")
        output = record.spec["output_uri"]
        violations = json.loads(session.store.get_bytes(f"{output}/constraint_violations.json"))
        drift = {
            v["feature_name"]: float(v["description"].split("distance: ")[1].split(" ")[0])
            for v in violations["violations"]
            if v["constraint_check_type"] == "baseline_drift_check"
        }
        processed = record.details["ProcessedRecords"]
        rss = (record.peak_rss_bytes or 0) / 2**20
        print()
        print("| | wall time | records/s | peak memory | drift amount / age / score |")
        print("|---|---|---|---|---|")
        print(
            f"| sabio execution (job, chunked, sketch) | {wall:.1f} s | {processed / wall:,.0f} | "
            f"{rss:.0f} MiB RSS | "
            + " / ".join(f"{drift.get(n, 0.0):.4f}" for n in ("amount", "age", "score"))
            + " |"
        )
        if not args.skip_exact:
            exact_wall, peak, exact = _exact(session, prefix, baseline)
            print(
                f"| in memory + scipy.stats.ks_2samp | {exact_wall:.1f} s | "
                f"{args.records / exact_wall:,.0f} | {peak / 2**20:.0f} MiB allocated | "
                + " / ".join(f"{exact[n]:.4f}" for n in ("amount", "age", "score"))
                + " |"
            )
        print(f"\nviolations: {sorted({v['feature_name'] for v in violations['violations']})}")


if __name__ == "__main__":
    main()
