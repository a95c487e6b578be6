"""Every name a record carries, wherever it was found, and how alike two names are.

An excluded person must be recognised when they come back with their name somewhere unexpected:
the whole name in a CSV's First Name column, `FN:Jane Doe <jane.doe@gmail.com>`, a card with no
name but an organisation, a nameless card's `jane.doe@newco.com`. `name_forms(record)` collects a folded (first,
last) pair from each of those places; `name_alike` compares two pairs (any order, nicknames,
initials, transliteration such as ü/ue and ß/ss, compound and hyphenated surnames, one-letter
changes); `blocks` gives the keys under which two alike names meet, so a search over many
people compares only the few pairs that share a key.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from knowme.dedupe.namesim import (
    INITIAL,
    NICK,
    PARTIAL,
    SAME,
    TYPO,
    compare_first,
    compare_last,
    mail_alias,
    nick_forms,
    org_key,
    phonetic,
    spelling_key,
)
from knowme.model import Record
from knowme.normalize import fold, is_role_address, mailbox_key
from knowme.runtime import big_cache

Name = tuple[str, str]

_ANGLED = re.compile(r"<[^<>]*>|\S+@\S+|[\"“”]")
_LOCAL_SPLIT = re.compile(r"[._-]+")
_LETTERS_ONLY = re.compile(r"^[^\W\d_]{2,}$")
_A_LETTER = re.compile(r"[^\W\d_]")
_ALIKE_FIRST = frozenset({SAME, NICK, INITIAL, TYPO})
_ALIKE_LAST = frozenset({SAME, TYPO, PARTIAL})
SHORTEST_ALIAS = 4  # letters: "jdoe" and "johns" say a name, "ali" could be anyone's


_TITLES = frozenset("""mr mrs ms miss mx dr prof sir dame rev fr jr sr ii iii iv phd md mba esq dipl ing mag
    herr frau""".split())


@big_cache(200_000)
def split_name(text: str) -> frozenset[Name]:
    """Folded (first, last) readings of free text: display parts, addresses and titles dropped,
    "Smith, John" read right, and a three-word name read both as first + last and as first +
    compound surname ("María García López")."""
    text = _ANGLED.sub(" ", text).strip(" ,;()[]")
    if not text:
        return frozenset()
    if "," in text:
        before, _, after = text.partition(",")
        words = [w for w in fold(f"{after} {before}").split() if w not in _TITLES]
    else:
        words = [w for w in fold(text).split() if w not in _TITLES]
    if len(words) < 2:
        return frozenset({(words[0], "")}) if words else frozenset()
    first = words[0]
    return frozenset({(first, words[-1]), (first, " ".join(words[1:]))} if len(words) == 3 else {(first, words[-1])})


def _pair(given: str, family: str) -> Name:
    return (fold(given).split(" ")[0] if given else ""), fold(family)


_ORG_WORDS = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+){1,2}$")


def name_forms(record: Record) -> set[Name]:
    """Every folded (first, last) name the record holds, wherever it was found."""
    forms = _written_forms(record)
    nameless = not any(f and la for f, la in forms)
    for labeled in record.emails if nameless else ():  # jane.doe@newco.com on a card without a name
        local = labeled.value.strip().removeprefix("mailto:").strip("<> ").partition("@")[0]
        parts = _LOCAL_SPLIT.split(local.split("+", 1)[0])
        if len(parts) == 2 and all(_LETTERS_ONLY.match(p) for p in parts):
            forms.add((fold(parts[0]), fold(parts[1])))
    return {form for form in forms if form[0] and len(form[1]) >= 2}  # "A. A." names nobody


def address_aliases(record: Record) -> dict[str, str]:
    """For a card that gives no name, the letters of each personal address's local part (`mail_alias`),
    with the address: jsmith@ and johnsmith77@ spell John Smith though neither splits into two names.
    Shorter than `SHORTEST_ALIAS` letters, an alias spells too many names to say whose it is."""
    if not record.emails or _A_LETTER.search(record.given) and _A_LETTER.search(record.family):
        return {}  # the quick answers first: the export asks this of every record
    if any(f and la for f, la in _written_forms(record)):
        return {}
    found = {}
    for labeled in record.emails:
        key = mailbox_key(labeled.value)
        if key and not is_role_address(key) and len(alias := mail_alias(key)) >= SHORTEST_ALIAS:
            found.setdefault(alias, labeled.value.strip())
    return found


def _written_forms(record: Record) -> set[Name]:
    """The names the record writes: its name fields, display name, nickname, an organisation that reads
    as a person's name (a card with no name but "Jane Doe" as its company)."""
    forms: set[Name] = set()
    given, middle, family = record.given.strip(), record.middle.strip(), record.family.strip()
    if given or family:
        if given and not family and " " in given:  # the whole name in the First Name column
            forms |= split_name(given)
        elif family and not given and ("," in family or " " in family):
            forms |= split_name(family)
        else:
            forms.add(_pair(given, family))
            if middle and family:  # "María García López" parsed as a middle name and a surname
                forms.add(_pair(given, f"{middle} {family}"))
    fn = record.formatted_name.strip()
    if fn and (not forms or set(fold(fn).split()) != set(fold(f"{given} {middle} {family}").split())):
        forms |= split_name(fn)
    if record.nickname.strip() and family:
        forms |= split_name(f"{record.nickname} {family}")
    org = fold(record.org) if record.org.strip() else ""
    if org and not any(f and la for f, la in forms) and _ORG_WORDS.match(org) and org_key(org) == org:
        forms |= split_name(record.org)  # a card with no name but an organisation that reads as one
    return forms


@big_cache(200_000)
def blocks(name: Name) -> frozenset[str]:
    """Keys under which alike names meet: each surname word with the first name's initial (or a
    nickname's: Bob meets Robert), the two names in either order, the first name's nickname forms
    with the surname's start, and with its sound (Smith / Smyth).

    Alike first names almost always share an initial once nicknames and spelling are counted; a
    typo in the very first letter of a first name is the case this gives up."""
    first, last = name
    keys: set[str] = set()
    words = last.replace("-", " ").split()
    forms = nick_forms(first) | {first} if first else frozenset()
    # a surname word with the first name's first letter (or a nickname's, or its spelling's): first names
    # that could be alike share one, so a common surname does not compare everyone bearing it
    spelled = spelling_key(first) if first else ""
    heads = {form[:1] for form in forms} | {spelled[:1]}
    for word in words:
        if len(word) >= 2:
            keys.update(f"L|{word}|{head}" for head in heads or {""})
    if first:
        keys.add("U|" + "|".join(sorted((spelled, spelling_key(last)))))  # "Doe Jane" against "Jane Doe"
        sound = phonetic(words[-1]) if words else ""
        for form in forms:
            keys.add(f"F|{form}|{last[:2]}")
            if sound:
                keys.add(f"P|{form}|{sound}")
    return frozenset(keys)


@big_cache(200_000)
def name_alike(a: Name, b: Name) -> int:
    """0-100: how alike two folded (first, last) names are, nicknames, initials, transliteration and
    compound surnames counting as alike; "Doe Jane" is read as "Jane Doe" too."""
    fa, la = a
    fb, lb = b
    if a == b:
        return 100
    score = fuzz.ratio(f"{fa} {la}".strip(), f"{fb} {lb}".strip())
    if not (fa and la and fb and lb):
        return round(score)
    last = _last(la, lb)
    if last in _ALIKE_LAST:
        first = _first(fa, fb)
        if first in _ALIKE_FIRST:
            score = max(score, 100 if (first, last) == (SAME, SAME) else 95 if SAME in (first, last) else 90)
    if la == fb or fa == lb:  # written in the other order ("Doe Jane"): the first name must be the same
        swapped = _last(fa, lb) if la == fb else _last(la, fb)
        if swapped in _ALIKE_LAST:
            score = max(score, 100 if swapped == SAME else 95)
    return round(score)


@big_cache(500_000)
def _first(a: str, b: str) -> str:
    """`compare_first`, remembered: a workspace has a few thousand first names, met again and again."""
    return compare_first(a, b)


@big_cache(500_000)
def _last(a: str, b: str) -> str:
    """`compare_last` with hyphenated surnames read as compound ones, remembered."""
    if a == b:
        return SAME
    return compare_last(a.replace("-", " "), b.replace("-", " "))
