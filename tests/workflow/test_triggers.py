"""Pipeline schedules, SageMaker-style: put_triggers, describe_trigger, delete_triggers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sabio.exceptions import NotFoundError, ValidationError
from sabio.scheduling import list_schedules
from sabio.session import Session
from sabio.workflow.fail_step import FailStep
from sabio.workflow.parameters import ParameterString
from sabio.workflow.pipeline import Pipeline
from sabio.workflow.triggers import PipelineSchedule


@pytest.fixture
def pipeline(sabio_home: Path) -> Pipeline:
    pipeline = Pipeline(
        "nightly",
        parameters=[ParameterString("Mode", default_value="full")],
        steps=[FailStep("stop", error_message="demo")],
        sagemaker_session=Session(),
    )
    pipeline.upsert()
    return pipeline


def test_put_describe_delete_triggers(pipeline: Pipeline) -> None:
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    arns = pipeline.put_triggers(
        [
            PipelineSchedule(cron="0 2 * * ? *"),
            PipelineSchedule(name="hourly", rate=(1, "hour"), start_date=start, enabled=False),
        ]
    )
    assert arns == [
        "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly",
        "arn:aws:scheduler:us-east-1:000000000000:schedule/default/hourly",
    ]
    described = pipeline.describe_trigger("hourly")
    assert described["Schedule_Expression"] == "rate(1 hour)"
    assert described["Schedule_State"] == "DISABLED"
    assert described["Schedule_Start_Date"] == start
    assert pipeline.describe_trigger("nightly")["Schedule_Expression"] == "cron(0 2 * * ? *)"
    pipeline.put_triggers([PipelineSchedule(cron="0 3 * * ? *")])  # replaces "nightly"
    assert pipeline.describe_trigger("nightly")["Schedule_Expression"] == "cron(0 3 * * ? *)"
    pipeline.delete_triggers(["nightly", "hourly"])
    assert list_schedules(pipeline.sagemaker_session.settings) == []
    with pytest.raises(NotFoundError):
        pipeline.describe_trigger("nightly")


def test_schedules_need_one_expression_and_parameter_defaults(pipeline: Pipeline) -> None:
    with pytest.raises(ValidationError, match="exactly one of at=, rate= or cron="):
        pipeline.put_triggers([PipelineSchedule(rate=(1, "hour"), cron="0 2 * * ? *")])
    with pytest.raises(ValidationError, match="rate\\(5 minutes\\)"):
        pipeline.put_triggers([PipelineSchedule(rate=(5, "minute"))])
    no_default = Pipeline(
        "p2",
        parameters=[ParameterString("Uri")],
        steps=[FailStep("stop", error_message="x")],
        sagemaker_session=pipeline.sagemaker_session,
    )
    with pytest.raises(ValidationError, match="default_value: \\['Uri'\\]"):
        no_default.put_triggers([PipelineSchedule(rate=(1, "hour"))])
    at = PipelineSchedule(at=dt.datetime(2026, 12, 24, 8, 0))
    assert at.resolve_schedule_expression() == "at(2026-12-24T08:00:00)"
