"""Write docs/sdk.md from the public SDK modules' signatures and docstrings.

python docs/make_sdk_reference.py          # rewrite docs/sdk.md
python docs/make_sdk_reference.py --check  # exit 1 when docs/sdk.md is out of date
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

TARGET = Path(__file__).resolve().parent / "sdk.md"

#: The public SDK, in the order a newcomer meets it.
MODULES = (
    "sabio._alias",
    "sabio.session",
    "sabio.local",
    "sabio.s3",
    "sabio.inputs",
    "sabio.image_uris",
    "sabio.estimator",
    "sabio.sklearn",
    "sabio.pytorch",
    "sabio.xgboost",
    "sabio.tensorflow",
    "sabio._builtin_estimators",
    "sabio.analytics",
    "sabio.parameter",
    "sabio.tuner",
    "sabio.model",
    "sabio.model_metrics",
    "sabio.predictor",
    "sabio.serializers",
    "sabio.deserializers",
    "sabio.transformer",
    "sabio.processing",
    "sabio.pytorch.processing",
    "sabio.xgboost.processing",
    "sabio.model_monitor",
    "sabio.workflow.pipeline",
    "sabio.workflow.pipeline_context",
    "sabio.workflow.parameters",
    "sabio.workflow.execution_variables",
    "sabio.workflow.functions",
    "sabio.workflow.properties",
    "sabio.workflow.steps",
    "sabio.workflow.step_collections",
    "sabio.workflow.model_step",
    "sabio.workflow.condition_step",
    "sabio.workflow.conditions",
    "sabio.workflow.fail_step",
    "sabio.workflow.lambda_step",
    "sabio.workflow.callback_step",
    "sabio.workflow.retry",
    "sabio.lambda_helper",
    "sabio.utils",
    "sabio.runtime",
    "sabio.exceptions",
)
_TITLES = {
    "sabio._builtin_estimators": "sabio.algorithms (estimator classes)",
    "sabio._alias": "sabio.alias_sagemaker (the sagemaker alias)",
}


def _summary(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ").strip()


def _signature(obj: Any) -> str:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    parts = []
    for param in signature.parameters.values():
        if param.name in ("self", "cls"):
            continue
        text = param.name
        if param.kind is param.VAR_POSITIONAL:
            text = "*" + text
        elif param.kind is param.VAR_KEYWORD:
            text = "**" + text
        if param.annotation is not param.empty:
            text += f": {param.annotation}"
        if param.default is not param.empty:
            text += f" = {param.default!r}"
        parts.append(text)
    returns = signature.return_annotation
    tail = "" if returns in (signature.empty, "None") else f" -> {returns}"
    return f"({', '.join(parts)}){tail}"


def _members(cls: type) -> list[tuple[str, Any]]:
    out = []
    for name, member in cls.__dict__.items():
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(member, property):
            out.append((name, member))
        elif isinstance(member, classmethod | staticmethod):
            out.append((name, member.__func__))
        elif inspect.isfunction(member):
            out.append((name, member))
    return out


def _module(lines: list[str], name: str) -> None:
    module = importlib.import_module(name)
    public = getattr(module, "__all__", [])
    lines += [f"## `{_TITLES.get(name, name)}`", "", _summary(module), ""]
    for attr in public:
        obj = getattr(module, attr)
        if inspect.isclass(obj):
            init = _signature(obj.__init__) if "__init__" in obj.__dict__ else "()"
            bases = [b.__name__ for b in obj.__bases__ if b is not object]
            base = f" ({', '.join(bases)})" if bases else ""
            lines += [f"### `{attr}{init}`{base}", "", _summary(obj), ""]
            for member_name, member in _members(obj):
                if member_name == "__init__":
                    continue
                if isinstance(member, property):
                    lines.append(f"- `{member_name}` (property): {_summary(member)}")
                else:
                    lines.append(f"- `{member_name}{_signature(member)}`: {_summary(member)}")
            lines.append("")
        elif callable(obj):
            lines += [f"### `{attr}{_signature(obj)}`", "", _summary(obj), ""]


def render() -> str:
    """The SDK reference as Markdown."""
    lines = [
        "# SDK reference",
        "",
        "Generated from the code by `python docs/make_sdk_reference.py`: every public module, "
        "class and method with its signature and the first paragraph of its docstring. "
        "`import sabio as sagemaker` reaches all of them under SageMaker's module names.",
        "",
    ]
    for name in MODULES:
        _module(lines, name)
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text() if TARGET.exists() else ""
        if current != text:
            print("docs/sdk.md is out of date: run python docs/make_sdk_reference.py")
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
