"""Duplicate matching as pure functions: the public API, and statistics over the whole workspace.

Nothing here touches SQLite: `knowme.dedupe.run` loads one `MatchItem` per record (`knowme.dedupe.matchitem`),
computes `Stats` once, finds candidate pairs (`knowme.dedupe.blocking`, never quadratic) and scores them
(`knowme.dedupe.scoring`); all of it is re-exported here. The statistics weigh rare names and rare
companies more than common ones, and mark household keys: an address or phone held by people with
clearly different first names, which is weak evidence and never glue.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from knowme.dedupe.blocking import MAX_KEY_HOLDERS
from knowme.dedupe.evidence import phone_tails
from knowme.dedupe.evidence_names import address_spellings, one_name_on_mailbox
from knowme.dedupe.fitting import DEFAULT_M, random_agreement
from knowme.dedupe.matchitem import (
    MatchItem,
    calling_code,
    make_item,
    name_from_address,
    name_from_slug,
    parse_birthday,
)
from knowme.dedupe.namesim import (
    compare_first,
    compare_last,
    is_known_first_name,
    org_matches_domain,
    phonetic,
    population_shares,
)

LONE_NAME_BOOK = 2000  # the fewest records a name merging by itself is weighed among (a typical address book)
LONE_NAME_ODDS = 3.0  # log10 odds at which a name merges by itself (knowme.dedupe.scoring.FITTED_SURE)
NAMESAKE_DOUBT = 5.0  # namesakes added to both sides of that count, so that two or three do not swing it
# How often two people share a birthday by the calendar (birth years spread over about sixty years), and
# how many people of a typical book that prior counts as: a small book's own counts say little
CALENDAR_SHARE = {"b": 1 / (365.25 * 60), "d": 1 / 366}  # a full date, a day and month
CALENDAR_PEOPLE = 1000
GIVEN_NAME_PEOPLE = 4  # two first names on one key under this many surnames or more are one person's two names ...
GIVEN_NAME_EXCESS = 10.0  # ... when that is this many times what couples of those names would give by chance
ORIGIN_DOUBT = 5.0  # names of the book's own country shares added to a name's, so that one or two do not swing it
FREE_MAIL = frozenset(["gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "outlook.com", "outlook.de", "live.com", "live.co.uk", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de", "freenet.de", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "libero.it", "virgilio.it", "tiscali.it", "alice.it", "wp.pl", "onet.pl", "o2.pl", "interia.pl", "op.pl", "uol.com.br", "bol.com.br", "terra.com.br", "ig.com.br", "qq.com", "163.com", "126.com", "sina.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "protonmail.com", "proton.me", "pm.me", "fastmail.com", "zoho.com", "mail.com", "yandex.ru", "mail.ru", "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net", "btinternet.com", "sky.com", "example.com", "example.net", "example.org"])

@dataclass(slots=True)
class Stats:
    """Frequencies over the whole workspace: rare names and rare companies weigh more."""

    n: int = 0
    sources: int = 1
    first: Counter[str] = field(default_factory=Counter)
    last: Counter[str] = field(default_factory=Counter)
    full_per_source: dict[tuple[str, str], int] = field(default_factory=dict)  # most records of a name in one source
    pair_names: frozenset[tuple[int, str, str]] = frozenset()  # ... counted by two records of this source alone
    org: Counter[str] = field(default_factory=Counter)
    org_title: Counter[tuple[str, str]] = field(default_factory=Counter)  # records with this title there
    domain: Counter[str] = field(default_factory=Counter)
    keys: Counter[str] = field(default_factory=Counter)  # records holding each exact key
    household: set[str] = field(default_factory=set)  # keys held by people with clearly different names
    common_firsts: frozenset[str] = frozenset()
    public_domains: frozenset[str] = frozenset()
    org_domains: frozenset[str] = frozenset()  # crowded domains that are a big organisation's own (acme-corp.com)
    verdicts: dict[tuple[str, str], str] = field(default_factory=dict)
    values: Counter[str] = field(default_factory=Counter)  # people holding each birthday, street, postcode, city
    born_at: Counter[str] = field(default_factory=Counter)  # initials + street -> distinct full birthdays there
    people: Counter[str] = field(default_factory=Counter)  # per kind of value ("b", "s", ...): people counted
    origins: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # ("f" or "l", name, country or ""):
    # full names giving that first name (or surname) and a phone or mail of that country (or of any)
    m: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_M))  # one person's records agree (learnt)
    u: dict[str, float] = field(default_factory=dict)  # two different people agree (counted), see knowme.dedupe.fitting
    namesake_excess: float = 0.0  # log10 of how much commoner namesakes of rare names are here than predicted
    given_names: frozenset[tuple[str, str]] = frozenset()  # first names this book writes for one person (sorted)
    spelled: Counter[str] = field(default_factory=Counter)  # names here a nameless card's address could spell
    # the records (indexes) holding each exact key held twice or more, and each phone's last nine digits
    # held twice or more (however written): the blocking's exact keys' blocks, then emptied (`drop_holders`)
    holders: dict[str, list[int]] = field(default_factory=dict)
    number_holders: dict[str, list[int]] = field(default_factory=dict)
    _rarity: dict[tuple[str, str], float] = field(default_factory=dict)  # what scoring asks per name, once
    _lone: dict[tuple[str, str], float] = field(default_factory=dict)
    _prior: dict[tuple[str, str], float] = field(default_factory=dict)

    def drop_holders(self) -> None:
        """Forget the key holders once the blocking has used them (half a million lists at a million records)."""
        self.holders, self.number_holders = {}, {}

    def name_rarity(self, first: str, last: str) -> float:
        key = (first, last)
        cached = self._rarity.get(key)
        if cached is None:
            cached = self._rarity[key] = self._name_rarity(first, last)
        return cached

    def _name_rarity(self, first: str, last: str) -> float:
        """-log10 of the expected number of other people in the workspace bearing this name by chance.

        A name's share is the larger of its share of the population (`data/name_freq.tsv`) and of
        this workspace (smoothed, so a small address book does not make every name look common).
        """
        if not first or not last:
            return 0.0
        return max(0.0, min(4.0, -math.log10(max(self._expected(first, last), 1e-4))))

    def _expected(self, first: str, last: str, records: int = 0, own: int = 0) -> float:
        """Expected other bearers of a name among `records` (this book's by default), from the
        shares of its first name and surname; `own` records of the name are not counted in them."""
        pop_first, pop_last = population_shares()
        share_first = max(pop_first.get(first, 1e-4), (self.first[first] - own) / (self.n + 2000))
        share_last = max(pop_last.get(last, 3e-5), (self.last[last] - own) / (self.n + 2000))
        return max((records or self.n) / 1.5, 1.0) * share_first * share_last

    def lone_name_odds(self, first: str, last: str) -> float:
        """log10 odds that two records bearing this name and nothing else in common are one person:
        -log10 of the expected other bearers among this book's records, at least `LONE_NAME_BOOK`
        of them (a tiny book makes every name look unique, yet two "Rachel Smith" cards typed apart
        are two people often enough to ask), at least its known namesakes. The two records weighed
        are not others: a rare name written on three cards of one person is no commoner for it."""
        key = (first, last)
        odds = self._lone.get(key)
        if odds is None:
            namesakes = -math.log10(max(self.namesakes(first, last) - 1, 1e-4))
            odds = self._lone[key] = min(self.lone_frequency_odds(first, last), namesakes) - self.namesake_excess
        return odds

    def lone_frequency_odds(self, first: str, last: str) -> float:
        """The part of `lone_name_odds` that the name's frequency alone gives."""
        expected = self._expected(first, last, max(self.n, LONE_NAME_BOOK), own=2)
        return min(4.0, -math.log10(max(expected, 1e-4)))

    def name_prior(self, first: str, last: str) -> float:
        """log10 odds that another record bearing this name is this person rather than a namesake:
        -log10 of the expected number of other bearers (at least its known namesakes). Negative for a
        name many here bear; a name absent from the population table is rare unless this book says not."""
        key = (first, last)
        prior = self._prior.get(key)
        if prior is None:
            prior = self._prior[key] = self._prior_of(first, last)
        return prior

    def pair_prior(self, source: int, first: str, last: str) -> float:
        """`name_prior` for two records of one source that both bear this name: when those two are all
        the book shows of a second bearer (`pair_names`), they are the question, not its answer."""
        if (source, first, last) in self.pair_names:
            return self._prior_of(first, last, source)
        return self.name_prior(first, last)

    def _prior_of(self, first: str, last: str, source: int = -1) -> float:
        bearers = max(self._expected(first, last), self.namesakes(first, last, source) - 1, 1e-4)
        return min(3.0, -math.log10(bearers))

    def disagreement(self, kind: str) -> float:
        """log10 of how much less likely one person's two records disagree on a field than two people's:
        (1 - m) / (1 - u), at most -1.5 (a field is never proof of two people by itself)."""
        return max(-1.5, math.log10((1.0 - self.m.get(kind, DEFAULT_M[kind])) / (1.0 - self.u.get(kind, 0.0))))

    def learnt_doubt(self, kind: str) -> float:
        """log10 of how much likelier the learnt m than the default makes two records of one person that
        both give emails (`kind` "e") or phones ("t") and share none: below 0 in a book whose cards of one
        person mostly share one (`knowme.dedupe.fitting`), 0 where nothing was learnt."""
        return math.log10((1.0 - self.m[kind]) / (1.0 - DEFAULT_M[kind]))

    def value_weight(self, key: str, m: float) -> float:
        """log10 of how much more often one person's two records share this value (probability `m`)
        than two different people of this workspace do (the share of its people holding it besides
        one, at least a third of one): a birthday or a street few share here weighs more than a city
        everyone lives in. A birthday's share is drawn toward the calendar's (`CALENDAR_SHARE`): in a
        book of 300 people "nobody else was born on 20 November 2000" says little, as a third of one
        of 300 is a share of one in a thousand, twenty times the calendar's."""
        others = max(self.values[key] - 1, 0.3)
        people = max(self.people[key[0]], 1)
        prior = CALENDAR_SHARE.get(key[0])
        if prior is not None:
            return max(0.0, math.log10(m * (people + CALENDAR_PEOPLE) / (others + prior * CALENDAR_PEOPLE)))
        return max(0.0, math.log10(m * people / others))

    def rarity_at(self, first: str, last: str, org: str, source: int = -1) -> float:
        """-log10 of the expected number of other people bearing this full name at this organisation:
        the name's expected bearers (at least its known namesakes) times the organisation's share of
        the workspace. Two Jennifer Garcias are likely among 100k records, two at a 20-person firm not.
        Two cards of `source` that are all the book shows of a second bearer (`pair_names`) count as
        one person's, as `pair_prior` counts them (see `knowme.dedupe.scoring._rarity_at_work`)."""
        bearers = max(self._expected(first, last), self.namesakes(first, last, source) - 1)
        share = max(self.org[org], 1) / max(self.n, 1)
        return -math.log10(max(bearers * share, 1e-9))

    def namesakes(self, first: str, last: str, source: int = -1) -> int:
        """At least how many different people bear this name: the most records of it in one source. Asked
        for two records of `source` that both bear it, a count those two alone make is one less: whether
        they are two people is the question (a book holding each person twice would otherwise make
        every name it repeats look common)."""
        count = self.full_per_source.get((first, last), 0)
        return count - 1 if (source, first, last) in self.pair_names else count

    def org_rarity(self, org: str) -> float:
        if not self.n or not org:
            return 0.0
        return max(0.0, min(2.0, math.log10(self.n / max(self.org[org], 1)) - 1.0))

    def country_weight(self, a: MatchItem, b: MatchItem, code: str) -> float:
        """`value_weight` of a country two records both give (by phones and mail), as though two
        different people of their names agreed on it as often as the book's other full names with that
        first name, or that surname, give it (whichever is more): a name's bearers share their country,
        so two Gustavo Carvalhos both giving Brazilian phones is what namesakes do too. A name the book
        gives nowhere else agrees as often as anybody's."""
        anybody = max(self.values["n" + code] - 1, 0.3) / max(self.people["n"], 1)
        own = {(x.first, x.last) for x in (a, b) if _has_origin(x)}
        own_there = {(x.first, x.last) for x in (a, b) if _has_origin(x) and code in x.countries}
        share = anybody
        for k, (part, name) in enumerate((("f", a.first), ("l", a.last))):
            placed = max(self.origins[(part, name, "")] - sum(full[k] == name for full in own), 0)
            there = max(self.origins[(part, name, code)] - sum(full[k] == name for full in own_there), 0)
            share = max(share, (there + ORIGIN_DOUBT * anybody) / (placed + ORIGIN_DOUBT))
        return max(0.0, math.log10(self.m["n"] / share))

    def title_rarity_at(self, org: str, title: str) -> float:
        """-log10 of the share of an organisation's records with this job title (at most 1.5): another
        Jennifer Garcia at a firm of a thousand is less likely to be its senior marketing manager too.
        One person's several records count several times, which only makes the title look commoner."""
        if not org or not title:
            return 0.0
        share = max(self.org_title[(org, title)], 1) / max(self.org[org], 1)
        return min(1.5, -math.log10(min(share, 1.0)))

    def title_weight(self, org: str, title: str, m: float) -> float:
        """log10 of how much more often one person's two records at an organisation give one job title
        (probability `m`) than two of its people do (the title's share of its other records, at least a
        third of one): "lead security engineer" among a firm's thousands of records is a few people's,
        at a firm of three it says little more than the firm. The two records weighed are not others."""
        others = max(self.org_title[(org, title)] - 2, 0.3)
        return max(0.0, math.log10(m * max(self.org[org] - 2, 1) / others))

    def is_provider(self, domain: str) -> bool:
        """A mail provider's domain: public (`is_public_domain`) and not the own domain of an organisation
        as many records here give as use it (the user's employer: acme-corp.com on a fifth of the cards)."""
        return domain not in self.org_domains and self.is_public_domain(domain)

    def is_public_domain(self, domain: str) -> bool:
        """A mail provider (gmail.com, mail.example.com), not an organisation's own domain."""
        if domain in FREE_MAIL or domain in self.public_domains:
            return True
        parts = domain.split(".")
        return len(parts) > 2 and (".".join(parts[-2:]) in FREE_MAIL or ".".join(parts[-3:]) in FREE_MAIL)


def key_stats(items: Sequence[MatchItem]) -> Stats:
    """The statistics blocking needs (how many records hold each exact key, which mail domains are
    public), and no more: cheap, so the rest can be worked out beside the blocking."""
    stats = Stats(n=len(items))
    # counted by `Counter.update` over flat lists: a million records' keys took 2.9-3.5 s one at a time, 2.3-2.5 s so
    stats.domain.update([domain for item in items for domain in item.domains])
    stats.keys.update([key for item in items for held in (item.emails, item.phones, item.urls) for key in held])
    stats.keys.update(["~" + tail for item in items if item.loose_phones or item.phones
                       for tail in phone_tails(item)])  # one number in every form it is written in
    stats.public_domains = frozenset(d for d, c in stats.domain.items() if c >= _crowd(stats.n))
    return stats


def _crowd(records: int) -> int:
    """How many records hold a mail domain that is everyone's (a provider's) rather than one firm's."""
    return max(50, int(records * 0.02))


def _org_domains(stats: Stats) -> frozenset[str]:
    """The crowded domains that spell an organisation as many records give: the user's employer's
    (acme-corp.com beside "Acme Corp" on thousands of cards), not a mail provider's."""
    least = _crowd(stats.n)
    big = [org for org, count in stats.org.items() if count >= least]
    providers = Stats(n=stats.n)  # the known providers alone, without this book's crowded domains
    return frozenset(d for d in stats.public_domains if not providers.is_public_domain(d)
                     and any(org_matches_domain(org, d) for org in big))


def compute_stats(items: Sequence[MatchItem], verdicts: dict[tuple[str, str], str] | None = None,
                  keys: Stats | None = None) -> Stats:
    """Workspace statistics for scoring; `verdicts` maps sorted rkey pairs to "same"/"different";
    `keys`, the `key_stats` of these items when the blocking has worked them out already."""
    stats = Stats(n=keys.n, domain=keys.domain, keys=keys.keys, public_domains=keys.public_domains) if keys \
        else key_stats(items)
    stats.verdicts = dict(verdicts or {})
    per_source: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    holders: dict[str, list[int]] = defaultdict(list)
    number_holders: dict[str, list[int]] = defaultdict(list)  # a phone's last nine digits, however written
    stats.holders, stats.number_holders = holders, number_holders
    sources: set[int] = set()
    held: set[tuple[str, str, str]] = set()  # (value, initial, surname's sound): one person's value once
    born: set[str] = set()
    origin_names: set[tuple[str, str, str]] = set()  # full names with each country they give, once each
    for idx, item in enumerate(items):
        if item.birthday or item.streets or item.postcodes or item.cities or item.countries:
            who = (item.first[:1], phonetic(item.last))
            for value in value_keys(item):
                held.add((value, *who))
            if item.birthday and item.birthday[0]:
                initials = item.first[:1] + item.last[:1]
                born.update(f"{street}|{initials}|{''.join(item.birthday)}" for street in item.streets)
        sources.add(item.source)
        if item.first and not item.mailname:
            stats.first[item.first] += 1
        if item.last and not item.mailname:
            stats.last[item.last] += 1
        if item.first and item.last and not item.mailname:
            per_source[(item.source, item.first, item.last)].append(idx)
        if _has_origin(item):
            origin_names.update((item.first, item.last, code) for code in ("", *item.countries))
        if item.org:
            stats.org[item.org] += 1
            if item.title:
                stats.org_title[(item.org, item.title)] += 1
        for key in (*item.emails, *item.phones, *item.urls):
            if stats.keys[key] > 1:
                holders[key].append(idx)
        for tail in phone_tails(item) if item.loose_phones or item.phones else ():
            if stats.keys["~" + tail] > 1:
                number_holders[tail].append(idx)
    stats.sources = max(1, len(sources))
    for first, last, code in origin_names:
        stats.origins[("f", first, code)] += 1
        stats.origins[("l", last, code)] += 1
    del origin_names
    stats.org_domains = _org_domains(stats)
    stats.values.update(value for value, _, _ in held)
    stats.people.update(value[0] for value in stats.values.elements())
    stats.born_at.update(key.rpartition("|")[0] for key in born)
    stats.u = random_agreement(stats.values, stats.people)
    del held, born
    twice: Counter[tuple[str, str]] = Counter()  # sources holding two people or more of a name
    pair_names = set()
    for (source, first, last), members in per_source.items():
        count = _distinct_people(members, items) if len(members) > 1 else 1
        if count > stats.full_per_source.get((first, last), 0):
            stats.full_per_source[(first, last)] = count
        if count > 1:
            twice[(first, last)] += 1
            if len(members) == 2:
                pair_names.add((source, first, last))
    stats.pair_names = frozenset(key for key in pair_names if twice[key[1:]] == 1)
    stats.namesake_excess = _namesake_excess(stats, Counter(item.source for item in items), per_source)
    floor = max(3, int(stats.n * 2e-5))
    stats.common_firsts = frozenset(_not_typos({f for f, c in stats.first.items() if c >= floor}, stats.first))
    held = [[items[i] for i in members] for members in holders.values() if 2 <= len(members) <= MAX_KEY_HOLDERS]
    stats.given_names = _given_names(held, stats)
    stats.spelled = address_spellings(items)
    for key, members in holders.items():
        if 2 <= len(members) <= MAX_KEY_HOLDERS and _names_conflict([items[i] for i in members], stats, key):
            stats.household.add(key)
    for tail, members in number_holders.items():
        if 2 <= len(members) <= MAX_KEY_HOLDERS and _written_apart([items[i] for i in members], tail) and \
                _names_conflict([items[i] for i in members], stats):
            stats.household.add("~" + tail)
    return stats


def _written_apart(members: list[MatchItem], tail: str) -> bool:
    """Whether the holders of one number write it in more than one form (`+1 720 555 0144` and
    `(720) 555-0144` read in a German book as +49 720 5550144, or a form that gave no number): the
    holders of each E.164 key alone are checked above, and one country's numbers ending alike are two."""
    forms = {next((calling_code(p[:4]) for p in m.phones if p.endswith(tail)), "~") for m in members}
    return len(forms) > 1 or "~" in forms


def _has_origin(item: MatchItem) -> bool:
    """Whether a record's name and countries are counted in `Stats.origins`: a name of its own and a country."""
    return bool(item.first and item.last and not item.mailname and item.countries)


def _namesake_excess(stats: Stats, records: Counter[int], names: Iterable[tuple[int, str, str]]) -> float:
    """log10 of how much commoner namesakes of rare names are in this book than their frequency says:
    of the names rare enough to merge by themselves, how many one address book gives to two people
    (k), against how many it would by chance (e); (k + d) / (e + d) with `NAMESAKE_DOUBT` d, never
    below one. A book whose rare names often belong to two people does not merge on them alone (two
    cards of one person sharing nothing count as two people here too: the count errs on the safe side)."""
    seen = found = 0.0
    for source, first, last in names:
        if len(first) > 1 and len(last) > 1 and stats.lone_frequency_odds(first, last) >= LONE_NAME_ODDS:
            seen += stats._expected(first, last, records[source])
            found += stats.namesakes(first, last) > 1
    return max(0.0, math.log10((found + NAMESAKE_DOUBT) / (seen + NAMESAKE_DOUBT)))


def value_keys(item: MatchItem, places: bool = True) -> list[str]:
    """The keys `Stats.values` counts for a record: "b" + its full birthday, "d" + the day and month,
    and with `places` "s" + each street, "p" + each postcode, "c" + each city, "n" + each country."""
    keys = []
    if item.birthday:
        year, month, day = item.birthday
        if year:
            keys.append(f"b{year}-{month}-{day}")
        keys.append(f"d{month}-{day}")
    if places:
        keys.extend("s" + s for s in item.streets)
        keys.extend("p" + p for p in item.postcodes)
        keys.extend("c" + c for c in item.cities)
        keys.extend("n" + n for n in item.countries)
    return keys


def _not_typos(common: set[str], counts: Counter[str]) -> set[str]:
    """`common` without the frequent typos of far more frequent names: at 50k records "Dvaid" is written
    often enough to look like a name of its own, which would make it "another person" than David.
    A name in the nickname or population tables is always a name."""
    suspects = {f for f in common if len(f) >= 4 and not is_known_first_name(f)}
    if not suspects:
        return common
    neighbours: dict[str, list[str]] = defaultdict(list)  # one letter deleted -> the frequent names
    least = 10 * min(counts[f] for f in suspects)
    for name, count in counts.items():
        if count >= least and len(name) >= 4:
            neighbours[name].append(name)  # a letter added: Davidd
            for k in range(len(name)):
                neighbours[name[:k] + name[k + 1:]].append(name)
    typos = set()
    for name in suspects:
        floor = 10 * counts[name]
        near = {other for k in range(len(name)) for other in neighbours.get(name[:k] + name[k + 1:], ())}
        near.update(neighbours.get(name, ()))  # a letter dropped: Davd
        if any(counts[other] >= floor and OSA.distance(name, other) <= 1 for other in near if other != name):
            typos.add(name)
    return common - typos


def _distinct_people(members: list[int], items: Sequence[MatchItem]) -> int:
    """How many people records of one name in one source are: copies sharing an address, a phone or a
    workplace are one person twice (a sync artefact), not namesakes. In a book of names, birthdays
    and postal addresses (a PIM export: every record of the name gives a birthday or a street, none
    an email or a profile), the birthdays say it: one birthday is one person, however many addresses
    the records hold (people move)."""
    records = [items[idx] for idx in members]
    born = {item.birthday for item in records if item.birthday and item.birthday[0]}
    if born and all((item.streets or item.birthday) and not (item.emails or item.urls) for item in records):
        return len(born)
    groups: list[set[str]] = []
    for item in records:
        marks = {*item.emails, *item.phones, *item.urls, *(("org:" + item.org,) if item.org else ()),
                 *("~" + tail for tail in item.loose_phones), *("~" + p[-9:] for p in item.phones),
                 *(k for k in value_keys(item, places=False) if k[0] == "b"), *("s" + s for s in item.streets),
                 *(("y" + "-".join(item.birthday[1:]),) if item.birthday and not item.birthday[0] else ())}
        joined = [g for g in groups if g & marks]
        merged = marks.union(*joined)
        groups = [g for g in groups if not (g & marks)] + [merged]
    return len(groups) - sum(map(bool, (_born_as(g, groups) for g in groups)))


def _born_as(group: set[str], groups: list[set[str]]) -> bool:
    """Whether a group of records giving a birthday without its year (and no full one) fits exactly one
    other group's full birthday: the same person's card, not a namesake (--08-05 beside 1987-08-05)."""
    if any(mark[0] == "b" for mark in group):
        return False
    days = {mark[1:] for mark in group if mark[0] == "y"}
    return bool(days) and sum(any(m[0] == "b" and m[6:] in days for m in other) for other in groups) == 1


def _given_names(held: list[list[MatchItem]], stats: Stats) -> frozenset[tuple[str, str]]:
    """First names the nickname table does not relate that this book writes for one person (Gabi /
    Gabriela, Lola / Dolores, Tomek / Tomasz): two records of one surname sharing an email, a phone or
    a profile under the two names, for `GIVEN_NAME_PEOPLE` surnames or more, far more often than
    couples of those first names would by chance (`GIVEN_NAME_EXCESS`): a couple's two names recur
    under many surnames only when both are common, and then as often as chance says."""
    surnames: dict[tuple[str, str], set[str]] = defaultdict(set)
    seen = 0
    for members in held:
        for k, a in enumerate(members):
            for b in members[k + 1:]:
                if a.last and a.last == b.last and a.first != b.first and len(a.first) > 1 and len(b.first) > 1 \
                        and a.latin and b.latin:
                    seen += 1
                    if compare_first(a.first, b.first, stats.common_firsts) == "different":
                        surnames[(min(a.first, b.first), max(a.first, b.first))].add(a.last)
    share = 2.0 * seen / max(stats.n, 1) ** 2  # couples of two given first names: seen * 2 * p(a) * p(b)
    return frozenset(pair for pair, lasts in surnames.items() if len(lasts) >= GIVEN_NAME_PEOPLE and len(lasts) >=
                     GIVEN_NAME_EXCESS * share * stats.first[pair[0]] * stats.first[pair[1]])


def _names_conflict(members: list[MatchItem], stats: Stats, key: str = "") -> bool:
    """True when some holders of one key have clearly different first names (a household key). A name
    read from the address itself (park.greg@ on a card with no name) is the address's word, not a
    second holder's: Greg Park's own address on a nameless card does not make it a family's; nor do
    one person's name written two ways (`_one_born`, `one_name_on_mailbox`: Mrv and Marvin on marvin.foley@)."""
    members = [m for m in members if not m.mailname or m.native]
    if len({m.latin for m in members if m.first}) > 1:
        members = [m for m in members if m.latin]  # 秀英 and Xiuying are not two names
    names = {(m.first, m.last) for m in members if len(m.first) > 1}
    if len({first for first, _ in names}) < 2:
        return False
    ordered = sorted(names)
    return any(compare_first(a[0], b[0], stats.common_firsts) == "different" and not _swapped(a, b)
               and (a[0], b[0]) not in stats.given_names and not _one_born(a, b, members)
               and not ("@" in key and one_name_on_mailbox(a[0], b[0], key))
               for i, a in enumerate(ordered) for b in ordered[i + 1:])


def _one_born(a: tuple[str, str], b: tuple[str, str], members: list[MatchItem]) -> bool:
    """Two names of one surname (or a typo of it) whose every holder gives one full birthday: one
    person whose first name a card mistyped (Rhonda / Rhoda, Daivd / Duvid), not a household, whose
    members (a junior too) are born on other days; twins on one mailbox of their own are rarer."""
    born = {m.birthday if m.birthday and m.birthday[0] else None for m in members if (m.first, m.last) in (a, b)}
    return len(born) == 1 and None not in born and compare_last(a[1], b[1]) in ("same", "typo")


def _swapped(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """One name written in both orders (Liang Juan / Juan Liang): one person, not a household."""
    return bool(a[1]) and (a[0], a[1]) == (b[1], b[0])


from knowme.dedupe.blocking import candidate_pairs
from knowme.dedupe.scoring import Evidence, score_pair

__all__ = [
    "FREE_MAIL",
    "Evidence",
    "MatchItem",
    "Stats",
    "candidate_pairs",
    "compute_stats",
    "key_stats",
    "make_item",
    "name_from_address",
    "name_from_slug",
    "parse_birthday",
    "score_pair",
]
