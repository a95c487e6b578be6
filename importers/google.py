"""Google Contacts CSV, current (`First Name,…,Labels,E-mail 1 - Label,…`) and older (`Name,Given Name,…`).

Both pack several values into one cell with ` ::: ` and carry numbered groups (`Phone 3 - Value`)
as many as the data needs. Each packed value becomes its own labelled value; `Labels`/`Group
Membership` become categories with Google's `* ` system mark removed (`* starred` -> `starred`,
so a starred contact stays recognisable). Relations, events, IM, custom fields and anything else
Google adds are kept as extras under their own headers.
"""
from __future__ import annotations

import re
from pathlib import Path

from knowme.importers import Importer, ImportOptions, Sniff, register
from knowme.importers.csvio import MULTI_SEP, Col, norm_header, sniff_header
from knowme.importers.generic_csv import parse_with

from knowme.model import ImportResult

_SIMPLE: dict[str, str] = {
    "first name": "given", "middle name": "middle", "last name": "family", "name prefix": "prefix",
    "name suffix": "suffix", "nickname": "nickname", "organization name": "org", "organization title": "title",
    "organization department": "department", "birthday": "birthday", "notes": "note",
    "phonetic first name": "phonetic", "phonetic middle name": "phonetic", "phonetic last name": "phonetic",
    # older export
    "name": "formatted_name", "given name": "given", "additional name": "middle", "family name": "family",
    "yomi name": "phonetic", "given name yomi": "phonetic", "additional name yomi": "phonetic",
    "family name yomi": "phonetic",
}
_GROUP = re.compile(r"^(?P<kind>.+?) (?P<n>\d+) - (?P<part>.+)$")
_VALUE_KINDS = {"e-mail": "email", "phone": "phone", "website": "url"}
_ADDRESS_PARTS = {"formatted": "formatted", "street": "street", "city": "city", "po box": "pobox",
                  "region": "region", "postal code": "postal", "country": "country",
                  "extended address": "extended"}
_ORG_PARTS = {"name": "org", "title": "title", "department": "department"}


def columns(header: list[str]) -> list[Col | None]:
    """Google's columns; numbered groups of any count; unknown groups and columns stay extras."""
    cols: list[Col | None] = []
    for raw in header:
        key = norm_header(raw)
        if key in _SIMPLE:
            cols.append(Col(_SIMPLE[key]))
        elif key in ("labels", "group membership"):
            cols.append(Col("categories", sep=MULTI_SEP))
        else:
            cols.append(_group_column(key))
    return cols


def _group_column(key: str) -> Col | None:
    match = _GROUP.match(key)
    if match is None:
        return None
    kind, number, part = match["kind"], match["n"], match["part"]
    group = f"{kind} {number}"
    if kind in _VALUE_KINDS or kind == "address":
        if part in ("label", "type"):
            return Col("label", group=group)
        if kind == "address":
            mapped = _ADDRESS_PARTS.get(part)
            return Col("address", part=mapped, group=group, label_from=group, sep=MULTI_SEP) if mapped else None
        if part == "value":
            return Col(_VALUE_KINDS[kind], label_from=group, sep=MULTI_SEP)
        return None
    if kind == "organization" and number == "1" and part in _ORG_PARTS:
        return Col(_ORG_PARTS[part])
    return None


_CURRENT_MARKS = frozenset({"labels", "file as", "phonetic first name", "organization name", "organization title",
                            "e-mail 1 - label", "phone 1 - label", "e-mail 1 - value", "phone 1 - value"})
_OLDER_MARKS = frozenset({"group membership", "e-mail 1 - type", "phone 1 - type", "given name yomi",
                          "organization 1 - name", "additional name", "e-mail 1 - value", "phone 1 - value"})


def detect(sniff: Sniff) -> int:
    """90 for either Google layout, 70 when only its numbered groups show."""
    if sniff.is_dir:
        return 0
    keys = frozenset(sniff_header(sniff.head))
    if not keys:
        return 0
    if "first name" in keys and "last name" in keys and len(keys & _CURRENT_MARKS) >= 2:
        return 90
    if "given name" in keys and "family name" in keys and len(keys & _OLDER_MARKS) >= 2:
        return 90
    if any(_GROUP.match(k) and k.endswith((" - value", " - label", " - type")) for k in keys):
        return 70
    return 0


def parse(path: Path, options: ImportOptions) -> ImportResult:
    return parse_with(path, "google", options, columns)


register(Importer(name="google", label="Google Contacts CSV", detect=detect, parse=parse))
