"""Every name a record carries, wherever it was found, and how alike two names are.

An excluded person must be recognised when they come back with their name somewhere unexpected:
the whole name in a CSV's First Name column, `FN:Jane Doe <jane.doe@gmail.com>`, a card with no
name but an organisation or a nickname, a nameless card's `jane.doe@newco.com`, a longer display
name around it ("Jane Doe via LinkedIn", "Jane Doe - Acme Corp"), a name in another script
(Яна Доу) or in characters with no space (山田太郎). `name_forms(record)` collects a folded (first,
last) pair for each reading of each of those places: every name the app shows or writes for the
record is among them. `name_alike` compares two pairs (any order, nicknames, initials,
transliteration such as ü/ue and ß/ss, compound and hyphenated surnames, one-letter changes);
`blocks` and `pet_blocks` give the keys under which two alike names meet, so a search over many
people compares only the few pairs that share a key.
"""
from __future__ import annotations

import functools
import re

from anyascii import anyascii
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
from knowme.paths import PACKAGE_ROOT
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
    herr frau dds cpa rn jd llm msc bsc""".split())
WINDOW_WORDS = 6  # a longer name is read in two-word windows over its first six words
# what ends the name in a longer display name: "Jane Doe - Acme", "Jane Doe | Acme", "Jane Doe via
# LinkedIn", "Jane Doe @ Acme", "Jane Doe at Acme"
_NAME_ENDS = re.compile(r"\s+[-–—/@]\s+|\s*\|\s*|\s+(?:via|at)\s+", re.IGNORECASE)
_ASIDES = re.compile(r"\([^()]*\)?|\[[^\[\]]*\]?")  # "Jane (Janie) Doe", "Jane Doe (work)", "Jane Doe [Acme"
# words that join or name an organisation: never a name ("Blake and Sons" names no Mr Sons)
_COMPANY_WORDS = frozenset("""and und et y e i of the for sons inc llc llp ltd limited plc corp corporation co company
    group holding holdings gmbh ag kg sa sas sarl srl spa bv nv ab pty kk via at team""".split())
# nor, with a surname's particles, one of two adjacent words read as a name on their own ("de la")
_NOT_NAMES = _COMPANY_WORDS | frozenset(
    "de la le les du des del della di da dos das do van von der den ten ter bin ibn al el".split())
HEAD_AND_TAIL_WORDS = 3  # "Mary Smith - Jones": a name with a spaced dash, not a name and its company


@big_cache(200_000)
def split_name(text: str) -> frozenset[Name]:
    """Folded (first, last) readings of free text: display parts, addresses, titles and dashes
    dropped, "Smith, John" read right, a three-word name read both as first + last and as first +
    compound surname ("María García López"), the name without what is in brackets and the part
    before " - Acme" or " via LinkedIn" each read as a name of its own, and a name of three words
    or more read as each two adjacent words too ("Jane Doe Acme Corp" holds Jane Doe), unless a
    word joins or names an organisation ("and", "Ltd")."""
    text = _ANGLED.sub(" ", text).strip(" ,;()[]")
    if not text:
        return frozenset()
    bare = " ".join(_ASIDES.sub(" ", text).split())
    if bare != text:  # the name without its asides, and as it was read before
        return frozenset(_split_words(text, whole=False) | (split_name(bare) if bare else set()))
    head = _NAME_ENDS.split(text, 1)[0].strip(" ,;()[]")
    if head == text:
        joined = _JOINED.fullmatch(text)  # "JaneDoe": a first name and a surname written together
        return frozenset(_split_words(text, whole=True) | (_split_words(f"{joined[1]} {joined[2]}", whole=True)
                                                            if joined else set()))
    # the name before " - Acme Corp"; the whole text only when it is short enough to be one name
    return frozenset(_split_words(text, whole=False) | (split_name(head) if head else set()))


_JOINED = re.compile(r"([A-Z][a-z]{2,})([A-Z][a-z]{2,})")  # (three letters each: not "McDonald", "DeLuca")


def _split_words(text: str, whole: bool) -> set[Name]:
    """`split_name` of text that is all name (`whole`), or a name and what follows it: then only as
    one name of three words at most (a comma there is the company's: "Jane Doe - Smith, Jones and Co"
    is not "Smith, Jane")."""
    if "," in text and whole:
        before, _, after = text.partition(",")
        words = [w for w in fold(f"{after} {before}").split() if w not in _TITLES and _A_LETTER.search(w)]
    else:
        words = [w for w in fold(text).split() if w not in _TITLES and _A_LETTER.search(w)]
    if not whole and len(words) > HEAD_AND_TAIL_WORDS:
        return set()
    if len(words) < 2:
        return {(words[0], "")} if words else set()
    first = words[0]
    forms = {(first, words[-1])}
    if len(words) == 3:
        forms.add((first, " ".join(words[1:])))
    if whole and len(words) >= 3:
        shown = words[:WINDOW_WORDS]
        forms.update((a, b) for a, b in zip(shown, shown[1:]) if _window_word(a) and _window_word(b))
    return {(a, b) for a, b in forms if a not in _COMPANY_WORDS and b not in _COMPANY_WORDS}


def _window_word(word: str) -> bool:
    return word not in _NOT_NAMES and bool(_LETTERS_ONLY.match(word))


_CJK_LETTERS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"  # kana, Han, Hangul
_UNSPACED = re.compile(rf"^[{_CJK_LETTERS}]{{2,5}}$")


def _unspaced_readings(word: str) -> set[Name]:
    """A Chinese, Japanese or Korean name written without a space (山田太郎): each way it splits into a
    family name (written first) and a given name, as (given, family)."""
    return {(word[cut:], word[:cut]) for cut in range(1, len(word))} if _UNSPACED.match(word) else set()


_CJK = re.compile(rf"[{_CJK_LETTERS}]")


@big_cache(200_000)
def latin_reading(name: Name) -> Name | None:
    """A name written in another alphabet read in Latin letters (Иван Петров as ivan petrov, Νίκος
    as nikos), folded; None for a name in Latin letters already, or in Chinese, Japanese or Korean
    characters, whose readings say too little (封 and 冯 are both feng; 山田 is Yamada, not shantian)."""
    first, last = name
    if (first + last).isascii() or _CJK.search(first + last):
        return None
    read = fold(anyascii(first)).replace(" ", ""), fold(anyascii(last)).replace(" ", "")
    return read if read != name and read[0] and read[1] else None


def _pair(given: str, family: str) -> Name:
    return (fold(given).split(" ")[0] if given else ""), fold(family)


_ORG_WORDS = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+){1,2}$")


def name_forms(record: Record) -> set[Name]:
    """Every folded (first, last) name the record holds, wherever it was found, each as written and,
    in another script, read in Latin letters too."""
    forms = _written_forms(record)
    for first, last in list(forms):
        if first and not last:  # 山田太郎: one word, yet a whole name
            forms |= _unspaced_readings(first)
    nameless = not any(f and la for f, la in forms)
    for labeled in record.emails if nameless else ():  # jane.doe@newco.com on a card without a name
        local = labeled.value.strip().removeprefix("mailto:").strip("<> ").partition("@")[0]
        parts = _LOCAL_SPLIT.split(local.split("+", 1)[0])
        if len(parts) == 2 and all(_LETTERS_ONLY.match(p) for p in parts):
            forms.add((fold(parts[0]), fold(parts[1])))
    # "A. A." names nobody; one character is a whole family name in Chinese, Japanese or Korean (王)
    forms = {form for form in forms if form[0] and (len(form[1]) >= 2 or form[1] and not form[1].isascii())}
    return forms | {read for form in forms if (read := latin_reading(form))}


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
    elif record.nickname.strip() and not (forms or fn):  # the name the card shows and the export writes
        forms |= split_name(record.nickname)
    org = fold(record.org) if record.org.strip() else ""
    if org and not any(f and la for f, la in forms) and _ORG_WORDS.match(org) and org_key(org) == org:
        forms |= split_name(record.org)  # a card with no name but an organisation that reads as one
    if not fn and (record.prefix.strip() or record.suffix.strip() or middle or not (given or family)):
        # the name the export writes for such a card (`Record.display_name`, split into first and last
        # name by `exports.safe.contact_row`): `N:;;;Jane;Doe` (only a prefix and a suffix), `N:;;Jane Doe;;`,
        # or a card with no name whose organisation is "Jane Doe LLC"
        shown = record.display_name
        if "@" not in shown and _A_LETTER.search(shown):  # (not a phone number shown for a name)
            forms |= split_name(shown)
    return forms


@big_cache(200_000)
def blocks(name: Name) -> frozenset[str]:
    """Keys under which alike names meet: each surname word with the first name's initial (or a
    nickname's: Bob meets Robert), the two names in either order (a nickname's too: "Smith Bob"
    meets Robert Smith), the first name's nickname forms with the surname's start, and with its
    sound (Smith / Smyth).

    Alike first names almost always share an initial once nicknames and spelling are counted; a
    pet form made of a name's end (Liam for William) meets it under `pet_blocks`; a typo in the
    very first letter of a first name is the case this gives up."""
    first, last = name
    keys: set[str] = set()
    words = last.replace("-", " ").split()
    forms = first_forms(first)
    # a surname word with the first name's first letter (or a nickname's, or its spelling's): first names
    # that could be alike share one, so a common surname does not compare everyone bearing it
    spelled = spelling_key(first) if first else ""
    heads = {form[:1] for form in forms} | {spelled[:1]}
    for word in words:
        if len(word) >= 2:
            keys.update(f"L|{word}|{head}" for head in heads or {""})
    if first:
        # "Doe Jane" against "Jane Doe", and "Smith Bob" against Robert Smith: either word may be the first name
        for one in {spelled} | {spelling_key(form) for form in forms}:
            for other in {spelling_key(last)} | {spelling_key(form) for form in nick_forms(last) if " " not in last}:
                keys.add("U|" + "|".join(sorted((one, other))))
        sound = phonetic(words[-1]) if words else ""
        for form in forms:
            keys.add(f"F|{form}|{last[:2]}")
            if sound:
                keys.add(f"P|{form}|{sound}")
    return frozenset(keys)


@big_cache(200_000)
def spelled_name(name: Name) -> tuple[str, str]:
    """A folded name as the matcher spells it (`spelling_key` of each part), in either order: Jürgen
    Müller, Juergen Mueller and "Mueller, Juergen" are one spelled name; Jon Smith and John Smith are two.
    A part with digits is kept as written: a spelling key reads "11" as "1" (doubled letters), and Given11
    Family11 is no spelling of Given1 Family1."""
    first, last = (part if any(ch.isdigit() for ch in part) else spelling_key(part) for part in name)
    return (first, last) if first <= last else (last, first)


PET_END = 3  # letters: Liam and William, Beth and Elizabeth, Tina and Christina end alike


@big_cache(200_000)
def pet_blocks(name: Name) -> frozenset[str]:
    """Keys under which a first name meets the formal name it is the end of (Liam, William; Sandra,
    Alexandra), with a surname word: names that meet only here are alike only as nicknames
    (`nicknamed`), never as spellings (Dean and Sean end alike too)."""
    first, last = name
    if len(first) < PET_END or not first.isascii():
        return frozenset()
    return frozenset(f"S|{word}|{first[-PET_END:]}" for word in last.replace("-", " ").split() if len(word) >= 2)


def nicknamed(a: Name, b: Name) -> bool:
    """The surnames are alike and the first names one name, or a nickname of it that the table lists,
    or a pet form that is its end (Liam, William): not two names that merely end alike (Dean, Sean;
    Miroslav, Dobroslav; Ian, Brian)."""
    fa, fb = a[0], b[0]
    if _first(fa, fb) not in (SAME, NICK) or _last(a[1], b[1]) not in _ALIKE_LAST:
        return False
    shorter, longer = sorted((fa, fb), key=len)
    return (_in_table(fa, fb) or any(_in_table(other, fb) for other in _respelled(fa))
            or any(_in_table(fa, other) for other in _respelled(fb))
            or len(shorter) > PET_END and len(longer) > len(shorter) + 1 and longer.endswith(shorter))


_RESPELLINGS = (("ie", "y"), ("y", "ie"), ("i", "y"))


@big_cache(200_000)
def _respelled(first: str) -> tuple[str, ...]:
    """A pet form's other spellings, which the nickname table may know instead: Robbie / Robby, Katie / Katy."""
    if len(first) < 3:
        return ()
    return tuple(first[:-len(end)] + other for end, other in _RESPELLINGS if first.endswith(end))


@big_cache(200_000)
def first_forms(first: str) -> frozenset[str]:
    """The first name, the formal names it is a nickname of, and theirs of its other spellings."""
    if not first:
        return frozenset()
    return frozenset(nick_forms(first).union(*(nick_forms(other) for other in _respelled(first)), _other_forms(first)))


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
    if score < 90 and (_last(fa, lb) in (SAME, TYPO) and _first(la, fb) in (NICK, TYPO) or
                       _last(la, fb) in (SAME, TYPO) and _first(fa, lb) in (NICK, TYPO)):
        score = 90  # "Smith Bob" for Robert Smith: the other order, and a nickname
    return round(score)


@big_cache(500_000)
def _first(a: str, b: str) -> str:
    """`compare_first`, remembered (a workspace has a few thousand first names, met again and again),
    a pet form's other spellings counted as it (Robbie as Robby, a nickname of Robert)."""
    kind = compare_first(a, b)
    if kind in _ALIKE_FIRST:
        return kind
    if b in _other_forms(a) or any(_in_table(other, b) for other in _respelled(a)) or \
            any(_in_table(a, other) for other in _respelled(b)):
        return NICK
    return kind


def _in_table(a: str, b: str) -> bool:
    """One name is the other, or a nickname of it that the table lists, or the two are one name in two
    languages or a diminutive the table lacks (`data/given_name_forms.txt`: Sasha / Alexander, Juan / John)."""
    return a == b or b in nick_forms(a) or a in nick_forms(b) or b in _other_forms(a)


@functools.cache
def _given_name_forms() -> dict[str, frozenset[str]]:
    """Each given name of `data/given_name_forms.txt` and the names its lines give it (read once, when a
    first name is first compared)."""
    forms: dict[str, set[str]] = {}
    for line in (PACKAGE_ROOT / "data" / "given_name_forms.txt").read_text(encoding="utf-8").splitlines():
        names = line.split("#", 1)[0].split()
        for name in names:
            forms.setdefault(name, set()).update(other for other in names if other != name)
    return {name: frozenset(others) for name, others in forms.items()}


def _other_forms(first: str) -> frozenset[str]:
    """The names `data/given_name_forms.txt` gives a first name."""
    return _given_name_forms().get(first, frozenset())


@big_cache(500_000)
def _last(a: str, b: str) -> str:
    """`compare_last` with hyphenated surnames read as compound ones, remembered."""
    if a == b:
        return SAME
    return compare_last(a.replace("-", " "), b.replace("-", " "))
