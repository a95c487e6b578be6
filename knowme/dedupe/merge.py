"""Merging people and splitting them back, each as one undoable action, plus the verdict store.

A merge moves records between people and never touches a record's data, so every value of
every record stays with its source, and a split or `undo` gives the records back exactly.
The merged person takes the strictest decision of its parts (exclude wins). Verdicts ("same" /
"different") are kept against `records.rkey`, the record identity that survives re-import.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from knowme import suppression
from knowme.dedupe.mergesummary import MergedSummaries
from knowme.model import Decision, Person
from knowme.store.core import PERSON_COLUMNS, PERSON_FIELDS_SQL, Store, now, person_from_row

_TEXT_JOINED = ("note",)  # concatenated; the rest take the first non-empty value
_TEXT_FIRST = ("how", "context", "why", "draft", "sent_on", "accepted_on", "suggestion", "suggestion_reason")
_CHUNK = 500


def verdict_key(a: str, b: str) -> tuple[str, str]:
    """Verdicts are stored once per unordered pair of record identities."""
    return (a, b) if a < b else (b, a)


def load_verdicts(store: Store) -> dict[tuple[str, str], str]:
    return {(a, b): v for a, b, v in store.conn.execute("SELECT a, b, verdict FROM verdicts")}


def set_verdicts(store: Store, pairs: Iterable[tuple[str, str]], verdict: str) -> None:
    """Store a verdict for each rkey pair (inside the caller's transaction)."""
    stamp = now()
    store.conn.executemany("INSERT OR REPLACE INTO verdicts(a, b, verdict, at) VALUES (?, ?, ?, ?)",
                           [(*verdict_key(a, b), verdict, stamp) for a, b in pairs if a != b])


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def bulk_snapshot(store: Store, person_ids: Iterable[int], record_ids: Iterable[int]) -> dict[str, Any]:
    """`Store.snapshot` for many rows at once (chunked IN queries instead of one query per row)."""
    snap: dict[str, Any] = {"people": {}, "records": {}, "verdicts": {}, "pairs": {}}
    pids = sorted(set(person_ids))
    for chunk in _chunks(pids):
        for pid in chunk:
            snap["people"][str(pid)] = None
        marks = ",".join("?" * len(chunk))
        for row in store.conn.execute(f"SELECT {', '.join(PERSON_COLUMNS)} FROM people WHERE id IN ({marks})",
                                      list(chunk)):
            snap["people"][str(row[0])] = list(row)
    rids = sorted(set(record_ids))
    for chunk in _chunks(rids):
        marks = ",".join("?" * len(chunk))
        for rid, pid in store.conn.execute(f"SELECT id, person_id FROM records WHERE id IN ({marks})", list(chunk)):
            snap["records"][str(rid)] = pid
    return snap


def records_of(store: Store, person_ids: Iterable[int]) -> dict[int, list[int]]:
    """Record ids of each person, in id order."""
    pids = sorted(set(person_ids))
    result: dict[int, list[int]] = {pid: [] for pid in pids}
    for chunk in _chunks(pids):
        marks = ",".join("?" * len(chunk))
        for rid, pid in store.conn.execute(f"SELECT id, person_id FROM records WHERE person_id IN ({marks}) "
                                           f"ORDER BY id", list(chunk)):
            result[pid].append(rid)
    return result


def combined_fields(people: Sequence[Person]) -> dict[str, Any]:
    """The editable fields of a merged person: strictest decision, notes joined, first of the rest."""
    decision = max((p.decision for p in people), key=lambda d: d.strictness, default=Decision.UNDECIDED)
    values: dict[str, Any] = {"decision": decision.value}
    notes = list(dict.fromkeys(p.note.strip() for p in people if p.note.strip()))
    values["note"] = "\n".join(notes)
    for name in _TEXT_FIRST:
        values[name] = next((getattr(p, name) for p in people if getattr(p, name)), None)
        if values[name] is None and name not in ("sent_on", "accepted_on", "suggestion"):
            values[name] = ""
    values["priority"] = max((p.priority for p in people), default=0)
    return values


def _untouched(person: Person) -> bool:
    """Nothing of the person's own yet (as after an import): merging it in changes no field."""
    return (person.decision is Decision.UNDECIDED and not person.note.strip() and not person.priority
            and not any(getattr(person, name) for name in _TEXT_FIRST))


def apply_merges(store: Store, groups: Sequence[tuple[int, Sequence[int]]]) -> None:
    """Move the records of each group's other people into its kept person (inside a transaction)."""
    all_ids = [pid for keep, others in groups for pid in (keep, *others)]
    people: dict[int, Person] = {}
    for chunk in _chunks(all_ids):
        people.update((p.id, p) for p in _light_people(store, chunk))
    moves: list[tuple[int, int]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    for keep, others in groups:
        others = [o for o in others if o != keep]
        parts = [people[p] for p in (keep, *others) if p in people]
        if not others or len(parts) < 2:
            continue
        if parts[0].priority < 0 or not all(_untouched(p) for p in parts[1:]):  # else the kept values stand
            values = combined_fields(parts)
            if values != combined_fields(parts[:1]):
                updates.append((keep, values))
        moves.extend((keep, o) for o in others)
    touched = {keep for keep, _ in updates}  # their merged fields are written below: worked out here
    summaries = MergedSummaries.start(store, [(keep, others) for keep, others in groups if keep not in touched])
    try:
        moves.sort(key=lambda move: move[1])  # in index order: a million records' moves took 4x as long at random
        store.conn.executemany("UPDATE records SET person_id=? WHERE person_id=?", moves)
        store.conn.executemany("DELETE FROM people WHERE id=?", [(o,) for _, o in moves])
        for keep, values in updates:
            store.update_person(keep, **values)
    except BaseException:
        if summaries:
            summaries.close()  # the transaction rolls back; no workers left behind
        raise
    done = summaries.write(store) if summaries else set()
    kept = [keep for keep, _ in groups if keep not in done]
    for chunk in _chunks(kept):
        _refresh_suggestions(store, store.refresh_people(chunk))
    suppression.capture(store, [keep for keep, _ in groups])  # an excluded person's new records are theirs too


def _refresh_suggestions(store: Store, people: Sequence[Person]) -> None:
    """A merged or split person's suggestion follows from its records together (mail to one address
    in sent.mbox and from it in inbox.mbox is a two-way exchange), so it is worked out again here,
    inside the action, so that undo and redo give back the suggestion that went with each state."""
    from knowme.suggest import refresh_suggestions

    if people:
        refresh_suggestions(store, people=people)


def _light_people(store: Store, ids: Sequence[int]) -> Iterable[Person]:
    """People's editable fields without their records (bulk merges do not need the records)."""
    marks = ",".join("?" * len(ids))
    by_id = {row[0]: row for row in store.conn.execute(f"SELECT {PERSON_FIELDS_SQL} FROM people WHERE id IN ({marks})",
                                                       list(ids))}
    for pid in ids:
        row = by_id.get(pid)
        if row is not None:
            yield person_from_row(row)


def merge_people(store: Store, keep_id: int, other_ids: Iterable[int], summary: str = "",
                 action: str = "merge") -> int:
    """Merge people into `keep_id` as one undoable logged action; returns the kept person's id."""
    others = [pid for pid in dict.fromkeys(other_ids) if pid != keep_id]
    with store.transaction():
        present = {row[0] for row in store.conn.execute(
            f"SELECT id FROM people WHERE id IN ({','.join('?' * (len(others) + 1))})", [keep_id, *others])}
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
            kept = store.conn.execute("SELECT name FROM people WHERE id=?", (keep_id,)).fetchone()
            summary = f"merged {len(others) + 1} people into {(kept[0] if kept else '') or f'person {keep_id}'}"
        store.log_action(action, summary, before, after)
    return keep_id


def _history_rows(store: Store, person_id: int, rids: Sequence[int]) -> dict[int, list[Any]] | None:
    """Each record's person row before the latest merge into this person, if nothing changed since.

    None when no logged merge built this person, or its decision/note changed after that merge.
    """
    key = f'$.people."{person_id}"'
    row = store.conn.execute("SELECT id, json_extract(after, ?) FROM log WHERE undone=0 AND action IN "
                             "('merge', 'dedupe', 'resolve') AND json_extract(after, ?) IS NOT NULL "
                             "ORDER BY id DESC LIMIT 1", (key, key)).fetchone()
    if row is None:
        return None
    log_id, after_row = row[0], json.loads(row[1])
    current = store.conn.execute("SELECT decision, note FROM people WHERE id=?", (person_id,)).fetchone()
    d_idx, n_idx = PERSON_COLUMNS.index("decision"), PERSON_COLUMNS.index("note")
    if current is None or (after_row[d_idx], after_row[n_idx]) != tuple(current):
        return None
    rows: dict[int, list[Any]] = {}
    for rid in rids:
        old_pid = store.conn.execute("SELECT json_extract(before, ?) FROM log WHERE id=?",
                                     (f'$.records."{rid}"', log_id)).fetchone()[0]
        old_pid = person_id if old_pid is None else old_pid
        old_row = store.conn.execute("SELECT json_extract(before, ?) FROM log WHERE id=?",
                                     (f'$.people."{old_pid}"', log_id)).fetchone()[0]
        if old_row is not None:
            rows[rid] = json.loads(old_row)
    return rows


def split_person(store: Store, person_id: int) -> list[int]:
    """Give each record of a person its own person again, as one undoable action.

    Every part keeps the person's decision and notes, unless the merge that built this person is in
    the undo history and nothing was decided since: then each part gets back what it had before.
    Stored "same" verdicts between the parts are dropped (a split means "not sure"); no "different"
    verdict is stored unless the user says so.
    """
    with store.transaction() as conn:
        rows = conn.execute("SELECT id, rkey FROM records WHERE person_id=? ORDER BY id", (person_id,)).fetchall()
        if len(rows) <= 1:
            return [person_id] if rows else []
        rids = [rid for rid, _ in rows]
        rkeys = [rk for _, rk in rows]
        same = [verdict_key(a, b) for i, a in enumerate(rkeys) for b in rkeys[i + 1:]]
        same = [k for k in same if conn.execute("SELECT 1 FROM verdicts WHERE a=? AND b=? AND verdict='same'",
                                                k).fetchone()]
        suppression.capture(store, [person_id])  # the parts may go back to other decisions: keep what they held
        history = _history_rows(store, person_id, rids) or {}
        before = store.snapshot(person_ids=[person_id], record_ids=rids, verdicts=same)
        current = conn.execute(f"SELECT {', '.join(PERSON_COLUMNS)} FROM people WHERE id=?", (person_id,)).fetchone()
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
        conn.executemany("DELETE FROM verdicts WHERE a=? AND b=?", same)
        _refresh_suggestions(store, store.refresh_people([person_id, *new_ids]))
        for pid in new_ids:
            before["people"][str(pid)] = None
        after = store.snapshot(person_ids=[person_id, *new_ids], record_ids=rids, verdicts=same)
        name = store.conn.execute("SELECT name FROM people WHERE id=?", (person_id,)).fetchone()
        store.log_action("split", f"split {(name[0] if name else '') or f'person {person_id}'} back into "
                                  f"{len(rids)} people", before, after)
    return [person_id, *new_ids]
