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
SURE_POINTS = 8.5  # a distinctive name corroborated by the company
SURE_KEY_POINTS = 7.5
RARE_ALONE = 3.5  # -log10 of the expected number of other people bearing the name  # a shared email, phone or profile with a name that fits
MAYBE_POINTS = 2.0
RARE_AT_WORK = 3.0  # -log10 of the expected number of other bearers of a name at one organisation


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


def score_pair(a: MatchItem, b: MatchItem, stats: Stats, explain: bool = True) -> Evidence:
    """Score two records: points for and against, the outcome, and the reasons in plain words.

    `explain=False` skips the costlier wording of the name comparison (the chaining guard, which
    needs only the outcome).
    """
    reasons: list[str] = []
    pts = 0.0
    conflict = False
    strong = 0  # exact identity keys shared (email, phone, profile) that are not household keys
    verdicts = stats.verdicts
    verdict = verdicts.get((a.rkey, b.rkey) if a.rkey < b.rkey else (b.rkey, a.rkey)) if verdicts else None
    if verdict == "different":
        return Evidence(0.0, DIFFERENT_OUTCOME, ["you said these are different people"], -99.0, True)

    # ---- names
    both_named = bool(a.first or a.last) and bool(b.first or b.last)
    named = both_named and a.latin == b.latin
    if both_named and not named:
        han, other = (a, b) if a.reading else (b, a)
        if han.reading and han.reading == (other.reading or latin_letters(other.first, other.last)):
            pts += 2.0  # homophones abound in pinyin: a hint, never a merge by itself
            reasons.append(f"the names agree read as pinyin ({han.display} / {other.display})")
        else:
            reasons.append(f"names in different scripts ({a.display} / {b.display})")
    fk, lk, swapped = _first_best(a, b, stats) if named else (MISSING, MISSING, False)
    if named and a.reading and b.reading and (fk, lk) != (SAME, SAME) and \
            sorted(a.first + a.last) == sorted(b.first + b.last):
        fk, lk, swapped = SAME, SAME, False  # 孙桂英 and 桂英 孙: one name, split or ordered two ways
    first_ok, last_ok = fk in COMPATIBLE_FIRST, lk in (SAME, TYPO, PARTIAL, MISSING)
    if named and not (first_ok and last_ok) and verdict is None and not (a.mailname or b.mailname) \
            and not _any_shared(a, b):  # the common case, decided cheaply: other names, nothing shared
        return Evidence(0.0, DIFFERENT_OUTCOME, [f"different names ({a.display} / {b.display})"], -10.0, True)
    full_match = fk in (SAME, NICK, TYPO) and lk in (SAME, TYPO, PARTIAL)
    name_conflict = named and not (first_ok and last_ok)
    mailname = a.mailname or b.mailname
    mail_full = False
    rarity = 0.0
    common = False
    if not named:
        if a.has_name != b.has_name:
            reasons.append("one of them has no name")
            anon, other = (a, b) if not a.has_name else (b, a)
            if anon.alias and other.first and other.last and anon.alias in _spellings(other):
                pts += 2.5
                reasons.append(f"the address {anon.display} spells the name {other.display}")
            elif anon.alias and other.first and compare_first(anon.alias, other.first) in (SAME, NICK):
                pts += 1.5
                reasons.append(f"the address {anon.display} starts with the first name {other.first.title()}")
            elif anon.alias and other.first and len(other.last) > 2 and anon.alias.endswith(other.last) and \
                    len(anon.alias) > len(other.last) and not any(f.startswith(anon.alias[0]) for f in other.firsts):
                pts -= 3.0
                conflict = True
                reasons.append(f"the address {anon.display} looks like someone else's")
    elif mailname:  # a name read from an address: a hint, not the person's own word
        if full_match:
            mail_full = True
            pts += 3.0
            reasons.append(f"the address {a.display if a.mailname else b.display} spells the name")
            full_match = False
        elif name_conflict:
            pts -= 3.0
            conflict = True
            reasons.append(f"the address {a.display if a.mailname else b.display} names someone else")
    elif full_match or (fk == INITIAL and lk in (SAME, TYPO)):
        rarity = min(stats.name_rarity(a.first, a.last), stats.name_rarity(b.first, b.last))
        common = max(stats.namesakes(a.first, a.last), stats.namesakes(b.first, b.last)) > 1 or rarity < 0.5
        if full_match:
            pts += 4.0 - 0.5 * (fk != SAME) - 0.5 * (lk != SAME) - 1.0 * swapped + rarity
        else:
            pts += 1.5 + rarity / 2
        phrase = _name_phrase(a, b, fk, lk, swapped) if explain else "names agree"
        reasons.append(phrase + (", a common name" if common else ", a rare name" if rarity >= 3 else ""))
    elif first_ok and last_ok:  # one side has only a first name (or only a surname)
        pts += 1.0 + (fk in (SAME, NICK) and stats.first[a.first] + stats.first[b.first] < 12)
        reasons.append(f"first names agree ({a.first.title()} ~ {b.first.title()}), one has no surname"
                       if a.first and b.first else "surnames agree, one has no first name")
    elif not first_ok and last_ok:
        pts -= 6.0
        conflict = True
        reasons.append(f"different first names ({a.first.title()} / {b.first.title()})")
    elif first_ok and not last_ok:
        pts -= 3.0
        conflict = True
        reasons.append(f"different surnames ({a.last.title()} / {b.last.title()})")
    else:
        pts -= 10.0
        conflict = True
        reasons.append(f"different names ({a.display} / {b.display})")

    # ---- exact keys
    shared_urls = _shared(a.urls, b.urls)
    for url in shared_urls:
        pts += 12.0
        strong += 1
        reasons.append(f"same LinkedIn profile {url}")
    if a.urls and b.urls and not shared_urls:
        pts -= 8.0
        conflict = True
        reasons.append("different LinkedIn profiles")
    shared_emails = _shared(a.emails, b.emails)
    rival_mail = False  # two addresses at one organisation's domain: two people there, or one with two
    shared_phones = _shared(a.phones, b.phones)
    shared_household = bool(shared_emails or shared_phones) and any(
        k in stats.household for k in (*shared_emails, *shared_phones))
    for email in shared_emails:
        if is_role_address(email):
            if stats.keys[email] > 8:
                pts += 0.5
                reasons.append(f"same role address {email}, held by {stats.keys[email]} records")
            elif not _personal(a) or not _personal(b):
                pts += 8.0
                strong += 1
                reasons.append(f"same address {email} (a role or list address, no person's name)")
            else:
                pts += 0.5 + 1.5 * (full_match and not name_conflict)
                reasons.append(f"same role address {email} (says little about the person)")
        elif email in stats.household:
            pts += 2.0
            reasons.append(f"same shared address {email} (also used by someone else)")
        elif stats.keys[email] > 8:
            pts += 1.0
            reasons.append(f"same address {email}, held by {stats.keys[email]} records")
        else:
            pts += 9.0
            strong += 1
            reasons.append(f"same email {email}")
    if a.emails and b.emails and not shared_emails and not (mailname or a.alias or b.alias):
        same_domain = [d for d in a.domains if d in b.domains and not stats.is_public_domain(d)]
        if same_domain:
            pts -= 2.0
            rival_mail = True
            conflict = conflict or common
            reasons.append(f"different emails at the same domain {same_domain[0]}")
        else:
            pts -= 0.5
            reasons.append("different emails")
    for phone in shared_phones:
        if phone in stats.household:
            pts += 1.5
            reasons.append(f"same shared phone {phone} (also used by someone else)")
        elif stats.keys[phone] > 8:
            pts += 1.0
            reasons.append(f"same phone {phone}, held by {stats.keys[phone]} records")
        else:
            pts += 7.0
            strong += 1
            reasons.append(f"same phone {phone}")
    if a.phones and b.phones and not shared_phones:
        tails = [p for p in a.phones if len(p) > 10 and any(q[-9:] == p[-9:] for q in b.phones)]
        if tails and not any(stats.keys[p] > 8 or p in stats.household for p in tails):
            pts += 6.0
            strong += 1
            reasons.append(f"same phone number {tails[0][-9:]} under another country code")
        else:
            pts -= 0.5
            reasons.append("different phones")

    # ---- organisation, title, birthday
    corroborated = False
    workplace = place = ""  # the organisation both records place the person at (folded, as written)
    if a.org and b.org:
        if orgs_agree(a.org, b.org):
            pts += 2.0 + stats.org_rarity(a.org)
            corroborated = True
            workplace, place = a.org, a.org_text or a.org
            reasons.append(f"same company ({place})")
        else:
            pts -= 1.0
            reasons.append(f"different companies ({a.org_text} / {b.org_text}), maybe an old job")
    for x, y in ((a, b), (b, a)):
        if x.org and not corroborated:
            domain = next((d for d in y.domains if not stats.is_public_domain(d) and org_matches_domain(x.org, d)),
                          None)
            if domain:
                pts += 2.5
                corroborated = True
                workplace, place = x.org, x.org_text or x.org
                reasons.append(f"works at {place} ({domain} email)")
    if not shared_emails and not corroborated:
        domain = next((d for d in a.domains if d in b.domains and not stats.is_public_domain(d)), None)
        if domain and not (a.emails and b.emails):
            corroborated = True
    if a.title and b.title and a.title == b.title:
        pts += 1.0
        reasons.append("same job title")
    if a.birthday and b.birthday:
        ya, ma, da = a.birthday
        yb, mb, db = b.birthday
        if (ma, da) != (mb, db) or (ya and yb and ya != yb):
            pts -= 10.0
            conflict = True
            reasons.append("different birthdays")
        else:
            pts += 3.0
            corroborated = True
            reasons.append("same birthday")
    if a.source == b.source:
        pts -= 0.5

    # ---- outcome
    if verdict == "same":
        return Evidence(1.0, SURE, ["you said these are the same person", *reasons], max(pts, SURE_POINTS), False)
    # a shared identity key needs a name that fits it (or no name to contradict it) ...
    key_fits = not name_conflict and (not named or full_match or mail_full or (fk == INITIAL and lk in (SAME, TYPO))
                                      or (lk == MISSING and fk in (SAME, NICK, TYPO))
                                      or (fk == MISSING and lk in (SAME, TYPO)))
    # ... and without one, a distinctive full name needs the company (or birthday) to agree
    name_only = full_match and corroborated and not common and not swapped and rarity >= 1.0
    # ... or be so rare that nobody else in the workspace is expected to bear it, with nothing against
    rare_alone = (fk == SAME and lk == SAME and not common and rarity >= RARE_ALONE and not swapped
                  and pts >= 4.0 + rarity - 1e-9)
    # ... or agree with the workplace where nobody else is expected to bear the name (however common)
    placed = full_match and not swapped and workplace and not rival_mail and min(
        stats.rarity_at(a.first, a.last, workplace), stats.rarity_at(b.first, b.last, workplace)) + (
        stats.title_rarity_at(workplace, a.title) if a.title == b.title else 0.0) >= RARE_AT_WORK
    if not conflict and ((strong and key_fits and pts >= SURE_KEY_POINTS) or (name_only and pts >= SURE_POINTS)
                         or rare_alone):
        outcome = SURE
    elif not conflict and placed:
        outcome = SURE
        reasons.append(f"nobody else of that name expected at {place}")
    elif pts >= MAYBE_POINTS or ((strong or full_match) and not conflict) or (
            name_conflict and (strong or shared_household) and lk in (SAME, TYPO, PARTIAL)):  # a pet name or a household
        outcome = MAYBE
    else:
        outcome = DIFFERENT_OUTCOME
    score = 1.0 / (1.0 + math.exp(-(pts - 5.0) / 2.0))
    return Evidence(round(score, 4), outcome, reasons, round(pts, 3), conflict)
