"""Thunderbird address book CSV/TXT export: `First Name,Last Name,Display Name,Nickname,Primary Email,…`.

Seen in the wild as UTF-16LE with BOM, Shift_JIS, `;`- or tab-delimited, and with CR/LF/TAB
inside quoted cells; `csvio` deals with all of that. `Web Page 1` is the work page and `Web Page 2`
the home page; `Birth Year/Month/Day` become one ISO birthday; `Custom 1…4` and `Screen Name`
stay extras.
"""
from __future__ import annotations

from pathlib import Path

from knowme.importers import Importer, ImportOptions, Sniff, register
from knowme.importers.csvio import Col, plan_columns, sniff_header
from knowme.importers.generic_csv import parse_with

from knowme.model import ImportResult

_COLUMNS: dict[str, Col | None] = {
    "first name": Col("given"), "last name": Col("family"), "display name": Col("formatted_name"),
    "nickname": Col("nickname"), "primary email": Col("email"), "secondary email": Col("email"),
    "screen name": None, "chat name": None, "work phone": Col("phone", label="work"),
    "home phone": Col("phone", label="home"), "fax number": Col("phone", label="fax"),
    "pager number": Col("phone", label="pager"), "mobile number": Col("phone", label="mobile"),
    "job title": Col("title"), "department": Col("department"), "organization": Col("org"),
    "web page 1": Col("url", label="work"), "web page 2": Col("url", label="home"),
    "birth year": Col("birth", part="year", group="birth"), "birth month": Col("birth", part="month", group="birth"),
    "birth day": Col("birth", part="day", group="birth"), "notes": Col("note"),
    "custom 1": None, "custom 2": None, "custom 3": None, "custom 4": None,
}
_MARKS = frozenset({"primary email", "secondary email", "display name", "screen name", "mobile number",
                    "pager number", "fax number", "web page 1", "birth year", "custom 1"})


def columns(header: list[str]) -> list[Col | None]:
    """Thunderbird's own columns, then the shared column-name heuristics (home/work address parts)."""
    return plan_columns(header, _COLUMNS)


def detect(sniff: Sniff) -> int:
    """85 for `Primary Email` with `Display Name` or another Thunderbird column, 60 for `Primary Email` alone."""
    if sniff.is_dir:
        return 0
    keys = frozenset(sniff_header(sniff.head))
    if "primary email" not in keys:
        return 0
    return 85 if len(keys & _MARKS) >= 2 else 60


def parse(path: Path, options: ImportOptions) -> ImportResult:
    return parse_with(path, "thunderbird", options, columns)


register(Importer(name="thunderbird", label="Thunderbird address book CSV", detect=detect, parse=parse))
