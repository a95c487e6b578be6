"""Importing files into a workspace: find the importer, parse, store in one transaction, report.

Called by both the CLI and the review UI. A file that is not an address book changes nothing;
a bad card or row becomes a problem line and the rest still imports.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from knowme import importers
from knowme.importers import ImportOptions
from knowme.gcpause import collector_paused
from knowme.model import NotAnAddressBook
from knowme.prepare import PreparedStream, prepare_records
from knowme.store import ImportOutcome, Store
from knowme.suggest import suggester
from knowme.triage import after_import

MAX_PROBLEMS_STORED = 1000


@dataclass(slots=True)
class FileReport:
    """The outcome of importing one path: stored counts, or the one-line reason it was refused."""

    path: Path
    outcome: ImportOutcome | None = None
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    me: list[str] = field(default_factory=list)  # mail: the addresses taken as the user's
    me_guessed: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def fingerprint(path: Path) -> str:
    """sha256 of a file's bytes, or of every file's name and bytes in a folder."""
    digest = hashlib.sha256()
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(str(child.relative_to(path)).encode("utf-8", "surrogateescape") + b"\0")
            _hash_file(child, digest)
    else:
        _hash_file(path, digest)
    return digest.hexdigest()


def _hash_file(path: Path, digest: "hashlib._Hash") -> None:
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)


def import_path(store: Store, path: Path, fmt: str = "auto", options: ImportOptions | None = None) -> FileReport:
    """Parse and store one file or folder; never raises for bad input, reports it instead."""
    with collector_paused():
        return _import_path(store, path, fmt, options)


def _import_path(store: Store, path: Path, fmt: str, options: ImportOptions | None) -> FileReport:
    options = options or ImportOptions()
    path = Path(path)
    report = FileReport(path=path)
    if not path.exists():
        report.error = f"{path}: no such file or folder"
        return report
    if not options.me:  # mail: the user's addresses as confirmed or guessed before
        options = dataclasses.replace(options, me=list(store.setting("me", [])))
    try:
        result = importers.parse(path, fmt, options)
    except NotAnAddressBook as exc:
        report.error = f"{path}: {exc}"
        return report
    except (OSError, UnicodeError, ValueError) as exc:
        report.error = f"{path}: cannot read it ({exc.__class__.__name__}: {exc})"
        return report
    problems = [str(p) for p in result.problems]
    report.problems = problems
    if not result.records:
        detail = f" ({len(problems)} problems, first: {problems[0]})" if problems else ""
        report.error = f"{path}: no contacts found in it{detail}"
        return report
    if result.me:
        report.me = list(result.me)
        report.me_guessed = not options.me
        known = list(store.setting("me", []))
        store.set_setting("me", sorted(set(known) | {m.lower() for m in result.me}))
    name = path.name.rstrip("/") or str(path)
    digest = fingerprint(path)
    known = store.conn.execute("SELECT 1 FROM sources WHERE sha256=? AND format=?", (digest, result.format)).fetchone()
    prepared = None
    suggest = suggester(store)
    if not known:  # the per-record work, on every core, streamed into the transaction
        prepared = prepare_records(result.records, options.region, name, suggest)
    try:
        report.outcome = store.store_import(path, result.format, result.records, problems[:MAX_PROBLEMS_STORED],
                                            digest, region=options.region, source_name=name, prepared=prepared,
                                            suggest=suggest)
    finally:
        if isinstance(prepared, PreparedStream):
            prepared.close()
    if not report.outcome.unchanged:
        after_import(store, ids=report.outcome.touched)
    return report


def import_paths(store: Store, paths: list[Path], fmt: str = "auto", options: ImportOptions | None = None,
                 on_file: Callable[[int, Path], None] | None = None) -> list[FileReport]:
    """Import several inputs in order; each is its own transaction, so one bad file spoils nothing."""
    reports = []
    for number, path in enumerate(paths):
        if on_file is not None:
            on_file(number, path)
        reports.append(import_path(store, path, fmt, options))
    return reports
