"""Is a file a newer version of an address book already imported, and which of its cards are which?

A file replaces an earlier source only when it really is the same address book: the same format,
and at least half of the earlier source's records carry over into it (by their identity, their
UID, an address, a phone, a profile URL or the full name). A different book that happens to have
the same file name (`phone/contacts.vcf`, then `work/contacts.vcf`) is a new source, and nothing
of the first is touched.

Each carried-over record keeps its record row (its id, its person and its identity `rkey`), so
decisions, notes, merges and verdicts stay with it even when one field changed or the cards came
in another order. The matching is pure: the store reads the earlier records and writes the result.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from knowme.model import Record
from knowme.store.rows import Prepared

SAME_BOOK_SHARE = 0.5  # of the earlier version's records that must carry over
# how much each shared key says that two records of one book are the same card
_WEIGHTS = {"uid": 8, "url": 6, "email": 5, "phone": 3, "name": 2}
_SUFFIX = re.compile(r"#\d+$")


def base_identity(rkey: str, source_name: str) -> str:
    """`uid:…`/`email:…`/… of an rkey: without its source prefix and its duplicate number."""
    ident = rkey[len(source_name) + 1:] if rkey.startswith(source_name + "|") else rkey.partition("|")[2]
    return _SUFFIX.sub("", ident)


_POSITION = re.compile(r'"(?:index|line)":\d+,?')


def card_digest(data: str) -> int:
    """A record's stored JSON without its place in the file: equal when the card itself did not change."""
    return hash(_POSITION.sub("", data, count=2))


def full_name(first: str, last: str) -> str:
    return " ".join(part for part in (first, last) if part)


KeyFetcher = Callable[[Sequence[int]], Iterable[tuple[int, str, str]]]
DataFetcher = Callable[[Sequence[int]], Iterable[tuple[int, str]]]


def card_content(data: str) -> set[tuple[str, str]]:
    """What a card says, as (field, value) items, without its place in the file: two versions of one card
    share most of them (its company, title, note, the address it gained aside), two namesakes few."""
    import orjson  # (the store's JSON library)

    items: set[tuple[str, str]] = set()
    for name, value in orjson.loads(data).items():
        if name in ("index", "line", "source"):
            continue
        for one in value if isinstance(value, list) else [value]:
            if one not in (None, "", [], {}):
                items.add((name, one if isinstance(one, str) else orjson.dumps(one).decode()))
    return items


@dataclass(slots=True)
class OldSource:
    """The records of an earlier source, indexed for matching. Their exact keys (addresses, phones,
    URLs) are read only for the few records their identity does not settle (`load`)."""

    id: int
    name: str
    path: str
    fetch_keys: KeyFetcher | None = None  # (record id, kind, key) of the given records
    fetch_data: DataFetcher | None = None  # (record id, stored data) of the given records
    rkey: dict[int, str] = field(default_factory=dict)  # record id -> rkey
    person: dict[int, int] = field(default_factory=dict)  # record id -> person id
    by_ident: dict[str, list[int]] = field(default_factory=dict)
    names: dict[int, tuple[str, str]] = field(default_factory=dict)  # record id -> folded (first, last)
    uids: dict[int, str] = field(default_factory=dict)
    digest: dict[int, int] = field(default_factory=dict)  # record id -> `card_digest` of its stored data
    keys: dict[int, set[tuple[str, str]]] = field(default_factory=dict)  # loaded records only
    content: dict[int, set[tuple[str, str]]] = field(default_factory=dict)  # `card_content`, loaded records only

    def add_record(self, rid: int, rkey: str, pid: int, uid: str | None, first: str, last: str) -> None:
        self.rkey[rid] = rkey
        self.person[rid] = pid
        self.names[rid] = (first, last)
        self.by_ident.setdefault(base_identity(rkey, self.name), []).append(rid)
        if uid and uid.strip():
            self.uids[rid] = uid.strip()

    def load(self, rids: Sequence[int]) -> None:
        """Make sure `keys` holds these records' keys: exact ones, UID and full name."""
        wanted = [rid for rid in rids if rid not in self.keys]
        for rid in wanted:
            mine = self.keys[rid] = set()
            if rid in self.uids:
                mine.add(("uid", self.uids[rid]))
            name = full_name(*self.names[rid])
            if name:
                mine.add(("name", name))
        if wanted and self.fetch_keys is not None:
            for rid, kind, key in self.fetch_keys(wanted):
                self.keys[rid].add((kind, key))

    def load_content(self, rids: Sequence[int]) -> None:
        """Make sure `content` holds these records' `card_content` (for cards their keys do not tell apart)."""
        wanted = [rid for rid in rids if rid not in self.content]
        for rid in wanted:
            self.content[rid] = set()
        if wanted and self.fetch_data is not None:
            for rid, data in self.fetch_data(wanted):
                self.content[rid] = card_content(data)

    def index(self, rids: Sequence[int]) -> dict[tuple[str, str], list[int]]:
        """Key -> the records among these that hold it."""
        self.load(rids)
        by_key: dict[tuple[str, str], list[int]] = {}
        for rid in rids:
            for item in self.keys[rid]:
                by_key.setdefault(item, []).append(rid)
        return by_key

    def __len__(self) -> int:
        return len(self.rkey)


def new_keys(record: Record, prep: Prepared) -> set[tuple[str, str]]:
    """The keys a new record is matched on: its exact keys, UID and full folded name."""
    keys = {(kind, key) for kind, key in prep.keys}
    if record.uid and record.uid.strip():
        keys.add(("uid", record.uid.strip()))
    name = full_name(prep.first, prep.last)
    if name:
        keys.add(("name", name))
    return keys


def match_records(old: OldSource, records: Sequence[Record], prepared: Sequence[Prepared]) -> dict[int, int]:
    """New record position -> the earlier record id it carries over (each earlier record at most once).

    First by identity (UID, profile URL, first address, name: what the rkey holds); where several
    cards of either version share one (a household's address, two John Smiths, a UID given twice), the
    pairs that share the most keys are matched first, wherever they are in the file: matched in file
    order, a card added at the top took the earlier card of the one below it, and with it that person's
    decision (an excluded person's went to a housemate). Then, for the rest, by the most shared keys,
    when that points at one earlier card (or several of one person), the best-keyed first. Never two
    cards of different first names on a shared address alone (`_another_person`).
    """
    claimed: dict[int, int] = {}
    taken: set[int] = set()
    cache: dict[int, set[tuple[str, str]]] = {}

    def keys_of(i: int) -> set[tuple[str, str]]:  # worked out only for the few records that need them
        if i not in cache:
            cache[i] = new_keys(records[i], prepared[i])
        return cache[i]

    def score(i: int, rid: int) -> int:
        return sum(_WEIGHTS.get(kind, 1) for kind, _ in keys_of(i) & old.keys.get(rid, set()))

    def claim(i: int, rid: int) -> None:
        claimed[i] = rid
        taken.add(rid)

    def mine(i: int) -> tuple[str, str]:
        return prepared[i].first, prepared[i].last

    by_ident: dict[str, list[int]] = {}
    for i, prep in enumerate(prepared):
        if prep.ident in old.by_ident:
            by_ident.setdefault(prep.ident, []).append(i)
    for ident, news in by_ident.items():
        olds = old.by_ident[ident]
        if len(news) == 1 and len(olds) == 1:  # the usual card: no keys to read
            if not (ident.startswith("email:") and _first_names_differ(mine(news[0]), old.names[olds[0]])):
                claim(news[0], olds[0])
            continue
        old.load(olds)
        old.load_content(olds)
        content = {i: card_content(prepared[i].data) for i in news}
        # the most shared keys first; between equals (two namesakes without an address, in another order),
        # the card unchanged, then the one saying most of the same: file order moved an exclusion to a namesake
        pairs = sorted(((score(i, rid), card_digest(prepared[i].data) == old.digest.get(rid),
                         len(content[i] & old.content[rid]), -i, -rid) for i in news for rid in olds
                        if not _another_person(keys_of(i) & old.keys[rid], mine(i), old.names[rid])), reverse=True)
        for *_, minus_i, minus_rid in pairs:
            if -minus_i not in claimed and -minus_rid not in taken:
                claim(-minus_i, -minus_rid)
    rest = [i for i in range(len(prepared)) if i not in claimed]
    left = [rid for rid in old.rkey if rid not in taken]
    by_key = old.index(left) if rest and left else {}
    found: list[tuple[int, int, list[int]]] = []  # (score, position, the earlier records it points at)
    for i in rest:
        scores: dict[int, int] = {}
        keys = keys_of(i)
        for item in keys:
            for rid in by_key.get(item, ()):
                scores[rid] = scores.get(rid, 0) + _WEIGHTS.get(item[0], 1)
        for rid in list(scores):
            if _another_person(keys & old.keys[rid], mine(i), old.names[rid]):
                del scores[rid]
        if scores:
            top = max(scores.values())
            found.append((top, i, sorted(rid for rid, value in scores.items() if value == top)))
    for _, i, best_rids in sorted(found, key=lambda item: (-item[0], item[1])):
        best_rids = [rid for rid in best_rids if rid not in taken]
        if best_rids and len({old.person[rid] for rid in best_rids}) == 1:
            claim(i, best_rids[0])
    return claimed


def names_differ(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Two (first, last) folded names that belong to two people (a typo fix or a nickname does not)."""
    # imported here: the nickname tables are a tenth of a second the review UI's start does not need
    from knowme.dedupe.namesim import DIFFERENT, compare_first, compare_last

    return DIFFERENT in (compare_first(a[0], b[0]), compare_last(a[1], b[1]))


def _first_names_differ(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Two first names that are two people's (Ann and Cy; not Bob and Robert, nor a name added)."""
    from knowme.dedupe.namesim import DIFFERENT, compare_first

    return compare_first(a[0], b[0]) == DIFFERENT


def _another_person(shared: set[tuple[str, str]], mine: tuple[str, str], theirs: tuple[str, str]) -> bool:
    """Whether a new card sharing these keys with an earlier one is someone else's: a shared phone alone
    does not make another name the same card, nor does an address (a household's, a team's) another
    first name; a UID or a profile URL does (a card renamed in the address book)."""
    if any(kind in ("uid", "url") for kind, _ in shared):
        return False
    if _first_names_differ(mine, theirs):
        return True
    return not _strong(shared) and names_differ(mine, theirs)


def _strong(shared: set[tuple[str, str]]) -> bool:
    return any(kind in ("uid", "url", "email") for kind, _ in shared)


def carried_share(old: OldSource, claimed: dict[int, int]) -> float:
    return len(claimed) / len(old) if len(old) else 0.0
