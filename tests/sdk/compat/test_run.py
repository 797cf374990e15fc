"""``sabio run``: SageMaker scripts and notebooks run unedited with the alias on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _sabio_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sabio", "run", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _notebook(path: Path, *cells: str) -> None:
    path.write_text(
        json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {},
                "cells": [
                    {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
                    *(
                        {
                            "cell_type": "code",
                            "metadata": {},
                            "execution_count": None,
                            "outputs": [],
                            "source": cell.splitlines(keepends=True),
                        }
                        for cell in cells
                    ),
                ],
            }
        )
    )


def test_run_script_gets_its_arguments_and_the_alias(tmp_path: Path) -> None:
    script = tmp_path / "driver.py"
    script.write_text(
        "import sys\n"
        "import sagemaker\n"
        "from sagemaker.serializers import CSVSerializer\n"
        "print(__name__, sagemaker.__name__, CSVSerializer().CONTENT_TYPE, sys.argv[1:])\n"
    )
    done = _sabio_run("driver.py", "--epochs", "3", "-v", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "__main__ sabio text/csv ['--epochs', '3', '-v']"


def test_run_script_error_shows_the_scripts_traceback(tmp_path: Path) -> None:
    (tmp_path / "fails.py").write_text("import sagemaker\n\nraise RuntimeError('boom')\n")
    done = _sabio_run("fails.py", cwd=tmp_path)
    assert done.returncode == 1
    assert 'fails.py", line 3' in done.stderr and "RuntimeError: boom" in done.stderr
    assert "typer" not in done.stderr and "runpy" not in done.stderr


def test_run_notebook_runs_cells_in_order_in_one_namespace(tmp_path: Path) -> None:
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "numbers.txt").write_text("41")
    _notebook(
        folder / "analysis.ipynb",
        "!pip install -U sagemaker\nimport sagemaker\nvalue = int(open('numbers.txt').read())",
        "value + 1",
        "from sagemaker.utils import name_from_base\nprint(name_from_base('nb')[:3])",
    )
    done = _sabio_run(str(folder / "analysis.ipynb"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "42" in done.stdout  # the value of the last expression of cell 2
    assert "nb-" in done.stdout
    assert "skipped '!pip install -U sagemaker'" in done.stderr


def test_run_notebook_stops_at_the_failing_cell(tmp_path: Path) -> None:
    _notebook(tmp_path / "broken.ipynb", "print('first')", "1 / 0", "print('never')")
    done = _sabio_run("broken.ipynb", cwd=tmp_path)
    assert done.returncode == 1
    assert "first" in done.stdout and "never" not in done.stdout
    assert "Cell 2 of the notebook failed: ZeroDivisionError" in done.stderr


def test_run_refuses_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    done = _sabio_run("notes.txt", cwd=tmp_path)
    assert done.returncode == 1
    assert "takes a .py script or an .ipynb notebook" in done.stderr
    missing = _sabio_run("nothing.py", cwd=tmp_path)
    assert missing.returncode == 1 and "No file nothing.py" in missing.stderr


def test_run_without_ipython_runs_plain_cells_and_refuses_magics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sabio._run import NotebookCellError, _plain_runner

    run = _plain_runner()
    run("x = 2", 1)
    run("x * 21", 2)
    assert capsys.readouterr().out == "42\n"
    with pytest.raises(NotebookCellError, match="needs IPython"):
        run("%time x", 3)
    with pytest.raises(NotebookCellError, match="Cell 4 of the notebook failed: NameError"):
        run("undefined_name", 4)
