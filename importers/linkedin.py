"""LinkedIn `Connections.csv` from the data export: people the user is already connected to.

Optional BOM, then a preamble (`Notes:`, a quoted notice, a blank line) that `csvio` skips,
then `First Name,Last Name,URL,Email Address,Company,Position,Connected On` (older exports lack
URL). `Connected On` (`15 Jan 2023`) becomes `Record.connected_on` as an ISO date, or stays as
written when it is not a date we know; the profile URL is kept with the label `linkedin`.
"""
from __future__ import annotations

import re
from pathlib import Path

from knowme.importers import Importer, ImportOptions, Sniff, register
from knowme.importers.csvio import Col, norm_header, sniff_header
from knowme.importers.generic_csv import parse_with

from knowme.model import ImportResult

_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DMY = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -,]*(\d{4})$")  # 15 Jan 2023, 15-Jan-2023
_MDY_WORDS = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")  # Jan 15, 2023
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")  # 1/15/23: US order, as LinkedIn wrote it


def connected_date(text: str) -> str:
    """`15 Jan 2023` -> `2023-01-15`; anything unrecognised is returned unchanged."""
    value = text.strip()
    if m := _DMY.match(value):
        day, month, year = int(m[1]), _MONTHS.get(m[2][:3].lower()), int(m[3])
    elif m := _MDY_WORDS.match(value):
        month, day, year = _MONTHS.get(m[1][:3].lower()), int(m[2]), int(m[3])
    elif m := _ISO.match(value):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _SLASHED.match(value):
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        year += 2000 if year < 100 else 0
    else:
        return value
    if month is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return value
    return f"{year:04d}-{month:02d}-{day:02d}"


_COLUMNS: dict[str, Col] = {
    "first name": Col("given"), "last name": Col("family"), "url": Col("url", label="linkedin"),
    "profile url": Col("url", label="linkedin"), "email address": Col("email"), "company": Col("org"),
    "position": Col("title"), "connected on": Col("connected_on", convert=connected_date),
}


def columns(header: list[str]) -> list[Col | None]:
    return [_COLUMNS.get(norm_header(h)) for h in header]


def detect(sniff: Sniff) -> int:
    """95 for `First Name,Last Name,…,Connected On`; 60 for the other columns without the date."""
    if sniff.is_dir:
        return 0
    keys = frozenset(sniff_header(sniff.head))
    if not keys or not {"first name", "last name"} <= keys:
        return 0
    if "connected on" in keys:
        return 95
    if {"position", "company"} <= keys and len(keys) <= 7:
        return 60
    return 0


def parse(path: Path, options: ImportOptions) -> ImportResult:
    return parse_with(path, "linkedin", options, columns)


register(Importer(name="linkedin", label="LinkedIn Connections.csv", detect=detect, parse=parse))
