"""Write each example's notebook from its percent-format script, or check they agree.

    python examples/notebooks.py          # (re)write examples/<name>/<name>.ipynb
    python examples/notebooks.py --check  # exit 1 when a notebook is out of date

A script is split into cells at ``# %%`` lines; ``# %% [markdown]`` cells hold markdown
written as ``#``-comments. The scripts are the source of truth, so a notebook and its
script always show the same steps.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat import v4

EXAMPLES = Path(__file__).resolve().parent


def example_scripts() -> list[Path]:
    """Every example script: ``examples/<name>/<name>.py``."""
    return sorted(p for p in EXAMPLES.glob("*/*.py") if p.stem == p.parent.name)


def _markdown(lines: list[str]) -> str:
    text = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
    return "\n".join(text).strip()


def to_notebook(script: Path) -> nbformat.NotebookNode:
    """Build the notebook of one percent-format script."""
    cells: list[nbformat.NotebookNode] = []
    kind, lines = "code", []

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if body.strip():
            cells.append(
                v4.new_markdown_cell(_markdown(lines))
                if kind == "markdown"
                else v4.new_code_cell(body)
            )

    for line in script.read_text().splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        else:
            lines.append(line)
    flush()
    # The module docstring and the `if __name__` guard are script-only; drop a leading
    # docstring cell (the first markdown cell says the same).
    if cells and cells[0].cell_type == "code" and cells[0].source.lstrip().startswith('"""'):
        cells.pop(0)
    for index, cell in enumerate(cells):
        cell["id"] = f"{script.stem}-{index}"
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def render(script: Path) -> str:
    """The notebook of a script as the JSON text written to disk."""
    return nbformat.writes(to_notebook(script)) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args()
    stale = []
    for script in example_scripts():
        target = script.with_suffix(".ipynb")
        text = render(script)
        if target.exists() and target.read_text() == text:
            continue
        stale.append(target)
        if not args.check:
            target.write_text(text)
    for target in stale:
        print(("out of date: " if args.check else "wrote ") + str(target.relative_to(EXAMPLES)))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
