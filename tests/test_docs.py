"""The notes the code and the docs point to are in the repository, under the names they are given."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

# A path under docs/ as the code and the README name it, and a relative link between the docs.
DOCS_PATH = re.compile(r"\bdocs/[\w.-]+\.md\b")
MD_LINK = re.compile(r"\]\(([\w.-]+\.md)\)")
OUTSIDE_NOTES = re.compile(r"\b(?:DESIGN|STYLE|FORMATS)\.md\b")


def _texts() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for folder in ("knowme", "importers", "tui", "bench", "sample_data", "tests"):
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return files


def test_every_note_the_code_and_docs_name_is_in_the_repository() -> None:
    missing = []
    for path in _texts():
        text = path.read_text(encoding="utf-8")
        named = {ROOT / m for m in DOCS_PATH.findall(text)}
        if path.parent.name == "docs":
            named |= {path.parent / m for m in MD_LINK.findall(text)}
        missing += [f"{path.relative_to(ROOT)} names {n.relative_to(ROOT)}" for n in named if not n.is_file()]
        if path.name != "test_docs.py":
            missing += [f"{path.relative_to(ROOT)} names {m}, outside the repository"
                        for m in OUTSIDE_NOTES.findall(text)]
    assert missing == []


def test_the_readme_links_the_architecture_note() -> None:
    assert "(docs/architecture.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
