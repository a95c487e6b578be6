"""Duplicate matching as pure functions: match items, workspace statistics, blocking.

Nothing here touches SQLite: `knowme.dedupe` loads one `MatchItem` per record and calls
`candidate_pairs` and `score_pair` (in `knowme.scoring`, re-exported here). Blocking is never
quadratic: records meet only when they share an exact key held by a handful of records, or a name
key (nickname-canonical first name + phonetic surname, first initial + surname, swapped order);
an over-large block is split by organisation and mail domain, or walked with a small sorted window.
Keys held by many records (info@, a household landline) are not glue, only weak evidence.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from knowme.matchitem import ALPHA, MatchItem, make_item, name_from_address, name_from_slug, parse_birthday
from knowme.namesim import compare_first, domain_core, nick_forms, phonetic, population_shares, spelling_key
from knowme.normalize import is_role_address

MAX_KEY_HOLDERS = 8  # an exact key held by more records is shared (role, household, office line)
MAX_BLOCK = 25  # a name block larger than this is split by org/domain, else walked with a window
WINDOW = 2
_WEAK_KEYS = frozenset("fmI")  # block keys that only pair a weak record (no full name) with others

FREE_MAIL = frozenset("""gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de ymail.com hotmail.com
hotmail.co.uk hotmail.fr hotmail.de outlook.com outlook.de live.com live.co.uk msn.com aol.com icloud.com me.com
mac.com gmx.de gmx.net gmx.com web.de t-online.de freenet.de orange.fr wanadoo.fr free.fr laposte.net sfr.fr
libero.it virgilio.it tiscali.it alice.it wp.pl onet.pl o2.pl interia.pl op.pl uol.com.br bol.com.br terra.com.br
ig.com.br qq.com 163.com 126.com sina.com yahoo.co.jp docomo.ne.jp ezweb.ne.jp protonmail.com proton.me
pm.me fastmail.com zoho.com mail.com yandex.ru mail.ru comcast.net verizon.net att.net sbcglobal.net bellsouth.net
cox.net btinternet.com sky.com example.com example.net example.org""".split())

@dataclass(slots=True)
class Stats:
    """Frequencies over the whole workspace: rare names and rare companies weigh more."""

    n: int = 0
    sources: int = 1
    first: Counter[str] = field(default_factory=Counter)
    last: Counter[str] = field(default_factory=Counter)
    full_per_source: dict[tuple[str, str], int] = field(default_factory=dict)  # most records of a name in one source
    org: Counter[str] = field(default_factory=Counter)
    domain: Counter[str] = field(default_factory=Counter)
    keys: Counter[str] = field(default_factory=Counter)  # records holding each exact key
    household: set[str] = field(default_factory=set)  # keys held by people with clearly different names
    common_firsts: frozenset[str] = frozenset()
    public_domains: frozenset[str] = frozenset()
    verdicts: dict[tuple[str, str], str] = field(default_factory=dict)

    def name_rarity(self, first: str, last: str) -> float:
        """-log10 of the expected number of other people in the workspace bearing this name by chance.

        A name's share is the larger of its share of the population (`data/name_freq.tsv`) and of
        this workspace (smoothed, so a small address book does not make every name look common).
        """
        if not first or not last:
            return 0.0
        pop_first, pop_last = population_shares()
        share_first = max(pop_first.get(first, 1e-4), self.first[first] / (self.n + 2000))
        share_last = max(pop_last.get(last, 3e-5), self.last[last] / (self.n + 2000))
        expected = max(self.n / 1.5, 1.0) * share_first * share_last
        return max(0.0, min(4.0, -math.log10(max(expected, 1e-4))))

    def namesakes(self, first: str, last: str) -> int:
        """At least how many different people bear this name: the most records of it in one source."""
        return self.full_per_source.get((first, last), 0)

    def org_rarity(self, org: str) -> float:
        if not self.n or not org:
            return 0.0
        return max(0.0, min(2.0, math.log10(self.n / max(self.org[org], 1)) - 1.0))

    def is_public_domain(self, domain: str) -> bool:
        """A mail provider (gmail.com, mail.example.com), not an organisation's own domain."""
        if domain in FREE_MAIL or domain in self.public_domains:
            return True
        parts = domain.split(".")
        return len(parts) > 2 and (".".join(parts[-2:]) in FREE_MAIL or ".".join(parts[-3:]) in FREE_MAIL)


def compute_stats(items: Sequence[MatchItem], verdicts: dict[tuple[str, str], str] | None = None) -> Stats:
    """Workspace statistics for scoring; `verdicts` maps sorted rkey pairs to "same"/"different"."""
    stats = Stats(n=len(items), verdicts=dict(verdicts or {}))
    per_source: Counter[tuple[int, str, str]] = Counter()
    holders: dict[str, list[int]] = defaultdict(list)
    sources: set[int] = set()
    for idx, item in enumerate(items):
        sources.add(item.source)
        if item.first and not item.mailname:
            stats.first[item.first] += 1
        if item.last and not item.mailname:
            stats.last[item.last] += 1
        if item.first and item.last and not item.mailname:
            per_source[(item.source, item.first, item.last)] += 1
        if item.org:
            stats.org[item.org] += 1
        for domain in item.domains:
            stats.domain[domain] += 1
        for key in (*item.emails, *item.phones, *item.urls):
            stats.keys[key] += 1
            holders[key].append(idx)
    stats.sources = max(1, len(sources))
    for (_, first, last), count in per_source.items():
        if count > stats.full_per_source.get((first, last), 0):
            stats.full_per_source[(first, last)] = count
    floor = max(3, int(stats.n * 2e-5))
    stats.common_firsts = frozenset(f for f, c in stats.first.items() if c >= floor)
    crowd = max(50, int(stats.n * 0.02))
    stats.public_domains = frozenset(d for d, c in stats.domain.items() if c >= crowd)
    for key, members in holders.items():
        if 2 <= len(members) <= MAX_KEY_HOLDERS and _names_conflict([items[i] for i in members], stats):
            stats.household.add(key)
    return stats


def _names_conflict(members: list[MatchItem], stats: Stats) -> bool:
    """True when some holders of one key have clearly different first names (a household key)."""
    if len({m.latin for m in members if m.first}) > 1:
        members = [m for m in members if m.latin]  # 秀英 and Xiuying are not two names
    firsts = {m.first for m in members if len(m.first) > 1}
    if len(firsts) < 2:
        return False
    ordered = sorted(firsts)
    return any(compare_first(a, b, stats.common_firsts) == "different"
               for i, a in enumerate(ordered) for b in ordered[i + 1:])


def _name_keys(item: MatchItem, stats: Stats) -> list[str]:
    """Name block keys: nickname forms x phonetic surname, surname prefix and suffix (typos), the
    swapped order, a first name with the company or mail domain (for "Kimberly" at Acme), initials
    with the company, and the name as an address would spell it (albertabellan@...)."""
    first, last = item.first, item.last
    context = _context_keys(item, stats)
    if item.alias:
        return [f"m{item.alias}", *(f"f{item.alias}|{ctx}" for ctx in context)]
    if not first and not last:
        return []
    if not last or not first:
        return [f"f{first or last}", *(f"f{form}|{ctx}" for form in item.firsts for ctx in context)]
    if _initial(first) or _initial(last):
        return [f"I{first[0]}{last[0]}|{ctx}" for ctx in context]
    spelled = spelling_key(last)
    keys = [f"n{form}|{spelled}" for form in item.firsts]
    keys.append(f"q{phonetic(first)}|{spelled}")  # a typo in the first name
    keys.append(f"h{first}|{phonetic(last)}")  # a typo in the surname
    keys.append(f"i{first[0]}|{last}")  # a nickname the table does not know (Ale / Alessandro)
    for a, b in ((first, last), (last, first)):
        if len(b) > 4:  # a typo in the surname's first letters, also with the name order swapped
            keys.append(f"s{a}|{b[-3:]}")
    keys.extend(f"n{form}|{spelling_key(first)}" for form in nick_forms(last))
    keys.append(f"f{first}")
    for part in item.middle:  # "José García López": García may be the surname elsewhere
        if len(part) > 2:
            keys.append(f"n{first}|{spelling_key(part)}")
    keys.extend(f"I{first[0]}{last[0]}|{ctx}" for ctx in context)
    forms = sorted(item.firsts)[:4]
    keys.extend(f"f{form}|{ctx}" for form in forms for ctx in context)
    if not item.mailname:
        plain_last = ALPHA.sub("", last)
        for form in forms:
            plain = ALPHA.sub("", form)
            if plain and plain_last:
                keys.extend((f"m{plain}{plain_last}", f"m{plain[0]}{plain_last}", f"m{plain}{plain_last[0]}"))
    return keys


def _initial(name: str) -> bool:
    return len(name) == 1 and "a" <= name <= "z"


def _context_keys(item: MatchItem, stats: Stats) -> list[str]:
    """Where a person works, as a short key: the organisation's first word, or its mail domain's."""
    keys = []
    if item.org:
        word = ALPHA.sub("", item.org.split(" ")[0])
        keys.append(f"o{word if len(word) >= 4 else ALPHA.sub('', item.org)}")
    for domain in item.domains:
        if not stats.is_public_domain(domain):
            label = domain.split(".")[0] if domain.count(".") == 1 else domain_core(domain)
            word = ALPHA.sub("", label.split("-")[0])
            keys.append(f"o{word if len(word) >= 4 else ALPHA.sub('', label)}")
    return list(dict.fromkeys(keys))


def candidate_pairs(items: Sequence[MatchItem], stats: Stats,
                    progress: Callable[[int, int], None] | None = None) -> list[tuple[int, int]]:
    """Index pairs (i < j, in different people) worth scoring; linear in the number of records."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for idx, item in enumerate(items):
        for key in (*item.emails, *item.phones, *item.urls):
            count = stats.keys[key]
            if 2 <= count <= MAX_KEY_HOLDERS:  # role and household keys meet here, scoring weighs them
                blocks["k" + key].append(idx)
        for phone in item.phones:  # +33 6 39 98 71 49 read as a US number elsewhere: same last 9 digits
            if len(phone) > 10:
                blocks["t" + phone[-9:]].append(idx)
        for key in _name_keys(item, stats):
            blocks[key].append(idx)
        if progress and idx % 50_000 == 0:
            progress(idx, len(items) * 2)
    found: set[int] = set()
    n = len(items)
    weak = [not (it.first and it.last) or _initial(it.first) or _initial(it.last) for it in items]
    done: set[tuple[int, ...]] = set()  # a rare name's records share all their name keys: pair them once
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if len(members) <= MAX_BLOCK and key[0] not in _WEAK_KEYS:
            signature = tuple(members)
            if signature in done:
                continue
            done.add(signature)
        if key[0] in _WEAK_KEYS:  # a lone first name, initials, an address: met only by names it could complete
            if len(members) <= MAX_BLOCK * 4:
                _lone_pairs(members, items, weak, found, n)
            continue
        if len(members) <= (MAX_KEY_HOLDERS if key[0] in "kt" else MAX_BLOCK):
            _all_pairs(members, items, found, n)
            continue
        sub: dict[str, list[int]] = defaultdict(list)
        for idx in members:
            for key in _context_keys(items[idx], stats):
                sub[key].append(idx)
        for group in sub.values():
            if 2 <= len(group) <= MAX_BLOCK:
                _all_pairs(group, items, found, n)
        ordered = sorted(members, key=lambda i: (items[i].first, items[i].last, items[i].rid))
        for pos, idx in enumerate(ordered):
            for other in ordered[pos + 1:pos + 1 + WINDOW]:
                if items[idx].pid != items[other].pid:
                    found.add(idx * n + other if idx < other else other * n + idx)
    if progress:
        progress(len(items), len(items) * 2)
    return [divmod(code, n) for code in sorted(found)]


def _lone_pairs(members: list[int], items: Sequence[MatchItem], weak: list[bool], found: set[int], n: int) -> None:
    for i in members:
        if not weak[i]:
            continue
        pid = items[i].pid
        for j in members:
            if i != j and items[j].pid != pid:
                found.add(i * n + j if i < j else j * n + i)


def _all_pairs(members: list[int], items: Sequence[MatchItem], found: set[int], n: int) -> None:
    members = sorted(set(members))
    for pos, i in enumerate(members):
        pid = items[i].pid
        base = i * n
        for j in members[pos + 1:]:
            if items[j].pid != pid:
                found.add(base + j)


from knowme.scoring import Evidence, score_pair  # noqa: E402  (re-exported: the public matching API)

__all__ = ["MatchItem", "Stats", "Evidence", "make_item", "compute_stats", "candidate_pairs", "score_pair",
           "parse_birthday", "name_from_address", "name_from_slug", "FREE_MAIL"]
