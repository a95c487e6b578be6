"""Merging people and splitting them back, each as one undoable action.

A merge moves records between people and never touches a record's data, so every value of
every record stays with its source, and a split or `undo` gives the records back exactly.
The merged person takes the strictest decision of its parts (exclude wins). Verdicts ("same" /
"different", `knowme.store.pairs`) are kept against `records.rkey`, the record identity that
survives re-import.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from knowme import suppression
from knowme.dedupe.mergesummary import MergedSummaries
from knowme.model import Decision, Person
from knowme.store.core import PERSON_COLUMNS, Store
from knowme.store.merging import (
    bulk_snapshot,
    fold_people,
    latest_logged_row,
    light_people,
    logged_owner_before,
    logged_row_before,
    people_holding_own_fields,
    people_names,
    person_row,
    present_people,
    record_identities,
    records_of,
)
from knowme.store.pairs import SPLIT, WITHDRAWN, answered_same_among, set_pair_status, set_verdicts, verdict_key
from knowme.store.searchindex import bulk_writes, people_indexes_rebuilt
from knowme.store.sql import chunked

# a merged person takes the first non-empty value of these (and joins the notes, contexts and drafts)
_TEXT_FIRST = ("how", "context", "why", "draft", "sent_on", "accepted_on", "suggestion", "suggestion_reason")
_TEXT_JOINED = {"note": "\n", "context": "; ", "draft": "\n\n"}  # each field's own text, in the people's order
_MERGING_ACTIONS = ("merge", "dedupe", "resolve")  # the logged actions that make one person of several


def combined_fields(people: Sequence[Person]) -> dict[str, Any]:
    """The editable fields of a merged person: strictest decision, notes, contexts and drafts joined
    (two drafts written for one person are both kept: a draft over the note limit is listed as one to
    fix, where keeping the first lost the other unseen), first of the rest."""
    decision = max((p.decision for p in people), key=lambda d: d.strictness, default=Decision.UNDECIDED)
    values: dict[str, Any] = {"decision": decision.value}
    for name in _TEXT_FIRST:
        values[name] = next((getattr(p, name) for p in people if getattr(p, name)), None)
        if values[name] is None and name not in ("sent_on", "accepted_on", "suggestion"):
            values[name] = ""
    for name, between in _TEXT_JOINED.items():
        values[name] = between.join(dict.fromkeys(text for p in people if (text := getattr(p, name).strip())))
    values["priority"] = max((p.priority for p in people), default=0)
    return values


_DERIVED = ("suggestion", "suggestion_reason")  # worked out again from the merged records, whatever the parts held


def _untouched(person: Person) -> bool:
    """Nothing of the person's own yet (as after an import): merging it in changes no field."""
    return (person.decision is Decision.UNDECIDED and not person.note.strip() and not person.priority
            and not any(getattr(person, name) for name in _TEXT_FIRST if name not in _DERIVED))


@dataclass(slots=True)
class MergePlan:
    """What merging groups of people writes, read before anything is written: the records' moves
    (kept, other), the kept people whose own fields change, and the workers summarising the rest."""

    groups: Sequence[tuple[int, Sequence[int]]]
    moves: list[tuple[int, int]]
    updates: list[tuple[int, dict[str, Any]]]
    summaries: MergedSummaries | None


def apply_merges(store: Store, groups: Sequence[tuple[int, Sequence[int]]]) -> None:
    """Move the records of each group's other people into its kept person (inside a transaction)."""
    write_merges(store, plan_merges(store, groups))


def plan_merges(store: Store, groups: Sequence[tuple[int, Sequence[int]]],
                workers: MergedSummaries | None = None) -> MergePlan:
    """Plan `apply_merges` and start summarising the merged people: on `workers` when given (a dedupe
    forks them early), else on workers forked here when the groups are many."""
    own = people_holding_own_fields(store, [pid for keep, others in groups for pid in (keep, *others)])
    # people are read whole only where one of a group holds something of their own: after an import, nobody
    people = light_people(store, [pid for keep, others in groups if any(own.get(p) for p in (keep, *others))
                                  for pid in (keep, *others)])
    moves: list[tuple[int, int]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    for keep, others in groups:
        others = [o for o in others if o != keep]
        present = [p for p in (keep, *others) if p in own]
        if not others or len(present) < 2:
            continue
        parts = [people[p] for p in present] if any(own[p] for p in present) else []
        if parts and (parts[0].priority < 0 or not all(_untouched(p) for p in parts[1:])):  # else the kept values stand
            values = combined_fields(parts)
            alone = combined_fields(parts[:1])
            if any(values[name] != alone[name] for name in values if name not in _DERIVED):
                updates.append((keep, values))
        moves.extend((keep, o) for o in others)
    touched = {keep for keep, _ in updates}  # their merged fields are written below: worked out here
    summarised = [(keep, others) for keep, others in groups if keep not in touched]
    if workers:
        workers.submit(summarised)
    else:
        workers = MergedSummaries.start(store, summarised)
    return MergePlan(groups, moves, updates, workers)


def write_merges(store: Store, plan: MergePlan) -> None:
    """Carry out a plan of `plan_merges` (inside the transaction it was read in)."""
    moves, summaries = plan.moves, plan.summaries
    try:
        with bulk_writes(store, len(moves)), people_indexes_rebuilt(store, len(moves)):
            moves.sort(key=lambda move: move[1])  # in index order: a million records' moves took 4x as long at random
            fold_people(store, moves)
            for keep, values in plan.updates:
                store.update_person(keep, **values)
            done = summaries.write(store) if summaries else set()
            kept = [keep for keep, _ in plan.groups if keep not in done]
            for chunk in chunked(kept):
                _refresh_suggestions(store, store.refresh_people(chunk))
    except BaseException:
        if summaries:
            summaries.close()  # the transaction rolls back; no workers left behind
        raise
    suppression.capture(store, [keep for keep, _ in plan.groups])  # an excluded person's new records are theirs too


def _refresh_suggestions(store: Store, people: Sequence[Person]) -> None:
    """A merged or split person's suggestion follows from its records together (mail to one address
    in sent.mbox and from it in inbox.mbox is a two-way exchange), so it is worked out again here,
    inside the action, so that undo and redo give back the suggestion that went with each state."""
    from knowme.suggest import refresh_suggestions

    if people:
        refresh_suggestions(store, people=people)


def merge_people(store: Store, keep_id: int, other_ids: Iterable[int], summary: str = "",
                 action: str = "merge") -> int:
    """Merge people into `keep_id` as one undoable logged action; returns the kept person's id."""
    others = [pid for pid in dict.fromkeys(other_ids) if pid != keep_id]
    with store.transaction():
        present = present_people(store, [keep_id, *others])
        if keep_id not in present:
            raise ValueError(f"no person {keep_id}")
        others = [o for o in others if o in present]
        if not others:
            return keep_id
        rids = [rid for pid, rs in records_of(store, others).items() for rid in rs]
        before = bulk_snapshot(store, [keep_id, *others], rids)
        apply_merges(store, [(keep_id, others)])
        after = bulk_snapshot(store, [keep_id, *others], rids)
        if not summary:
            summary = f"merged {len(others) + 1} people into {_name(store, keep_id)}"
        store.log_action(action, summary, before, after)
    return keep_id


def _history_rows(store: Store, person_id: int, rids: Sequence[int]) -> dict[int, list[Any]] | None:
    """Each record's person row before the latest merge into this person, if nothing changed since.

    None when no logged merge built this person, or its decision/note changed after that merge.
    """
    logged = latest_logged_row(store, person_id, _MERGING_ACTIONS)
    if logged is None:
        return None
    log_id, after_row = logged
    current = person_row(store, person_id)
    decided = [PERSON_COLUMNS.index("decision"), PERSON_COLUMNS.index("note")]
    if current is None or [after_row[i] for i in decided] != [current[i] for i in decided]:
        return None
    found: dict[int, list[Any]] = {}
    for rid in rids:
        old_pid = logged_owner_before(store, log_id, rid)
        old_row = logged_row_before(store, log_id, person_id if old_pid is None else old_pid)
        if old_row is not None:
            found[rid] = old_row
    return found


def split_person(store: Store, person_id: int) -> list[int]:
    """Give each record of a person its own person again, as one undoable action.

    Every part keeps the person's decision and notes, unless the merge that built this person is in
    the undo history and nothing was decided since: then each part gets back what it had before.
    A split means "not sure", not "different": each two of the parts' records get the verdict "split"
    in place of any "same", so a later dedupe asks about them when their evidence says one person and
    never joins them by itself, not even through a third card (it did, silently undoing the split).
    A question among them answered "same" is withdrawn, so that dedupe can ask it again (the answer
    held it, and the queue counted a question nobody could see).
    """
    with store.transaction():
        held = record_identities(store, person_id)
        if len(held) <= 1:
            return [person_id] if held else []
        rids = [rid for rid, _ in held]
        rkeys = [rk for _, rk in held]
        apart = [verdict_key(a, b) for i, a in enumerate(rkeys) for b in rkeys[i + 1:] if a != b]
        suppression.capture(store, [person_id])  # the parts may go back to other decisions: keep what they held
        history = _history_rows(store, person_id, rids) or {}
        answered = answered_same_among(store, rids)
        before = store.snapshot(person_ids=[person_id], record_ids=rids, verdicts=apart, pair_ids=answered)
        current = person_row(store, person_id)
        cols = {name: i for i, name in enumerate(PERSON_COLUMNS)}
        carried = ("decision", "note", "how", "context", "why", "draft", "priority", "sent_on", "accepted_on",
                   "decided_at", "suggestion", "suggestion_reason")
        new_ids: list[int] = []
        for n, rid in enumerate(rids):
            source = history.get(rid, current)
            values = {name: source[cols[name]] for name in carried}
            if n == 0:
                store.update_person(person_id, **values)
                continue
            pid = store.new_person(**values)
            new_ids.append(pid)
            store.move_records([rid], pid)
        set_verdicts(store, apart, SPLIT)
        set_pair_status(store, answered, WITHDRAWN)
        _refresh_suggestions(store, store.refresh_people([person_id, *new_ids]))
        for pid in new_ids:
            before["people"][str(pid)] = None
        after = store.snapshot(person_ids=[person_id, *new_ids], record_ids=rids, verdicts=apart, pair_ids=answered)
        log_id = store.log_action("split", f"split {_name(store, person_id)} back into {len(rids)} people", before,
                                  after)
        suppression.after_split(store, [person_id, *new_ids], log_id)
    return [person_id, *new_ids]


def _name(store: Store, person_id: int) -> str:
    """A person's name for the log and undo messages ("person 12" when they have none)."""
    return people_names(store, [person_id]).get(person_id) or f"person {person_id}"
