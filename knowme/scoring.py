"""Scoring one candidate pair: evidence for and against, each with a reason a person can check.

Evidence adds up as points (roughly log-odds): a shared personal email or LinkedIn profile is
strong, a rare name matching counts more than a common one, a different employer is weak (old
exports keep old jobs), clearly different first names or birthdays count hard against. Auto-merge
(`sure`) needs more than points: a compatible name and either a strong exact key, a distinctive
name corroborated by the organisation, or a name that nobody else is expected to bear at the one
organisation both records give (a common name at a small firm), and no conflict at all.
Everything plausible short of that is `maybe` (queued for the user); the rest is `different`.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from knowme.matchitem import latin_letters
from knowme.namesim import (
    COMPATIBLE_FIRST,
    DIFFERENT,
    INITIAL,
    MISSING,
    NICK,
    PARTIAL,
    SAME,
    TYPO,
    compare_first,
    compare_last,
    nick_forms,
    org_matches_domain,
    orgs_agree,
)
from knowme.normalize import is_role_address

if TYPE_CHECKING:
    from knowme.matching import MatchItem, Stats

SURE, MAYBE, DIFFERENT_OUTCOME = "sure", "maybe", "different"

# ---- thresholds of the outcome
SURE_POINTS = 8.5  # a distinctive name corroborated by the company (or birthday)
SURE_KEY_POINTS = 7.5  # a shared email, phone or profile with a name that fits
RARE_ALONE = 3.5  # -log10 of the expected number of other people bearing the name
MAYBE_POINTS = 2.0
RARE_AT_WORK = 3.0  # -log10 of the expected number of other bearers of a name at one organisation
DISTINCTIVE = 1.0  # the least name rarity for a name corroborated by the company to merge
COMMON_BELOW = 0.5  # a name rarer than this is "a common name"
RARE_FROM = 3.0  # ... and from this on "a rare name"
CROWDED = 8  # an exact key held by more records than this is shared by many (role, office line)
SCORE_CENTRE, SCORE_SPREAD = 5.0, 2.0  # points -> a score in [0, 1] (logistic)

# ---- names (points, roughly log10 odds; rarity adds up to 4 more)
PINYIN_READING = 2.0  # homophones abound in pinyin: a hint, never a merge by itself
ADDRESS_SPELLS_NAME = 2.5  # a nameless record's address spells the other's name (jsmith@)
ADDRESS_FIRST_NAME = 1.5  # ... starts with the other's first name
ADDRESS_SOMEONE_ELSE = -3.0  # ... ends with the surname but starts with another initial
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

# ---- exact keys
SAME_PROFILE = 12.0
OTHER_PROFILES = -8.0
SAME_EMAIL = 9.0
SAME_PHONE = 7.0
PHONE_OTHER_PREFIX = 6.0  # the same last nine digits under another country code
SHARED_EMAIL = 2.0  # held by people with other first names (a household or family address)
SHARED_PHONE = 1.5
CROWDED_EMAIL = 1.0
CROWDED_PHONE = 1.0
CROWDED_ROLE = 0.5  # info@ held by many records
NAMELESS_ROLE = 8.0  # a role or list address held by a record that names nobody
PERSON_ROLE = 0.5  # a role address both people give ...
PERSON_ROLE_NAMED = 1.5  # ... more when their full names agree
RIVAL_EMAILS = -2.0  # two addresses at one organisation's own domain
OTHER_EMAILS = -0.5
OTHER_PHONES = -0.5

# ---- organisation, title, birthday, source
SAME_ORG = 2.0  # plus the organisation's rarity
OTHER_ORG = -1.0  # different companies, maybe an old job
ORG_DOMAIN = 2.5  # one's company is the other's mail domain
SAME_TITLE = 1.0
SAME_BIRTHDAY = 3.0
OTHER_BIRTHDAY = -10.0
SAME_SOURCE = -0.5  # one address book rarely holds one person twice

# ---- fitted odds (log10): how much more often one person's two records agree on a value than two of
# this workspace's people do, from the value's share here (`Stats.value_weight`), for a full name that
# agrees; a merge needs FITTED_SURE (one in a thousand) and a birthday, workplace or key besides the name
# How often one person's two records agree on a birthday, street, postcode or city (m) is learnt per
# workspace (knowme.fitting, `Stats.m`); so is how much a disagreement counts against (`Stats.disagreement`).
FITTED_SURE = 3.0
OTHER_EMAILS_ODDS = -0.15  # people hold several addresses
OTHER_PHONES_ODDS = -0.15
OTHER_ORG_ODDS = -0.3
SAME_ORG_ODDS = 1.5  # plus the organisation's rarity
HOUSEHOLD_KEY_ODDS = 1.0  # an address or phone shared with someone else too
PLACE_POINTS = 0.5  # points per log10 of a shared place (street, postcode, city) for the queue's order


@dataclass(slots=True)
class Evidence:
    """The verdict on one pair: a score in [0, 1], the outcome, and why."""

    score: float
    outcome: str
    reasons: list[str] = field(default_factory=list)
    points: float = 0.0
    conflict: bool = False  # something says these are two people (chaining guard uses it)


_RANK = {SAME: 0, NICK: 1, TYPO: 2, PARTIAL: 3, INITIAL: 4, MISSING: 5, DIFFERENT: 6}


# Candidate pairs repeat the same few first names and surnames in many combinations: 200k distinct
# full-name pairs at 100k records come from 60k first-name and 26k surname pairs, so each comparison
# is made once per name pair rather than once per full-name pair.
_compare_first = functools.lru_cache(maxsize=500_000)(compare_first)
_compare_last = functools.lru_cache(maxsize=500_000)(compare_last)


def _best(x: str, y: str) -> str:
    return x if _RANK[x] <= _RANK[y] else y


def _first_best(a: MatchItem, b: MatchItem, stats: Stats) -> tuple[str, str, bool]:
    """First- and last-name agreement, trying the swapped order too ("Smith Robert")."""
    fk, lk, swapped = _agreement(a.first, a.last, b.first, b.last, stats.common_firsts)
    if fk == DIFFERENT and not swapped and a.firsts & b.firsts and (
            a.firsts != nick_forms(a.first) or b.firsts != nick_forms(b.first)):
        fk = NICK  # a NICKNAME field on one side
    if lk == DIFFERENT and not swapped and (a.last in b.middle or b.last in a.middle):
        lk = PARTIAL
    return fk, lk, swapped


@functools.lru_cache(maxsize=500_000)
def _crossed(x: str, y: str, common: frozenset[str]) -> str:
    """How a first name and a surname agree when either may be either (swapped order)."""
    return _best(_compare_first(x, y, common), _compare_last(x, y))


@functools.lru_cache(maxsize=500_000)
def _agreement(af: str, al: str, bf: str, bl: str, common: frozenset[str]) -> tuple[str, str, bool]:
    fk = _compare_first(af, bf, common)
    lk = _compare_last(al, bl)
    if fk in COMPATIBLE_FIRST and lk in (SAME, TYPO, PARTIAL, MISSING):
        return fk, lk, False
    if af and al and bf and bl:
        # which side is swapped is unknown, so each crossed pair may be two first names or two surnames
        fs = _crossed(af, bl, common)
        if fs in (SAME, NICK, TYPO):
            ls = _crossed(al, bf, common)
            if ls in (SAME, NICK, TYPO, PARTIAL):
                return fs, (TYPO if ls == NICK else ls), True
    return fk, lk, False


def _name_phrase(a: MatchItem, b: MatchItem, fk: str, lk: str, swapped: bool) -> str:
    na, nb = f"{a.first} {a.last}".strip(), f"{b.first} {b.last}".strip()
    pct = round(fuzz.token_sort_ratio(na, nb))
    if fk == SAME and lk == SAME:
        return f"same name ({a.display or na})"
    detail = []
    if swapped:
        detail.append("name order swapped")
    if fk in (NICK, TYPO, INITIAL) and a.first != b.first:
        detail.append(f"{a.first.title()} ~ {b.first.title()}" + (" nickname" if fk == NICK else ""))
    if lk in (TYPO, PARTIAL) and a.last != b.last:
        detail.append(f"{a.last.title()} ~ {b.last.title()}")
    return f"names {pct}% similar" + (f" ({', '.join(detail)})" if detail else "")


def _personal(item: MatchItem) -> bool:
    """The record names a person (first and last name of its own), not a list, a desk or nobody."""
    return bool(item.first and item.last and not item.mailname)


def _spellings(item: MatchItem) -> set[str]:
    """How a mail address would spell this name: johnsmith, jsmith, smithjohn, johns (nicknames too)."""
    last = "".join(ch for ch in item.last if "a" <= ch <= "z")
    out: set[str] = set()
    for form in sorted(item.firsts)[:4]:
        first = "".join(ch for ch in form if "a" <= ch <= "z")
        if first and last:
            out.update((first + last, first[0] + last, last + first, first + last[0]))
    return out


def _any_shared(a: MatchItem, b: MatchItem) -> bool:
    """Any exact key in common (a phone under another country code included)."""
    if a.emails and b.emails and not set(a.emails).isdisjoint(b.emails):
        return True
    if a.urls and b.urls and not set(a.urls).isdisjoint(b.urls):
        return True
    return bool(a.phones and b.phones and not {p[-9:] for p in a.phones}.isdisjoint(p[-9:] for p in b.phones))


def _shared(x: tuple[str, ...], y: tuple[str, ...]) -> list[str]:
    return [v for v in x if v in y] if x and y else []


@dataclass(slots=True)
class _Tally:
    """The running verdict on one pair while each kind of evidence adds its points and words."""

    pts: float = 0.0
    reasons: list[str] = field(default_factory=list)
    conflict: bool = False
    strong: int = 0  # exact identity keys shared (email, phone, profile) that are not household keys
    odds: float = 0.0  # fitted log10 odds of the fields besides the name (see FITTED_SURE)
    anchor: str = ""  # what besides the name and the place says one person: "birthday", "company", ...

    def add(self, points: float, reason: str) -> None:
        self.pts += points
        self.reasons.append(reason)

    def against(self, points: float, reason: str) -> None:
        """Evidence that says two people: it also stops any chain through this pair."""
        self.pts += points
        self.conflict = True
        self.reasons.append(reason)


@dataclass(slots=True)
class _Names:
    """How the two names agree, worked out once for the other kinds of evidence and the outcome."""

    named: bool  # both have a name, in the same script
    fk: str  # first-name agreement (namesim's SAME, NICK, ...)
    lk: str  # surname agreement
    swapped: bool
    full_match: bool  # first name and surname agree (a nickname or a typo at most)
    name_conflict: bool
    mailname: bool  # a name read from an address on one side
    mail_full: bool = False  # ... that spells the other's full name
    rarity: float = 0.0
    common: bool = False


def score_pair(a: MatchItem, b: MatchItem, stats: Stats, explain: bool = True) -> Evidence:
    """Score two records: points for and against, the outcome, and the reasons in plain words.

    `explain=False` skips the costlier wording of the name comparison (the chaining guard, which
    needs only the outcome).
    """
    verdicts = stats.verdicts
    verdict = verdicts.get((a.rkey, b.rkey) if a.rkey < b.rkey else (b.rkey, a.rkey)) if verdicts else None
    if verdict == "different":
        return Evidence(0.0, DIFFERENT_OUTCOME, ["you said these are different people"], -99.0, True)
    both_named = bool(a.first or a.last) and bool(b.first or b.last)
    named = both_named and a.latin == b.latin
    fk, lk, swapped = _name_agreement(a, b, stats) if named else (MISSING, MISSING, False)
    name_conflict = named and not (fk in COMPATIBLE_FIRST and lk in _SURNAME_FITS)
    if name_conflict and verdict is None and not (a.mailname or b.mailname) and not _any_shared(a, b) and not (
            a.birthday and a.birthday == b.birthday and a.birthday[0]):  # the common case, decided cheaply
        return Evidence(0.0, DIFFERENT_OUTCOME, [f"different names ({a.display} / {b.display})"], OTHER_NAMES, True)
    tally = _Tally()
    if both_named and not named:
        _script_evidence(a, b, tally)
    names = _Names(named, fk, lk, swapped, fk in (SAME, NICK, TYPO) and lk in (SAME, TYPO, PARTIAL), name_conflict,
                   bool(a.mailname or b.mailname))
    _name_evidence(a, b, stats, names, tally, explain)
    _profile_evidence(a, b, tally)
    rival_mail = _email_evidence(a, b, stats, names, tally)
    shared_household = _phone_evidence(a, b, stats, tally)
    shared_household = shared_household or any(k in stats.household for k in _shared(a.emails, b.emails))
    corroborated, workplace, place = _org_evidence(a, b, stats, tally)
    corroborated = _birthday_evidence(a, b, stats, tally) or corroborated
    if a.streets or a.postcodes or a.cities:
        street = _place_evidence(a, b, stats, tally)
        if street and not tally.anchor and names.full_match and _only_one_born_there(a, b, stats, street):
            tally.anchor = "the only one of that name born there"
    if a.source == b.source:
        tally.pts += SAME_SOURCE
    if verdict == "same":
        return Evidence(1.0, SURE, ["you said these are the same person", *tally.reasons],
                        max(tally.pts, SURE_POINTS), False)
    outcome = _outcome(a, b, stats, names, tally, corroborated, workplace, place, rival_mail, shared_household)
    score = 1.0 / (1.0 + math.exp(-(tally.pts - SCORE_CENTRE) / SCORE_SPREAD))
    return Evidence(round(score, 4), outcome, tally.reasons, round(tally.pts, 3), tally.conflict)


_SURNAME_FITS = (SAME, TYPO, PARTIAL, MISSING)


def _name_agreement(a: MatchItem, b: MatchItem, stats: Stats) -> tuple[str, str, bool]:
    """How the first names and surnames of two records in one script agree, and whether swapped."""
    fk, lk, swapped = _first_best(a, b, stats)
    if a.reading and b.reading and (fk, lk) != (SAME, SAME) and sorted(a.first + a.last) == sorted(b.first + b.last):
        return SAME, SAME, False  # 孙桂英 and 桂英 孙: one name, split or ordered two ways
    return fk, lk, swapped


def _script_evidence(a: MatchItem, b: MatchItem, tally: _Tally) -> None:
    """Names in two scripts: compared through a Chinese name's pinyin reading."""
    han, other = (a, b) if a.reading else (b, a)
    if han.reading and han.reading == (other.reading or latin_letters(other.first, other.last)):
        tally.add(PINYIN_READING, f"the names agree read as pinyin ({han.display} / {other.display})")
    else:
        tally.reasons.append(f"names in different scripts ({a.display} / {b.display})")


def _name_evidence(a: MatchItem, b: MatchItem, stats: Stats, names: _Names, tally: _Tally, explain: bool) -> None:
    """Points for names that agree (more for a rare name), hard points against names that differ."""
    fk, lk = names.fk, names.lk
    first_ok, last_ok = fk in COMPATIBLE_FIRST, lk in (SAME, TYPO, PARTIAL, MISSING)
    if not names.named:
        if a.has_name != b.has_name:
            _nameless_evidence(a, b, tally)
    elif names.mailname:  # a name read from an address: a hint, not the person's own word
        spelled = a.display if a.mailname else b.display
        if names.full_match:
            names.mail_full = True
            names.full_match = False
            tally.add(MAILNAME_FITS, f"the address {spelled} spells the name")
        elif names.name_conflict:
            tally.against(MAILNAME_OTHER, f"the address {spelled} names someone else")
    elif names.full_match or (fk == INITIAL and lk in (SAME, TYPO)):
        rarity = names.rarity = min(stats.name_rarity(a.first, a.last), stats.name_rarity(b.first, b.last))
        names.common = max(stats.namesakes(a.first, a.last), stats.namesakes(b.first, b.last)) > 1 or \
            rarity < COMMON_BELOW
        if names.full_match:
            tally.pts += FULL_NAME - PART_NOT_EXACT * (fk != SAME) - PART_NOT_EXACT * (lk != SAME) - \
                SWAPPED * names.swapped + rarity
        else:
            tally.pts += INITIAL_NAME + rarity / 2
        phrase = _name_phrase(a, b, fk, lk, names.swapped) if explain else "names agree"
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


def _same_full_birthday(a: MatchItem, b: MatchItem) -> bool:
    return bool(a.birthday and a.birthday[0] and a.birthday == b.birthday)


def _typos_apart(a: MatchItem, b: MatchItem, first_ok: bool, last_ok: bool) -> bool:
    """Names one part of which is two typos from the other's (a surname of five letters or more, a first
    name of six), the other part agreeing, and the same full birthday: one name mistyped twice."""
    if not _same_full_birthday(a, b):
        return False
    if first_ok and not last_ok:
        x, y, shortest = a.last, b.last, 5
    elif last_ok and not first_ok:
        x, y, shortest = a.first, b.first, 6
    else:
        return False
    return min(len(x), len(y)) >= shortest and OSA.distance(x, y) <= 2


def _nameless_evidence(a: MatchItem, b: MatchItem, tally: _Tally) -> None:
    """One record has no name: does its address spell the other's name, or someone else's?"""
    tally.reasons.append("one of them has no name")
    anon, other = (a, b) if not a.has_name else (b, a)
    if anon.alias and other.first and other.last and anon.alias in _spellings(other):
        tally.add(ADDRESS_SPELLS_NAME, f"the address {anon.display} spells the name {other.display}")
    elif anon.alias and other.first and compare_first(anon.alias, other.first) in (SAME, NICK):
        tally.add(ADDRESS_FIRST_NAME, f"the address {anon.display} starts with the first name {other.first.title()}")
    elif anon.alias and other.first and len(other.last) > 2 and anon.alias.endswith(other.last) and \
            len(anon.alias) > len(other.last) and not any(f.startswith(anon.alias[0]) for f in other.firsts):
        tally.against(ADDRESS_SOMEONE_ELSE, f"the address {anon.display} looks like someone else's")


def _profile_evidence(a: MatchItem, b: MatchItem, tally: _Tally) -> None:
    """A LinkedIn profile is one person's: the same one is near proof, two different ones nearly so."""
    shared_urls = _shared(a.urls, b.urls)
    for url in shared_urls:
        tally.strong += 1
        tally.add(SAME_PROFILE, f"same LinkedIn profile {url}")
    if a.urls and b.urls and not shared_urls:
        tally.against(OTHER_PROFILES, "different LinkedIn profiles")


def _email_evidence(a: MatchItem, b: MatchItem, stats: Stats, names: _Names, tally: _Tally) -> bool:
    """Shared and differing addresses; True when the two give different addresses at one organisation's
    own domain (two people there, or one with two addresses)."""
    shared_emails = _shared(a.emails, b.emails)
    for email in shared_emails:
        if is_role_address(email):
            if stats.keys[email] > CROWDED:
                tally.add(CROWDED_ROLE, f"same role address {email}, held by {stats.keys[email]} records")
            elif not _personal(a) or not _personal(b):
                tally.strong += 1
                tally.add(NAMELESS_ROLE, f"same address {email} (a role or list address, no person's name)")
            else:
                tally.add(PERSON_ROLE + PERSON_ROLE_NAMED * (names.full_match and not names.name_conflict),
                          f"same role address {email} (says little about the person)")
        elif email in stats.household:
            tally.odds += HOUSEHOLD_KEY_ODDS
            tally.anchor = tally.anchor or "shared email"
            tally.add(SHARED_EMAIL, f"same shared address {email} (also used by someone else)")
        elif stats.keys[email] > CROWDED:
            tally.add(CROWDED_EMAIL, f"same address {email}, held by {stats.keys[email]} records")
        else:
            tally.strong += 1
            tally.add(SAME_EMAIL, f"same email {email}")
    if a.emails and b.emails and not shared_emails and not (names.mailname or a.alias or b.alias):
        same_domain = [d for d in a.domains if d in b.domains and not stats.is_public_domain(d)]
        if same_domain:
            tally.pts += RIVAL_EMAILS
            tally.conflict = tally.conflict or names.common
            tally.reasons.append(f"different emails at the same domain {same_domain[0]}")
            return True
        tally.odds += OTHER_EMAILS_ODDS
        tally.add(OTHER_EMAILS, "different emails")
    return False


def _phone_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: _Tally) -> bool:
    """Shared and differing phones; True when a shared one is a household's (also used by someone else)."""
    shared_phones = _shared(a.phones, b.phones)
    for phone in shared_phones:
        if phone in stats.household:
            tally.odds += HOUSEHOLD_KEY_ODDS
            tally.anchor = tally.anchor or "shared phone"
            tally.add(SHARED_PHONE, f"same shared phone {phone} (also used by someone else)")
        elif stats.keys[phone] > CROWDED:
            tally.add(CROWDED_PHONE, f"same phone {phone}, held by {stats.keys[phone]} records")
        else:
            tally.strong += 1
            tally.add(SAME_PHONE, f"same phone {phone}")
    if a.phones and b.phones and not shared_phones:
        tails = [p for p in a.phones if len(p) > 10 and any(q[-9:] == p[-9:] for q in b.phones)]
        if tails and not any(stats.keys[p] > CROWDED or p in stats.household for p in tails):
            tally.strong += 1
            tally.add(PHONE_OTHER_PREFIX, f"same phone number {tails[0][-9:]} under another country code")
        else:
            tally.odds += OTHER_PHONES_ODDS
            tally.add(OTHER_PHONES, "different phones")
    return any(p in stats.household for p in shared_phones)


def _org_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: _Tally) -> tuple[bool, str, str]:
    """The organisation (and job title): (whether it corroborates the name, the workplace key both
    records place the person at, that workplace as written)."""
    corroborated = False
    workplace = place = ""
    if a.org and b.org:
        if orgs_agree(a.org, b.org):
            corroborated = True
            workplace, place = a.org, a.org_text or a.org
            tally.odds += SAME_ORG_ODDS + stats.org_rarity(a.org)
            tally.anchor = tally.anchor or "same company"
            tally.add(SAME_ORG + stats.org_rarity(a.org), f"same company ({place})")
        else:
            tally.odds += OTHER_ORG_ODDS
            tally.add(OTHER_ORG, f"different companies ({a.org_text} / {b.org_text}), maybe an old job")
    for x, y in ((a, b), (b, a)):
        if x.org and not corroborated:
            domain = next((d for d in y.domains if not stats.is_public_domain(d) and org_matches_domain(x.org, d)),
                          None)
            if domain:
                corroborated = True
                workplace, place = x.org, x.org_text or x.org
                tally.odds += SAME_ORG_ODDS
                tally.anchor = tally.anchor or "company's email"
                tally.add(ORG_DOMAIN, f"works at {place} ({domain} email)")
    if not corroborated and not _shared(a.emails, b.emails) and not (a.emails and b.emails):
        # one gives no address, the other an address at an organisation's domain both share
        corroborated = any(d in b.domains and not stats.is_public_domain(d) for d in a.domains)
    if a.title and b.title and a.title == b.title:
        tally.add(SAME_TITLE, "same job title")
    return corroborated, workplace, place


def _birthday_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: _Tally) -> bool:
    """A birthday both give: the same one corroborates the name (a full date more than a day and
    month without the year), another says two people."""
    if not (a.birthday and b.birthday):
        return False
    ya, ma, da = a.birthday
    yb, mb, db = b.birthday
    if (ma, da) != (mb, db) or (ya and yb and ya != yb):
        tally.odds += stats.disagreement("b")
        tally.against(OTHER_BIRTHDAY, "different birthdays")
        return False
    full = bool(ya and yb)
    tally.odds += stats.value_weight(f"b{ya}-{ma}-{da}" if full else f"d{ma}-{da}", stats.m["b"])
    tally.anchor = "birthday" if full else tally.anchor or "birthday"
    tally.add(SAME_BIRTHDAY, "same birthday" if full else "same birthday (day and month)")
    return True


def _place_evidence(a: MatchItem, b: MatchItem, stats: Stats, tally: _Tally) -> str:
    """Postal addresses: the most precise place both give (street and number, else postcode, else
    city), weighed by how many people here share it. Returns the street both give ("" if none), for
    the household rule: a shared street never merges by itself."""
    if a.streets and b.streets:
        shared = _shared(a.streets, b.streets)
        if shared:
            weight = stats.value_weight("s" + shared[0], stats.m["s"])
            tally.odds += weight
            tally.add(PLACE_POINTS * weight, f"same address ({shared[0]})")
            return shared[0]
        tally.odds += stats.disagreement("s")
        tally.reasons.append("different addresses, maybe a move")
    for prefix, mine, theirs, word in (("p", a.postcodes, b.postcodes, "postcode"), ("c", a.cities, b.cities, "city")):
        shared = _shared(mine, theirs)
        if shared:
            weight = stats.value_weight(prefix + shared[0], stats.m[prefix])
            tally.odds += weight
            tally.add(PLACE_POINTS * weight, f"same {word} ({shared[0].title() if prefix == 'c' else shared[0]})")
            return ""
    if a.cities and b.cities:
        tally.odds += stats.disagreement("c")
        tally.reasons.append("different cities")
    return ""


def _name_odds(a: MatchItem, b: MatchItem, stats: Stats, names: _Names) -> float:
    """log10 odds that two records bearing these names are one person, before any other field: less
    for a name many here bear, for a nickname or a typo (more names match), for a swapped order."""
    return min(stats.name_prior(a.first, a.last), stats.name_prior(b.first, b.last)) - \
        PART_NOT_EXACT * (names.fk != SAME) - PART_NOT_EXACT * (names.lk != SAME) - SWAPPED * names.swapped


def _one_in(odds: float) -> str:
    """10 ** odds in words a person reads: "1,000", "20,000", "a million"."""
    value = 10 ** min(odds, 9.0)
    if value >= 1e6:
        return f"{value / 1e6:,.0f} million"
    digits = max(0, len(str(int(value))) - 2)
    return f"{round(value, -digits):,.0f}"


def _other_birthdays(a: MatchItem, b: MatchItem) -> bool:
    if not (a.birthday and b.birthday):
        return False
    return a.birthday[1:] != b.birthday[1:] or bool(a.birthday[0] and b.birthday[0] and a.birthday[0] != b.birthday[0])


def _only_one_born_there(a: MatchItem, b: MatchItem, stats: Stats, street: str) -> bool:
    """One of the two gives a full birthday and no record of these initials at this street gives
    another: a father and a son of one name at one address would show two birthdays."""
    if not ((a.birthday and a.birthday[0]) or (b.birthday and b.birthday[0])):
        return False
    return all(stats.born_at[f"{street}|{x.first[:1]}{x.last[:1]}"] <= 1 for x in (a, b))


def _outcome(a: MatchItem, b: MatchItem, stats: Stats, names: _Names, tally: _Tally, corroborated: bool,
             workplace: str, place: str, rival_mail: bool, shared_household: bool) -> str:
    """Sure, maybe or different: points alone never merge, each sure rule needs its own kind of proof."""
    fk, lk, pts = names.fk, names.lk, tally.pts
    # a shared identity key needs a name that fits it (or no name to contradict it) ...
    key_fits = not names.name_conflict and (
        not names.named or names.full_match or names.mail_full or (fk == INITIAL and lk in (SAME, TYPO))
        or (lk == MISSING and fk in (SAME, NICK, TYPO)) or (fk == MISSING and lk in (SAME, TYPO)))
    # ... and without one, a distinctive full name needs the company (or birthday) to agree
    name_only = names.full_match and corroborated and not names.common and not names.swapped and \
        names.rarity >= DISTINCTIVE
    # ... or be so rare that nobody else in the workspace is expected to bear it, with nothing against
    rare_alone = (fk == SAME and lk == SAME and not names.common and names.rarity >= RARE_ALONE
                  and not names.swapped and pts >= FULL_NAME + names.rarity - 1e-9)
    # ... or agree with the workplace where nobody else is expected to bear the name (however common)
    placed = names.full_match and not names.swapped and workplace and not rival_mail and min(
        stats.rarity_at(a.first, a.last, workplace), stats.rarity_at(b.first, b.last, workplace)) + (
        stats.title_rarity_at(workplace, a.title) if a.title == b.title else 0.0) >= RARE_AT_WORK
    if not tally.conflict and ((tally.strong and key_fits and pts >= SURE_KEY_POINTS)
                               or (name_only and pts >= SURE_POINTS) or rare_alone):
        return SURE
    if not tally.conflict and placed:
        tally.reasons.append(f"nobody else of that name expected at {place}")
        return SURE
    if not tally.conflict and tally.anchor and names.full_match:
        odds = _name_odds(a, b, stats, names) + tally.odds
        if odds >= FITTED_SURE:
            tally.reasons.append(f"{tally.anchor} and name together: about 1 in {_one_in(odds)} for two people here")
            return SURE
    if pts >= MAYBE_POINTS or ((tally.strong or names.full_match) and not tally.conflict) or (
            names.name_conflict and (tally.strong or shared_household) and lk in (SAME, TYPO, PARTIAL)
            and not _other_birthdays(a, b)):
        return MAYBE  # a pet name, or a household (not one whose members give different birthdays)
    return DIFFERENT_OUTCOME
