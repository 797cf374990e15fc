"""The examples' notebooks agree with their scripts and run top to bottom (small settings)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DATASETS = EXAMPLES.parent.parent / "shared" / "datasets"
sys.path.insert(0, str(EXAMPLES))

import notebooks  # noqa: E402

SCRIPTS = notebooks.example_scripts()


def _required_datasets(script: Path) -> list[str]:
    """Dataset files a script names in a ``# requires: a.csv, b.csv`` line."""
    match = re.search(r"^# requires: (.+)$", script.read_text(), flags=re.MULTILINE)
    return [name.strip() for name in match.group(1).split(",")] if match else []


def test_notebooks_every_example_has_a_script() -> None:
    assert [s.stem for s in SCRIPTS], "no example scripts found"
    for folder in EXAMPLES.iterdir():
        if folder.is_dir() and not folder.name.startswith(("_", ".")) and folder.name != "demo":
            assert (folder / f"{folder.name}.py").is_file(), f"{folder} has no {folder.name}.py"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_notebooks_match_their_scripts(script: Path) -> None:
    notebook = script.with_suffix(".ipynb")
    assert notebook.is_file(), f"run `python examples/notebooks.py` to create {notebook.name}"
    assert notebook.read_text() == notebooks.render(script), (
        f"{notebook.name} is out of date: run `python examples/notebooks.py`"
    )


def _runs_with_sabio_run(script: Path) -> bool:
    """Whether a script is a SageMaker notebook run unchanged (``# runner: sabio run``)."""
    return re.search(r"^# runner: sabio run$", script.read_text(), flags=re.MULTILINE) is not None


@pytest.mark.timeout(900)
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_notebooks_execute_in_fast_mode(
    script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = [name for name in _required_datasets(script) if not (DATASETS / name).is_file()]
    if missing:
        pytest.skip(f"shared datasets missing: {', '.join(missing)}")
    if _runs_with_sabio_run(script):
        # Written for the SageMaker SDK: a plain kernel has no `sagemaker`; sabio run has.
        pytest.skip("runs with `sabio run` (tests/examples/test_local_mode.py runs it)")
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("SABIO_EXAMPLE_FAST", "1")
    monkeypatch.setenv("SABIO_EXAMPLE_DATA", str(DATASETS))
    monkeypatch.setenv("SABIO_EXAMPLE_OUT", str(tmp_path / "out"))
    monkeypatch.setenv("SABIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(script.parent)}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
