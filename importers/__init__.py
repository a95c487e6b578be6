"""The importer registry: one module per input format, each registering itself here.

An importer knows only `knowme.model`. It says how sure it is that an input is its format
(`detect`, from a `Sniff` of the first bytes), and turns the input into an `ImportResult`
(`parse`). Adding a format means adding one module and listing it in `_MODULES`.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from knowme.filekinds import open_regular
from knowme.model import ImportResult, NotAnAddressBook

SNIFF_BYTES = 64 * 1024

# Modules that register importers, imported on first use (order = tie-break order).
_MODULES = ("vcard", "linkedin", "google", "outlook", "thunderbird", "yahoo", "generic_csv", "mail")


@dataclass(slots=True)
class ImportOptions:
    """What the user told `knowme import` beyond the file names."""

    region: str = "US"  # default phone region (used by the core; importers may ignore it)
    mapping: dict[str, str] = field(default_factory=dict)  # generic CSV: field -> column header
    me: list[str] = field(default_factory=list)  # mail: the user's own addresses
    progress: Callable[[int, int], None] | None = None  # (bytes done, bytes total)
    cancelled: Callable[[], bool] | None = None  # lets a worker stop a long parse

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


@dataclass(slots=True)
class Sniff:
    """The first bytes of an input (or, for a folder, of a few files in it), for detection."""

    path: Path
    head: bytes
    is_dir: bool = False
    names: tuple[str, ...] = ()  # for folders: some file names inside

    @classmethod
    def of(cls, path: Path) -> Sniff:
        if path.is_dir():
            names = tuple(sorted(p.name for p in _walk_some(path, 200)))
            return cls(path=path, head=b"", is_dir=True, names=names)
        with open_regular(path) as fh:
            return cls(path=path, head=fh.read(SNIFF_BYTES))

    def text(self) -> str:
        """The head decoded leniently (BOM-aware, UTF-16 aware), for header matching."""
        head = self.head
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return head.decode("utf-16", errors="replace").lstrip("\ufeff")
        if len(head) > 3 and head[1:2] == b"\x00" and head[3:4] == b"\x00":
            return head.decode("utf-16-le", errors="replace")
        if len(head) > 3 and head[0:1] == b"\x00" and head[2:3] == b"\x00":
            return head.decode("utf-16-be", errors="replace")
        return head.decode("utf-8", errors="replace").lstrip("\ufeff")


_BEGIN_LINE = re.compile(r"^[ \t]*begin[ \t]*:[ \t]*vcard[ \t\r]*$", re.I | re.M)
_END_LINE = re.compile(r"^[ \t]*end[ \t]*:[ \t]*vcard[ \t\r]*$", re.I | re.M)


def vcard_structure(text: str) -> int:
    """How surely a file's first text is vCard by its structure: 90 when its first line is BEGIN:VCARD;
    40 when BEGIN:VCARD and END:VCARD lines follow a short note that is no table (no separators
    or quotes: "Exported from my phone"); 0 otherwise. A card pasted into a CSV cell is data."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if _BEGIN_LINE.fullmatch(first):
        return 90
    begin = _BEGIN_LINE.search(text)
    if begin is None or not _END_LINE.search(text, begin.end()):
        return 0
    preamble = [line for line in text[:begin.start()].splitlines() if line.strip()]
    tabular = any(mark in line for line in preamble for mark in (",", "\t", ";", '"'))
    return 40 if len(preamble) <= 5 and not tabular else 0


def _walk_some(root: Path, limit: int) -> list[Path]:
    found: list[Path] = []
    for path in root.rglob("*"):
        if path.is_file():
            found.append(path.relative_to(root))
            if len(found) >= limit:
                break
    return found


@dataclass(frozen=True, slots=True)
class Importer:
    """One input format: its name (as `--format` takes it), how to detect it, how to parse it."""

    name: str
    label: str
    detect: Callable[[Sniff], int]  # 0 = not mine ... 100 = certainly mine
    parse: Callable[[Path, ImportOptions], ImportResult]
    kind: str = "addressbook"  # or "mail"
    # For an importer that reads a folder as one source: the files below it that it reads (or knows to
    # be parts of that kind of store, such as a mail index). The other files of the folder are imported
    # on their own, or named as skipped (`knowme.folders`). None: it reads no folders.
    claims: Callable[[Path], Iterable[Path]] | None = None


_REGISTRY: dict[str, Importer] = {}
_loaded = False


def register(importer: Importer) -> Importer:
    _REGISTRY[importer.name] = importer
    return importer


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in _MODULES:
        importlib.import_module(f"{__name__}.{name}")


def all_importers() -> dict[str, Importer]:
    _load()
    return dict(_REGISTRY)


def format_names() -> list[str]:
    """Every `--format` value: the registered ones plus `auto`."""
    return ["auto", *all_importers()]


def detect(path: Path) -> Importer:
    """The importer most confident about `path`; NotAnAddressBook when none is."""
    sniff = Sniff.of(path)
    if not sniff.is_dir and not sniff.head.strip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t"):
        raise NotAnAddressBook("the file is empty")
    best, best_score = None, 0
    for importer in all_importers().values():
        score = importer.detect(sniff)
        if score > best_score:
            best, best_score = importer, score
    if best is None:
        raise NotAnAddressBook("not an address book (no vCard, known CSV header or mail found)")
    return best


def parse(path: Path, fmt: str = "auto", options: ImportOptions | None = None) -> ImportResult:
    """Parse one input with the named importer, or the detected one for `auto`.

    Raises NotAnAddressBook when the input holds nothing importable; OSError when unreadable.
    """
    options = options or ImportOptions()
    importers = all_importers()
    if fmt == "auto":
        importer = detect(path)
    elif fmt in importers:
        importer = importers[fmt]
    else:
        raise NotAnAddressBook(f"unknown format {fmt!r} (choose from {', '.join(format_names())})")
    return importer.parse(path, options)
