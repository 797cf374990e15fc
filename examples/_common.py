"""Shared set-up for the example scripts and their notebooks.

Every example is a percent-format script (``# %%`` cells) that runs as
``python examples/<name>/<name>.py [--data DIR] [--fast] [--out DIR]`` and, converted by
``examples/notebooks.py``, as a Jupyter notebook with the same cells. In a notebook there
are no command-line arguments, so the same settings come from environment variables:
``SABIO_EXAMPLE_DATA``, ``SABIO_EXAMPLE_FAST=1`` and ``SABIO_EXAMPLE_OUT``.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent
#: Where the shared datasets live next to a checkout (``../shared/datasets``).
DEFAULT_DATA = EXAMPLES.parent.parent / "shared" / "datasets"


@dataclass(frozen=True)
class ExampleArgs:
    """Settings of one example run."""

    data: Path
    fast: bool
    out: Path

    def dataset(self, name: str) -> Path:
        """Path of a shared dataset file; exits with a clear message when it is missing."""
        path = self.data / name
        if not path.is_file():
            sys.exit(
                f"Dataset {path} not found. Pass --data pointing at the shared datasets folder "
                f"(or set SABIO_EXAMPLE_DATA); see ../shared/datasets/README.md."
            )
        return path


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def example_args(name: str, description: str) -> ExampleArgs:
    """Parse ``--data/--fast/--out`` (script) or the ``SABIO_EXAMPLE_*`` variables (notebook).

    It also gives the example a workspace of its own (``SABIO_HOME``) unless one is set.
    """
    env_data = os.environ.get("SABIO_EXAMPLE_DATA")
    env_out = os.environ.get("SABIO_EXAMPLE_OUT")
    defaults = {
        "data": Path(env_data) if env_data else DEFAULT_DATA,
        "fast": os.environ.get("SABIO_EXAMPLE_FAST", "") not in ("", "0"),
        "out": Path(env_out) if env_out else EXAMPLES / name / "out",
    }
    if _in_notebook():
        args = ExampleArgs(**defaults)
    else:
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--data", type=Path, default=defaults["data"], help="datasets folder")
        parser.add_argument("--fast", action="store_true", default=defaults["fast"])
        parser.add_argument("--out", type=Path, default=defaults["out"], help="output folder")
        ns = parser.parse_args()
        args = ExampleArgs(data=ns.data, fast=ns.fast, out=ns.out)
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SABIO_HOME", str(args.out / "workspace"))
    if not _in_notebook():
        import matplotlib

        matplotlib.use("Agg")
    return args


def fetch_evaluation(model_data: str, out: Path) -> dict[str, Any]:
    """Extract a built-in's ``evaluation.json`` and ``report.html`` from its model artefact.

    Returns the evaluation document; the report is written to ``out/report.html``.
    """
    import json
    import tarfile
    import tempfile

    import sabio as sagemaker

    bucket, _, key = model_data.removeprefix("s3://").partition("/")
    with tempfile.TemporaryDirectory() as tmp:
        sagemaker.Session().download_data(tmp, bucket=bucket, key_prefix=key)
        with tarfile.open(Path(tmp) / Path(key).name) as archive:
            doc = json.load(archive.extractfile("evaluation.json"))  # type: ignore[arg-type]
            report = archive.extractfile("report.html")
            (out / "report.html").write_bytes(report.read())  # type: ignore[union-attr]
    return dict(doc)


def print_subgroups(doc: dict[str, Any]) -> None:
    """Print the per-subgroup metrics of an evaluation document as a small table."""
    for column, groups in doc.get("subgroups", {}).items():
        print(f"  by {column}:")
        for label, group in groups.items():
            values = ", ".join(
                f"{name} {metric['value']:.3f}" for name, metric in group["metrics"].items()
            )
            print(f"    {label:<12} n={group['n']:<4} {values}")
