"""The supervisor of a monitoring job: ``python -m sabio.monitoring._supervisor <job-dir>``.

A baselining job reads the baseline dataset and writes ``statistics.json`` and
``constraints.json``; a monitoring execution reads one period of captured traffic in chunks
and writes ``statistics.json`` and ``constraint_violations.json``. Files are written only
once everything is computed, so a failed job leaves no half set behind.
"""

from __future__ import annotations

import json
import time
import traceback
from pathlib import Path
from typing import Any

from sabio import supervision
from sabio._config import Settings, load_settings
from sabio.exceptions import SabioError, ValidationError
from sabio.monitoring._kind import MONITORING
from sabio.monitoring._quality_run import QualityRuns
from sabio.monitoring._spec import MonitoringJobSpec
from sabio.storage import Store

__all__ = ["MonitoringProgram", "Supervisor"]


def _peak_rss() -> int | None:
    try:
        import resource
    except ImportError:  # not on this platform
        return None
    # ru_maxrss is in KiB on Linux (bytes on macOS, where the figure is then 1024x too big).
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


class Supervisor(QualityRuns, supervision.Supervisor):
    """Runs one monitoring job to its end."""

    def __init__(self, job_dir: Path, settings: Settings) -> None:
        super().__init__(MONITORING, job_dir, settings)
        self.spec = MonitoringJobSpec.model_validate_json((job_dir / "spec.json").read_text())
        self.name = self.spec.job_name
        self.store = Store(settings)
        self._log = (job_dir / "logs.txt").open("a", encoding="utf-8", buffering=1)
        self.progress: dict[str, Any] = {"ProcessedRecords": 0, "CapturedEvents": 0}

    def log(self, line: str) -> None:
        """Append a time-stamped line to the job log."""
        self._log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")

    def _beat(self) -> None:
        self.jobs.update(self.name, heartbeat_at=time.time(), details=dict(self.progress))

    def run(self) -> int:
        """Run the job; returns the exit code."""
        started = time.time()
        self.claim(started_at=started)
        try:
            self.start_heartbeat(self._beat)
            run = {
                "DataQualityBaseline": self._baseline,
                "DataQualityMonitoring": self._monitor,
                "ModelQualityBaseline": self._quality_baseline,
                "ModelQualityMonitoring": self._quality_monitor,
            }[self.spec.job_type]
            run()
            self.progress["WallSeconds"] = round(time.time() - started, 3)
            self.jobs.transition(
                self.name,
                "Completed",
                details=dict(self.progress),
                wall_seconds=time.time() - started,
                peak_rss_bytes=_peak_rss(),
            )
            self.log(f"Completed in {time.time() - started:.2f} s")
            return 0
        except Exception as exc:
            if isinstance(exc, SabioError):
                reason = f"ClientError: {exc}"
            else:
                self.log(traceback.format_exc())
                reason = f"InternalServerError: {type(exc).__name__}: {exc}"
            self.log(f"Failed: {reason}")
            self.jobs.transition(
                self.name,
                "Failed",
                failure_reason=supervision.failure_reason(reason),
                details={**self.progress, "MonitoringExecutionStatus": "Failed"},
            )
            return 1
        finally:
            self.stop_heartbeat()
            self.finish()
            self._log.close()

    def _write(self, files: dict[str, Any]) -> None:
        # JSON documents as JSON; a page (str) as it is.
        for name, body in files.items():
            uri = f"{self.spec.output_uri}/{name}"
            data = body if isinstance(body, str) else json.dumps(body, indent=4)
            self.store.put_bytes(uri, data.encode())
            self.log(f"Wrote {uri}")

    def _baseline(self) -> None:
        import pandas as pd

        from sabio.monitoring._statistics import baseline_constraints, baseline_statistics

        spec = self.spec
        if spec.dataset_uri is None:
            raise ValidationError("A baselining job needs a dataset_uri.")
        frames = []
        for uri in self.store.list(spec.dataset_uri):
            with self.store.open(uri, "rb") as handle:
                frames.append(
                    pd.read_csv(
                        handle, header=0 if spec.header else None, dtype=str, keep_default_na=False
                    )
                )
        frame = pd.concat(frames, ignore_index=True)
        if not spec.header:
            frame.columns = [f"_c{i}" for i in range(frame.shape[1])]
        self.log(
            f"Baseline of {len(frame)} rows x {frame.shape[1]} columns from {spec.dataset_uri}"
        )
        statistics = baseline_statistics(frame)
        self.progress["ProcessedRecords"] = len(frame)
        self._write(
            {
                "statistics.json": statistics,
                "constraints.json": baseline_constraints(statistics),
            }
        )

    def _monitor(self) -> None:
        from sabio.monitoring._captured import capture_files, read_rows
        from sabio.monitoring._report import report_files
        from sabio.monitoring._statistics import (
            ColumnSummary,
            check,
            grid,
            period_statistics,
            summarise,
        )

        spec = self.spec
        if not (spec.capture_prefix and spec.statistics_uri and spec.constraints_uri):
            raise ValidationError("A monitoring execution needs its capture and baseline files.")
        if spec.start_time is None or spec.end_time is None:
            raise ValidationError("A monitoring execution needs a period (start and end).")
        statistics = json.loads(self.store.get_bytes(spec.statistics_uri))
        constraints = json.loads(self.store.get_bytes(spec.constraints_uri))
        names = [f["name"] for f in constraints.get("features", [])]
        edges = {}
        for feature in statistics.get("features", []):
            found = grid(feature)
            if found is not None:
                edges[feature["name"]] = found
        files = capture_files(self.store, spec.capture_prefix, spec.start_time, spec.end_time)
        self.log(f"{len(files)} capture file(s) under {spec.capture_prefix} in the period")
        merged: dict[str, ColumnSummary] = {}
        for frame, events in read_rows(self.store, files, spec.start_time, spec.end_time):
            frame.columns = [names[i] if i < len(names) else f"_c{i}" for i in frame.columns]
            for part in summarise(frame, edges):
                known = merged.get(part.name)
                merged[part.name] = part if known is None else known.merge(part)
            self.progress["ProcessedRecords"] += len(frame)
            self.progress["CapturedEvents"] += events
            if self.stop_reason is not None:
                raise SabioError(self.stop_reason)
        summaries = list(merged.values())
        count = int(self.progress["ProcessedRecords"])
        violations = check(statistics, constraints, summaries) if count else []
        self.progress["Violations"] = len(violations)
        self.progress["MonitoringExecutionStatus"] = (
            "CompletedWithViolations" if violations else "Completed"
        )
        if count == 0:
            self.progress["StatusMessage"] = "No captured records in the period."
        self.log(f"{count} record(s) checked: {len(violations)} violation(s)")
        self._write(
            {
                "statistics.json": period_statistics(summaries, count),
                "constraint_violations.json": {"violations": violations},
                **report_files(
                    statistics,
                    constraints,
                    summaries,
                    violations,
                    count,
                    f"Data quality of {spec.endpoint_name} ({spec.job_name})",
                ),
            }
        )


class MonitoringProgram(supervision.Program):
    """The monitoring supervisor program."""

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        supervisor = Supervisor(folder, load_settings())
        supervisor.install_signals()
        return supervisor.run()


if __name__ == "__main__":
    supervision.main(MONITORING, MonitoringProgram())
