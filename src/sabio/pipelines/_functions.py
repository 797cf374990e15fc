"""Lambda and Callback steps, run on this machine.

A Lambda step calls a Python function of the workspace: ``Lambda(...).upsert()`` (SDK)
stores a script and its handler under ``<home>/lambda/<function>/`` and the step's
``FunctionArn`` (``arn:aws:lambda:local:000000000000:function:<function>``) names it; the
handler gets the step's inputs as its event and returns a dict holding the step's outputs.

A Callback step waits for its token: :func:`send_step_success` /
:func:`send_step_failure` (SageMaker's SendPipelineExecutionStep{Success,Failure}) complete
it, from the SDK or the CLI; the message SageMaker would put on the SQS queue is logged and
kept in the execution folder.
"""

from __future__ import annotations

import importlib.util
import json
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from sabio._config import Settings
from sabio.catalog import Catalog
from sabio.exceptions import NotFoundError, ValidationError
from sabio.pipelines._context import StepContext, StepFailed, StepOutcome, StepStopped
from sabio.pipelines._kind import PIPELINE_EXECUTION

__all__ = [
    "FUNCTION_ARN",
    "create_function",
    "function_dir",
    "invoke_function",
    "run_callback",
    "run_lambda",
    "send_step_failure",
    "send_step_success",
]

FUNCTION_ARN = "arn:aws:lambda:local:000000000000:function:{name}"
_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,64}$")
_OUTPUT_TYPES = {"String": str, "Integer": int, "Float": float, "Boolean": bool}


def function_dir(settings: Settings, name: str) -> Path:
    """Where a workspace function's script and ``function.json`` live."""
    return settings.home / "lambda" / name


def create_function(settings: Settings, name: str, source: str, handler: str) -> str:
    """Store (or replace) a function: its script ``source`` and ``handler``
    (``"module.function"`` as Lambda writes it, the module being the script); return its ARN.

    Raises:
        ValidationError: a bad name or handler.
    """
    if not _FUNCTION_NAME.match(name):
        raise ValidationError(
            f"Invalid function name {name!r}: use 1-64 letters, digits, '-' and '_'."
        )
    module, _, function = handler.rpartition(".")
    if not module or not function.isidentifier():
        raise ValidationError(
            f"Function {name!r}: handler {handler!r} must be 'module.function' (e.g. "
            "'lambda_function.lambda_handler'), the module being the script's file name."
        )
    folder = function_dir(settings, name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(source)
    (folder / "function.json").write_text(json.dumps({"Handler": handler}))
    return FUNCTION_ARN.format(name=name)


def invoke_function(settings: Settings, arn: str, event: dict[str, Any]) -> Any:
    """Call a workspace function with ``event`` (in this process) and return its result.

    Raises:
        NotFoundError: no such function.
    """
    name = arn.rsplit(":", 1)[-1]
    folder = function_dir(settings, name)
    if not (folder / "function.json").exists():
        raise NotFoundError(
            f"Function {name!r} ({arn}) does not exist in this workspace. Create it with "
            "sabio.lambda_helper.Lambda(function_name=..., script=..., handler=...).upsert()."
        )
    handler = json.loads((folder / "function.json").read_text())["Handler"]
    module_name, _, function = handler.rpartition(".")
    spec = importlib.util.spec_from_file_location(
        f"sabio_lambda_{name}_{secrets.token_hex(4)}", folder / f"{module_name}.py"
    )
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has one
        raise NotFoundError(f"Cannot load the script of function {name!r}.")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(folder))
    try:
        spec.loader.exec_module(module)
        return getattr(module, function)(event, None)
    finally:
        sys.path.remove(str(folder))


def _outputs(step: str, declared: list[dict[str, Any]], values: Any) -> dict[str, Any]:
    if not declared:
        return {}
    if not isinstance(values, dict):
        raise StepFailed(
            f"ClientError: step {step!r} declares outputs {[d['OutputName'] for d in declared]} "
            f"but got {type(values).__name__}, not a dict of them."
        )
    outputs = {}
    for output in declared:
        name, kind = output["OutputName"], output.get("OutputType", "String")
        if name not in values:
            raise StepFailed(
                f"ClientError: step {step!r} declares output {name!r}, which the result does "
                f"not have (it has {sorted(values)})."
            )
        value = values[name]
        cast = _OUTPUT_TYPES.get(kind, str)
        outputs[name] = value if isinstance(value, cast) else cast(value)
    return outputs


def run_lambda(ctx: StepContext, step: str, arn: str, event: Any, declared: Any) -> StepOutcome:
    """A Lambda step: call the function, keep its declared outputs."""
    ctx.record_metadata(step, {"Lambda": {"Arn": arn}})
    try:
        result = invoke_function(ctx.settings, arn, event or {})
    except NotFoundError as exc:
        raise StepFailed(f"ClientError: {exc}") from None
    except Exception as exc:
        raise StepFailed(
            f"ClientError: function {arn} raised {type(exc).__name__}: {exc}",
            frozenset({"Step.SERVICE_FAULT"}) if isinstance(exc, OSError) else frozenset(),
        ) from None
    return StepOutcome({"OutputParameters": _outputs(step, declared or [], result)})


def run_callback(
    ctx: StepContext, step: str, queue: str, arguments: Any, declared: Any
) -> StepOutcome:
    """A Callback step: publish the token and wait until it is completed."""
    token = secrets.token_hex(16)
    folder = Path(ctx.execution_dir) / "callbacks"
    folder.mkdir(parents=True, exist_ok=True)
    message = {
        "token": token,
        "pipelineExecutionArn": ctx.execution_id,
        "arguments": arguments or {},
        "status": "Executing",
    }
    (folder / f"{token}.message.json").write_text(json.dumps(message))
    ctx.record_metadata(step, {"Callback": {"CallbackToken": token, "QueueUrl": queue}})
    ctx.log(
        f"{step}: waiting for callback token {token} (complete it with `sabio pipelines "
        f"send-step-success {token}` or Session.send_pipeline_execution_step_success)"
    )
    answer = folder / f"{token}.json"
    while not answer.exists():
        if ctx.stopping.is_set():
            raise StepStopped("stopped while waiting for its callback")
        time.sleep(0.1)
    result = json.loads(answer.read_text())
    if result.get("Status") == "Failed":
        raise StepFailed(str(result.get("FailureReason") or "the callback reported a failure"))
    values = {p["Name"]: p["Value"] for p in result.get("OutputParameters") or []}
    return StepOutcome({"OutputParameters": _outputs(step, declared or [], values)})


def _answer(settings: Settings, token: str, body: dict[str, Any]) -> str:
    """Write a callback's answer for the execution waiting on ``token``; return its id."""
    for record in (
        Catalog.open(settings).jobs(PIPELINE_EXECUTION).list(status="Executing", limit=None)
    ):
        for state in (record.details.get("Steps") or {}).values():
            callback = (state.get("Metadata") or {}).get("Callback") or {}
            if callback.get("CallbackToken") == token:
                folder = settings.home / PIPELINE_EXECUTION.folder / record.name / "callbacks"
                target = folder / f"{token}.json"
                partial = folder / f"{token}.json.partial"
                partial.write_text(json.dumps(body))
                partial.replace(target)  # the waiting step sees the whole answer or none
                return record.name
    raise NotFoundError(
        f"No executing pipeline step waits for callback token {token!r}: check the token "
        "(`sabio pipelines describe <pipeline>` shows a waiting step's token) or whether the "
        "execution already ended."
    )


def send_step_success(
    settings: Settings, token: str, output_parameters: list[dict[str, Any]] | None = None
) -> str:
    """Complete a Callback step (SendPipelineExecutionStepSuccess); returns the execution id.

    Raises:
        NotFoundError: no running step waits for the token.
    """
    outputs = [{"Name": str(p["Name"]), "Value": p["Value"]} for p in output_parameters or []]
    return _answer(settings, token, {"Status": "Succeeded", "OutputParameters": outputs})


def send_step_failure(settings: Settings, token: str, failure_reason: str) -> str:
    """Fail a Callback step (SendPipelineExecutionStepFailure); returns the execution id.

    Raises:
        NotFoundError: no running step waits for the token.
    """
    return _answer(settings, token, {"Status": "Failed", "FailureReason": failure_reason})
