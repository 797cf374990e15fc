"""``sabio run FILE.py|FILE.ipynb [ARGS]``: run a SageMaker script or notebook unedited."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["run"]


def run(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A .py script or an .ipynb notebook."),
) -> None:
    """Run a SageMaker script or notebook with `import sagemaker` aliased to sabio.

    Arguments after FILE are passed to the script (sys.argv). Notebook cells run in order
    in one namespace, from the notebook's folder; their output is printed.
    """
    from sabio._run import run_file

    run_file(file, list(ctx.args))
