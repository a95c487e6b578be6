"""vCard importer: one .vcf/.vcard file with many cards, or a folder of one-card files (vdir).

Reads vCard 2.1, 3.0 and 4.0 as real address books write them (see docs/formats.md): the parser
is our own (`_vcard_text` for bytes, charsets and card spans, `_vcard_card` for properties)
because vobject, card by card, is an order of magnitude too slow for a 100,000-card export
and gives up on the malformed cards phones write. vobject serves as the cross-check in tests.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from knowme.importers import Importer, ImportOptions, Sniff, register, vcard_structure
from knowme.importers._vcard_card import CardParser
from knowme.importers._vcard_text import Charsets, container, describe_encodings, split_cards, to_text

from knowme.filekinds import open_regular, read_regular
from knowme.model import ImportResult, NotAnAddressBook, Problem, Record
from knowme.runtime import bulk_work

SUFFIXES = (".vcf", ".vcard")
_REPORT_EVERY = 2000  # cards between progress reports and cancellation checks


def detect(sniff: Sniff) -> int:
    """What the structure says, not a substring (`vcard_structure`): 90 when the file opens with a
    BEGIN:VCARD line (any case, UTF-16 too) or the folder holds .vcf files; 40 when the cards follow
    a short note; 0 otherwise, so a CSV whose notes column holds a pasted vCard stays a CSV."""
    if sniff.is_dir:
        if not any(name.lower().endswith(SUFFIXES) for name in sniff.names):
            return 0
        # a Maildir (cur/ or new/ inside) is mail, whatever .vcf lies beside it: that is imported on its own
        return 85 if (sniff.path / "cur").is_dir() or (sniff.path / "new").is_dir() else 90
    return vcard_structure(sniff.text())


def parse(path: Path, options: ImportOptions) -> ImportResult:
    """Import a vCard file or a vdir folder; NotAnAddressBook when there is no vCard in it."""
    if path.is_dir():
        return _parse_folder(path, options)
    return parse_bytes(read_regular(path), path.name, options)


def parse_bytes(data: bytes, name: str, options: ImportOptions | None = None) -> ImportResult:
    """Import vCard bytes as if read from a file called `name` (also the records' source)."""
    result = ImportResult(format="vcard")
    with bulk_work():  # ~30 objects a card, none in a cycle: no collector passes over them
        _parse_bytes(data, name, name, 0, options or ImportOptions(), result, len(data), 0)
    return _describe(result)


def _parse_folder(root: Path, options: ImportOptions) -> ImportResult:
    """A vdir: every .vcf/.vcard file below `root`, in sorted order; index = position in that order.

    Records name the folder as their source; problems name the file. A file holding several
    cards takes several consecutive indexes (a vdir normally has one card per file).
    """
    files = _vcard_files(root)
    if not files:
        raise NotAnAddressBook(f"no .vcf or .vcard files in folder {root.name}")
    result = ImportResult(format="vcard")
    with bulk_work():  # ~30 objects a card, none in a cycle: no collector passes over them
        readable = _parse_files(root.name, files, options, result)
    if not readable:
        raise NotAnAddressBook(f"none of the {len(files)} .vcf files in {root.name} holds a vCard")
    return _describe(result)


def claims(root: Path) -> list[Path]:
    """The files of a vdir folder this importer reads: its .vcf and .vcard files outside hidden folders."""
    return [Path(full) for _, full, _ in _vcard_files(root)]


def _vcard_files(root: Path) -> list[tuple[str, str, int]]:
    """(path relative to root with '/', full path, size) of the vCard files below root, sorted.
    Hidden folders (.git, .Trash...) are skipped, and Maildirs inside (cur/ or new/ in them): a mail
    store is imported as a whole, cards in it included. os.walk because pathlib is slow per file."""
    found: list[tuple[str, str, int]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not _is_maildir(os.path.join(dirpath, d))]
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for name in filenames:
            if name.lower().endswith(SUFFIXES):
                full = os.path.join(dirpath, name)
                try:
                    size = os.path.getsize(full)
                except OSError:
                    size = 0
                found.append((name if rel == "." else f"{rel}/{name}", full, size))
    found.sort()
    return found


def _is_maildir(path: str) -> bool:
    return os.path.isdir(os.path.join(path, "cur")) or os.path.isdir(os.path.join(path, "new"))


def _parse_files(folder: str, files: list[tuple[str, str, int]], options: ImportOptions,
                 result: ImportResult) -> int:
    """Parse each file of a vdir into `result`; returns how many held a vCard."""
    total = sum(size for _, _, size in files)
    done = index = readable = 0
    quiet = ImportOptions()  # per-file progress would jump back and forth: report per folder
    for number, (relative, full, size) in enumerate(files, 1):
        name = f"{folder}/{relative}"
        if options.cancelled is not None and number % 50 == 0 and options.cancelled():
            result.problems.append(Problem(name, 0, "import cancelled: this and the later files were not read",
                                           incomplete=True))
            break
        try:
            with open_regular(full) as fh:
                data = fh.read()
        except OSError as exc:
            result.problems.append(Problem(name, 0, f"cannot read: {exc.strerror or exc}", incomplete=True))
            index += 1
            continue
        try:
            cards = _parse_bytes(data, folder, name, index, quiet, result, len(data), 0)
            readable += 1
        except NotAnAddressBook as exc:
            result.problems.append(Problem(name, 0, f"not a vCard: {exc}"))
            cards = 0
        index += max(cards, 1)
        done += size
        if number % 200 == 0:
            options.report(done, total)
    options.report(total, total)
    return readable


def _parse_bytes(data: bytes, source: str, file: str, first_index: int, options: ImportOptions,
                 result: ImportResult, total: int, offset: int) -> int:
    """Parse one file's bytes into `result`; returns how many cards it held (used or not)."""
    text = to_text(data)
    spans = split_cards(text)
    charsets = Charsets(text)
    parser = CardParser(charsets, source)
    layouts, used = result.reading.setdefault("_containers", Counter()), result.reading.setdefault("_used", Counter())
    layouts[container(data)] += 1
    records: list[Record] = result.records
    problems: list[Problem] = result.problems
    scale = total / max(len(text), 1)
    index = first_index
    cards = 0
    last_card = max((n for n, span in enumerate(spans, 1) if span.parts is not None), default=0)
    for count, span in enumerate(spans, 1):
        if count % _REPORT_EVERY == 0:
            if options.cancelled is not None and options.cancelled():
                problems.append(Problem(file, span.line, f"import cancelled after {cards} cards", incomplete=True))
                break
            options.report(offset + int(span.end * scale), total)
        if span.parts is None:
            problems.append(Problem(file, span.line, "text outside any BEGIN:VCARD/END:VCARD ignored"))
            continue
        index += 1
        cards += 1
        record, reason = parser.parse(span.body(text), index, span.line)
        if not span.closed and count == last_card:  # the file ends inside a card: it was cut short
            problems.append(Problem(file, span.line, f"card {index} has no END:VCARD: the file may be cut short "
                                                     "(an export stopped midway?)", incomplete=True))
        elif not span.closed:  # another card begins: this one lost its END line, the file goes on
            problems.append(Problem(file, span.line, f"card {index} has no END:VCARD (the next card begins before "
                                                     "it ends)"))
        if record is not None:
            records.append(record)
            if reason:
                problems.append(Problem(file, span.line, f"card {index}: {reason}"))
        elif reason.startswith("has "):
            problems.append(Problem(file, span.line, f"card {index} {reason}"))
        else:
            problems.append(Problem(file, span.line, f"card {index}: {reason}"))
    options.report(offset + total, total)
    used.update(charsets.used)
    return cards


def _describe(result: ImportResult) -> ImportResult:
    """`result.reading` as `doctor` shows it: the encodings the values were decoded with."""
    layouts, used = result.reading.pop("_containers", Counter()), result.reading.pop("_used", Counter())
    result.reading["encoding"] = describe_encodings(layouts, used)
    return result


register(Importer(name="vcard", label="vCard", detect=detect, parse=parse, claims=claims))
