"""Importing files into a workspace: find the importer, parse, store in one transaction, report.

Called by both the CLI and the review UI. A file that is not an address book changes nothing;
a bad card or row becomes a problem line and the rest still imports.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from knowme import importers
from knowme.filekinds import open_regular, special_input
from knowme.folders import plan_folder
from knowme.heldfiles import JOURNALS
from knowme.importers import ImportOptions
from knowme.model import NotAnAddressBook, Record
from knowme.prepare import Preparer, Suggester
from knowme.runtime import bulk_work
from knowme.store.core import ImportOutcome, ReplaceMode, ReplaceRefused, Store
from knowme.suggest import suggester
from knowme.text import plural
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
    # a folder: the files in it imported on their own, and those not read (each with why)
    parts: list[FileReport] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    # refused because it would replace an earlier import (`ReplaceRefused.kind`): another mode may go on
    refused: str | None = None
    dropping: list[str] = field(default_factory=list)  # ... and who replacing it would remove
    refused_why: str = ""  # ... and why, without the path or the commands (`ReplaceRefused.why`)

    @property
    def ok(self) -> bool:
        return self.error is None

    def each(self) -> list[FileReport]:
        """This report and its parts', the ones that say something (a folder read only by its parts has
        no outcome of its own)."""
        own = [self] if self.outcome is not None or self.error is not None else []
        return own + [r for part in self.parts for r in part.each()]

    def skipped_lines(self, limit: int = 5) -> list[str]:
        """The files of a folder that were not read, one line each, or one line naming them past `limit`."""
        if len(self.skipped) <= limit:
            return [f"{path}: skipped: {why}" for path, why in self.skipped]
        names = ", ".join(str(path.relative_to(self.path)) for path, _ in self.skipped[:limit])
        return [f"{self.path}: skipped {plural(len(self.skipped), 'file')} that are no address book or mail: "
                f"{names} and {len(self.skipped) - limit} more (`knowme doctor FILE` says why)"]


def fingerprint(path: Path, files: list[Path] | None = None) -> str:
    """sha256 of a file's bytes, or of every file's name and bytes in a folder (or of those of `files`
    in it: the ones its import reads, so a file beside them that is imported on its own, or a
    .DS_Store, changing does not make the folder a newer version)."""
    digest = hashlib.sha256()
    if path.is_dir():
        children = path.rglob("*") if files is None else files
        for child in sorted(p for p in children if p.is_file()):  # a FIFO is never opened: its import says so
            digest.update(str(child.relative_to(path)).encode("utf-8", "surrogateescape") + b"\0")
            _hash_file(child, digest)
    else:
        _hash_file(path, digest)
    return digest.hexdigest()


def _hash_file(path: Path, digest: "hashlib._Hash") -> None:
    with open_regular(path) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)


def read_as(digest: str, fmt: str, mapping: dict[str, str]) -> str:
    """The fingerprint of a file read with a chosen format or column mapping.

    A source counts as unchanged only when the same bytes are read the same way: importing it
    again with another `--format` or a corrected `--map` re-imports it (decisions are kept, as for
    a newer version of the file). Detection with no mapping keeps the plain file fingerprint.
    """
    how = json.dumps({"format": fmt, "map": sorted(mapping.items())}, ensure_ascii=False)
    return hashlib.sha256(f"{digest}\n{how}".encode("utf-8", "surrogatepass")).hexdigest()


def mapped_format(path: Path) -> str:
    """The format a file given with `--map` (and no `--format`) is read as: the CSV flavour detected
    (each applies the mapping over its own columns), else the generic CSV, whose columns the mapping
    names. A file detected as something other than CSV is refused: the mapping cannot apply to it."""
    try:
        importer = importers.detect(path)
    except NotAnAddressBook:
        return "csv"
    if importer.kind != "addressbook" or importer.name == "vcard":
        raise NotAnAddressBook(f"--map names CSV columns, and this reads as {importer.label}; leave out --map")
    return importer.name


def import_path(store: Store, path: Path, fmt: str = "auto", options: ImportOptions | None = None,
                mode: ReplaceMode = "auto") -> FileReport:
    """Parse and store one file or folder; never raises for bad input, reports it instead.

    A folder is read as `knowme.folders` plans it: one source for the address book it is, each other
    importable file in it as its own source (the report's `parts`), the rest named (`skipped`).

    `mode` says whether it may replace an earlier import of the same address book (`Store.store_import`):
    a replacement that would lose a decided person, or put an incomplete file in place of a whole one,
    is refused with the reason and how to go on, and nothing is stored."""
    with bulk_work():
        path = Path(path)
        if _not_readable(path) is None and path.is_dir():
            return _import_folder(store, path, fmt, options, mode)
        return _import_path(store, path, fmt, options, mode=mode)


def _import_folder(store: Store, path: Path, fmt: str, options: ImportOptions | None,
                   mode: ReplaceMode = "auto") -> FileReport:
    try:
        plan = plan_folder(path, fmt)
    except OSError as exc:
        return FileReport(path=path, error=f"{path}: cannot read it: {exc.strerror or exc}")
    if plan.whole is not None:
        report = _import_path(store, path, fmt, options, plan.read if plan.whole.claims else None, mode)
    elif not plan.members:
        return FileReport(path=path, error=_nothing_in(path, plan.skipped))
    else:
        report = FileReport(path=path)
    workspace = {os.path.abspath(f"{store.path}{suffix}") for suffix in ("", *JOURNALS)}
    report.skipped = [(p, why) for p, why in plan.skipped if os.path.abspath(p) not in workspace]  # it is ours
    for member in plan.members:
        report.parts.append(import_path(store, member, "auto", options, mode))
    return report


def _nothing_in(path: Path, skipped: list[tuple[Path, str]]) -> str:
    """The refusal of a folder with nothing to import: the words of a file's, and which files it holds."""
    if not skipped:
        return f"{path}: not an address book (no vCard, known CSV header or mail found)"
    names = ", ".join(str(p.relative_to(path)) for p, _ in skipped[:5])
    more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
    return (f"{path}: not an address book (no vCard, known CSV header or mail found in its "
            f"{plural(len(skipped), 'file')}: {names}{more})")


def _import_path(store: Store, path: Path, fmt: str, options: ImportOptions | None,
                 files: list[Path] | None = None, mode: ReplaceMode = "auto") -> FileReport:
    options = options or ImportOptions()
    path = Path(path)
    report = FileReport(path=path)
    report.error = _not_readable(path)
    if report.error:
        return report
    if not options.me:  # mail: the user's addresses as confirmed or guessed before
        options = dataclasses.replace(options, me=list(store.setting("me", [])))
    try:
        if fmt == "auto" and options.mapping:
            fmt = mapped_format(path)
        result = importers.parse(path, fmt, options)
    except NotAnAddressBook as exc:
        report.error = _not_an_address_book(path, exc, fmt, options.mapping)
        return report
    except OSError as exc:
        report.error = f"{path}: cannot read it: {exc.strerror or exc}"
        return report
    except (UnicodeError, ValueError) as exc:
        report.error = f"{path}: cannot read it ({exc.__class__.__name__}: {exc})"
        return report
    problems = [str(p) for p in result.problems]
    report.problems = problems
    if not result.records:
        detail = f" ({plural(len(problems), 'problem')}, first: {problems[0]})" if problems else ""
        report.error = f"{path}: no contacts found in it{detail}"
        return report
    name = path.name.rstrip("/") or str(path)
    try:
        digest = fingerprint(path, files)
    except OSError as exc:  # gone or unreadable since it was parsed
        report.error = f"{path}: cannot read it: {exc.strerror or exc}"
        return report
    if fmt != "auto" or options.mapping:  # read another way than before: not "unchanged", read again
        digest = read_as(digest, result.format, options.mapping)
    incomplete = next((str(p) for p in result.problems if p.incomplete), None)
    try:
        report.outcome = store_records(store, path, result.format, result.records, problems[:MAX_PROBLEMS_STORED],
                                       digest, options.region, name, suggester(store), mode, incomplete)
    except ReplaceRefused as exc:  # nothing stored: the addresses taken to be the user's are not kept either
        report.error, report.refused, report.dropping, report.refused_why = str(exc), exc.kind, exc.people, exc.why
        return report
    if result.me:
        report.me = list(result.me)
        report.me_guessed = not options.me
        known = list(store.setting("me", []))
        store.set_setting("me", sorted(set(known) | {m.lower() for m in result.me}))
    if not report.outcome.unchanged:
        after_import(store, ids=report.outcome.touched)
    return report


def store_records(store: Store, path: Path, fmt: str, records: list[Record], problems: list[str], sha256: str,
                  region: str = "US", source_name: str | None = None,
                  suggest: Suggester | None = None, mode: ReplaceMode = "auto",
                  incomplete: str | None = None) -> ImportOutcome:
    """Store parsed records as one source: the per-record work (on every core, streamed into the
    transaction) is done here, under the source name the store settles on. Raises `ReplaceRefused`
    (nothing stored) for a replacement `mode` does not allow (`Store.store_import`)."""
    with Preparer(records, region, suggest) as prepare:
        return store.store_import(path, fmt, records, problems, sha256, prepare, source_name, mode, incomplete)


def _not_readable(path: Path) -> str | None:
    """Why `path` is not read at all (a link, FIFO, device or socket, or nothing there); None if it is."""
    special = special_input(path)
    if special == "a symbolic link":
        return (f"{path}: is a symbolic link; knowme reads only the file itself (import {path.resolve()} "
                "if that is the one)")
    if special is not None:
        return f"{path}: is {special}, not a file or folder; nothing was read"
    if not path.exists():
        return f"{path}: no such file or folder"
    return None


def _not_an_address_book(path: Path, exc: NotAnAddressBook, fmt: str, mapping: dict[str, str]) -> str:
    hint = ""
    if fmt == "auto" and not mapping and path.suffix.lower() in (".csv", ".tsv", ".txt"):
        hint = ("; if it is a CSV, say which column holds what: --map name=COLUMN --map email=COLUMN "
                "(`knowme doctor FILE` shows how it reads)")
    return f"{path}: {exc}{hint}"


def refusal(path: Path, fmt: str = "auto", mapped: bool = False) -> str | None:
    """Why nothing can be imported from `path`, judged from what it is and how it begins (cheap: the
    file is not parsed); None when it may hold contacts. The import says the same words when it
    meets the same input, so a command can refuse before it makes a workspace for nothing."""
    path = Path(path)
    error = _not_readable(path)
    if error or fmt != "auto" or mapped:
        return error  # a format or a column map given: only the import can tell
    try:
        if path.is_dir():
            plan = plan_folder(path)
            return None if plan.whole or plan.members else _nothing_in(path, plan.skipped)
        importers.detect(path)
    except NotAnAddressBook as exc:
        return _not_an_address_book(path, exc, fmt, {})
    except OSError as exc:
        return f"{path}: cannot read it: {exc.strerror or exc}"
    return None


def import_paths(store: Store, paths: list[Path], fmt: str = "auto", options: ImportOptions | None = None,
                 on_file: Callable[[int, Path], None] | None = None, mode: ReplaceMode = "auto") -> list[FileReport]:
    """Import several inputs in order; each is its own transaction, so one bad file spoils nothing."""
    reports = []
    for number, path in enumerate(paths):
        if on_file is not None:
            on_file(number, path)
        reports.append(import_path(store, path, fmt, options, mode))
    return reports
