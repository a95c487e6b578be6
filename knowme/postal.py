"""Postal addresses as matching keys: the street with its number, the postcode, the city.

Address books hold one address as one line of text ("12 Oak Street, Springfield, IL 62704",
"Hauptstraße 5, 10115 Berlin", "Springfield"): vCard ADR parts and CSV address columns are joined
with commas on import. Matching needs three keys that survive the usual differences between
exports (abbreviations, capitals, accents, an apartment, a missing postcode):
`street` ("12 oak" from "12 Oak St., Apt 4"), `postcode` ("62704", "sw1a1aa") and `city`
("springfield"). A line that is not plainly an address gives what it can, or nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from knowme.normalize import fold
from knowme.runtime import big_cache

# Street types and their abbreviations, dropped from the street key: "Oak Street" and "Oak St." are one street.
_STREET_TYPES = frozenset("""
street st str road rd avenue ave av drive dr lane ln boulevard blvd court ct place pl way terrace ter
circle cir parkway pkwy highway hwy square sq trail trl crescent cres close alley aly row
strasse straße gasse weg allee platz ring damm rue avenida calle via viale
""".split())
_UNIT = re.compile(r"\b(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|#)\s*\.?\s*\w+$")
_US_STATE_ZIP = re.compile(r"^(?:[a-z]{2}\s+)?(\d{5})(?:-\d{4})?$")
_POSTCODE = re.compile(r"\b(\d{5})(?:-\d{4})?\b|\b([a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2})\b|\b(\d{4})\b")
_NUMBER_FIRST = re.compile(r"^(\d+[a-z]?)\s+(.+)$")  # 12 Oak Street
_NUMBER_LAST = re.compile(r"^(.+?)\s+(\d+[a-z]?)$")  # Hauptstraße 5
_GLUED_TYPE = re.compile(r"(strasse|straße|str|gasse|weg|allee|platz|ring|damm)$")  # Hauptstr -> haupt
_NOT_LETTERS = re.compile(r"[^a-z ]")


@dataclass(frozen=True, slots=True)
class Postal:
    """The matching keys of one postal address ("" where the address does not say)."""

    street: str = ""  # house number and street name without its type: "12 oak"
    postcode: str = ""
    city: str = ""


def _street_key(part: str) -> str:
    part = _UNIT.sub("", part).strip(" .")
    match = _NUMBER_FIRST.match(part)
    number, name = (match.group(1), match.group(2)) if match else ("", "")
    if not match:
        match = _NUMBER_LAST.match(part)
        if not match:
            return ""
        name, number = match.group(1), match.group(2)
    words = [w for w in _NOT_LETTERS.sub(" ", name).split() if w not in _STREET_TYPES]
    if not words:
        return ""
    words[-1] = _GLUED_TYPE.sub("", words[-1]) or words[-1]
    return f"{number} {' '.join(words)}"


@big_cache(100_000)
def parse_postal(text: str) -> Postal:
    """The street, postcode and city of one address line (see the module doc)."""
    parts = [folded for p in text.replace("\n", ",").split(",") if (folded := fold(p.replace(".", " ")).strip())]
    street = postcode = city = ""
    for pos, part in enumerate(parts):
        if not street and any(ch.isdigit() for ch in part) and any(ch.isalpha() for ch in part) and pos < 2 \
                and not _POSTCODE.fullmatch(part) and not _US_STATE_ZIP.match(part):
            key = _street_key(part)
            if key:
                street = key
                continue
        found = _US_STATE_ZIP.match(part) or _POSTCODE.search(part)
        if found and not postcode:
            postcode = next(g for g in found.groups() if g).replace(" ", "")
            rest = _NOT_LETTERS.sub(" ", part[:found.start()] + part[found.end():]).split()
            if rest and not city and not (len(rest) == 1 and len(rest[0]) == 2):  # "10115 Berlin", not "IL"
                city = " ".join(rest)
            continue
        letters = " ".join(_NOT_LETTERS.sub(" ", part).split())
        if letters and not city and len(letters) > 2 and not any(ch.isdigit() for ch in part) and (
                pos > 0 or len(parts) == 1 or street or len(parts[1]) <= 3):  # a lone first part is the city; else a street or a name
            city = letters
    return Postal(street, postcode, city)


__all__ = ["Postal", "parse_postal"]
