"""Finding duplicates in a workspace: auto-merge the sure ones, queue the doubtful ones.

`run_dedupe` loads one match item per record with two SQL queries (a worker builds half of them in
a large workspace), blocks and scores pairs (`knowme.dedupe.matching`), grows clusters of people
from the sure pairs with a guard against chaining (two people join only when no record of one
conflicts with a record of the other), merges each cluster as part of one undoable "dedupe"
action, and queues the best maybe pair between any two people in the `pairs` table. Pairs with a
stored verdict are never asked again; a second run changes nothing; the same workspace always
gives the same result.
"""
from __future__ import annotations

import functools
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

from knowme.dedupe.fitting import learn_m
from knowme.dedupe.matching import MatchItem, candidate_pairs, key_stats, make_item, score_pair
from knowme.dedupe.merge import apply_merges, merge_people, plan_merges, write_merges
from knowme.dedupe.mergesummary import MergedSummaries
from knowme.dedupe.scorepool import Worded, beside_blocking, score_all
from knowme.dedupe.scoring import MAYBE, QUESTION_MOST, SURE, UNASKED
from knowme.runtime import bulk_work, work_done
from knowme.store.core import Store, from_json, to_json
from knowme.store.matchinput import keys_by_record, record_parts, records_to_match
from knowme.store.merging import bulk_snapshot, people_count, people_names, records_of, snapshot_of_merge
from knowme.store.pairs import (
    PENDING,
    SPLIT,
    WITHDRAWN,
    add_pairs,
    asked,
    last_pair_id,
    load_verdicts,
    pair_ends,
    pair_status,
    pending_pairs_between,
    pending_pairs_involving,
    pending_question_count,
    pending_queue,
    queued_pairs,
    records_of_people,
    revive_pairs,
    rkeys_of,
    set_pair_status,
    set_verdicts,
    update_pair_evidence,
    verdict_key,
)
from knowme.store.sql import json_bytes
from knowme.store.suppression import different_verdicts
from knowme.text import plural

Progress = Callable[[int, int], None]
LOAD_PARTS = 48  # runs of records two processes share when loading (see `load_items`)
MAX_CLUSTER_RECORDS = 40  # a person with more records than this is not grown further automatically
FIELD_NAMES = {"b": "birthday", "s": "street", "p": "postcode", "c": "city"}


@dataclass(slots=True)
class Merge:
    """One auto-merge: the kept person, the people merged into it, and why.

    Why, as the pairs that joined them (their two records' names and the evidence as JSON text), worded
    only when read: a million records make half a million merges, and the text shows the first few."""

    keep: int
    merged: list[int]
    pairs: list[tuple[str, str, str]]

    @property
    def reasons(self) -> list[str]:
        return [f"{a or '?'} = {b or '?'}: " + "; ".join(from_json(why)) for a, b, why in self.pairs]


@dataclass(slots=True)
class DedupeReport:
    records: int = 0
    people_before: int = 0
    people_after: int = 0
    candidates: int = 0
    auto_merged: int = 0  # people merged away into another
    queued: int = 0  # pairs waiting for the user
    new_pairs: int = 0
    closed: int = 0  # pending pairs of earlier runs this run's merges turned into ones already answered
    guarded: int = 0  # sure pairs held back by the chaining guard (queued instead)
    seconds: float = 0.0
    merges: list[Merge] = field(default_factory=list)
    agreement: dict[str, dict[str, float]] = field(default_factory=dict)  # how often a field agrees (fitted)

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "people_before": self.people_before, "people_after": self.people_after,
                "candidates": self.candidates, "auto_merged": self.auto_merged, "queued": self.queued,
                "new_pairs": self.new_pairs, "closed": self.closed, "guarded": self.guarded,
                "seconds": round(self.seconds, 3),
                "agreement": self.agreement,
                "merges": [{"person": m.keep, "merged": m.merged, "reasons": m.reasons} for m in self.merges]}


@dataclass(slots=True)
class PairView:
    """A queued possible duplicate: two records, the people they belong to now, and the evidence."""

    id: int
    score: float
    reasons: list[str]
    a_record: int
    b_record: int
    a_person: int
    b_person: int


def load_items(store: Store, workers: MergedSummaries | None = None) -> list[MatchItem]:
    """One match item per record, in record id order (two queries a run of records). With workers,
    one of them builds items from the last runs of records down while this process builds them from the
    first up (`MergedSummaries.split`): the worker's come back as their fields, which takes a tenth of
    the time of building them."""
    bounds = record_parts(store, LOAD_PARTS) if workers else None
    if workers is None or bounds is None:
        return _items(store)
    take, theirs = workers.split(functools.partial(item_fields, bounds=tuple(bounds)), len(bounds) - 1, work_done)
    items = []
    while (part := take()) is not None:
        items.extend(_items(store, after=bounds[part], upto=bounds[part + 1]))
    for _, fields in sorted(theirs()):
        items.extend(MatchItem(*values) for values in fields)
    return items


def item_fields(store: Store, part: int, bounds: Sequence[int]) -> list[tuple[Any, ...]]:
    """The match items of the records of one run (ids above `bounds[part]`, up to the next bound), each
    as the tuple of its fields (a worker's task: the caches that building them filled are emptied once
    it has taken its last run, they would stay in the worker for the rest of the run, 50 MB at 100k
    records)."""
    fields = attrgetter(*MatchItem.__slots__)
    return [fields(item) for item in _items(store, after=bounds[part], upto=bounds[part + 1])]


def _items(store: Store, after: int = -1, upto: int = 2**63 - 1) -> list[MatchItem]:
    keys = keys_by_record(store, after, upto)
    items = []
    for rid, pid, rkey, source, first, last, d in records_to_match(store, after, upto):
        given, family, formatted = d.get("given") or "", d.get("family") or "", d.get("formatted_name") or ""
        display = (formatted or f"{given} {family}").strip()
        items.append(make_item(rid, pid, rkey, source, first, last, given=given, middle=d.get("middle") or "",
                               family=family, nickname=d.get("nickname") or "", phonetic=d.get("phonetic") or "",
                               display=display, org=d.get("org") or "", title=d.get("title") or "",
                               birthday=d.get("birthday") or "", connected=d.get("connected_on") is not None,
                               keys=keys.get(rid, ()),
                               addresses=[a["value"] for a in d.get("addresses") or ()],
                               raw_phones=[p["value"] for p in d.get("phones") or ()], note=d.get("note") or "",
                               suffix=d.get("suffix") or ""))
    return items


class _Clusters:
    """Union-find over people, remembering each cluster's member items for the chaining guard."""

    def __init__(self, items: list[MatchItem]) -> None:
        self.parent: dict[int, int] = {}
        self.members: dict[int, list[int]] = defaultdict(list)
        for idx, item in enumerate(items):
            self.parent.setdefault(item.pid, item.pid)
            self.members[item.pid].append(idx)

    def find(self, pid: int) -> int:
        root = pid
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[pid] != root:
            self.parent[pid], pid = root, self.parent[pid]
        return root

    def union(self, a: int, b: int) -> None:
        keep, gone = min(a, b), max(a, b)
        self.parent[gone] = keep
        self.members[keep].extend(self.members.pop(gone))


Scored = tuple[str, float, bool]  # (outcome, points, conflict) of a pair that is sure or maybe
# A pair of match items i < j travels as one integer, i * n + j (n = the number of items): items are
# in record id order, so the code orders pairs as (record a, record b) does, and dictionaries keyed by
# codes take a fraction of the memory of tuple keys at a million records.


def _guard(clusters: _Clusters, ra: int, rb: int, items: list[MatchItem], stats: Any,
           known: dict[int, Worded], cache: dict[int, Scored]) -> str | None:
    """Why clusters ra and rb must not join automatically (a conflict or size), else None."""
    ma, mb = clusters.members[ra], clusters.members[rb]
    if len(ma) + len(mb) > MAX_CLUSTER_RECORDS:
        return "would make one person of too many records"
    n = len(items)
    for i in ma:
        for j in mb:
            code = i * n + j if i < j else j * n + i
            scored = known.get(code) or cache.get(code)
            if scored is None:
                x, y = divmod(code, n)
                ev = score_pair(items[x], items[y], stats, explain=False)
                scored = cache[code] = (ev.outcome, ev.points, ev.conflict)
            if scored[2] or scored[0] not in (SURE, MAYBE, UNASKED):
                first, second = items[i].display or "a record", items[j].display or "another record"
                if stats.verdicts.get(verdict_key(items[i].rkey, items[j].rkey)) == SPLIT:
                    return f"not merged automatically: you split {first} and {second} apart"
                return f"not merged automatically: {first} and {second} look like different people"
    return None


def _ranked(codes: Iterable[int], evidence: dict[int, Worded], n: int) -> list[int]:
    """Pair codes by points, best first, then in pair order.

    Sorted as single integers (a rank of the points, then the code): sorting millions of
    (points, code) tuples, with their many equal points, took several times longer (and more memory).
    """
    codes = list(codes)
    points = [evidence[code][1] for code in codes]
    levels = {p: rank for rank, p in enumerate(sorted(set(points), reverse=True))}
    span = n * n
    keys = [levels[p] * span + code for p, code in zip(points, codes)]
    del codes, points
    keys.sort()
    return [key % span for key in keys]


def run_dedupe(store: Store, progress: Progress | None = None) -> DedupeReport:
    """Auto-merge sure duplicates and queue maybe pairs, as one undoable action; see the module doc."""
    people = people_count(store)
    # forked before anything is loaded, while the process is small; a merge joins two people or more
    with bulk_work(), MergedSummaries.forked(store, most_groups=people // 2) as workers:
        return _run_dedupe(store, progress, people, workers)


def _run_dedupe(store: Store, progress: Progress | None, people_before: int,
                workers: MergedSummaries | None) -> DedupeReport:
    started = time.perf_counter()
    report = DedupeReport(people_before=people_before)
    tick = progress or (lambda done, total: None)
    tick(0, 100)
    items = load_items(store, workers)
    n = max(len(items), 1)
    report.records = len(items)
    keys = key_stats(items)
    with beside_blocking(items, load_verdicts(store), keys) as later:
        tick(10, 100)
        pairs = candidate_pairs(items, keys, lambda d, t: tick(10 + 20 * d // max(t, 1), 100),
                                elsewhere=lambda: later()[1])
        stats = later()[0]
    stats.m = learn_m(items, pairs, stats.u)
    report.agreement = {name: {"same person": round(stats.m[kind], 3), "two people": round(stats.u[kind], 6)}
                        for kind, name in FIELD_NAMES.items() if stats.people[kind]}
    for pair in _same_verdict_pairs(items, stats.verdicts):
        pairs.append(pair)
    report.candidates = len(pairs)
    evidence: dict[int, Worded] = {}
    sure: list[int] = []
    for share in score_all(items, stats, pairs, lambda d, t: tick(30 + 55 * d // max(t, 1), 100)):
        evidence.update(zip(share.codes, share.worded))
        sure.extend(share.sure)
    del pairs
    clusters = _Clusters(items)
    guarded: dict[int, str] = {}
    guard_cache: dict[int, Scored] = {}
    why: dict[int, list[int]] = defaultdict(list)  # kept person -> the pairs that merged into it, as codes
    members = clusters.members
    for code in _ranked(sure, evidence, n):
        i, j = divmod(code, n)
        ra, rb = clusters.find(items[i].pid), clusters.find(items[j].pid)
        if ra == rb:
            continue
        # two people of one record each have one pair, this one, sure and so without a conflict: nothing
        # to guard (half the sure pairs at a million records, 1.4 s of the guard's 8.5-9.6 s)
        if len(members[ra]) > 1 or len(members[rb]) > 1:
            refusal = _guard(clusters, ra, rb, items, stats, evidence, guard_cache)
            if refusal:
                guarded[code] = refusal
                continue
        clusters.union(ra, rb)
        keep = min(ra, rb)
        earlier = why.pop(max(ra, rb), [])
        why[keep].append(code)
        why[keep].extend(earlier)
    del sure, guard_cache, members
    root = [clusters.find(item.pid) for item in items]  # each item's person after the merges
    apart = KeptApart.of(((person, item.rkey, item.source, item.connected) for item, person in zip(items, root)),
                         [k for k, v in stats.verdicts.items() if v == "different"])
    groups: dict[int, list[int]] = defaultdict(list)
    for pid in clusters.parent:
        top = clusters.find(pid)
        if top != pid:
            groups[top].append(pid)
    ordered = sorted((keep, sorted(others)) for keep, others in groups.items())
    report.merges = [Merge(keep, others, [_merge_pair(items, code, evidence[code][4], n) for code in why.get(keep, [])])
                     for keep, others in ordered]
    report.guarded = len(guarded)
    record_ids = array("q", (item.rid for item in items))
    # the match items (1.4 GB at a million records) and the statistics have done their work: they
    # go before the queue is chosen, the queue once it is written, each undo snapshot once logged
    del items, stats, clusters, why, groups
    moved = [pid for _, others in ordered for pid in others]
    involved = [pid for keep, others in ordered for pid in (keep, *others)]
    with store.transaction():
        # the workers read the state before the merge while this process chooses and writes the queue
        before = workers.read(snapshot_of_merge, involved, moved) if workers and ordered else None
        plan = plan_merges(store, ordered, workers) if ordered else None
        queue = []
        for code in _queue_choice(evidence, root, n, apart):
            _, _, _, score, reasons = evidence[code]
            if code in guarded:  # sure by itself, a question beside the others: never "score 1.00"
                score, reasons = min(score, QUESTION_MOST), to_json([*from_json(reasons), guarded[code]])
            i, j = divmod(code, n)
            queue.append((record_ids[i], record_ids[j], score, reasons))
        del evidence, guarded
        tick(90, 100)
        last_pair = last_pair_id(store)
        inserted, revived, leftover = _write_queue(store, queue)
        closed: list[int] = []
        if leftover and apart:
            leftover, closed = _withdraw_kept_apart(store, leftover, dict(zip(record_ids, root)), apart)
        report.new_pairs = inserted + len(revived)  # (withdrawn pairs asked again are new to the queue)
        report.closed = len(closed)
        report.queued = len(queue) + _leftover_questions(record_ids, root, queue, leftover)
        del queue, leftover
        questions = asked(last_pair + 1, last_pair + inserted, revived, closed) if report.new_pairs or closed \
            else None
        told = ", ".join(part for part in (
            f"asked {plural(report.new_pairs, 'question')}" if report.new_pairs else "",
            f"closed {plural(len(closed), 'question')} earlier answers settle" if closed else "") if part)
        if plan:
            report.auto_merged = len(moved)
            text, rids = before() if before else snapshot_of_merge(store, involved, moved)
            log_id = store.log_action("dedupe", f"dedupe: merged {len(moved) + len(ordered)} people into "
                                                f"{len(ordered)}" + (f", {told}" if told else ""), text, "{}")
            del text
            write_merges(store, plan)
            after = bulk_snapshot(store, involved, rids)  # (the rows go before the write)
            if questions:
                after["asked"] = questions
            store.log_after(log_id, json_bytes(after))
            del after
        elif questions:
            store.log_action("dedupe", f"dedupe: {told}", {}, {"asked": questions})
    report.people_after = people_count(store)
    report.seconds = time.perf_counter() - started
    tick(100, 100)
    return report


def _merge_pair(items: list[MatchItem], code: int, reasons: str, n: int) -> tuple[str, str, str]:
    i, j = divmod(code, n)
    return items[i].display, items[j].display, reasons


def _same_verdict_pairs(items: list[MatchItem], verdicts: dict[tuple[str, str], str]) -> list[tuple[int, int]]:
    """Pairs the user called the same person whose records are in different people again."""
    wanted = [k for k, v in verdicts.items() if v == "same"]
    if not wanted:
        return []
    by_rkey: dict[str, list[int]] = defaultdict(list)
    for idx, item in enumerate(items):
        by_rkey[item.rkey].append(idx)
    out = []
    for a, b in wanted:
        for i in by_rkey.get(a, ()):
            for j in by_rkey.get(b, ()):
                if items[i].pid != items[j].pid:
                    out.append((min(i, j), max(i, j)))
    return out


@dataclass(slots=True)
class KeptApart:
    """Two people who must stay apart whatever their evidence or an answer for many: the user called
    records of theirs different, or each holds a row of one LinkedIn connections export (it lists each
    connection once). Dedupe asks nothing about them, and no merge or group answer joins them."""

    different: set[tuple[int, int]]  # two people, lower id first
    exports: dict[int, int]  # person -> the connections exports they hold a row of, one bit a source

    @classmethod
    def of(cls, records: Iterable[tuple[int, str, int, bool]], different: Iterable[tuple[str, str]]) -> KeptApart:
        """From (person, record identity, source, whether a connection row) of every record concerned and
        the "different" verdicts (pairs of record identities)."""
        different = list(different)
        wanted = {key for pair in different for key in pair}  # only these records' people are looked up
        owners: dict[str, set[int]] = defaultdict(set)
        exports: dict[int, int] = defaultdict(int)
        for person, rkey, source, connected in records:
            if rkey in wanted:
                owners[rkey].add(person)
            if connected:
                exports[person] |= 1 << source
        people = {(min(x, y), max(x, y)) for a, b in different if a in owners and b in owners
                  for x in owners[a] for y in owners[b] if x != y}
        return cls(people, dict(exports))

    def __bool__(self) -> bool:
        return bool(self.different or self.exports)

    def __call__(self, x: int, y: int) -> bool:
        return bool(self.exports.get(x, 0) & self.exports.get(y, 0)) or (min(x, y), max(x, y)) in self.different


def _queue_choice(evidence: dict[int, Worded], root: list[int], n: int, apart: KeptApart | None = None) -> list[int]:
    """The best maybe pair between each two people that stay apart (one question per two people),
    best first. Two people and their best pair are kept as two integers: a million records have
    millions of such couples. Not asked about: two people `apart` (`KeptApart`), where "the same
    person" is not an answer: two holders of rows of one connections export (an old and a new export
    imported side by side ask nothing about two Andrew Eatons), and two people the user called
    different, when a card that joined one of them since meets the other."""
    best: dict[int, int] = {}  # the two people as one integer -> the code of their best pair so far
    span = max(root, default=0) + 1
    for code, worded in evidence.items():
        i, j = divmod(code, n)
        ra, rb = root[i], root[j]
        if ra == rb:
            continue
        key = ra * span + rb if ra < rb else rb * span + ra
        old = best.get(key)
        if old is None:
            best[key] = code
        else:
            points, before = worded[1], evidence[old][1]
            if points > before or (points == before and code < old):
                best[key] = code
    if apart:
        return _ranked((code for key, code in best.items() if not apart(*divmod(key, span))), evidence, n)
    return _ranked(best.values(), evidence, n)


def _write_queue(store: Store, queue: list[tuple[int, int, float, str]]) -> tuple[int, list[int],
                                                                                 list[tuple[int, int, int]]]:
    """Insert new maybe pairs (record a, record b, score, reasons as JSON); refresh the evidence of
    pending ones; ask withdrawn ones again (an undone dedupe's); leave answered ones alone.

    Returns how many pairs are new (inserted in this order, so with the ids after the last one before),
    the ids of the withdrawn pairs asked again, and the pending pairs of earlier runs this queue does not
    hold (record a, record b, pair id).
    """
    existing = queued_pairs(store)
    inserts, updates, revived = [], [], []
    for a, b, score, reasons in queue:
        a, b = min(a, b), max(a, b)
        old = existing.pop((a, b), None)
        if old is None:
            inserts.append((a, b, score, reasons))
        elif old[1] == PENDING and (old[2] != score or old[3] != reasons):
            updates.append((score, reasons, old[0]))
        elif old[1] == WITHDRAWN:
            revived.append((score, reasons, old[0]))
    add_pairs(store, inserts)
    update_pair_evidence(store, updates)
    revive_pairs(store, revived)
    return len(inserts), [pair_id for _, _, pair_id in revived], \
        [(*pair, old[0]) for pair, old in existing.items() if old[1] == PENDING]


def _withdraw_kept_apart(store: Store, leftover: list[tuple[int, int, int]], person: dict[int, int],
                         apart: KeptApart) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Withdraw the pending pairs of earlier runs that this run's merges put between two people kept
    `apart`: one side merged with a card of someone the user called different from the other, or both
    now hold rows of one connections export. Withdrawn, not answered: not in the queue, and pending
    again once this run is undone. Returns the pending pairs left and the ids of those withdrawn."""
    left, withdrawn = [], []
    for a, b, pair_id in leftover:
        pa, pb = person.get(a), person.get(b)
        if pa is not None and pb is not None and pa != pb and apart(pa, pb):
            withdrawn.append(pair_id)
        else:
            left.append((a, b, pair_id))
    set_pair_status(store, withdrawn, WITHDRAWN)
    return left, withdrawn


def _leftover_questions(record_ids: Sequence[int], root: list[int], queue: list[tuple[int, int, float, str]],
                        leftover: list[tuple[int, int, int]]) -> int:
    """Questions that pending pairs of earlier runs add to this run's queue (which asks one per two
    people): those between two people the queue does not already ask about. Same as
    `pending_count` after the run, without joining millions of pairs to their records again."""
    if not leftover:
        return 0
    person = dict(zip(record_ids, root))
    asked = set()
    for a, b, *_ in queue:
        pa, pb = person[a], person[b]
        asked.add((pa, pb) if pa < pb else (pb, pa))
    more = set()
    for a, b, _ in leftover:
        pa, pb = person.get(a), person.get(b)
        if pa is not None and pb is not None and pa != pb:
            key = (pa, pb) if pa < pb else (pb, pa)
            if key not in asked:
                more.add(key)
    return len(more)


def pending_pairs(store: Store) -> list[PairView]:
    """The review queue: pending pairs whose records are in two different people, best first.

    When several pending pairs join the same two people (after other merges), only the best is shown.
    """
    seen: set[tuple[int, int]] = set()
    out = []
    for pair_id, score, reasons, a, b, pa, pb in pending_queue(store):
        key = (min(pa, pb), max(pa, pb))
        if key in seen:
            continue
        seen.add(key)
        out.append(PairView(pair_id, score, from_json(reasons), a, b, pa, pb))
    return out


def queue_after_answer(pairs: list[PairView], answered: PairView, merged: int | None) -> list[PairView]:
    """The review queue `pending_pairs` gives after `resolve_pair` answered one of its pairs, worked out
    from the queue before it instead of read again (70,000 pairs at 100k records: half a second an answer).

    Every pair between the two people is answered with it; after "same" (`merged` is the person kept),
    the other person's pairs are the merged person's, and of two pairs now joining the same two people
    only the better, first one stays. Only pairs of the two people change: the rest keep their place.
    """
    ends = {answered.a_person, answered.b_person}
    changed: dict[int, PairView | None] = {}  # by place in the queue: the pair now, None when it goes
    seen: set[tuple[int, int]] = set()
    for n, pair in enumerate(pairs):
        if pair.a_person not in ends and pair.b_person not in ends:
            continue
        a = merged if merged is not None and pair.a_person in ends else pair.a_person
        b = merged if merged is not None and pair.b_person in ends else pair.b_person
        key = (min(a, b), max(a, b))
        if {pair.a_person, pair.b_person} == ends or key in seen:
            changed[n] = None
        else:
            seen.add(key)
            if (a, b) != (pair.a_person, pair.b_person):
                changed[n] = replace(pair, a_person=a, b_person=b)
    return [now for now in (changed.get(n, pair) for n, pair in enumerate(pairs)) if now is not None]


def pending_count(store: Store) -> int:
    """How many questions the review queue holds: pending pairs between two different people, one per two."""
    return pending_question_count(store)


class AlreadyAnswered(Exception):
    """The pair was answered before (`same`: as the same person); nothing changed."""

    def __init__(self, pair_id: int, same: bool) -> None:
        super().__init__(pair_id)
        self.pair_id, self.same = pair_id, same


class PairChanged(Exception):
    """The pair's records belong to other people than the two the user was shown (another command merged,
    split or re-imported them since the queue was read): the answer was about people who no longer stand
    so; nothing changed."""

    def __init__(self, pair_id: int) -> None:
        super().__init__(pair_id)
        self.pair_id = pair_id


@dataclass(frozen=True, slots=True)
class Answered:
    """What answering one pair did: the merged person (None for different), and the other questions the
    answer closed with it, each as (pair id, who it was about), so the user hears of them."""

    kept: int | None
    between: tuple[tuple[int, str], ...] = ()  # other questions between the same two people: the same answer
    kept_apart: tuple[tuple[int, str], ...] = ()  # questions a merge made moot: an earlier answer said different

    def also_closed(self) -> str | None:
        """"also closed 2 questions: pair 5 (…), pair 7 (…)", or None when the answer closed no other."""
        now = "now one" if self.kept is not None else "kept apart too"
        said = [f"pair {pid} ({who}, the same two people: {now})" for pid, who in self.between]
        said += [f"pair {pid} ({who}, different people by an earlier answer)" for pid, who in self.kept_apart]
        if not said:
            return None
        more = f" and {len(said) - 10} more" if len(said) > 10 else ""
        return f"also closed {plural(len(said), 'question')}: {', '.join(said[:10])}{more}"


def resolve_pair(store: Store, pair_id: int, same: bool, people: tuple[int, int] | None = None,
                 records: Iterable[int] | None = None) -> int | None:
    """The user's answer to a queued pair, as one undoable action (see `answer_pair`); the merged
    person's id (None for different)."""
    return answer_pair(store, pair_id, same, people, records).kept


def _pairs_named(store: Store, pair_ids: Iterable[int]) -> tuple[tuple[int, str], ...]:
    """(pair id, "3: Ann Lee and 7: Bob Stone") of these pairs, as they stand before the answer."""
    named = []
    for pid in pair_ids:
        ends = pair_ends(store, pid)
        if ends is not None:
            names = people_names(store, ends[:2])
            named.append((pid, " and ".join(f"{who}: {names.get(who) or '(no name)'}" for who in ends[:2])))
    return tuple(named)


def answer_pair(store: Store, pair_id: int, same: bool, people: tuple[int, int] | None = None,
                records: Iterable[int] | None = None) -> Answered:
    """The user's answer to a queued pair, as one undoable action.

    same: the two people merge (and a "same" verdict is kept for the two records); different: a
    "different" verdict for every record pair across the two people, so no later run (nor a
    re-import) asks about them again. The other questions between the same two people take the same
    answer, and a merge closes those an earlier "different" answer settles: all named in the result.
    `people`: the two people the user saw the pair between, and `records` the records they held then;
    when its records are held by others now, or those two people hold other records (merged or split by
    another command since: a third person merged into the one whose id a merge keeps), PairChanged:
    "same" merged a third person's records too.
    """
    ends = pair_ends(store, pair_id)
    if ends is None:
        raise KeyError(pair_id)
    status = pair_status(store, pair_id)
    if status not in (PENDING, WITHDRAWN):  # answering again would log an action that changes nothing, for undo
        raise AlreadyAnswered(pair_id, status == "same")  # to "undo" (a withdrawn pair may still be answered)
    if people is not None and sorted(ends[:2]) != sorted(people):
        raise PairChanged(pair_id)
    if records is not None and {rid for held in records_of(store, ends[:2]).values() for rid in held} != set(records):
        raise PairChanged(pair_id)
    pa, pb, rka, rkb = ends
    pair_ids = sorted({pair_id, *pending_pairs_between(store, pa, pb)})
    names = _names_of(store, pa, pb)  # the log says who, not which ids (undo shows it)
    with store.transaction():
        if same:
            keep, gone = min(pa, pb), max(pa, pb)
            verdicts = [(rka, rkb)] if pa != pb else []
            moot = _called_different_after_merge(store, pa, pb) if pa != pb else []
            closed = Answered(keep, _pairs_named(store, [pid for pid in pair_ids if pid != pair_id]),
                              _pairs_named(store, moot))
            pair_ids = sorted({*pair_ids, *moot})
            before = store.snapshot(verdicts=[verdict_key(*v) for v in verdicts], pair_ids=pair_ids)
            rids = records_of(store, [gone])[gone] if pa != pb else []
            before_people = bulk_snapshot(store, [keep, gone], rids)
            before.update(people=before_people["people"], records=before_people["records"])
            if pa != pb:
                apply_merges(store, [(keep, [gone])])
            set_verdicts(store, verdicts, "same")
            set_pair_status(store, [pid for pid in pair_ids if pid not in moot], "same")
            set_pair_status(store, moot, "different")
            after = store.snapshot(verdicts=[verdict_key(*v) for v in verdicts], pair_ids=pair_ids)
            after_people = bulk_snapshot(store, [keep, gone], rids)
            after.update(people=after_people["people"], records=after_people["records"])
            store.log_action("resolve", f"{names}: the same person, merged", before, after)
            return closed
        rk = rkeys_of(store, pa) if pa != pb else [rka]
        rk2 = rkeys_of(store, pb) if pa != pb else [rkb]
        verdicts = sorted({verdict_key(x, y) for x in rk for y in rk2 if x != y})
        closed = Answered(None, _pairs_named(store, [pid for pid in pair_ids if pid != pair_id]))
        before = store.snapshot(verdicts=verdicts, pair_ids=pair_ids)
        set_verdicts(store, verdicts, "different")
        set_pair_status(store, pair_ids, "different")
        after = store.snapshot(verdicts=verdicts, pair_ids=pair_ids)
        store.log_action("resolve", f"{names}: not the same person", before, after)
        return closed


__all__ = [
    "AlreadyAnswered",
    "Answered",
    "DedupeReport",
    "Merge",
    "PairChanged",
    "PairView",
    "load_items",
    "merge_people",
    "pending_pairs",
    "answer_pair",
    "queue_after_answer",
    "resolve_pair",
    "run_dedupe",
]


def _called_different_after_merge(store: Store, pa: int, pb: int) -> list[int]:
    """Pending pairs of either of two people about to merge with a third kept apart from the other
    (`KeptApart`): once they are one person those pairs ask again what was answered (Bob Stone called
    different from one card, then merged with another card that had a question about the first)."""
    others: dict[int, int] = {}  # pending pair -> the third person
    for pair_id in {*pending_pairs_involving(store, pa), *pending_pairs_involving(store, pb)}:
        ends = pair_ends(store, pair_id)
        if ends is not None and not {ends[0], ends[1]} <= {pa, pb}:
            others[pair_id] = ends[1] if ends[0] in (pa, pb) else ends[0]
    if not others:
        return []
    apart = KeptApart.of(records_of_people(store, {pa, pb, *others.values()}), different_verdicts(store))
    return sorted(pair_id for pair_id, other in others.items() if apart(pa, other) or apart(pb, other))


def _names_of(store: Store, *person_ids: int) -> str:
    """"Ann Lee and Ann Lee (2 people)": who an answer was about, for the log and undo messages."""
    found = people_names(store, person_ids)
    names = [found.get(pid) or f"person {pid}" for pid in dict.fromkeys(person_ids)]
    return " and ".join(names) if len(names) > 1 else names[0]
