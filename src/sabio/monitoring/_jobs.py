"""Baselining jobs, monitoring schedules and their executions.

Executions run on demand (:func:`run_monitoring_period`) or when due (:func:`run_due`, which
the workspace's scheduler, ``sabio scheduler``, calls at each of its passes).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from pathlib import Path

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import ConflictError, NotFoundError, ValidationError
from sabio.monitoring._cron import check_expression, last_period
from sabio.monitoring._kind import MONITORING, SCHEDULE
from sabio.monitoring._spec import MonitoringJobSpec, MonitoringScheduleSpec
from sabio.serving._kind import ENDPOINT
from sabio.serving._spec import EndpointSpec
from sabio.storage import Store

__all__ = [
    "capture_prefix",
    "check_baseline_dataset",
    "create_schedule",
    "delete_schedule",
    "describe",
    "executions",
    "job_dir",
    "run_due",
    "run_monitoring_period",
    "start_schedule",
    "stop_schedule",
    "submit",
    "wait",
]


def job_dir(settings: Settings, name: str) -> Path:
    """The local folder of a monitoring job."""
    return supervision.job_dir(settings, MONITORING, name)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_baseline_dataset(store: Store, uri: str, header: bool) -> None:
    """Refuse a baseline dataset that is missing, empty, or whose claimed header is data.

    Raises:
        NotFoundError: nothing at ``uri``.
        ValidationError: an empty file, or ``header`` is claimed but the first line is all
            numbers.
    """
    objects = store.list(uri) if store.exists(uri) else []
    if not objects:
        raise NotFoundError(
            f"Baseline dataset {uri!r} does not exist. Upload it with "
            "Session().upload_data(...) and pass its s3:// URI."
        )
    with store.open(objects[0], "rb") as handle:
        first = handle.readline().decode("utf-8", errors="replace").strip()
    if not first:
        raise ValidationError(f"Baseline dataset {objects[0]!r} is empty.")
    fields = [f.strip() for f in first.split(",")]
    if header and all(_is_number(f) for f in fields):
        raise ValidationError(
            f"Baseline dataset {objects[0]!r} has no header: its first line ({first[:80]!r}) "
            "is all numbers, but DatasetFormat.csv(header=True) says it names the columns. "
            "Add a header line, or pass DatasetFormat.csv(header=False) (columns are then "
            "named _c0, _c1, ...)."
        )


def _check_quality_columns(store: Store, spec: MonitoringJobSpec) -> None:
    quality = spec.quality
    if quality is None or not spec.dataset_uri:
        raise ValidationError("A model-quality baseline needs problem_type and its columns.")
    if not spec.header:
        raise ValidationError(
            "A model-quality baseline names its columns: pass DatasetFormat.csv(header=True)."
        )
    with store.open(store.list(spec.dataset_uri)[0], "rb") as handle:
        columns = [c.strip() for c in handle.readline().decode().strip().split(",")]
    wanted = {
        "ground_truth_attribute": quality.ground_truth_attribute,
        "inference_attribute": quality.inference_attribute,
        "probability_attribute": quality.probability_attribute,
    }
    if not quality.ground_truth_attribute or not (
        quality.inference_attribute or quality.probability_attribute
    ):
        raise ValidationError(
            "A model-quality baseline needs ground_truth_attribute and inference_attribute "
            "(or probability_attribute with probability_threshold_attribute)."
        )
    for argument, column in wanted.items():
        if column and column not in columns:
            raise ValidationError(
                f"{argument}={column!r} is not a column of {spec.dataset_uri!r} "
                f"(columns: {', '.join(columns)})."
            )


def submit(settings: Settings, spec: MonitoringJobSpec, store: Store | None = None) -> JobRecord:
    """Check a monitoring job's inputs, record it ``InProgress`` and start its supervisor.

    Raises:
        NotFoundError, ValidationError: bad input (nothing is recorded).
        ConflictError: a monitoring job with this name exists already.
    """
    store = store or Store(settings)
    if spec.job_type.endswith("Baseline"):
        if not spec.dataset_uri:
            raise ValidationError("A baselining job needs baseline_dataset (a CSV file).")
        check_baseline_dataset(store, spec.dataset_uri, spec.header)
        if spec.job_type == "ModelQualityBaseline":
            _check_quality_columns(store, spec)
    else:
        needed = [("constraints", spec.constraints_uri)]
        if spec.job_type == "DataQualityMonitoring":
            needed.append(("statistics", spec.statistics_uri))
        for what, uri in needed:
            if not uri or not store.exists(uri):
                raise NotFoundError(
                    f"Baseline {what} {uri!r} of monitoring job {spec.job_name!r} does not "
                    "exist. Run suggest_baseline() first and pass its statistics() and "
                    "suggested_constraints()."
                )
    store.create_bucket(spec.output_uri[len("s3://") :].split("/", 1)[0])
    catalog = Catalog.open(settings)
    record = catalog.jobs(MONITORING).create(
        spec.job_name,
        spec.model_dump(mode="json"),
        status="InProgress",
        parent=spec.schedule_name,
    )
    folder = job_dir(settings, spec.job_name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.json").write_text(spec.model_dump_json(indent=2))
    supervision.launch(settings, MONITORING, spec.job_name)
    return record


def describe(settings: Settings, name: str) -> JobRecord:
    """A monitoring job's record, reconciled.

    Raises:
        NotFoundError: no such job.
    """
    return supervision.describe(settings, MONITORING, name)


def wait(settings: Settings, name: str, timeout: float | None = None) -> JobRecord:
    """Block until a monitoring job ends."""
    return supervision.wait(settings, MONITORING, name, timeout=timeout)


def create_schedule(
    settings: Settings, spec: MonitoringScheduleSpec, store: Store | None = None
) -> JobRecord:
    """Record a data-quality monitoring schedule of an endpoint that captures its traffic.

    Raises:
        NotFoundError: the endpoint or a baseline file does not exist.
        ValidationError: the endpoint does not capture its requests, or a bad expression.
        ConflictError: a schedule with this name exists already.
    """
    store = store or Store(settings)
    check_expression(spec.schedule_expression)
    catalog = Catalog.open(settings)
    endpoint = catalog.jobs(ENDPOINT).get(spec.endpoint_name)
    capture = EndpointSpec.model_validate(endpoint.spec).data_capture_config or {}
    modes = [
        o.get("CaptureMode") for o in capture.get("CaptureOptions") or [{"CaptureMode": "Input"}]
    ]
    if spec.monitoring_type == "ModelQuality":
        if not capture or "Output" not in modes:
            raise ValidationError(
                f"Endpoint {spec.endpoint_name!r} does not capture its responses: model "
                "quality compares them with ground truth. Deploy it with a DataCaptureConfig "
                "capturing RESPONSE."
            )
        if spec.quality is None or not spec.quality.ground_truth_uri:
            raise ValidationError(
                "A model-quality schedule needs ground_truth_input (the s3:// folder of "
                "uploaded ground truth) and problem_type."
            )
    elif not capture or not capture.get("EnableCapture", True) or "Input" not in modes:
        raise ValidationError(
            f"Endpoint {spec.endpoint_name!r} does not capture its requests, so there is "
            "nothing to monitor. Deploy it with data_capture_config=DataCaptureConfig("
            "enable_capture=True, sampling_percentage=100, ...) (capturing REQUEST)."
        )
    baseline = [("constraints", spec.constraints_uri)]
    if spec.monitoring_type == "DataQuality" or spec.statistics_uri:
        baseline.append(("statistics", spec.statistics_uri or ""))
    for what, uri in baseline:
        if not uri or not store.exists(uri):
            raise NotFoundError(
                f"Baseline {what} {uri!r} does not exist. Run suggest_baseline() first."
            )
        try:
            json.loads(store.get_bytes(uri))
        except ValueError as exc:
            raise ValidationError(f"Baseline {what} {uri!r} is not JSON: {exc}.") from exc
    return catalog.jobs(SCHEDULE).create(
        spec.schedule_name, spec.model_dump(mode="json"), status="Scheduled"
    )


def capture_prefix(settings: Settings, endpoint_name: str) -> str:
    """``<capture destination>/<endpoint>`` of an endpoint (where its capture files are).

    Raises:
        NotFoundError: no such endpoint.
    """
    endpoint = Catalog.open(settings).jobs(ENDPOINT).get(endpoint_name)
    capture = EndpointSpec.model_validate(endpoint.spec).data_capture_config or {}
    destination = capture.get("DestinationS3Uri") or (
        f"s3://{settings.default_bucket}/model-monitor/data-capture"
    )
    return f"{destination.rstrip('/')}/{endpoint_name}"


def executions(settings: Settings, schedule_name: str) -> list[JobRecord]:
    """A schedule's executions, newest first.

    Raises:
        NotFoundError: no such schedule.
    """
    catalog = Catalog.open(settings)
    catalog.jobs(SCHEDULE).get(schedule_name)
    return catalog.jobs(MONITORING).list(parent=schedule_name, limit=None)


def run_monitoring_period(
    settings: Settings,
    schedule_name: str,
    start: float,
    end: float,
    *,
    wait_for: bool = True,
    timeout: float | None = 600.0,
    on_demand: bool = True,
) -> JobRecord:
    """Run one execution of a schedule over the captured traffic of ``[start, end)``.

    Files go to ``<output>/<endpoint>/<schedule>/yyyy/mm/dd/hh`` (the hour the period ends,
    SageMaker's layout) for a scheduled run (``on_demand=False``), and to a folder named after
    the execution inside it for an on-demand run, so two runs in one hour keep their files.

    Raises:
        NotFoundError: no such schedule.
        ValidationError: ``end`` is not after ``start``.
    """
    if end <= start:
        raise ValidationError(f"A monitoring period must end after it starts ({start} >= {end}).")
    catalog = Catalog.open(settings)
    schedule = MonitoringScheduleSpec.model_validate(catalog.jobs(SCHEDULE).get(schedule_name).spec)
    stamp = dt.datetime.fromtimestamp(end, tz=dt.UTC)
    # A scheduled run's name is its period's (SageMaker names them by schedule and time): the
    # catalog's unique job name is the claim that keeps two schedulers from starting it twice.
    name = f"{schedule_name[:36]}-{stamp:%Y%m%d-%H%M}" + (
        f"-{uuid.uuid4().hex[:6]}" if on_demand else ""
    )
    output = (
        f"{schedule.output_uri.rstrip('/')}/{schedule.endpoint_name}/{schedule_name}/"
        f"{stamp:%Y/%m/%d/%H}" + (f"/{name}" if on_demand else "")
    )
    record = submit(
        settings,
        MonitoringJobSpec(
            job_name=name,
            job_type=(
                "ModelQualityMonitoring"
                if schedule.monitoring_type == "ModelQuality"
                else "DataQualityMonitoring"
            ),
            output_uri=output,
            endpoint_name=schedule.endpoint_name,
            capture_prefix=schedule.capture_prefix,
            start_time=start,
            end_time=end,
            statistics_uri=schedule.statistics_uri,
            constraints_uri=schedule.constraints_uri,
            schedule_name=schedule_name,
            quality=schedule.quality,
        ),
    )
    return wait(settings, record.name, timeout=timeout) if wait_for else record


def run_due(settings: Settings, now: float | None = None) -> list[JobRecord]:
    """Start the executions that are due: for each ``Scheduled`` schedule, the period ending
    at its latest firing, unless an execution of that period exists. Returns them (started,
    not waited for). The workspace's scheduler (``sabio scheduler``) calls this at each pass;
    two callers never start one period twice (the execution's name is the period's, and the
    catalog grants a name once).
    """
    now = time.time() if now is None else now
    catalog = Catalog.open(settings)
    started = []
    for record in catalog.jobs(SCHEDULE).list(status="Scheduled", limit=None):
        spec = MonitoringScheduleSpec.model_validate(record.spec)
        start, end = last_period(spec.schedule_expression, now)
        if end <= record.created_at:
            continue  # the schedule did not exist at that firing
        done = catalog.jobs(MONITORING).list(parent=record.name, limit=None)
        if any(r.spec.get("end_time") == end for r in done):
            continue
        try:
            started.append(
                run_monitoring_period(
                    settings, record.name, start, end, wait_for=False, on_demand=False
                )
            )
        except ConflictError:
            continue  # another scheduler claimed this period first
    return started


def stop_schedule(settings: Settings, name: str) -> None:
    """Stop a schedule (no more executions; it can be started again).

    Raises:
        NotFoundError: no such schedule.
    """
    jobs = Catalog.open(settings).jobs(SCHEDULE)
    jobs.get(name)
    jobs.transition(name, "Stopped")


def start_schedule(settings: Settings, name: str) -> None:
    """Start a stopped schedule again.

    Raises:
        NotFoundError: no such schedule.
    """
    jobs = Catalog.open(settings).jobs(SCHEDULE)
    jobs.get(name)
    jobs.transition(name, "Scheduled")


def delete_schedule(settings: Settings, name: str) -> None:
    """Remove a schedule (its executions and their files stay).

    Raises:
        NotFoundError: no such schedule.
        ConflictError: an execution of it is still running.
    """
    catalog = Catalog.open(settings)
    catalog.jobs(SCHEDULE).get(name)
    running = catalog.jobs(MONITORING).list(parent=name, status="InProgress", limit=None)
    if running:
        raise ConflictError(
            f"Monitoring schedule {name!r} has a running execution ({running[0].name}); wait "
            "for it to end, then delete the schedule."
        )
    catalog.jobs(SCHEDULE).delete(name)
