"""Names as evidence: how two records' names agree (nicknames, typos, swapped order, pinyin), what
that is worth (more for a rare name), and what a nameless record's address says about the other.

Part of scoring one pair (`knowme.dedupe.scoring`); the other kinds of evidence are in `knowme.dedupe.evidence`.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from knowme.dedupe.evidence import Names, Tally, one_profile, personal_key
from knowme.dedupe.matchitem import latin_letters, name_from_address, name_from_slug
from knowme.dedupe.namesim import (
    COMPATIBLE_FIRST,
    COMPATIBLE_LAST,
    DIFFERENT,
    INITIAL,
    MISSING,
    NICK,
    PARTIAL,
    SAME,
    TYPO,
    compare_first,
    compare_last,
    mail_spellings,
    nick_forms,
    orgs_agree,
)
from knowme.runtime import big_cache

if TYPE_CHECKING:
    from knowme.dedupe.matching import MatchItem, Stats

# ---- names (points, roughly log10 odds; rarity adds up to 4 more)
PINYIN_READING = 2.0  # homophones abound in pinyin: a hint, never a merge by itself
ADDRESS_SPELLS_NAME = 2.5  # a nameless record's address spells the other's name (jsmith@)
ADDRESS_FIRST_NAME = 1.5  # ... starts with the other's first name
ADDRESS_SOMEONE_ELSE = -3.0  # ... ends with the surname but starts with another initial
ADDRESS_SPELLS_MANY = 3  # ... could spell this many names here or more: one of them, not asked about by itself
ADDRESS_ONE_OF_MANY = 1.0  # (jsmith@ among John, Jane and Jim Smith: 1 in 30 such questions found the card's person)
MAILNAME_FITS = 3.0  # a name read from an address fits the other's name
MAILNAME_OTHER = -3.0  # ... names someone else
FULL_NAME = 4.0  # first name and surname agree (plus the name's rarity)
PART_NOT_EXACT = 0.5  # less for each of first name and surname that agrees only as a nickname or typo
SWAPPED = 1.0  # less for a name whose order is swapped
INITIAL_NAME = 1.5  # an initial and the surname agree (plus half the rarity)
ONE_PART = 1.0  # one side has only a first name (or only a surname)
RARE_FIRST_BONUS = 1.0  # ... and that first name is held by few records
RARE_FIRST_HOLDERS = 12
OTHER_FIRST = -6.0
OTHER_SURNAME = -3.0
OTHER_NAMES = -10.0
OTHER_GENERATION = -6.0  # Jr. and Sr.: a father and a son of one name
OTHER_MIDDLE = -3.0  # middle names with different initials
COMMON_BELOW = 0.5  # a name rarer than this is "a common name"
RARE_FROM = 3.0  # ... and from this on "a rare name"


_NOT_LETTER = re.compile("[^a-z]+")
_RANK = {SAME: 0, NICK: 1, TYPO: 2, PARTIAL: 3, INITIAL: 4, MISSING: 5, DIFFERENT: 6}


# Candidate pairs repeat the same few first names and surnames in many combinations: 200k distinct
# full-name pairs at 100k records come from 60k first-name and 26k surname pairs, so each comparison
# is made once per name pair rather than once per full-name pair.
_compare_first = big_cache(500_000)(compare_first)
_compare_last = big_cache(500_000)(compare_last)


def _best(x: str, y: str) -> str:
    return x if _RANK[x] <= _RANK[y] else y


def _first_best(a: MatchItem, b: MatchItem, stats: Stats) -> tuple[str, str, bool]:
    """First- and last-name agreement, trying the swapped order too ("Smith Robert")."""
    fk, lk, swapped = _agreement(a.first, a.last, b.first, b.last, stats.common_firsts)
    if fk == DIFFERENT and not swapped and (a.first in b.firsts or b.first in a.firsts) and (
            a.firsts != nick_forms(a.first) or b.firsts != nick_forms(b.first)):
        fk = NICK  # a NICKNAME field on one side: Elizabeth "Betty" and Betty; not Anthony "Tony" and
        # Shelly, whose forms meet only in a third name (the table lists Tony and Shelly both under Shelton)
    elif fk == DIFFERENT and not swapped and stats.given_names and _given(a.first, b.first, stats):
        fk = NICK  # Gabi / Gabriela: names this book writes for one person
    if lk == DIFFERENT and not swapped and (a.last in b.middle or b.last in a.middle):
        lk = PARTIAL
    return fk, lk, swapped


def _given(x: str, y: str, stats: Stats) -> bool:
    return (min(x, y), max(x, y)) in stats.given_names


@big_cache(500_000)
def _crossed(x: str, y: str, common: frozenset[str]) -> str:
    """How a first name and a surname agree when either may be either (swapped order): spelled alike
    (the same, a typo) or as a nickname the table gives, not by the letters a pet form the table lacks
    keeps (`namesim._pet_form`), which a first name and someone else's surname share by chance: Dann
    and Hofmann ("ann"), Gerta and Ruppersberger ("ger") made Dann Ruppersberger and Gerta Hofmann, who
    gave one street, one person with the name order swapped (merged on the million-record scale books)."""
    first = _compare_first(x, y, common)
    if first == NICK and not nick_forms(x) & nick_forms(y):
        first = DIFFERENT
    return _best(first, _compare_last(x, y))


@big_cache(500_000)
def _agreement(af: str, al: str, bf: str, bl: str, common: frozenset[str]) -> tuple[str, str, bool]:
    fk = _compare_first(af, bf, common)
    lk = _compare_last(al, bl)
    if fk in COMPATIBLE_FIRST and lk in COMPATIBLE_LAST:
        return fk, lk, False
    if af and al and bf and bl:
        # which side is swapped is unknown, so each crossed pair may be two first names or two surnames
        fs = _crossed(af, bl, common)
        if fs in (SAME, NICK, TYPO):
            ls = _crossed(al, bf, common)
            if ls in (SAME, NICK, TYPO, PARTIAL):
                return fs, (TYPO if ls == NICK else ls), True
    return fk, lk, False


def _name_phrase(a: MatchItem, b: MatchItem, fk: str, lk: str, swapped: bool, stats: Stats) -> str:
    """How two names that agree are alike: the parts that differ, side by side ("similar names (Hall ~
    Hll)"), with no percentage, which told less and sometimes the opposite: the full names' sorted-word
    similarity read "names 53% similar (Hall ~ Hll)" for Heidi Hall and Heidi Hll (the sort put "hall"
    before "heidi" and "hll" after it), and a nickname's letters say nothing of whether it is one name
    (Bob ~ Robert). Only where no part is shown does a figure say how alike: the names' own similarity
    in their written order. The wording's shape ("similar names") is the one the pair groups know."""
    if fk == SAME and lk == SAME:
        return f"same name ({a.display or f'{a.first} {a.last}'.strip()})"
    detail = []
    if swapped:
        detail.append("name order swapped")
    if fk in (NICK, TYPO, INITIAL) and a.first != b.first:
        detail.append(f"{a.first.title()} ~ {b.first.title()}{_first_kind(a, b, fk, stats)}")
    if lk in (TYPO, PARTIAL) and a.last != b.last:
        detail.append(f"{a.last.title()} ~ {b.last.title()}")
    if detail:
        return f"similar names ({', '.join(detail)})"
    na, nb = f"{a.first} {a.last}".strip(), f"{b.first} {b.last}".strip()
    return f"names {round(fuzz.ratio(na, nb))}% similar"


def _first_kind(a: MatchItem, b: MatchItem, fk: str, stats: Stats) -> str:
    """Why two first names that differ are one person's: a nickname, the book's usage, one profile."""
    if fk != NICK:
        return ""
    if a.firsts & b.firsts:
        return " nickname"
    return " as this book writes one person" if _given(a.first, b.first, stats) else " on one LinkedIn profile"


def address_spellings(items: Sequence[MatchItem]) -> Counter[str]:
    """How many names here each nameless card's address could spell (`mail_spellings`): jsmith@ is one
    of John, Jane and Jim Smith's when the book holds all three. Only the names whose surname, or first
    name and surname's initial, make an address are spelled out: this costs little however big the book."""
    aliases = {item.alias for item in items if item.alias and not item.has_name}
    if not aliases:
        return Counter()
    ends = {part for alias in aliases for i in range(1, len(alias)) for part in (alias[:i], alias[i:])}
    counts: Counter[str] = Counter()
    for first, firsts, last in {(item.first, item.firsts, item.last) for item in items
                                if item.first and item.last and not item.mailname}:
        letters = _letters(last)
        if letters in ends or any(_letters(form) + letters[:1] in aliases for form in (first, *firsts)):
            counts.update(aliases.intersection(mail_spellings(first, firsts, last)))
    return counts


def _letters(text: str) -> str:
    """A name's letters as an address spells them (`mail_spellings`)."""
    return text if text.isascii() and text.isalpha() else _NOT_LETTER.sub("", text)


def name_agreement(a: MatchItem, b: MatchItem, stats: Stats) -> tuple[str, str, bool]:
    """How the first names and surnames of two records in one script agree, and whether swapped."""
    fk, lk, swapped = _first_best(a, b, stats)
    if a.reading and b.reading and (fk, lk) != (SAME, SAME) and sorted(a.first + a.last) == sorted(b.first + b.last):
        return SAME, SAME, False  # 孙桂英 and 桂英 孙: one name, split or ordered two ways
    if lk == DIFFERENT and fk in (SAME, NICK, TYPO) and not swapped and _mistyped(a.last, b.last) and \
            _one_surname(a, b, fk, stats):
        return fk, TYPO, swapped
    if fk == DIFFERENT and lk in (SAME, TYPO) and not swapped and one_profile(a, b, stats):
        return NICK, lk, swapped  # Ola / Aleksandra, Jason / Xiaoming: one person's two given names
    if fk == DIFFERENT and lk in (SAME, TYPO) and not swapped and _same_full_birthday(a, b):
        if a.firsts & b.firsts:
            return NICK, lk, swapped  # Tony / Ant, both Anthony's, born the same day (`namesim._related`)
        if personal_key(a, b, stats):
            return TYPO, lk, swapped  # Rhonda / Rhoda on one person's own mailbox, born the same day
    if fk == DIFFERENT and lk in (SAME, TYPO) and not swapped and a.emails and b.emails and any(
            one_name_on_mailbox(a.first, b.first, e) for e in a.emails if e in b.emails):
        return TYPO, lk, swapped
    return fk, lk, swapped


def one_name_on_mailbox(x: str, y: str, mailbox: str) -> bool:
    """Two first names on a mailbox that spells one of them (marvin.foley@ on the cards of Marvin Foley
    and Mrv Foley, mary_smith96@ on Mary's and May's): the other is that name shortened or mistyped,
    its letters in order within it; or the address spells the formal name both are pet forms of
    (john.mendez@ on Jon's and Jock's). A partner's first name on the family's address is neither."""
    spelled = name_from_address(mailbox)
    if not spelled or min(len(x), len(y)) < 3:
        return False
    first = spelled[0]
    if first in (x, y):
        other = y if x == first else x
        return _letters_in_order(other, first)
    return first in nick_forms(x) and first in nick_forms(y)


def _letters_in_order(short: str, name: str) -> bool:
    rest = iter(name)
    return len(short) < len(name) and all(ch in rest for ch in short)


def _mistyped(x: str, y: str) -> bool:
    """A surname two typos at most from the other (Wadr / Ward, Ksiezak / Ksi Ak): with the same first
    name on one person's own email, phone or profile, or with the same full birthday at the same
    street, one name mistyped, not a relative (a partner, a child or a twin bears another first name,
    a father another birthday, and a household's address is not one person's)."""
    return min(len(x), len(y)) >= 3 and OSA.distance(x, y, score_cutoff=2) <= 2


def _one_surname(a: MatchItem, b: MatchItem, fk: str, stats: Stats) -> bool:
    """Whether two surnames a typo or two apart are one (see `_mistyped`): with the same first name, on
    one person's own key, or with one full birthday where one letter is dropped (`letter_dropped`), at
    one street or on a mailbox that spells the name with each surname a typo from its own (Nancy Mois
    and Nancy Msos on nancy_moss38@, a family's address), or with one letter dropped at one firm
    (`_dropped_at_one_firm`); with a first name mistyped too (Tffany Ward / Tifafny Wrd), on one
    person's own key with one full birthday."""
    born = _same_full_birthday(a, b)
    if fk != SAME:
        return born and personal_key(a, b, stats)
    return personal_key(a, b, stats) or born and (
        letter_dropped(a.last, b.last) or not set(a.streets).isdisjoint(b.streets) or _mailbox_surname(a, b)) \
        or _dropped_at_one_firm(a, b)


def _dropped_at_one_firm(a: MatchItem, b: MatchItem) -> bool:
    """A short surname with a letter left out (`letter_dropped`) on two cards of one first name at one firm
    (Heidi Hall and Heidi Hll at Hicksly): one name mistyped, as with one birthday. Two colleagues of one
    first name whose surnames are a letter apart are rarer than a typo; the name then weighs as any at
    the firm (`knowme.dedupe.scoring._rarity_at_work`): common at a big one, it is still asked. On
    generated books of 20,000 people every such pair was one person (47 pairs), where the same pairs
    at two firms or with no firm on one card were one person half the time."""
    return bool(a.org and b.org) and orgs_agree(a.org, b.org) and letter_dropped(a.last, b.last)


def _mailbox_surname(a: MatchItem, b: MatchItem) -> bool:
    """A mailbox both give spells the first name and a surname one typo from each of theirs."""
    for email in a.emails:
        spelled = name_from_address(email) if email in b.emails else None
        if spelled and spelled[0] == a.first and all(OSA.distance(x, spelled[1], score_cutoff=1) <= 1
                                                      for x in (a.last, b.last)):
            return True
    return False


def letter_dropped(x: str, y: str) -> bool:
    """A short surname with one letter left out (Snow / Snw, Rich / Rih): too short to be read as a
    typo by itself (Kan and Khan are two names), one name mistyped when the first name and the full
    birthday agree, as no relative bears the same first name and birthday under another surname."""
    return abs(len(x) - len(y)) == 1 and min(len(x), len(y)) >= 3 and OSA.distance(x, y) == 1


def script_evidence(a: MatchItem, b: MatchItem, tally: Tally) -> None:
    """Names in two scripts: compared through a Chinese name's pinyin reading."""
    han, other = (a, b) if a.reading else (b, a)
    if han.reading and han.reading == (other.reading or latin_letters(other.first, other.last)):
        tally.add(PINYIN_READING, f"the names agree read as pinyin ({han.display} / {other.display})")
    else:
        tally.reasons.append(f"names in different scripts ({a.display} / {b.display})")


def spelled_in_pinyin(a: MatchItem, b: MatchItem) -> bool:
    """Whether one card writes a Chinese name in characters, its surname and given name apart (高 建华),
    and the other spells each part in pinyin, in either order (Gao Jianhua, Jianhua Gao): one name in two
    scripts, as far as pinyin tells homophones apart. A name written in one piece (朱梓涵) meets a Latin
    one only by the letters of the whole, which other names share (Zhu Zihan, Zhi Zuhan); a name read from
    an address is no card's own word."""
    han, other = (a, b) if a.reading else (b, a)
    if not (han.reading and han.first and han.last and other.latin) or han.mailname or other.mailname:
        return False
    given, family = _pinyin(han.first), _pinyin(han.last)
    spelled = (_NOT_LETTER.sub("", other.first), _NOT_LETTER.sub("", other.last))
    return spelled in ((given, family), (family, given))


@big_cache(50_000)
def _pinyin(text: str) -> str:
    """The pinyin letters of a name in characters (建华 -> jianhua)."""
    from pypinyin import lazy_pinyin  # loaded already: the card's reading needed it

    return _NOT_LETTER.sub("", "".join(lazy_pinyin(text)).lower())


def name_evidence(a: MatchItem, b: MatchItem, stats: Stats, names: Names, tally: Tally, explain: bool) -> None:
    """Points for names that agree (more for a rare name), hard points against names that differ."""
    fk, lk = names.fk, names.lk
    first_ok, last_ok = fk in COMPATIBLE_FIRST, lk in COMPATIBLE_LAST
    if not names.named:
        if a.has_name != b.has_name:
            _nameless_evidence(a, b, stats, tally)
    elif names.mailname:  # a name read from an address: a hint, not the person's own word
        spelled = _address_read(a if a.mailname else b)
        if names.full_match:
            names.mail_full = True
            names.full_match = False
            tally.add(MAILNAME_FITS, f"the address {spelled} spells the name")
        elif names.name_conflict:
            tally.against(MAILNAME_OTHER, f"the address {spelled} names someone else")
    elif names.full_match or (fk == INITIAL and lk in (SAME, TYPO)):
        rarity = names.rarity = min(stats.name_rarity(a.first, a.last), stats.name_rarity(b.first, b.last))
        source = same_name_source(a, b)
        names.common = max(stats.namesakes(a.first, a.last, source), stats.namesakes(b.first, b.last, source)) > 1 \
            or rarity < COMMON_BELOW
        if names.full_match:
            tally.pts += FULL_NAME - PART_NOT_EXACT * (fk != SAME) - PART_NOT_EXACT * (lk != SAME) - \
                SWAPPED * names.swapped + rarity
        else:
            tally.pts += INITIAL_NAME + rarity / 2
        phrase = _name_phrase(a, b, fk, lk, names.swapped, stats) if explain else "names agree"
        tally.reasons.append(phrase + (", a common name" if names.common else
                                       ", a rare name" if rarity >= RARE_FROM else ""))
    elif first_ok and last_ok:  # one side has only a first name (or only a surname)
        rare_first = fk in (SAME, NICK) and stats.first[a.first] + stats.first[b.first] < RARE_FIRST_HOLDERS
        tally.add(ONE_PART + RARE_FIRST_BONUS * rare_first,
                  f"first names agree ({a.first.title()} ~ {b.first.title()}), one has no surname"
                  if a.first and b.first else "surnames agree, one has no first name")
    elif _typos_apart(a, b, first_ok, last_ok):
        names.name_conflict = False  # two typos of one name (Roger Mahe / Roger Mhe): a question, never a merge
        tally.reasons.append(f"names alike, two typos apart ({a.display} / {b.display})")
    elif not first_ok and last_ok:
        tally.against(OTHER_FIRST, f"different first names ({a.first.title()} / {b.first.title()})")
    elif first_ok and not last_ok:
        tally.against(OTHER_SURNAME, f"different surnames ({a.last.title()} / {b.last.title()})")
    else:
        tally.against(OTHER_NAMES, f"different names ({a.display} / {b.display})")


def same_name_source(a: MatchItem, b: MatchItem) -> int:
    """The source both records come from when they bear one name exactly, else -1: the two records a
    count of that name's bearers there must not count as evidence about themselves (`Stats.namesakes`)."""
    return a.source if a.source == b.source and a.first == b.first and a.last == b.last else -1


def _same_full_birthday(a: MatchItem, b: MatchItem) -> bool:
    return bool(a.birthday and a.birthday[0] and a.birthday == b.birthday)


def _typos_apart(a: MatchItem, b: MatchItem, first_ok: bool, last_ok: bool) -> bool:
    """Names one part of which is two typos from the other's (a surname of five letters or more, a first
    name of six; one typo in a first name of five, Rhoda / Rhonda), the other part agreeing, and the same
    full birthday: one name mistyped, a question rather than two people."""
    if not _same_full_birthday(a, b):
        return False
    if first_ok and not last_ok:
        x, y, shortest = a.last, b.last, 5
    elif last_ok and not first_ok:
        x, y, shortest = a.first, b.first, 6
    else:
        return False
    typos = OSA.distance(x, y, score_cutoff=2)
    return min(len(x), len(y)) >= shortest and typos <= 2 or min(len(x), len(y)) >= 5 and typos <= 1


def _address_read(item: MatchItem) -> str:
    """The address or profile a record's name was read from, for a reason's words (which group the
    queue by shape: an address drops out of the shape, a name would not)."""
    read = (*(e for e in item.emails if name_from_address(e)), *(u for u in item.urls if name_from_slug(u)))
    return read[0] if read else item.display


def _nameless_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: Tally) -> None:
    """One record has no name: does its address spell the other's name, or someone else's? An address
    that could spell several names here is only one of them's (`address_spellings`)."""
    tally.reasons.append("one of them has no name")
    anon, other = (a, b) if not a.has_name else (b, a)
    spelled = mail_spellings(other.first, other.firsts, other.last) if other.first and other.last else frozenset()
    if anon.alias and anon.alias in spelled:
        names_here = stats.spelled[anon.alias]
        if names_here >= ADDRESS_SPELLS_MANY:
            tally.add(ADDRESS_ONE_OF_MANY, f"the address {anon.display} could spell {names_here} names here "
                                           f"({other.display} among them)")
        else:
            tally.add(ADDRESS_SPELLS_NAME, f"the address {anon.display} spells the name ({other.display})")
    elif anon.alias and other.first and compare_first(anon.alias, other.first) in (SAME, NICK):
        tally.add(ADDRESS_FIRST_NAME,
                  f"the address {anon.display} starts with the first name ({other.first.title()})")
    elif anon.alias and other.first and len(other.last) > 2 and anon.alias.endswith(other.last) and \
            len(anon.alias) > len(other.last) and not any(f.startswith(anon.alias[0]) for f in other.firsts):
        tally.against(ADDRESS_SOMEONE_ELSE, f"the address {anon.display} looks like someone else's")


def generation_evidence(a: MatchItem, b: MatchItem, names: Names, tally: Tally) -> None:
    """One full name, two people: a Jr. and a Sr. (or II and III), or middle names that start apart
    (John R. Keller / John T. Keller). Either stops a merge, and any chain through the pair."""
    if a.generation and b.generation and a.generation != b.generation:
        tally.against(OTHER_GENERATION, f"two generations of one name ({a.generation.title()} / {b.generation.title()})")
    elif a.middle and b.middle and names.lk != PARTIAL and a.middle[0][:1] != b.middle[0][:1]:
        tally.against(OTHER_MIDDLE, f"different middle names ({a.middle[0].title()} / {b.middle[0].title()})")
