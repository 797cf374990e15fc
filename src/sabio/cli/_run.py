"""``sabio run FILE.py|FILE.ipynb [ARGS]``: run a SageMaker script or notebook unedited."""

from __future__ import annotations

import traceback
from pathlib import Path

import typer

from sabio.exceptions import SabioError

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

    try:
        run_file(file, list(ctx.args))
    except SabioError:
        raise
    except Exception as exc:
        # Show the traceback from the script's first frame, as `python FILE` would.
        script = str(file.absolute())
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != script:
            tb = tb.tb_next
        traceback.print_exception(type(exc), exc, tb or exc.__traceback__)
        raise typer.Exit(1) from None
