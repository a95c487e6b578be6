"""The wheel is the app: every folder of code is a listed package, installed under `knowme` only.

(`.ci/wheel-smoke` builds and installs the real wheel outside the checkout; this is the fast check.)
"""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# repository folder -> the installed package it becomes
FOLDERS = {"knowme": "knowme", "importers": "knowme.importers", "tui": "knowme.tui",
           "sample_data": "knowme.sample_data"}


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_folder_with_code_is_a_listed_package() -> None:
    expected = set()
    for folder, package in FOLDERS.items():
        for init in (ROOT / folder).rglob("*.py"):
            if "__pycache__" in init.parts:
                continue
            rel = init.parent.relative_to(ROOT / folder).parts
            expected.add(".".join((package, *rel)))
    assert set(_setuptools()["packages"]) == expected


def test_no_top_level_package_but_knowme() -> None:
    # `tui` and `importers` are other distributions' names on the package index
    assert {name.split(".")[0] for name in _setuptools()["packages"]} == {"knowme"}
    assert _setuptools()["package-dir"] == {package: folder for folder, package in FOLDERS.items() if folder != "knowme"}


def test_sample_books_are_package_data() -> None:
    patterns = _setuptools()["package-data"]["knowme.sample_data"]
    books = [p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".vcf", ".csv", ".mbox", ".json", ".toml")]
    assert books and all(any(p.match(pattern) for pattern in patterns) for p in books)
