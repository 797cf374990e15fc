"""``sabio.workflow.pipeline_context``: sessions under which SDK calls build pipeline steps.

Under a :class:`PipelineSession`, ``estimator.fit()``, ``tuner.fit()``,
``transformer.transform()``, ``model.create()``, ``model.register()`` and ``processor.run()``
run nothing: they return the step's arguments (:class:`_StepArguments`), which a step takes
as ``step_args``. One decorator, :func:`runnable_by_pipeline`, does it for every call.

Example:
    >>> from sabio.workflow.pipeline_context import PipelineSession
    >>> from sabio.estimator import Estimator
    >>> session = PipelineSession()  # doctest: +SKIP
    >>> est = Estimator(image_uri="sabio/xgboost:1.7-1",
    ...                 sagemaker_session=session)  # doctest: +SKIP
    >>> args = est.fit({"train": "s3://bucket/train"})  # doctest: +SKIP
    >>> TrainingStep(name="Train", step_args=args)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from sabio.session import Session

__all__ = ["LocalPipelineSession", "PipelineSession", "runnable_by_pipeline"]

F = TypeVar("F", bound=Callable[..., Any])


class PipelineSession(Session):
    """A session whose job-starting SDK calls return step arguments instead of running.

    Takes :class:`sabio.Session`'s arguments.
    """

    local_mode = False


class LocalPipelineSession(PipelineSession):
    """SageMaker's local-mode pipeline session: in sabio every pipeline runs on this machine,
    so it is a :class:`PipelineSession` (kept for code written for SageMaker local mode)."""

    local_mode = True

    def __init__(self, *args: Any, disable_local_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disable_local_code = disable_local_code


class _StepArguments:
    """A deferred SDK call: what a step needs to build its SageMaker request.

    Attributes:
        caller_name: the SDK method (``fit``, ``transform`` ...).
        owner: the SDK object it was called on.
        args, kwargs: its arguments.
    """

    def __init__(self, caller_name: str, owner: Any, args: tuple[Any, ...], kwargs: Any) -> None:
        self.caller_name = caller_name
        self.owner = owner
        self.args = args
        self.kwargs = dict(kwargs)

    def __repr__(self) -> str:
        return f"_StepArguments({type(self.owner).__name__}.{self.caller_name})"


def runnable_by_pipeline(run_func: F) -> F:
    """Make an SDK call return :class:`_StepArguments` when its object's session is a
    :class:`PipelineSession` (SageMaker's decorator of the same name)."""

    @functools.wraps(run_func)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(getattr(self, "sagemaker_session", None), PipelineSession):
            return _StepArguments(run_func.__name__, self, args, kwargs)
        return run_func(self, *args, **kwargs)

    return cast(F, wrapper)
