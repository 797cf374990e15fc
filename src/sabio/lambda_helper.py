"""``sabio.lambda_helper.Lambda``: a function a ``LambdaStep`` calls, run on this machine.

``Lambda(function_name=..., script="fn.py", handler="fn.handler").upsert()`` stores the
script in the workspace (``<home>/lambda/<name>/``); ``Lambda(function=callable)`` stores a
top-level Python function's source (it must import what it uses inside itself). The handler
gets the step's inputs as its event and returns a dict holding the step's outputs.

Example:
    >>> from sabio.lambda_helper import Lambda
    >>> def double(event, context):
    ...     return {"y": event["x"] * 2}
    >>> fn = Lambda(function=double)  # doctest: +SKIP
    >>> fn.function_arn  # doctest: +SKIP
    'arn:aws:lambda:local:000000000000:function:double'
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sabio.exceptions import ValidationError
from sabio.session import Session

__all__ = ["Lambda"]


class Lambda:
    """A workspace function (SageMaker's ``Lambda`` helper shape).

    Args:
        function_arn: an existing function's ARN.
        function_name: the name of a function to create from ``script`` and ``handler``.
        script: path of its Python file; ``handler``: ``"<module>.<function>"``.
        function: a local Python callable instead (its source is stored).
        session: the session (its workspace keeps the function).
    """

    def __init__(
        self,
        function_arn: str | None = None,
        function_name: str | None = None,
        execution_role_arn: str | None = None,
        zipped_code_dir: str | None = None,
        s3_bucket: str | None = None,
        script: str | None = None,
        handler: str | None = None,
        session: Session | None = None,
        timeout: int = 120,
        memory_size: int = 128,
        runtime: str = "python3.12",
        function: Callable[..., Any] | None = None,
        **_ignored: Any,
    ) -> None:
        self.session = session or Session()
        self.function_name = function_name
        self.script = script
        self.handler = handler
        self.timeout = timeout
        self.function_arn = function_arn or ""
        if function is not None:
            self.function_name = function_name or function.__name__
            self._create_from_callable(function)
        elif not function_arn:
            if not (function_name and script and handler):
                raise ValidationError(
                    "Lambda needs function_arn=, or function_name=, script= and handler=, or "
                    "function= (a Python callable)."
                )
            self.upsert()

    def _create_from_callable(self, function: Callable[..., Any]) -> None:
        from sabio.pipelines import create_function

        if not inspect.isfunction(function) or function.__name__ == "<lambda>":
            raise ValidationError(
                "Lambda(function=...) takes a def-defined function (its source is stored), got "
                f"{function!r}."
            )
        source = textwrap.dedent(inspect.getsource(function))
        self.handler = f"function.{function.__name__}"
        assert self.function_name is not None
        self.function_arn = create_function(
            self.session.settings, self.function_name, source, self.handler
        )

    def create(self) -> dict[str, Any]:
        """Store the function (from ``script``/``handler``); returns ``{"FunctionArn": ...}``."""
        return self.upsert()

    def update(self) -> dict[str, Any]:
        """Replace the function's code."""
        return self.upsert()

    def upsert(self) -> dict[str, Any]:
        """Create or replace the function; returns ``{"FunctionArn": ...}``.

        Raises:
            ValidationError: no script/handler, or the script is missing.
        """
        from sabio.pipelines import create_function

        if not (self.function_name and self.script and self.handler):
            raise ValidationError("upsert() needs function_name=, script= and handler=.")
        path = Path(self.script)
        if not path.is_file():
            raise ValidationError(f"Lambda script {self.script!r} does not exist.")
        self.function_arn = create_function(
            self.session.settings, self.function_name, path.read_text(), self.handler
        )
        return {"FunctionArn": self.function_arn}

    def invoke(self, event: dict[str, Any] | None = None) -> Any:
        """Call the function with ``event`` here and now; returns what it returned."""
        from sabio.pipelines import invoke_function

        return invoke_function(self.session.settings, self.function_arn, event or {})
