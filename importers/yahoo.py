"""Yahoo Mail contacts CSV: every field quoted, `"First","Middle","Last","Nickname","Email",…`.

Yahoo writes HTML entities into the data (`O&#39;Brien`): every cell is unescaped. Its phone
columns are called plainly `Home`, `Work`, `Mobile`…, and users typed free text into them:
kept as written, since a phone we cannot parse is still the user's note about that person.
`Primary` (which phone is the main one) and the messenger IDs stay extras.
"""
from __future__ import annotations

import html
from pathlib import Path

from knowme.importers import Importer, ImportOptions, Sniff, register
from knowme.importers.csvio import Col, classify, norm_header, sniff_header
from knowme.importers.generic_csv import parse_with

from knowme.model import ImportResult

_COLUMNS: dict[str, Col | None] = {
    "first": Col("given"), "middle": Col("middle"), "last": Col("family"), "nickname": Col("nickname"),
    "email": Col("email"), "alternate email 1": Col("email"), "alternate email 2": Col("email"),
    "alternate email 3": Col("email"), "category": Col("categories"), "distribution lists": None,
    "home": Col("phone", label="home"), "work": Col("phone", label="work"), "pager": Col("phone", label="pager"),
    "fax": Col("phone", label="fax"), "mobile": Col("phone", label="mobile"), "other": Col("phone", label="other"),
    "yahoo phone": Col("phone", label="yahoo"), "primary": None,
    "personal website": Col("url", label="home"), "business website": Col("url", label="work"),
    "title": Col("title"), "company": Col("org"), "birthday": Col("birthday"), "anniversary": None,
    "comments": Col("note"),
}
_MARKS = frozenset({"yahoo phone", "alternate email 1", "messenger id", "distribution lists", "personal website",
                    "business website", "comments", "category"})


def columns(header: list[str]) -> list[Col | None]:
    """Yahoo's own column names, then the shared heuristics (work/home address parts)."""
    cols: list[Col | None] = []
    for raw in header:
        key = norm_header(raw)
        if key in _COLUMNS:
            cols.append(_COLUMNS[key])
        elif key.startswith(("messenger id", "custom ")) or key.endswith(" id"):
            cols.append(None)
        else:
            cols.append(classify(key))
    return cols


def unescape_row(row: list[str]) -> list[str]:
    """HTML entities Yahoo wrote into cells (`&#39;`, `&amp;`) decoded; cells without `&` are untouched."""
    return [html.unescape(cell) if "&" in cell else cell for cell in row]


def detect(sniff: Sniff) -> int:
    """80 for `First,Middle,Last,…,Email` with a Yahoo-only column."""
    if sniff.is_dir:
        return 0
    keys = frozenset(sniff_header(sniff.head))
    if not {"first", "last", "email"} <= keys:
        return 0
    return 80 if keys & _MARKS else 30


def parse(path: Path, options: ImportOptions) -> ImportResult:
    return parse_with(path, "yahoo", options, columns, prepare=unescape_row)


register(Importer(name="yahoo", label="Yahoo Mail contacts CSV", detect=detect, parse=parse))
