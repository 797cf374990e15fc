"""The generated references in docs/ are current, and the docs link to files that exist."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("generator", "target", "marker"),
    [
        ("make_cli_reference", "cli.md", "## `sabio endpoints invoke`"),
        ("make_sdk_reference", "sdk.md", "### `HyperparameterTuner("),
    ],
)
def test_docs_generated_reference_is_up_to_date(generator: str, target: str, marker: str) -> None:
    text = _load(generator).render()
    assert marker in text
    assert (DOCS / target).read_text() == text, f"run: python docs/{generator}.py"


def test_docs_relative_links_point_at_existing_files() -> None:
    pages = [ROOT / "README.md", *DOCS.rglob("*.md")]
    broken = []
    for page in pages:
        for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            if not (page.parent / link).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {link}")
    assert broken == []
