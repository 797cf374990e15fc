"""``sabio run FILE.py|FILE.ipynb``: run a SageMaker script or notebook unedited.

The ``sagemaker`` alias (:func:`sabio.alias_sagemaker`) is turned on first, then a script
runs as ``python FILE.py args`` would (``__name__ == "__main__"``, ``sys.argv``), and a
notebook's code cells run in order in one namespace, as a kernel would run them, from the
notebook's folder. With IPython installed, cells run in an IPython shell (magics and ``!``
commands work, the last expression's value is printed); without it, plain Python cells run
and a magic is refused with a clear error. ``pip install`` lines that install the
SageMaker SDK itself are skipped: the alias stands in for it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import runpy
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sabio._alias import alias_sagemaker
from sabio.exceptions import NotFoundError, ValidationError

__all__ = ["NotebookCellError", "notebook_cells", "run_file"]

# `!pip install -U sagemaker`, `%pip install "sagemaker>=2" pandas`: the SDK is aliased.
_INSTALLS_SAGEMAKER = re.compile(
    r"^\s*[!%]{1,2}\s*(?:\S*python\S*\s+-m\s+)?(?:pip3?|conda)\s+install\b.*"
    r"(?<![\w.-])['\"]?sagemaker(?![\w.-])"
)


class NotebookCellError(ValidationError):
    """A notebook cell raised; the message names the cell (its traceback was printed)."""


def notebook_cells(path: Path) -> list[str]:
    """The sources of a notebook's code cells, in order.

    Raises:
        ValidationError: the file is not a Jupyter notebook (nbformat 4 JSON).
    """
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(
            f"{path} is not a Jupyter notebook (expected nbformat 4 JSON with 'cells'): {exc}."
        ) from None
    sources = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def _without_sdk_installs(source: str, log: Callable[[str], None]) -> str:
    lines = []
    for line in source.splitlines():
        if _INSTALLS_SAGEMAKER.match(line):
            log(f"sabio run: skipped {line.strip()!r} (sabio stands in for the SageMaker SDK)")
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(f"{indent}pass")
        else:
            lines.append(line)
    return "\n".join(lines)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _ipython_runner() -> Callable[[str, int], None] | None:
    """Run cells in an IPython shell, when IPython is installed."""
    try:
        from IPython.core.interactiveshell import InteractiveShell
    except ImportError:
        return None
    shell = InteractiveShell.instance(colors="NoColor")
    # The base shell has no GUI event loop; `%matplotlib inline` only needs a no-op here
    # (figures still render through the inline backend's display hook).
    shell.enable_gui = lambda gui=None: None  # type: ignore[method-assign]

    def run(source: str, number: int) -> None:
        result = shell.run_cell(source, store_history=True)  # type: ignore[no-untyped-call]
        if not result.success:
            error = result.error_in_exec or result.error_before_exec
            raise NotebookCellError(
                f"Cell {number} of the notebook failed: {type(error).__name__}: {error} "
                "(traceback above)."
            )

    return run


def _plain_runner() -> Callable[[str, int], None]:
    """Run cells as plain Python in one namespace, printing the last expression's value."""
    namespace: dict[str, Any] = {"__name__": "__main__"}

    def run(source: str, number: int) -> None:
        for line in source.splitlines():
            if line.lstrip().startswith(("%", "!")):
                raise NotebookCellError(
                    f"Cell {number} uses an IPython magic or shell command ({line.strip()!r}), "
                    "which needs IPython: pip install ipython, then run again."
                )
        tree = ast.parse(source, filename=f"<cell {number}>")
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
        try:
            exec(compile(body, f"<cell {number}>", "exec"), namespace)
            if last is not None:
                expression = ast.Expression(body=last.value)
                value = eval(compile(expression, f"<cell {number}>", "eval"), namespace)
                if value is not None:
                    print(repr(value))
        except Exception as exc:
            import traceback

            traceback.print_exc()
            raise NotebookCellError(
                f"Cell {number} of the notebook failed: {type(exc).__name__}: {exc} "
                "(traceback above)."
            ) from exc

    return run


def _run_notebook(path: Path, log: Callable[[str], None]) -> None:
    cells = notebook_cells(path)
    run = _ipython_runner() or _plain_runner()
    # A notebook's kernel starts in the notebook's folder; relative data paths assume it.
    os.chdir(path.parent)
    sys.path.insert(0, str(path.parent))
    for number, source in enumerate(cells, start=1):
        if source.strip():
            run(_without_sdk_installs(source, log), number)


def run_file(
    path: str | Path, args: Sequence[str] = (), log: Callable[[str], None] = _stderr
) -> None:
    """Run a SageMaker script or notebook in this process with the ``sagemaker`` alias on.

    Args:
        path: a ``.py`` script or an ``.ipynb`` notebook.
        args: the script's command-line arguments (``sys.argv[1:]``).
        log: where notes go (skipped ``pip install sagemaker`` lines).

    Raises:
        NotFoundError: no such file.
        ValidationError: neither a ``.py`` nor an ``.ipynb`` file, or not a notebook.
        NotebookCellError: a notebook cell failed.
        ConflictError: the real SageMaker SDK is already imported in this process.
    """
    file = Path(path).absolute()
    if not file.is_file():
        raise NotFoundError(f"No file {path} to run: expected a .py script or .ipynb notebook.")
    if file.suffix not in (".py", ".ipynb"):
        raise ValidationError(
            f"sabio run takes a .py script or an .ipynb notebook, got {path}. "
            "Rename the script to .py, or run it with python after sabio.alias_sagemaker()."
        )
    alias_sagemaker()
    sys.argv = [str(file), *args]
    if file.suffix == ".ipynb":
        _run_notebook(file, log)
        return
    sys.path.insert(0, str(file.parent))
    runpy.run_path(str(file), run_name="__main__")
