"""`knowme sources`, `forget SOURCE` and `doctor FILE`: what was imported, undoing an import, and
how a file would be read before importing it."""
from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path
from typing import Any

from knowme import importers
from knowme.cli.core import parse_mapping
from knowme.cli.errors import UserError
from knowme.cli.help import JSON_HELP, command
from knowme.filekinds import special_input
from knowme.importers import ImportOptions, Sniff, format_names
from knowme.importers.csvio import read_table
from knowme.importing import mapped_format
from knowme.model import NotAnAddressBook
from knowme.sources import SourceError, forget_source, source_summaries
from knowme.store.core import Store
from knowme.text import plural

DOCTOR_PROBLEMS = 10  # problems `doctor` shows


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = command(sub, "sources", "list the imported files: format, records, people, problems", """
        List every imported source: its number and file name (what `forget` takes), path, format, how
        many records it gave, how many people hold them, its problems and when it was imported.""",
                [("knowme sources", ""), ("knowme sources --json", "a JSON array, one object per source")])
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_sources)

    p = command(sub, "forget", "remove an imported source (one undoable action)", """
        Remove a source imported by mistake: its records, and the people left with no record from any
        other source. People who also have records from other sources stay, with their decisions. The
        decisions and notes of the people it removes go with them, and it says so: how many of each
        decision, and the excluded by name. What identified an excluded person stays suppressed, and
        their card imported again (from that book, under a new address too) comes back excluded.
        `knowme undo` brings the source back, with every decision.""",
                [("knowme forget old-phone.vcf", "by the name `knowme sources` shows"),
                 ("knowme forget ~/Downloads/contacts.csv", "by its path"),
                 ("knowme forget 3", "by its number in `knowme sources`")])
    p.add_argument("source", metavar="SOURCE", help="the source's file name, its path, or its number in `sources`")
    p.set_defaults(handler=cmd_forget)

    p = command(sub, "doctor", "explain how a file would be read, without importing it", """
        Read FILE as `knowme import` would and explain it: the format detected and why (how sure each
        format is), the encoding, delimiter and header of a CSV, which column fills which field, how
        many records it holds and the first problems. Nothing is imported, and no workspace is needed
        or made. Exit 1 when the file could not be imported as it is.""",
                [("knowme doctor contacts.csv", ""),
                 ("knowme doctor export.csv --map name=Who --map email=Reach", "try a column mapping first"),
                 ("knowme doctor phone.vcf --json", "the explanation as JSON")])
    p.add_argument("file", metavar="FILE", type=Path, help="an address book file or folder (vCard, CSV, mail)")
    p.add_argument("--format", default="auto", choices=format_names(),
                   help="read it as this format (default: auto, detected)")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="as for import: the column holding a field (name, given, family, email, phone, org, ...)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_doctor, no_store=True, no_workspace=True)


# ---- sources and forget -----------------------------------------------------------------------------


def cmd_sources(args: argparse.Namespace, store: Store) -> int:
    summaries = source_summaries(store)
    if args.json:
        print(json.dumps([s.to_dict() for s in summaries], indent=2, ensure_ascii=False))
        return 0
    if not summaries:
        print("no sources yet; `knowme import FILE` adds one")
        return 0
    for s in summaries:
        problems = f", {plural(s.problems, 'problem')}" if s.problems else ""
        print(f"{s.id:>3}  {s.file}  ({s.format}): {plural(s.records, 'record')}, {plural(s.people, 'person')}"
              f"{problems}; imported {s.imported_at}")
        print(f"     {s.path}")
    return 0


def cmd_forget(args: argparse.Namespace, store: Store) -> int:
    try:
        result = forget_source(store, args.source)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    print(result.line())
    if dropped := result.dropped_line():
        print(dropped)
    return 0


# ---- doctor -----------------------------------------------------------------------------------------


def detection_scores(path: Path) -> list[tuple[str, int]]:
    """How sure each importer is that `path` is its format, the surest first (those above 0)."""
    sniff = Sniff.of(path)
    scores = [(name, importer.detect(sniff)) for name, importer in importers.all_importers().items()]
    return sorted([s for s in scores if s[1] > 0], key=lambda s: -s[1])


def diagnose(path: Path, fmt: str = "auto", mapping: dict[str, str] | None = None) -> dict[str, Any]:
    """How `knowme import` would read `path`, as JSON-ready facts; nothing is stored anywhere."""
    mapping = mapping or {}
    special = special_input(path)
    if special is not None:
        raise UserError(f"{path}: is {special}; knowme reads only files and folders")
    if not path.exists():
        raise UserError(f"{path}: no such file or folder")
    facts: dict[str, Any] = {"file": str(path), "size": _size(path), "requested_format": fmt, "map": mapping}
    try:
        facts["detection"] = [{"format": name, "score": score} for name, score in detection_scores(path)]
        chosen = fmt
        if fmt == "auto":
            chosen = mapped_format(path) if mapping else importers.detect(path).name
        facts["format"] = chosen
        facts["label"] = importers.all_importers()[chosen].label
        result = importers.parse(path, chosen, ImportOptions(mapping=mapping))
    except NotAnAddressBook as exc:
        facts.update(readable=False, reason=str(exc), hint=_hint(path, mapping), headers=_headers(path))
        return facts
    except OSError as exc:
        raise UserError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    except (UnicodeError, ValueError) as exc:
        facts.update(readable=False, reason=f"{exc.__class__.__name__}: {exc}", hint=_hint(path, mapping))
        return facts
    facts.update(readable=bool(result.records), records=len(result.records), reading=result.reading,
                 problems=len(result.problems), first_problems=[str(p) for p in result.problems[:DOCTOR_PROBLEMS]])
    if result.me:
        facts["me"] = list(result.me)
    if not result.records:
        facts.update(reason="no contacts found in it", hint=_hint(path, mapping))
    return facts


def _headers(path: Path) -> list[str]:
    """The header cells of a file that reads as CSV text (to pick --map columns from), else []."""
    if path.is_dir():
        return []
    try:
        return read_table(path).header
    except (NotAnAddressBook, OSError, UnicodeError, ValueError):
        return []


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    except OSError:
        return 0


def _hint(path: Path, mapping: dict[str, str]) -> str:
    if path.suffix.lower() in (".csv", ".tsv", ".txt") and not mapping:
        return "if it is a CSV, say which column holds what: --map name=COLUMN --map email=COLUMN"
    return ""


def cmd_doctor(args: argparse.Namespace, store: None) -> int:
    facts = diagnose(args.file, args.format, parse_mapping(args.map))
    if args.json:
        print(json.dumps(facts, indent=2, ensure_ascii=False))
        return 0 if facts["readable"] else 1
    for line in doctor_lines(facts):
        print(line)
    return 0 if facts["readable"] else 1


def doctor_lines(facts: dict[str, Any]) -> list[str]:
    """The explanation `knowme doctor` prints, one fact a line."""
    lines = [f"file: {facts['file']} ({facts['size']:,} bytes)"]
    detected = ", ".join(f"{d['format']} {d['score']}" for d in facts.get("detection", [])) or "no format claims it"
    if facts["requested_format"] != "auto":
        lines.append(f"format: {facts.get('format')} (as asked with --format; detection says: {detected})")
    elif "format" in facts:
        why = " because of --map" if facts["map"] and facts.get("format") == "csv" else ""
        lines.append(f"format: {facts['format']} ({facts.get('label', '')}), detected{why}; how sure each format "
                     f"is, 0-100: {detected}")
    else:
        lines.append(f"format: none detected ({detected})")
    reading = facts.get("reading") or {}
    if reading and "delimiter" not in reading:  # vCard and mail: how the text was decoded, nothing more
        lines.append(f"encoding: {reading['encoding']}")
    elif reading:
        delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(reading["delimiter"],
                                                                              repr(reading["delimiter"]))
        lines.append(f"encoding: {reading['encoding']}; delimiter: {delimiter}; header on line "
                     f"{reading['header_line']}")
        lines.append("columns:")
        width = min(32, max((len(name) for name, _ in reading["columns"]), default=0))
        for name, kind in reading["columns"]:
            meaning = "kept as it is (extra field)" if kind == "extra" else kind
            lines.append(f"  {name:<{width}}  -> {meaning}")
    if not facts["readable"]:
        lines.append(f"not importable: {facts['reason']}")
        if facts.get("headers"):
            lines.append(f"its first row: {', '.join(facts['headers'][:20])}")
        if facts.get("hint"):
            lines.append(facts["hint"])
        return lines
    lines.append(f"records: {facts['records']:,}")
    if facts.get("me"):
        lines.append(f"your addresses (guessed): {', '.join(facts['me'])}")
    if facts["problems"]:
        shown = len(facts["first_problems"])
        more = f", the first {shown}:" if facts["problems"] > shown else ":"
        lines.append(plural(facts["problems"], "problem", sep=True) + more)
        lines += [f"  {p}" for p in facts["first_problems"]]
    else:
        lines.append("problems: none")
    how = f" --format {facts['format']}" if facts["requested_format"] != "auto" else ""
    how += "".join(f" --map {shlex.quote(f'{k}={v}')}" for k, v in facts["map"].items())
    lines.append(f"nothing was imported; `knowme import {shlex.quote(facts['file'])}{how}` would import it")
    return lines
