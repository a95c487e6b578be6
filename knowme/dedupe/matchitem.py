"""What matching needs of one record, folded once: the `MatchItem`.

The stored name key (`records.first/last`) is the starting point; a few repairs make it
comparable across sources: "Duncan, Samantha" typed into the first-name field, credentials
after the surname ("Jones, PhD"), a Japanese name whose kana reading meets its romanised
form, a record with no name (or initials, or a first name only) whose address or LinkedIn
slug spells the name, and an organisation filed as if it were a person ("Bennett Ltd").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nameparser.config import CONSTANTS
from phonenumbers import country_code_for_region
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from knowme.dedupe.kana import is_kana, romaji
from knowme.dedupe.namesim import mail_alias, nick_forms, org_key
from knowme.model import Record
from knowme.normalize import ROLE_LOCALPARTS, fold, is_role_address, name_key
from knowme.postal import parse_postal
from knowme.runtime import big_cache, register_cache

_BIRTHDAY = re.compile(r"^(?:(\d{4})|--)-?(\d{2})-?(\d{2})")
_BIRTHDAY_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_LOCAL_SPLIT = re.compile(r"[._-]")
ALPHA = re.compile(r"[^a-z]")
_SUFFIXES = frozenset(CONSTANTS.suffix_acronyms) | frozenset(CONSTANTS.suffix_not_acronyms)


@dataclass(slots=True)
class MatchItem:
    """What matching needs of one record, folded once."""

    rid: int
    pid: int
    rkey: str
    source: int
    first: str
    last: str
    middle: tuple[str, ...]
    firsts: frozenset[str]  # the first name and the formal names it is a nickname of
    display: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    urls: tuple[str, ...]
    domains: tuple[str, ...]
    org: str  # organisation key (folded, legal suffixes dropped)
    org_text: str
    title: str
    birthday: tuple[str, str, str] | None  # (year or "", month, day)
    connected: bool
    mailname: bool = False  # first/last were read from the email address or profile URL
    alias: str = ""  # letters of the address's local part, for a record without a name
    latin: bool = True  # the name is written in Latin letters (after folding accents)
    reading: str = ""  # a Chinese name's pinyin letters, sorted: 朱梓涵 meets Zihan Zhu whatever the order
    streets: tuple[str, ...] = ()  # postal addresses' house number and street ("12 oak"), see knowme.postal
    postcodes: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    loose_phones: tuple[str, ...] = ()  # last nine digits of phones that gave no number (see `loose_tails`)
    native: str = ""  # a name in Chinese or Japanese characters as written, before any reading or guess
    note: str = ""  # the record's note, folded ("worked together at acme corp")
    generation: str = ""  # "jr", "sr", "ii", "iii", "iv" when the name carries one
    countries: tuple[str, ...] = ()  # calling codes of its phones and mail domains' countries ("44")

    @property
    def has_name(self) -> bool:
        return bool(self.first or self.last)


_interned: dict[str, str] = {}  # one copy of each repeated value (domains, names, cities) across the items
register_cache(_interned)


def _intern(text: str) -> str:
    return _interned.setdefault(text, text)


def parse_birthday(text: str) -> tuple[str, str, str] | None:
    """(year or "", month, day) of a vCard/CSV birthday; None when absent or unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    match = _BIRTHDAY.match(text)
    if match:
        return (match.group(1) or "", match.group(2), match.group(3))
    match = _BIRTHDAY_US.match(text)
    if match:
        return (match.group(3), f"{int(match.group(1)):02d}", f"{int(match.group(2)):02d}")
    return None


def name_from_address(email: str) -> tuple[str, str] | None:
    """("joseph", "cortez") from joseph.cortez@...; None when the local part is not plainly a name."""
    if is_role_address(email):
        return None
    local = email.rpartition("@")[0]
    parts = [p for p in _LOCAL_SPLIT.split(local.rstrip("0123456789")) if p]
    if len(parts) != 2 or not all(p.isalpha() and len(p) >= 2 for p in parts):
        return None
    return parts[0], parts[1]


def name_from_slug(url: str) -> tuple[str, str] | None:
    """("joseph", "petit") from linkedin.com/in/joseph-petit-a0148d; None when the slug is not a name."""
    parts = url.rpartition("/")[2].split("-")
    if parts and any(ch.isdigit() for ch in parts[-1]):
        parts = parts[:-1]
    if len(parts) != 2 or not all(p.isalpha() and len(p) >= 2 for p in parts):
        return None
    return parts[0], parts[1]


@big_cache(100_000)
def _strip_credentials(last: str) -> str:
    """"jones phd" -> "jones": trailing suffixes and credentials are not part of the surname."""
    words = last.split(" ")
    while len(words) > 1 and words[-1].replace(".", "") in _SUFFIXES:
        words.pop()
    return " ".join(words)


_NOT_DIGIT = re.compile(r"\D")
TAIL = 9  # digits that identify a phone number whatever prefix it was written with


def loose_tails(raw_phones: Iterable[str], phones: Iterable[str]) -> tuple[str, ...]:
    """The last nine digits of each phone written in a form that gave no number (`07700 900632`,
    a UK mobile in its national form, in a book read as American; `0033 6 39 98 95 23`): the
    same number under its international form elsewhere still ends in those digits."""
    keyed = tuple(_NOT_DIGIT.sub("", p) for p in phones)
    tails = []
    for raw in raw_phones:
        digits = _NOT_DIGIT.sub("", raw)
        if len(digits) >= TAIL and not any(k.endswith(digits) for k in keyed):
            tails.append(digits[-TAIL:])
    return tuple(dict.fromkeys(tails))


_VANITY_TLDS = frozenset({"io", "co", "me", "tv", "ai", "ly", "fm", "am", "to", "cc", "ws", "so", "gg", "im"})


@big_cache(4096)
def calling_code(key: str) -> str:
    """"44" for +447700900632: country calling codes are prefix-free, so the first that exists is it."""
    for size in (1, 2, 3):
        if int(key[1:1 + size] or 0) in COUNTRY_CODE_TO_REGION_CODE:
            return key[1:1 + size]
    return ""


def countries(phones: Iterable[str], domains: Iterable[str]) -> tuple[str, ...]:
    """Where a record's phones are (their calling codes) and its mail domains' countries (.pl, .co.uk)."""
    found = [calling_code(p[:4]) for p in phones]
    found.extend(_domain_country(domain.rpartition(".")[2]) for domain in domains)
    return tuple(dict.fromkeys(code for code in found if code))


@big_cache(4096)
def _domain_country(tld: str) -> str:
    """"48" for .pl, "44" for .uk; "" for a generic or vanity top-level domain (.com, .io)."""
    if len(tld) != 2 or tld in _VANITY_TLDS:
        return ""
    code = country_code_for_region("GB" if tld == "uk" else tld.upper())
    return str(code) if code else ""


_GENERATIONS = {"jr": "jr", "junior": "jr", "sr": "sr", "senior": "sr", "ii": "ii", "iii": "iii", "iv": "iv"}


# one of those words standing alone in ASCII text, as `fold` would split it (most names hold none;
# "Oliver", "Sriram" and "Ivan" hold the letters inside a word, and folding them found nothing)
_MAYBE_GENERATION = re.compile(r"(?<![a-z0-9])(?:jr|junior|sr|senior|ii|iii|iv)(?![a-z0-9])", re.IGNORECASE)


def generation(*texts: str) -> str:
    """"jr" for John Keller Jr. (in the suffix field, after the surname or in the display name)."""
    for text in texts:
        if text and (not text.isascii() or _MAYBE_GENERATION.search(text)):  # most names: nothing to fold
            for word in reversed(_fold(text).split()):
                if word in _GENERATIONS:
                    return _GENERATIONS[word]
    return ""


def _is_latin(text: str) -> bool:
    return text.isascii()


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@big_cache(50_000)
def han_reading(name: str) -> str:
    """The letters of a name's pinyin, sorted ("朱梓涵", "梓涵 朱" -> the letters of "zhuzihan"), or ""
    when it has no Chinese characters. Sorted letters do not care which part is the surname, nor
    where a romanised spelling splits the syllables (Zihan Zhu, Zhu Zi Han)."""
    if not _HAN.search(name):
        return ""
    from pypinyin import lazy_pinyin  # its dictionary takes a fifth of a second to load: only when needed

    return "".join(sorted(ch for ch in "".join(lazy_pinyin(name)) if "a" <= ch <= "z"))


def latin_letters(first: str, last: str) -> str:
    """A Latin name's letters, sorted: what `han_reading` gives for the same name in pinyin."""
    return "".join(sorted(ch for ch in first + last if "a" <= ch <= "z"))


_fold = big_cache(200_000)(fold)


def _repair_name(first: str, last: str, given: str, family: str, phonetic: str) -> tuple[str, str]:
    if "," in given and not family.strip():  # "Duncan, Samantha" in the first-name column
        key = name_key(Record(formatted_name=given))
        first, last = key.first, key.last
    if " " in last:
        last = _strip_credentials(last)
    if not (_is_latin(first) and _is_latin(last)) and phonetic and is_kana(phonetic):
        parts = romaji(phonetic).split()
        if len(parts) == 2:
            first, last = parts
    return first, last


def _names_the_organisation(okey: str, *names: str) -> bool:
    """Whether one of the ways a record writes its name is its organisation's, alone or with one of
    its desks ("Holt, Reilly and Miller" in the first-name field, "Acme Corp Billing"): two desks of
    one firm are not one person, however rare the firm's name looks as a person's."""
    head = okey.partition(" ")[0]
    for name in names:
        folded = _fold(name)
        # the key's words are the folded name's, less suffixes and punctuation: without the firm's first
        # word the name cannot be the firm's ("and" may come from "&"). A record in three with a firm: a
        # million records' keys took 3.5 s
        if head != "and" and head not in folded:
            continue
        key = org_key(folded) if name.strip() else ""
        if key == okey or (key.startswith(okey + " ") and key[len(okey) + 1:] in ROLE_LOCALPARTS):
            return True
    return False


def make_item(rid: int, pid: int, rkey: str, source: int, first: str, last: str, *, given: str = "",
              middle: str = "", family: str = "", nickname: str = "", phonetic: str = "", display: str = "",
              org: str = "", title: str = "", birthday: str = "", connected: bool = False,
              keys: Iterable[tuple[str, str]] = (), addresses: Iterable[str] = (),
              raw_phones: Sequence[str] = (), note: str = "", suffix: str = "") -> MatchItem:
    """One match item from a record's stored name key, a few of its fields, and its exact keys."""
    emails, phones, urls = [], [], []
    for kind, key in keys:
        (emails if kind == "email" else phones if kind == "phone" else urls).append(key)
    domains = tuple(dict.fromkeys(_intern(e.rpartition("@")[2]) for e in emails))
    native = "" if first.isascii() and last.isascii() else _intern(f"{last} {first}")
    first, last = _repair_name(first, last, given, family, phonetic)
    reading = "" if first.isascii() and last.isascii() else han_reading(f"{first}{last}")  # before an address's guess
    folded_org = _fold(org) if org else ""
    okey = org_key(folded_org) if folded_org else ""
    if okey and (first or last) and _names_the_organisation(okey, f"{first} {last}", f"{given} {family}", display):
        first, last = "", ""  # an organisation (or one of its desks) filed as a person
    mailname, alias = False, ""
    if (emails or urls) and not (_is_latin(first) and _is_latin(last)):  # 英樹 林 whose slug says hideki-hayashi
        guess = next(filter(None, (*(name_from_slug(u) for u in urls), *(name_from_address(e) for e in emails))), None)
        if guess:
            (first, last), mailname = guess, True
    if (emails or urls) and len(last) <= 1 and not mailname:  # no name, initials, a first name only: ask the address
        for guess in (*(name_from_address(e) for e in emails), *(name_from_slug(u) for u in urls)):
            if guess and ((not first and not last) or (not last and nick_forms(first) & nick_forms(guess[0])) or
                          (first[:1] == guess[0][:1] and (len(first) == 1 or guess[0].startswith(first))
                           and (not last or last == guess[1][0]))):
                first = first if len(first) > 1 else guess[0]
                last, mailname = guess[1], True
                break
        else:
            if not first and not last and emails and not is_role_address(emails[0]):
                alias = mail_alias(emails[0])
    first, last = _intern(first), _intern(last)
    firsts = nick_forms(first)
    nick = _fold(nickname).split(" ")[0] if nickname else ""
    if nick and nick != first:
        firsts = firsts | nick_forms(nick)
    if not display:
        display = emails[0] if emails else phones[0] if phones else ""
    streets: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    if addresses:
        postals = [parse_postal(text) for text in addresses if text]
        streets = tuple(dict.fromkeys(_intern(p.street) for p in postals if p.street))
        postcodes = tuple(dict.fromkeys(_intern(p.postcode) for p in postals if p.postcode))
        cities = tuple(dict.fromkeys(_intern(p.city) for p in postals if p.city))
    return MatchItem(rid=rid, pid=pid, rkey=rkey, source=source, first=first, last=last,
                     middle=tuple(_fold(middle).split()) if middle else (), firsts=firsts,
                     display=display, emails=tuple(emails), phones=tuple(phones), urls=tuple(urls), domains=domains,
                     org=_intern(okey), org_text=org.strip(),
                     title=_intern(_fold(title)) if title else "", birthday=parse_birthday(birthday),
                     connected=connected, mailname=mailname, alias=alias,
                     latin=_is_latin(first) and _is_latin(last),
                     reading=reading, streets=streets, postcodes=postcodes, cities=cities,
                     native=native, countries=countries(phones, domains), note=_fold(note) if note else "",
                     generation=generation(suffix, family, display),
                     loose_phones=loose_tails(raw_phones, phones) if len(raw_phones) > len(phones) else ())
