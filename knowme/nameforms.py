"""Every name a record carries, wherever it was found, and how alike two names are.

An excluded person must be recognised when they come back with their name somewhere unexpected:
the whole name in a CSV's First Name column, `FN:Jane Doe <jane.doe@gmail.com>`, a card with no
name but an organisation, `jane.doe@newco.com`. `name_forms(record)` collects a folded (first,
last) pair from each of those places; `name_alike` compares two pairs (any order, nicknames,
initials, transliteration such as ü/ue and ß/ss, compound and hyphenated surnames, one-letter
changes); `blocks` gives the keys under which two alike names meet, so a search over many
people compares only the few pairs that share a key.
"""
from __future__ import annotations

import functools
import re

from rapidfuzz import fuzz

from knowme.model import Record
from knowme.namesim import INITIAL, NICK, PARTIAL, SAME, TYPO, compare_first, compare_last, nick_forms, phonetic
from knowme.normalize import _parse_name, fold

Name = tuple[str, str]

_ANGLED = re.compile(r"<[^<>]*>|\S+@\S+|[\"“”]")
_LOCAL_SPLIT = re.compile(r"[._-]+")
_LETTERS_ONLY = re.compile(r"^[^\W\d_]{2,}$")
_ALIKE_FIRST = frozenset({SAME, NICK, INITIAL, TYPO})
_ALIKE_LAST = frozenset({SAME, TYPO, PARTIAL})


@functools.lru_cache(maxsize=200_000)
def split_name(text: str) -> Name:
    """A folded (first, last) from free text: display parts and addresses dropped, "Smith, John" read right."""
    text = _ANGLED.sub(" ", text).strip(" ,;()[]")
    if not text:
        return "", ""
    words = text.split()
    if len(words) == 2 and "," not in text and "." not in text:
        first, last = words
    elif len(words) == 1:
        first, last = words[0], ""
    else:
        first, last = _parse_name(text)
        if not first and not last:
            return "", ""
    first_folded = fold(first).split(" ")[0] if first else ""
    return first_folded, fold(last)


def _pair(given: str, family: str) -> Name:
    return (fold(given).split(" ")[0] if given else ""), fold(family)


def name_forms(record: Record) -> set[Name]:
    """Every folded (first, last) name the record holds, wherever it was found."""
    forms: set[Name] = set()
    given, middle, family = record.given.strip(), record.middle.strip(), record.family.strip()
    if given or family:
        if given and not family and " " in given:  # the whole name in the First Name column
            forms.add(split_name(given))
        elif family and not given and ("," in family or " " in family):
            forms.add(split_name(family))
        else:
            forms.add(_pair(given, family))
            if middle and family:  # "María García López" parsed as a middle name and a surname
                forms.add(_pair(given, f"{middle} {family}"))
    for text in (record.formatted_name, record.nickname and f"{record.nickname} {family}".strip()):
        if text and text.strip():
            forms.add(split_name(text))
    if record.org.strip() and " " in record.org.strip():  # a card with no name but an organisation
        forms.add(split_name(record.org))
    for labeled in record.emails:
        local = labeled.value.strip().removeprefix("mailto:").strip("<> ").partition("@")[0]
        parts = _LOCAL_SPLIT.split(local.split("+", 1)[0])
        if len(parts) == 2 and all(_LETTERS_ONLY.match(p) for p in parts):
            forms.add((fold(parts[0]), fold(parts[1])))
    return {form for form in forms if form[0] and form[1]}


def blocks(name: Name) -> set[str]:
    """Keys under which alike names meet: each surname word (either order), the first name's
    nickname forms with the surname's start, and with its sound (Smith / Smyth)."""
    first, last = name
    keys: set[str] = set()
    words = last.replace("-", " ").split()
    for word in words:
        if len(word) >= 2:
            keys.add("L|" + word)
    if first:
        keys.add("L|" + first)  # "Smith John" against "John Smith"
        sound = phonetic(words[-1]) if words else ""
        for form in nick_forms(first) | {first}:
            keys.add(f"F|{form}|{last[:2]}")
            if sound:
                keys.add(f"P|{form}|{sound}")
    return keys


def name_alike(a: Name, b: Name) -> int:
    """0-100: how alike two folded (first, last) names are, nicknames, initials, transliteration and
    compound surnames counting as alike."""
    fa, la = a
    fb, lb = b
    if (fa, la) == (fb, lb):
        return 100
    score = fuzz.ratio(f"{fa} {la}".strip(), f"{fb} {lb}".strip())
    for (f1, l1), (f2, l2) in (((fa, la), (fb, lb)), ((fa, la), (lb, fb))):
        if not (f1 and l1 and f2 and l2):
            continue
        first, last = compare_first(f1, f2), compare_last(l1.replace("-", " "), l2.replace("-", " "))
        if first in _ALIKE_FIRST and last in _ALIKE_LAST:
            alike = 100 if (first, last) == (SAME, SAME) else 95 if SAME in (first, last) else 90
            score = max(score, alike)
    return round(score)
