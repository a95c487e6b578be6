"""Blocking: which pairs of records are worth scoring, in time linear in the number of records.

Records meet when they share
- an exact key (email, phone, LinkedIn profile) held by at most `MAX_KEY_HOLDERS` records, or a
  phone's last nine digits (one number read under two country codes, or written in a form that gave
  no number);
- a name key: each nickname form of the first name with the surname's spelling key (Bob/Robert,
  Müller/Mueller), the first name's sound with the surname (a typo in the first name), the first
  name with the surname's sound (a typo in the surname), parts of the first name that one typo
  spares, with the surname (a typo in the first name, a nickname the table lacks), parts of the
  surname one typo spares (its first letters, its initial and last letters; two of a short one: a
  typo in the middle of Patel), its letters in sorted order (two letters swapped), all of it also
  in swapped order. A name block larger than `MAX_BLOCK` is split by organisation and mail domain
  and otherwise walked with a small sorted window, so common names never go quadratic. A block of
  several names that meet only through a fuzzy key (a sound, the letters a typo spares) is split from
  `FUZZY_BLOCK` on: such blocks grow with the book, and at a million records those of 13 to 25
  records were a quarter of all candidate pairs, nearly all of two names that differ.
Records giving the same full birthday, or the same street and number, meet when their first names
or surnames start alike (a name mistyped twice, a nickname with a typo).
A Chinese name meets a Latin one spelling its pinyin (朱梓涵, Zihan Zhu: the same letters).
A weak record (only a first name, initials, or only an address) looks up the full names it could
complete ("Kimberly" at Acme, "J. S." at Acme, cjones@...) in indexes over the full names,
narrowed by organisation or mail domain when the name is common.
"""
from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from knowme.dedupe.matchitem import ALPHA, MatchItem, latin_letters
from knowme.dedupe.namesim import domain_core, nick_forms, phonetic, spelling_key

MAX_KEY_HOLDERS = 8  # an exact key held by more records is shared (role, household, office line)
MAX_BLOCK = 25
# ... and the most records of several names meeting through a fuzzy name key paired whole. Measured with
# 25 (as for every block) against 12: on the 1M-record `dedupe_speed.py` book 8.47M -> 6.14M candidate pairs
# and 288 -> 269 s of CPU (5 of 335,224 merges lost); on the million-record scale books 9.82M -> 7.55M pairs;
# on a 40,000-person mixed book 544 fewer questions, 20 of them one person (auto + review recall 0.97410 ->
# 0.97388, auto-merge unchanged); on the 20,000-person sample book 17 fewer questions, recall unchanged
FUZZY_BLOCK = 12
MAX_LOOKUP = 100  # a weak record's lookup returning more full names is narrowed by workplace
WINDOW = 2


def is_initial(name: str) -> bool:
    return len(name) == 1 and "a" <= name <= "z"


def is_weak(item: MatchItem) -> bool:
    """No full name of its own: a first name only, a surname only, initials, or just an address."""
    return not (item.first and item.last) or is_initial(item.first) or is_initial(item.last)


def name_keys(item: MatchItem) -> list[str]:
    """Block keys of a full name (see the module doc)."""
    first, last = item.first, item.last
    spelled = spelling_key(last)
    keys = [f"n{form}|{spelled}" for form in item.firsts]
    keys.append(f"q{phonetic(first)}|{spelled}")
    keys.append(f"h{first}|{phonetic(last)}")
    # a typo in the first name spares its first two and last letters, or its first three (Chris,
    # Christopher), or its initial and last two (Nnacy); the surname stands
    keys.append(f"i{first[:2]}{first[-1]}|{last}")
    keys.append(f"k{first[:3]}|{last}")
    if len(first) > 3:
        keys.append(f"j{first[0]}{first[-2:]}|{last}")
    if len(last) > 4:  # a typo early in the surname spares its initial and last three letters
        keys.append(f"s{first}|{last[0]}{last[-3:]}")
        keys.append(f"p{first}|{last[:3]}")
    if 4 <= len(last) <= 6:  # one typo in the middle of Patel or Lewis spares its first or last two letters
        keys.append(f"P{first}|{last[:2]}")
        if len(last) == 4:
            keys.append(f"S{first}|{last[-2:]}")
    keys.append(f"a{first}|{''.join(sorted(last))}")  # letters swapped: Soctt / Scott
    if len(first) > 4:
        keys.append(f"s{last}|{first[0]}{first[-3:]}")
    keys.extend(f"n{form}|{spelling_key(first)}" for form in nick_forms(last))
    for part in item.middle:  # "José García López": García may be the surname elsewhere
        if len(part) > 2:
            keys.append(f"n{first}|{spelling_key(part)}")
    return keys


def value_keys(item: MatchItem) -> list[str]:
    """Block keys of a full birthday (with either name's initial) and of each street (whose records
    pair where a name starts alike: `_alike_pairs`)."""
    keys = [f"S{street}" for street in item.streets]
    if item.birthday and item.birthday[0]:
        born = "".join(item.birthday)
        keys.append(f"B{born}{item.first[:1]}")
        keys.append(f"B{born}|{item.last[:1]}")
    return keys


def context_keys(item: MatchItem, is_public: Callable[[str], bool]) -> list[str]:
    """Where a person works, as a short key: the organisation's first word, or its mail domain's."""
    keys = []
    if item.org:
        word = ALPHA.sub("", item.org.split(" ")[0])
        keys.append(word if len(word) >= 4 else ALPHA.sub("", item.org))
    for domain in item.domains:
        if not is_public(domain):
            label = domain.split(".")[0] if domain.count(".") == 1 else domain_core(domain)
            word = ALPHA.sub("", label.split("-")[0])
            keys.append(word if len(word) >= 4 else ALPHA.sub("", label))
    return list(dict.fromkeys(k for k in keys if k))


class _FullNames:
    """Indexes over full names for the lookups of weak records (one or two entries per name)."""

    def __init__(self, items: Sequence[MatchItem], weak: list[bool]) -> None:
        self.by_first: dict[str, list[int]] = defaultdict(list)
        self.by_initials: dict[str, list[int]] = defaultdict(list)
        self.by_parts: dict[tuple[str, str], list[int]] = defaultdict(list)  # (first, last) letters only
        parts_of: dict[tuple[str, str, frozenset[str]], list[tuple[str, str]]] = {}  # once per name
        for idx, item in enumerate(items):
            if weak[idx]:
                continue
            first, last = item.first, item.last
            self.by_first[first].append(idx)
            self.by_initials[first[0] + last[0]].append(idx)
            if item.mailname:
                continue
            name = (first, last, item.firsts)
            parts = parts_of.get(name)
            if parts is None:
                parts = parts_of[name] = _spelled_parts(*name)
            for part in parts:
                self.by_parts[part].append(idx)

    def spelled_by(self, alias: str) -> list[int]:
        """Full names an address's local part spells: johnsmith, jsmith, smithjohn, johns (in index order)."""
        hits: set[int] = set()
        for cut in range(1, len(alias)):
            head, tail = alias[:cut], alias[cut:]
            hits.update(self.by_parts.get((head, tail), ()))
            hits.update(self.by_parts.get((tail, head), ()))
        return sorted(hits)

    def lookups(self, item: MatchItem) -> Iterable[tuple[str, list[int], bool]]:
        """(lookup key, full names in index order, must share a workplace) this weak record could be a part of."""
        if item.alias:
            yield "m" + item.alias, self.spelled_by(item.alias), False
        elif not item.first or not item.last:
            for form in item.firsts or {item.last}:
                yield "f" + form, self.by_first.get(form, []), False
        else:
            initials = item.first[0] + item.last[0]
            yield "i" + initials, self.by_initials.get(initials, []), True


def _spelled_parts(first: str, last: str, firsts: frozenset[str]) -> list[tuple[str, str]]:
    """The (head, tail) letters an address could spell a full name by (`_FullNames.spelled_by`)."""
    first = first if first.isalpha() else ALPHA.sub("", first)
    last = last if last.isalpha() else ALPHA.sub("", last)
    if not (first and last):
        return []
    return [(first, last), *((initial, last) for initial in {form[0] for form in firsts}), (first, last[0])]


class _ByPlace:
    """The full names of one lookup grouped by workplace, built the first time a weak record needs
    them narrowed: filtering a common initial's ten thousand names for each weak record was
    quadratic at a million records."""

    def __init__(self, context: Callable[[int], list[str]]) -> None:
        self.context = context
        self.index: dict[str, dict[str, list[int]]] = {}

    def narrow(self, key: str, hits: list[int], places: set[str]) -> list[int]:
        """The first `MAX_LOOKUP` of `hits` (ascending) that share one of `places`."""
        index = self.index.get(key)
        if index is None:
            index = self.index[key] = defaultdict(list)
            for j in hits:
                for place in self.context(j):
                    index[place].append(j)
        found = [index[p] for p in places if p in index]
        if len(found) == 1:
            return found[0][:MAX_LOOKUP]
        return sorted({j for group in found for j in group})[:MAX_LOOKUP]


class _NameBlocks:
    """Name keys over groups of records bearing one name: a million records bear a third as many names,
    each with about fifteen keys, and nearly every key is one name's own. So a key remembers only the
    group that first gave it, and keeps a list only once a second group gives it too: a list for each
    of millions of keys took a third of the blocking's time."""

    def __init__(self) -> None:
        self.groups: list[list[int]] = []  # the records of each group
        self.owner: dict[str, int] = {}  # a name key -> the first group giving it
        self.shared: dict[str, list[int]] = {}  # a name key given by two groups or more -> those groups
        self.owned = array("i")  # per group: its keys it gave first ...
        self.lost = array("i")  # ... and how many of those another group gave too

    def add(self, idx: int, keys: list[str]) -> int:
        """A new group, of record `idx` (more join through `groups`), and its name keys; its number."""
        group = len(self.groups)
        self.groups.append([idx])
        self.owned.append(0)
        self.lost.append(0)
        owner, shared = self.owner, self.shared
        owned = 0
        for key in keys:
            first = owner.get(key)
            if first is None:
                owner[key] = group
                owned += 1
            elif first != group:  # (a key given twice by one name, Paul Paul, counts once)
                groups = shared.get(key)
                if groups is None:
                    shared[key] = [first, group]
                    self.lost[first] += 1
                elif groups[-1] != group:
                    groups.append(group)
        self.owned[group] = owned
        return group

    def alone(self) -> Iterable[int]:
        """The groups of two records or more that give a name key no other group gives."""
        return (g for g, members in enumerate(self.groups) if len(members) > 1 and self.owned[g] > self.lost[g])


class PairList(Sequence[tuple[int, int]]):
    """Index pairs packed as one machine integer each (i * n + j): a million records' candidates
    take tens of megabytes instead of a gigabyte of tuples."""

    def __init__(self, codes: array[int], n: int) -> None:
        self.codes, self.n = codes, n

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, k: int) -> tuple[int, int]:  # type: ignore[override]
        return divmod(self.codes[k], self.n)

    def append(self, pair: tuple[int, int]) -> None:
        self.codes.append(pair[0] * self.n + pair[1])


def candidate_pairs(items: Sequence[MatchItem], stats: object, progress: Callable[[int, int], None] | None = None,
                    elsewhere: Callable[[], Iterable[int]] | None = None) -> PairList:
    """Index pairs (i < j, in different people) worth scoring; linear in the number of records.

    The pairs of `beside_pairs` (the exact keys' and the weak records' lookups) may be worked out
    elsewhere, on another core: `elsewhere` then gives their codes once the rest is done.
    """
    is_public = stats.is_public_domain  # type: ignore[attr-defined]
    n = len(items)
    weak = [is_weak(item) for item in items]
    blocks: dict[str, list[int]] = defaultdict(list)  # values' and weak records' keys: record indexes
    names = _NameBlocks()  # name keys over groups of records bearing the same name
    group_of: dict[tuple[str, str, frozenset[str], tuple[str, ...]], int] = {}
    readings = {item.reading for item in items if item.reading}  # Chinese names, read as pinyin
    letters_of: dict[tuple[str, str], str] = {}  # a name's letters, once per name (a third as many as records)
    for idx, item in enumerate(items):
        if item.reading:
            blocks["c" + item.reading].append(idx)
        elif readings and item.latin and item.first and item.last:
            letters = letters_of.get((item.first, item.last))
            if letters is None:
                letters = letters_of[item.first, item.last] = latin_letters(item.first, item.last)
            if letters in readings:  # Zihan Zhu meets 朱梓涵
                blocks["c" + letters].append(idx)
        if not weak[idx]:
            for key in value_keys(item):
                blocks[key].append(idx)
            name = (item.first, item.last, item.firsts, item.middle)
            group = group_of.get(name)
            if group is None:
                group_of[name] = names.add(idx, name_keys(item))
            else:
                names.groups[group].append(idx)
        elif item.alias:
            blocks["m" + item.alias].append(idx)
        elif item.first or item.last:
            blocks["f" + (item.first or item.last) + "|" + (item.last[:1] if item.first else "")].append(idx)
        if progress and idx % 50_000 == 0:
            progress(idx, n * 2)
    found: set[int] = set()
    context = _workplaces(items, is_public)
    done: set[tuple[int, ...]] = set()  # a rare name's records share all their name keys: pair them once

    def pair(members: list[int], ids: tuple[int, ...], limit: int) -> None:
        """All pairs of a small block, else the split of a large one (once per set of `ids`)."""
        if len(members) >= 2 and ids not in done:
            done.add(ids)
            _pair_block(members, limit, items, context, found, n)

    for key, members in blocks.items():
        if len(members) > 1:
            if key[0] == "S" and len(members) <= MAX_BLOCK:
                _alike_pairs(members, items, found, n)
            else:
                pair(members, tuple(members), MAX_BLOCK)
    done.clear()  # name blocks are sets of name groups, not of records: their own signatures
    groups = names.groups
    for group in names.alone():  # most name keys are one group's own: its records pair among themselves
        pair(groups[group], (group,), MAX_BLOCK)
    for key, gids in names.shared.items():  # a key of several names: theirs in common, or a fuzzy one
        pair([idx for g in gids for idx in groups[g]], tuple(gids), MAX_BLOCK if key[0] == "n" else FUZZY_BLOCK)
    del blocks, names, groups, group_of, pair, weak, letters_of, context
    done.clear()  # the signatures are not needed any more (a million records made a million)
    found.update(elsewhere() if elsewhere else beside_pairs(items, stats))
    if progress:
        progress(n * 2, n * 2)  # blocking done (the record loop reported the first half)
    codes = array("q", found)  # set order: deterministic for the same workspace; sorting 9M codes cost 8 s
    found.clear()
    return PairList(codes, max(n, 1))


def beside_pairs(items: Sequence[MatchItem], stats: object) -> array[int]:
    """The pairs (as codes) the blocking can leave to another core: those of records sharing an exact
    key (`key_pairs`) and the weak records' lookups (`lookup_pairs`). On a million records they are
    about a sixth of the blocking's work, and the statistics worked out beside it leave room for them."""
    found = key_pairs(items, stats)
    found.update(lookup_pairs(items, stats))
    return array("q", found)


def key_pairs(items: Sequence[MatchItem], stats: object) -> set[int]:
    """The pairs (as codes) of records sharing an exact key (email, phone, LinkedIn profile) held by at
    most `MAX_KEY_HOLDERS` records (role and household keys meet here, scoring weighs them), or a
    phone's last nine digits (+33 6 39 98 71 49 read as a US number elsewhere; 07700 900632, which gave
    no number), split like any large block past `MAX_KEY_HOLDERS`. Takes the holders of each key from
    the statistics (`compute_stats` found them: a second pass over the records cost 3 to 4 s at a million).

    Each set of records is paired once within these blocks, as `candidate_pairs` pairs each once within
    its own: a street block holding the same records as an office line's is paired there, by the
    street's limit (it was left out when the line's block came first; no such block on the
    million-record scale books, whose candidate pairs are the same)."""
    n = len(items)
    holders: dict[str, list[int]] = stats.holders  # type: ignore[attr-defined]
    tails: dict[str, list[int]] = stats.number_holders  # type: ignore[attr-defined]
    found: set[int] = set()
    context = _workplaces(items, stats.is_public_domain)  # type: ignore[attr-defined]
    done: set[tuple[int, ...]] = set()
    for members in (*(m for m in holders.values() if len(m) <= MAX_KEY_HOLDERS), *tails.values()):
        if (ids := tuple(members)) not in done:
            done.add(ids)
            _pair_block(members, MAX_KEY_HOLDERS, items, context, found, n)
    return found


def lookup_pairs(items: Sequence[MatchItem], stats: object) -> set[int]:
    """The pairs (as codes) of each weak record with the full names it could be a part of (see the
    module doc); needs of the statistics only which mail domains are public."""
    n = len(items)
    weak = [is_weak(item) for item in items]
    context = _workplaces(items, stats.is_public_domain)  # type: ignore[attr-defined]
    found: set[int] = set()
    full = _FullNames(items, weak)
    by_place = _ByPlace(context)
    for idx, item in enumerate(items):
        if not weak[idx]:
            continue
        mine = set(context(idx))
        for key, hits, needs_place in full.lookups(item):
            if needs_place or len(hits) > MAX_LOOKUP:
                if not mine:
                    continue
                hits = by_place.narrow(key, hits, mine)
            pid = item.pid
            for j in hits:
                if items[j].pid != pid:
                    found.add(idx * n + j if idx < j else j * n + idx)
    return found


def _workplaces(items: Sequence[MatchItem], is_public: Callable[[str], bool]) -> Callable[[int], list[str]]:
    """A record's `context_keys` by its index, worked out once for each organisation and set of mail
    domains (coworkers share them: a million records hold a sixth as many). The lists are shared:
    read them, never change them."""
    by_place: dict[tuple[str, tuple[str, ...]], list[str]] = {("", ()): []}

    def context(idx: int) -> list[str]:
        item = items[idx]
        place = (item.org, item.domains)
        found = by_place.get(place)
        if found is None:
            found = by_place[place] = context_keys(item, is_public)
        return found
    return context


def _pair_block(members: list[int], limit: int, items: Sequence[MatchItem], context: Callable[[int], list[str]],
                found: set[int], n: int) -> None:
    """All pairs of a small block (of records in different people), else the split of a large one."""
    if len(members) > limit:
        _split_block(members, items, context, found, n)
    elif len(members) == 2:
        i, j = members
        if i != j and items[i].pid != items[j].pid:
            found.add(i * n + j if i < j else j * n + i)
    else:
        _all_pairs(members, items, found, n)


def _split_block(members: list[int], items: Sequence[MatchItem], context: Callable[[int], list[str]],
                 found: set[int], n: int) -> None:
    """An over-large block: pair members that share a workplace, and neighbours in name order."""
    sub: dict[str, list[int]] = defaultdict(list)
    for idx in members:
        for key in context(idx):
            sub[key].append(idx)
    for group in sub.values():
        if 2 <= len(group) <= MAX_BLOCK:
            _all_pairs(group, items, found, n)
    ordered = sorted(members, key=lambda i: (items[i].first, items[i].last, items[i].rid))
    for pos, idx in enumerate(ordered):
        for other in ordered[pos + 1:pos + 1 + WINDOW]:
            if items[idx].pid != items[other].pid:
                found.add(idx * n + other if idx < other else other * n + idx)


def _alike_pairs(members: list[int], items: Sequence[MatchItem], found: set[int], n: int) -> None:
    """The pairs of a street's block whose records' first names or surnames start alike: a name
    mistyped twice or a nickname with a typo keeps one of the two initials (a name in swapped order
    meets through its name keys). On the million-record scale books the neighbours whose names share
    no initial were 184,547 candidate pairs (one in forty): 184,534 of them scored two people, 12 made
    questions no one need answer ("Phillip Holmes / Holly Williams: name order swapped"; "the address
    jill.graham@ names someone else") and one a merge of two names with nothing alike."""
    initials: dict[str, list[int]] = defaultdict(list)
    for idx in members:
        item = items[idx]
        initials["f" + item.first[:1]].append(idx)
        initials["l" + item.last[:1]].append(idx)
    for group in initials.values():
        if len(group) > 1:
            _all_pairs(group, items, found, n)


def _all_pairs(members: list[int], items: Sequence[MatchItem], found: set[int], n: int) -> None:
    members = sorted(set(members))
    pids = [items[i].pid for i in members]
    if len(set(pids)) == len(pids):  # each record its own person (as after an import): every pair, in one go
        found.update([i * n + j for k, i in enumerate(members, 1) for j in members[k:]])
        return
    for pos, i in enumerate(members):
        pid = pids[pos]
        base = i * n
        for other, j in zip(pids[pos + 1:], members[pos + 1:]):
            if other != pid:
                found.add(base + j)
