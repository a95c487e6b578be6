"""The review queue grouped by the shape of its evidence, and a whole group answered at once.

A PIM export of 5,000 cards can queue hundreds of pairs that read "same name + same address";
nobody answers them one by one. Each queued pair's reasons, without their particulars (the name,
the address, the number), give its *shape*; pairs of one shape form a group with a few examples,
how many of them look like the same person, and what the user already answered for pairs of that
shape. `resolve_group` answers every pending pair of a group as one undoable action: "same" merges
each pair's two people (one merge per set of people joined), "different" records a verdict for
every record pair across each two people, so no later run asks again.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from knowme.dedupe.merge import apply_merges
from knowme.dedupe.run import KeptApart, PairView, pending_pairs
from knowme.store.core import Store
from knowme.store.merging import bulk_snapshot, records_of, records_per_person
from knowme.store.pairs import (
    answered_pairs,
    pending_pairs_between,
    records_of_people,
    rkey_by_record,
    rkeys_of,
    set_pair_status,
    set_verdicts,
    verdict_key,
)
from knowme.store.suppression import different_verdicts, excluded_among
from knowme.text import plural

EXAMPLES = 3
_DETAIL = re.compile(r"\s*\([^)]*\)")  # "(Joseph Wilson)", "(12 oak)"
_PARTICULAR = re.compile(r"\S*[@\d+/]\S*")  # an address, a number, a profile, "97%"
_SCORED_WORDS = re.compile(r"\b(held by|also used by)\b.*$")


def reason_shape(reason: str) -> str:
    """A reason without its particulars: "same address (12 oak)" -> "same address",
    "similar names (Jon ~ John), a common name" -> "similar names, a common name" (as the older wording,
    "names 96% similar (Jon ~ John)", which stored questions still carry)."""
    if reason.startswith("not merged automatically"):
        return "held back: another record of one looks like someone else"
    text = _DETAIL.sub("", reason)
    text = _SCORED_WORDS.sub("", text)
    text = _PARTICULAR.sub("", text)
    text = " ".join(text.replace(" ,", ",").split()).strip(" ,")
    return text.replace("names similar", "similar names")


def evidence_shape(reasons: list[str]) -> str:
    """The shape of a pair's evidence: its reasons' shapes in the scorer's order, joined with " + "."""
    return " + ".join(dict.fromkeys(s for s in map(reason_shape, reasons) if s))


def group_id(shape: str) -> str:
    """A short id for a shape that stays the same from one run to the next (the shape's hash)."""
    return hashlib.sha1(shape.encode("utf-8")).hexdigest()[:8]


@dataclass(slots=True)
class PairGroup:
    """Pending pairs with one shape of evidence."""

    id: str
    shape: str
    pairs: list[PairView] = field(default_factory=list)
    answered_same: int = 0  # pairs of this shape the user already answered, and how
    answered_different: int = 0
    per_person: float = 1.0  # records per person in the workspace
    held: int = 0  # pairs a group answer left as questions (see `resolve_group`) ...
    held_why: str = ""  # ... and what they join, in words

    @property
    def likely_same(self) -> int:
        """How many of the group look like the same person: the share the user's earlier answers of
        this shape give when there are some, else the sum of each pair's chance (its score), less for
        a workspace where each person has several cards: a namesake brings all of theirs, each a pair
        with the name, while one person's other card is one (counting the pairs scored more likely
        one than not said 30 of a group where 204 were one person)."""
        answered = self.answered_same + self.answered_different
        if answered >= 3:
            return round(len(self.pairs) * (self.answered_same + 1) / (answered + 2))
        cards = self.per_person
        return round(sum(p.score / (p.score + (1.0 - p.score) * cards) for p in self.pairs))

    def examples(self, count: int = EXAMPLES) -> list[PairView]:
        """A few of the group's pairs to show before it is answered as one: spread from its best-scored
        to its weakest (the queue is best first), so an answer for thousands is not judged on the
        likeliest alone, and each reading differently from the others where the group allows."""
        n = len(self.pairs)
        chosen: list[PairView] = []
        shown: set[tuple[str, ...]] = set()
        for start in sorted({round(k * (n - 1) / max(count - 1, 1)) for k in range(count)}) if n else ():
            near = self.pairs[start:start + 50]
            pair = next((p for p in near if tuple(p.reasons) not in shown and p not in chosen), near[0])
            if pair not in chosen:
                chosen.append(pair)
                shown.add(tuple(pair.reasons))
        return chosen

    def likely_words(self) -> str:
        """'about 6 look like the same person', in words that fit one pair as well as many."""
        likely, n = self.likely_same, len(self.pairs)
        if n == 1:
            return "it looks like the same person" if likely else "it looks like two people"
        return f"about {likely:,} {'looks' if likely == 1 else 'look'} like the same person"

    def to_dict(self, examples: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {"id": self.id, "shape": self.shape, "pairs": len(self.pairs), "likely_same": self.likely_same,
                "answered": {"same": self.answered_same, "different": self.answered_different},
                "pair_ids": [p.id for p in self.pairs], "examples": examples or []}


def pair_groups(store: Store) -> list[PairGroup]:
    """The pending pairs grouped by shape, the largest group first (ties by shape)."""
    groups: dict[str, PairGroup] = {}
    cards = records_per_person(store)
    for pair in pending_pairs(store):
        shape = evidence_shape(pair.reasons)
        group = groups.get(shape)
        if group is None:
            group = groups[shape] = PairGroup(group_id(shape), shape, per_person=cards)
        group.pairs.append(pair)
    if groups:
        for status, reasons in answered_pairs(store):
            group = groups.get(evidence_shape(reasons))
            if group is not None:
                if status == "same":
                    group.answered_same += 1
                else:
                    group.answered_different += 1
    return sorted(groups.values(), key=lambda g: (-len(g.pairs), g.shape))


def find_group(store: Store, key: str) -> PairGroup:
    """The group whose id (or shape, as written) is `key`; KeyError when no pending pair has it."""
    for group in pair_groups(store):
        if key in (group.id, group.shape):
            return group
    raise KeyError(key)


def resolve_group(store: Store, key: str, same: bool) -> PairGroup:
    """Answer every pending pair of a group at once, as one undoable action; returns the group answered.

    same: the people of each pair become one (a chain of pairs makes one person of all it joins) and a
    "same" verdict is kept for each pair's two records; different: a "different" verdict for every
    record pair across each pair's two people.

    Some pairs stay questions, answered one by one (`PairGroup.held`, `PairGroup.held_why`): for
    "same", those that would join people kept apart; for "different", those with an excluded person
    on one side. Whether someone else is that person is what keeps them out of the safe export (a
    "different" verdict lifts the same-name check), so it is never settled in bulk.
    """
    group = find_group(store, key)
    pair_ids = [p.id for p in group.pairs]
    for p in group.pairs:
        pair_ids.extend(pending_pairs_between(store, p.a_person, p.b_person))
    pair_ids = sorted(set(pair_ids))
    rkey = rkey_by_record(store, [r for p in group.pairs for r in (p.a_record, p.b_record)])
    status = "same" if same else "different"
    label = f"{plural(len(group.pairs), 'pair')} ({group.shape})"
    with store.transaction():
        if same:
            people = {x for p in group.pairs for x in (p.a_person, p.b_person)}
            merges, held = _merge_sets(group.pairs, KeptApart.of(records_of_people(store, people),
                                                                 different_verdicts(store)))
            if held:  # pairs joining people that must stay apart stay questions, answered one by one
                stay = {pid for p in held for pid in (p.id, *pending_pairs_between(store, p.a_person, p.b_person))}
                pair_ids = [pid for pid in pair_ids if pid not in stay]
                group.held = len(held)
                group.held_why = "people you called different or two rows of one LinkedIn export"
            verdicts = sorted({verdict_key(rkey[p.a_record], rkey[p.b_record]) for p in group.pairs if p not in held})
            people = [pid for keep, others in merges for pid in (keep, *others)]
            moved = records_of(store, [pid for _, others in merges for pid in others])
            rids = [rid for rs in moved.values() for rid in rs]
            before = _snapshot(store, people, rids, verdicts, pair_ids)
            apply_merges(store, merges)
            text = f"group {group.id}: same person, {label}: merged {len(people)} people into {len(merges)}"
        else:
            excluded = set(excluded_among(store, sorted({x for p in group.pairs for x in (p.a_person, p.b_person)})))
            held = [p for p in group.pairs if p.a_person in excluded or p.b_person in excluded]
            if held:
                stay = {pid for p in held for pid in (p.id, *pending_pairs_between(store, p.a_person, p.b_person))}
                pair_ids = [pid for pid in pair_ids if pid not in stay]
                group.held = len(held)
                group.held_why = "an excluded person: whether the other is them is yours to answer"
            verdicts = sorted({verdict_key(x, y) for p in group.pairs if p not in held
                               for x in rkeys_of(store, p.a_person) for y in rkeys_of(store, p.b_person) if x != y})
            people, rids = [], []
            before = _snapshot(store, people, rids, verdicts, pair_ids)
            text = f"group {group.id}: not the same person, {label}"
        set_verdicts(store, verdicts, status)
        set_pair_status(store, pair_ids, status)
        store.log_action("resolve", text, before, _snapshot(store, people, rids, verdicts, pair_ids))
    return group


def _merge_sets(pairs: list[PairView], apart: Callable[[int, int], bool]
                ) -> tuple[list[tuple[int, list[int]]], list[PairView]]:
    """(kept person, the others) for each set of people the pairs join, the lowest id kept; and the
    pairs left out because they would join two people that must stay apart (`apart`), even through a
    chain of other pairs: Jane and John Doe, called different before, are not made one by a group
    holding Jane / J. Doe and J. Doe / John."""
    parent: dict[int, int] = {}
    members: dict[int, list[int]] = {}

    def find(x: int) -> int:
        if x not in parent:
            parent[x], members[x] = x, [x]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    held = []
    for p in pairs:
        ra, rb = find(p.a_person), find(p.b_person)
        if ra == rb:
            continue
        if any(apart(x, y) for x in members[ra] for y in members[rb]):
            held.append(p)
            continue
        keep, gone = min(ra, rb), max(ra, rb)
        parent[gone] = keep
        members[keep].extend(members.pop(gone))
    return sorted((keep, sorted(m for m in group if m != keep)) for keep, group in members.items()
                  if len(group) > 1), held


def _snapshot(store: Store, people: list[int], rids: list[int], verdicts: list[tuple[str, str]],
              pair_ids: list[int]) -> dict[str, Any]:
    snap = store.snapshot(verdicts=verdicts, pair_ids=pair_ids)
    rows = bulk_snapshot(store, people, rids)
    snap.update(people=rows["people"], records=rows["records"])
    return snap


__all__ = ["PairGroup", "evidence_shape", "find_group", "group_id", "pair_groups", "reason_shape", "resolve_group"]
