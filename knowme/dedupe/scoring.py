"""Scoring one candidate pair: evidence for and against, each with a reason a person can check.

Each kind of evidence is one small function with named weights (`knowme.dedupe.evidence_names` for
names, `knowme.dedupe.evidence` for the rest); this module adds them up and decides the outcome.

Evidence adds up as points (roughly log-odds): a shared personal email or LinkedIn profile is
strong, a rare name matching counts more than a common one, a different employer is weak (old
exports keep old jobs), clearly different first names or birthdays count hard against. Auto-merge
(`sure`) needs more than points: a compatible name and either a strong exact key, a distinctive
name corroborated by the organisation, or a name that nobody else is expected to bear at the one
organisation both records give (a common name at a small firm), and no conflict at all.
Everything plausible short of that is `maybe` (queued for the user); the rest is `different`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from knowme.dedupe.evidence import (
    ONE_EXPORT_CONNECTIONS,
    OTHER_JOB_ODDS,
    SAME_SOURCE,
    Names,
    Tally,
    any_shared,
    birthday_evidence,
    email_evidence,
    org_evidence,
    other_jobs,
    phone_evidence,
    place_evidence,
    profile_evidence,
    shared,
    shared_numbers,
)
from knowme.dedupe.evidence_names import (
    OTHER_NAMES,
    OTHER_SURNAME,
    PART_NOT_EXACT,
    SWAPPED,
    generation_evidence,
    letter_dropped,
    name_agreement,
    name_evidence,
    same_name_source,
    script_evidence,
    spelled_in_pinyin,
)
from knowme.dedupe.namesim import (
    COMPATIBLE_FIRST,
    COMPATIBLE_LAST,
    INITIAL,
    MISSING,
    NICK,
    PARTIAL,
    SAME,
    TYPO,
    is_pinyin_name,
    orgs_agree,
)
from knowme.normalize import fold
from knowme.store.pairs import SPLIT
from knowme.runtime import big_cache

if TYPE_CHECKING:
    from knowme.dedupe.matching import MatchItem, Stats

SURE, MAYBE, DIFFERENT_OUTCOME = "sure", "maybe", "different"
UNASKED = "unasked"  # not worth a question, yet not so unlikely one person that it should stop a merge

# ---- thresholds of the outcome
SURE_POINTS = 8.5  # a distinctive name corroborated by the company (or birthday)
SURE_KEY_POINTS = 7.5  # a shared email, phone or profile with a name that fits
MAYBE_POINTS = 2.0
RARE_AT_WORK = 3.0  # -log10 of the expected number of other bearers of a name at one organisation
# ... where a card is written in Chinese or Japanese characters, whose names the population table does not
# know, the share of an organisation's records counted as bearing its name: Wang Wei's, the commonest (王伟
# alone is borne by about one in 5,000 of China's people), rounded up for its homophones (王维, 王薇...)
READ_NAME_SHARE = 3e-4
DISTINCTIVE = 1.0  # the least name rarity for a name corroborated by the company to merge
SCORE_CENTRE, SCORE_SPREAD = 5.0, 2.0  # points -> a score in [0, 1] (logistic)
QUESTION_MOST = 0.99  # a question's highest score: shown to two places, one never reads "1.00", as if certain

# ---- fitted odds (log10): how much more often one person's two records agree on a value than two of
# this workspace's people do, from the value's share here (`Stats.value_weight`), for a full name that
# agrees; a merge needs FITTED_SURE (one in a thousand) and a birthday, workplace or key besides the name
# How often one person's two records agree on a birthday, street, postcode or city (m) is learnt per
# workspace (knowme.dedupe.fitting, `Stats.m`); so is how much a disagreement counts against (`Stats.disagreement`).
FITTED_SURE = 3.0
# ... and a pair they make less likely one person than about one in thirty is two people: a common name
# in another city or at another street is a namesake far more often than a move (measured on generated
# books of 20,000 people, one in thirty to one in a hundred of such questions found one person); such a
# pair also stops the chaining guard from joining the two people's other records
TWO_PEOPLE_ODDS = -1.5
# ... and one less likely than one in ten is not asked either, though it stops no merge: on a 20,000-
# person sample-generator book 15 of those 1,173 questions found one person (1 in 78)
ASK_ODDS = -1.0


@dataclass(slots=True)
class Evidence:
    """The verdict on one pair: a score in [0, 1], the outcome, and why."""

    score: float
    outcome: str
    reasons: list[str] = field(default_factory=list)
    points: float = 0.0
    conflict: bool = False  # something says these are two people (chaining guard uses it)


# What the bulk scoring (`kept_only`) is told of a pair bound to be different or unasked, which it keeps
# neither of: nothing is worded for it (a third of a big book's pairs end on different names)
NOT_KEPT = Evidence(0.0, DIFFERENT_OUTCOME, ["different or not worth a question"], 0.0, True)


def score_pair(a: MatchItem, b: MatchItem, stats: Stats, explain: bool = True, kept_only: bool = False) -> Evidence:
    """Score two records: points for and against, the outcome, and the reasons in plain words.

    `explain=False` skips the costlier wording of the name comparison (the chaining guard, which
    needs only the outcome). `kept_only`: the caller keeps only pairs that are sure or maybe (the
    bulk scoring); a pair its names settle as neither (different names, two connections of one
    export) comes back as `NOT_KEPT`, unworded.
    """
    verdicts = stats.verdicts
    verdict = verdicts.get((a.rkey, b.rkey) if a.rkey < b.rkey else (b.rkey, a.rkey)) if verdicts else None
    if verdict == "different":
        return Evidence(0.0, DIFFERENT_OUTCOME, ["you said these are different people"], -99.0, True)
    if a.connected and b.connected and a.source == b.source and verdict is None:
        return NOT_KEPT if kept_only else _two_connections()
    both_named = bool(a.first or a.last) and bool(b.first or b.last)
    same_native = bool(a.native) and a.native == b.native  # 陽子 林 with and without its kana reading
    named = both_named and (a.latin == b.latin or same_native)
    fk, lk, swapped = (SAME, SAME, False) if same_native else name_agreement(a, b, stats) if named else \
        (MISSING, MISSING, False)
    name_conflict = named and not (fk in COMPATIBLE_FIRST and lk in COMPATIBLE_LAST)
    if name_conflict and verdict is None and not (a.mailname or b.mailname) and not any_shared(a, b) and not (
            a.birthday and a.birthday == b.birthday and a.birthday[0]):  # the common case, decided cheaply
        if kept_only:
            return NOT_KEPT
        if fk in COMPATIBLE_FIRST and letter_dropped(a.last, b.last) and not (a.birthday and b.birthday) and \
                not (a.streets and b.streets):
            return _letter_apart(a, b)
        return Evidence(0.0, DIFFERENT_OUTCOME, [f"different names ({a.display} / {b.display})"], OTHER_NAMES, True)
    tally = Tally()
    if both_named and not named:
        script_evidence(a, b, tally)
    names = Names(named, fk, lk, swapped, fk in (SAME, NICK, TYPO) and lk in (SAME, TYPO, PARTIAL), name_conflict,
                   bool(a.mailname or b.mailname) and not same_native)
    name_evidence(a, b, stats, names, tally, explain)
    if names.full_match and (a.generation or a.middle) and (b.generation or b.middle):
        generation_evidence(a, b, names, tally)
    profile_evidence(a, b, tally)
    rival_mail = email_evidence(a, b, stats, names, tally)
    shared_household = phone_evidence(a, b, stats, tally)
    if not shared_household and a.emails and b.emails:
        shared_household = any(k in stats.household for k in shared(a.emails, b.emails))
    corroborated, workplace, place = org_evidence(a, b, stats, tally)
    corroborated = birthday_evidence(a, b, stats, tally) or corroborated
    if a.streets or a.postcodes or a.cities or a.countries:
        street = place_evidence(a, b, stats, tally)
        if street and not tally.anchor and names.full_match and _only_one_born_there(a, b, stats, street):
            tally.anchor = "the only one of that name born there"
    if a.source == b.source:
        tally.pts += SAME_SOURCE
    if verdict == "same":
        return Evidence(1.0, SURE, ["you said these are the same person", *tally.reasons],
                        max(tally.pts, SURE_POINTS), False)
    outcome = _outcome(a, b, stats, names, tally, corroborated, workplace, place, rival_mail, shared_household)
    score, points = _score_and_points(tally.pts)
    if outcome == MAYBE:
        score = _chance(a, b, stats, names, tally, score)
    if verdict == SPLIT:  # the user split these apart: asked when the evidence says one person, never merged
        # by itself, nor through a third card (the conflict stops the chaining guard)
        if outcome == SURE:
            outcome, score = MAYBE, min(score, QUESTION_MOST)
        return Evidence(score, outcome, [*tally.reasons, "you split these apart"], points, True)
    # a question about two colleagues, one known by a pet name, stops their other cards joining them
    apart = tally.conflict or (outcome != SURE and names.fk in (NICK, TYPO) and _colleagues(a, b, tally))
    return Evidence(score, outcome, tally.reasons, points, apart)


def _chance(a: MatchItem, b: MatchItem, stats: Stats, names: Names, tally: Tally, score: float) -> float:
    """A question's score: the chance its two records are one person by the odds of their name here and
    of every field they give (`_namesake_odds`), where the names give such odds; else the points' score.
    The review queue asks the likeliest first, and a group of questions adds these up for its estimate
    of how many are one person (the points' score said 30 of the 1,057 "same name, a common name +
    different companies" questions of the 20,000-person sample book, where 204 were). Never above
    `QUESTION_MOST`: a rare name on cards with nothing else in common is asked because a namesake's card
    would look the same, however unlikely the name's odds make one."""
    odds = _namesake_odds(a, b, stats, names, tally)
    if odds == math.inf:
        if not tally.chance_odds:
            return min(score, QUESTION_MOST)
        odds = math.log10(max(score, 1e-6) / max(1.0 - score, 1e-6))
    odds += tally.chance_odds
    return min(round(1.0 / (1.0 + 10 ** -min(odds, 9.0)), 4), QUESTION_MOST)


def _two_connections() -> Evidence:
    """Two rows of one LinkedIn connections export are two people: it lists each connection once, so
    however alike their names, firms and jobs (two Andrew Eatons at one firm, a data scientist and a
    software engineer), they are never merged or asked about, and no third card joins them (the
    chaining guard reads the conflict)."""
    return Evidence(0.0, DIFFERENT_OUTCOME, ["two connections of one LinkedIn export (it lists each person once)"],
                    ONE_EXPORT_CONNECTIONS, True)


def _letter_apart(a: MatchItem, b: MatchItem) -> Evidence:
    """One first name and surnames a letter apart (Kim Bell / Kim Bll, Bill Cruz / Bill Crz), nothing
    in common and no birthdays or streets both give to tell them apart: not worth a question, yet no
    sign of two people either, so one person's mistyped card stops no merge the other cards make (on
    the 20,000-person sample book about a third of such pairs were one person's two cards, and the
    chaining guard held back their merges). Where both give a birthday or a street, those decide:
    Kelly Kan and Kelly Khan at one address, or born apart, are two people."""
    return Evidence(0.0, UNASKED, [f"surnames a letter apart ({a.display} / {b.display})"], OTHER_SURNAME, False)


@big_cache(100_000)  # at most ~20 MB a scoring worker
def _score_and_points(pts: float) -> tuple[float, float]:
    """A verdict's score in [0, 1] (logistic) and its points, rounded: four pairs in five at 100k
    records end on points another pair ended on, and rounding a float is not cheap."""
    return round(1.0 / (1.0 + math.exp(-(pts - SCORE_CENTRE) / SCORE_SPREAD)), 4), round(pts, 3)


def _name_odds(a: MatchItem, b: MatchItem, stats: Stats, names: Names, anchored: bool = False) -> float:
    """log10 odds that two records bearing these names are one person, before any other field: less
    for a name many here bear, for a nickname or a typo (more names match), for a swapped order.

    `anchored`: a birthday, the workplace or a key says one person besides the name and the place. A
    nickname (Dave / David) costs nothing then: two people there would both have to bear the formal
    name and the user write one by a pet name, while a nickname is how one writes someone known. Nor
    does a first name's typo, which is never a name of its own (Davdi / David): it admits no more
    namesakes than the name. Not where the workplace is the anchor and the two hold other jobs there
    (`_colleagues`). Alone, each still costs: Mike Williams in one city and Michael Williams
    in another are namesakes (on the 20,000-person sample book 59 of 3,024 such pairs were one person;
    at one firm with one job title, 179 of 179 nicknames and 11 of 11 typos)."""
    source = same_name_source(a, b)
    prior = stats.pair_prior(source, a.first, a.last) if source >= 0 else \
        min(stats.name_prior(a.first, a.last), stats.name_prior(b.first, b.last))
    first_cost = 0.0 if names.fk == SAME or anchored and names.fk in (NICK, TYPO) else PART_NOT_EXACT
    return prior - first_cost - PART_NOT_EXACT * (names.lk != SAME) - SWAPPED * names.swapped


def _colleagues(a: MatchItem, b: MatchItem, tally: Tally) -> bool:
    """Whether only the workplace anchors the pair and the two hold other jobs there: how two colleagues
    look, one known by a pet name. Lena and Catherine Martinez (the nickname table files Lena under
    Catherine), with two jobs at one firm, were merged on the 5,000-person LinkedIn book; so were Tim
    Garcia, director, and Timothy Garcia, data scientist, through Timothy's other card, which gave the
    firm and no job. There a nickname costs what it costs without an anchor (`_name_odds`), and such a
    pair, asked about, also stops the chaining guard joining the two through a third card."""
    return tally.anchor == "same company" and other_jobs(a, b)


def _lone_name_odds(a: MatchItem, b: MatchItem, stats: Stats, names: Names, tally: Tally, rival_mail: bool) -> float:
    """log10 odds of one person for two records of one book each whose full names agree exactly and
    nothing conflicts: the name's rarity here (`Stats.lone_name_odds`), with the postcode, city or
    country both give, less what the other fields say against (an old job, another address; a
    birthday, a workplace or a key that agrees has rules of its own). -inf when the rule
    does not apply: at one street (a father and a son of one name live there), for initials, for a
    card giving only one kind of detail besides the name (a name and a number: a namesake's card
    would show nothing else to tell them apart either), and for a name in Chinese or Japanese
    characters (the population table knows none: 刘杰 is among the commonest names there is) or in
    its pinyin (`is_pinyin_name`: two Liang Na cards of two exports, one in Shenzhen and one in
    Beijing, are two of the many bearers of 梁娜 and its homophones)."""
    if names.fk != SAME or names.lk != SAME or names.common or names.swapped or names.mailname or tally.conflict \
            or rival_mail or a.source == b.source or shared(a.streets, b.streets) or len(a.first) < 2 \
            or len(a.last) < 2 or _details(a) < 2 or _details(b) < 2 or a.native or b.native \
            or is_pinyin_name(a.first, a.last):
        return -math.inf
    return min(stats.lone_name_odds(a.first, a.last), stats.lone_name_odds(b.first, b.last)) + \
        min(tally.odds - tally.place_odds, 0.0) + tally.place_odds


def _details(item: MatchItem) -> int:
    """How many kinds of detail a record gives besides the name (addresses, phones, profile, employer,
    title, birthday, postal address)."""
    return sum(map(bool, (item.emails, item.phones or item.loose_phones, item.urls, item.org, item.title,
                          item.birthday, item.streets or item.cities)))


def _address_name_is_its_own(item: MatchItem) -> bool:
    """Whether a name read from a card's address (or profile) is the card's own word: the card gives no
    name, or the first name the address starts with ("Elisabeth" and elisabeth.wilmsen@). A card
    written 何芳 or garbled to "? ?" whose address reads fang.he@ is one of the many bearers of a name
    its reading makes look rare (`_read_from_characters` counts 何芳 as common as the commonest)."""
    return not item.mailname or item.first in fold(item.display)


def _read_from_characters(item: MatchItem) -> bool:
    """Whether a card written in Chinese or Japanese characters is matched by the name its own address
    spells (何芳 on fang.he@, 渡辺翔太 on shota.watanabe@): the card's name, though only as rare as a name
    in characters can be, which the population table does not say (see `_rarity_at_work`)."""
    return item.mailname and bool(item.native)


def _rarity_at_work(a: MatchItem, b: MatchItem, stats: Stats, workplace: str, read: bool) -> float:
    """-log10 of the expected number of other bearers of the two records' name at the workplace
    (`Stats.rarity_at`). A card written in characters (`read`), or a Chinese name in pinyin
    (`is_pinyin_name`), counts as common as the commonest name (`READ_NAME_SHARE`), not as rare as the
    population table's silence on it makes it look: two 王伟 at a firm of thousands are namesakes, and
    so are two Xia Sun content strategists with other addresses at a firm of 3,000 cards
    (`_pinyin_namesakes`); one 何芳 or He Fang at a firm of fifteen with one job title is one person (on
    the 20,000-person sample book, every such pair was). See `_copy_source` for a name's second card."""
    source = _copy_source(a, b, stats)
    rarity = min(stats.rarity_at(a.first, a.last, workplace, source),
                 stats.rarity_at(b.first, b.last, workplace, source))
    if read:
        rarity = min(rarity, -math.log10(READ_NAME_SHARE * max(stats.org[workplace], 1)))
    return rarity


def _copy_source(a: MatchItem, b: MatchItem, stats: Stats) -> int:
    """The export whose two cards of the pair's name are all the book shows of a second bearer
    (`Stats.pair_names`), where both records give that name and one firm, else -1. Michael Ward's
    LinkedIn row at Jones Partners and his Google card naming Jones Partners, beside a second Google
    card giving only an address: that card is far more often the same person's copy than a namesake,
    so it does not make the name one that two people bear at the firm (on generated LinkedIn + Google
    books of 300 to 20,000 people every such pair was one person). Not for a firm read from a mail
    domain or for a name that differs: Samuel T. Martinez at Smithly and Smuel Martinez of Smith
    Partners on a smith.co address were two people."""
    if a.first != b.first or a.last != b.last or not (a.org and b.org and orgs_agree(a.org, b.org)):
        return -1
    return next((x.source for x in (a, b) if (x.source, x.first, x.last) in stats.pair_names), -1)


def _read_name_placed(a: MatchItem, b: MatchItem, stats: Stats, workplace: str) -> bool:
    """Whether a card written in characters may merge by the workplace: one job title there, which others
    of the workplace do not hold (where the book knows nobody else there, two cards say nothing of how
    many there bear the name), and no phones both give that differ (Liu Zihan is 刘梓涵, 柳子涵 and more:
    a card with other numbers is how a namesake's looks)."""
    return bool(workplace) and a.title == b.title and stats.title_rarity_at(workplace, a.title) > 0 and not (
        a.phones and b.phones and not shared_numbers(a, b))


def _pinyin_namesakes(a: MatchItem, b: MatchItem) -> bool:
    """Whether two cards of a Chinese name in pinyin both give email addresses and share none: how two
    of its bearers' cards look. The population table knows no such name (Xia Sun is 孙霞 and its many
    homophones), so its seeming rarity does not settle it with the firm, which then weighs the name as
    one in characters (`_rarity_at_work`): two Xia Sun content strategists at a firm of 3,000 cards, one
    giving xsun@ at the firm and the other a private address, were two women (merged on the 20,000-
    person sample book of seed 3). Only addresses: a LinkedIn row and a card of one pinyin name at one
    firm with one job title and nothing else to compare are one person (dozens of that book's pairs),
    and so were all four of its pairs of such cards whose phones differ and addresses do not."""
    return bool(a.emails and b.emails and not shared(a.emails, b.emails))


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


def _namesake_odds(a: MatchItem, b: MatchItem, stats: Stats, names: Names, tally: Tally) -> float:
    """log10 odds that two records whose names agree, with no email, phone or profile in common, are
    one person, by the odds of the name among this book's people and of every field they give (a
    birthday, an address, a city, a workplace); +inf where the rule does not apply. The bigger the
    book, the more namesakes a common name has: at 20,000 people two "Tammy Norris" in two cities are
    two people nearly always, at 2,000 less often, and the odds say so from the book's own counts."""
    if not names.full_match or names.mailname or tally.strong:
        return math.inf
    return _name_odds(a, b, stats, names) + tally.odds


def _only_one_born_there(a: MatchItem, b: MatchItem, stats: Stats, street: str) -> bool:
    """One of the two gives a full birthday and no record of these initials at this street gives
    another: a father and a son of one name at one address would show two birthdays."""
    if not ((a.birthday and a.birthday[0]) or (b.birthday and b.birthday[0])):
        return False
    return all(stats.born_at[f"{street}|{x.first[:1]}{x.last[:1]}"] <= 1 for x in (a, b))


def _outcome(a: MatchItem, b: MatchItem, stats: Stats, names: Names, tally: Tally, corroborated: bool,
             workplace: str, place: str, rival_mail: bool, shared_household: bool) -> str:
    """Sure, maybe or different: points alone never merge, each sure rule needs its own kind of proof."""
    fk, lk, pts = names.fk, names.lk, tally.pts
    # a shared identity key needs a name that fits it (or no name to contradict it) ...
    key_fits = not names.name_conflict and (
        not names.named or names.full_match or names.mail_full or (fk == INITIAL and lk in (SAME, TYPO))
        or (lk == MISSING and fk in (SAME, NICK, TYPO)) or (fk == MISSING and lk in (SAME, TYPO)))
    # ... and without one, a distinctive full name needs the company (or birthday) to agree; not a Chinese
    # name in pinyin on cards that give other addresses (`_pinyin_namesakes`): the firm weighs it then
    # (both rules need a workplace: most pairs have none, and asking costs two lookups a pair)
    pinyin = bool(workplace) and (is_pinyin_name(a.first, a.last) or is_pinyin_name(b.first, b.last))
    by_firm = pinyin and tally.anchor != "birthday" and _pinyin_namesakes(a, b)
    name_only = names.full_match and corroborated and not names.common and not names.swapped and \
        names.rarity >= DISTINCTIVE and not by_firm
    # ... or be so rare that nobody else here is expected to bear it, against what little disagrees
    lone_odds = _lone_name_odds(a, b, stats, names, tally, rival_mail)
    # ... or agree with the workplace where nobody else is expected to bear the name (however common), or
    # the name a card's address spells when the card writes no other (see `_address_name_is_its_own`), or
    # the name in characters the other card spells in pinyin (高 建华 and Gao Jianhua, `spelled_in_pinyin`)
    spelled = bool(workplace) and not names.named and a.has_name and b.has_name and spelled_in_pinyin(a, b)
    read = spelled or _read_from_characters(a) or _read_from_characters(b)  # family name first or last, either order
    placed = (spelled or names.full_match or names.mail_full and all(
        _address_name_is_its_own(x) or _read_from_characters(x) for x in (a, b))) \
        and (_read_name_placed(a, b, stats, workplace) if read else not names.swapped) and workplace \
        and not rival_mail and _rarity_at_work(a, b, stats, workplace, read or pinyin) + (
        stats.title_rarity_at(workplace, a.title) if a.title == b.title else
        OTHER_JOB_ODDS if orgs_agree(a.org, b.org) and other_jobs(a, b) else 0.0) >= RARE_AT_WORK
    if not tally.conflict and ((tally.strong and key_fits and pts >= SURE_KEY_POINTS)
                               or (name_only and pts >= SURE_POINTS)):
        return SURE
    if not tally.conflict and placed:
        tally.reasons.append(f"nobody else of that name expected at {place}")
        return SURE
    if not tally.conflict and tally.anchor and names.full_match and not rival_mail \
            and not by_firm:  # two addresses there: ask
        odds = _name_odds(a, b, stats, names, anchored=not _colleagues(a, b, tally)) + tally.odds
        if odds >= FITTED_SURE:
            tally.reasons.append(f"{tally.anchor} and name together: about 1 in {_one_in(odds)} for two people here")
            return SURE
    if lone_odds >= FITTED_SURE:
        tally.reasons.append(f"nobody else here is expected to bear that name: about 1 in {_one_in(lone_odds)} "
                             "for two people")
        return SURE
    namesakes = _namesake_odds(a, b, stats, names, tally)
    if namesakes < TWO_PEOPLE_ODDS:
        return DIFFERENT_OUTCOME
    if namesakes < ASK_ODDS:
        return UNASKED
    if pts >= MAYBE_POINTS or ((tally.strong or names.full_match) and not tally.conflict) or (
            names.name_conflict and (tally.strong or shared_household) and lk in (SAME, TYPO, PARTIAL)
            and not _other_birthdays(a, b)):
        return MAYBE  # a pet name, or a household (not one whose members give different birthdays)
    # too little to ask about, yet something for and nothing against ("Ben" and Ben Davies, a nameless
    # card whose address starts with the first name): no sign of two people, so it stops no merge. Not
    # for names in two scripts: 刘梓涵 and Liu Zihan with other phones keep a Latin "Liu Zihan", whose
    # name looks rare here, from merging two namesakes through the characters
    scripts = a.has_name and b.has_name and not names.named
    return UNASKED if pts > 0 and not tally.conflict and not scripts else DIFFERENT_OUTCOME
