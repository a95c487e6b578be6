"""Decisions: find people by what the user typed, mark them, undo and redo.

Every mark is one logged transaction, so it is saved at once and `undo` restores it exactly.
Marking someone `exclude` remembers their addresses for good: they are never exported, even if
the same address comes back in another record or a later import.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowme.model import Decision
from knowme.normalize import clean_email, email_match_key, fold, linkedin_key
from knowme.store import Store, now


class QueryError(Exception):
    """A QUERY that names nobody, or more than one person (the message lists the candidates)."""


@dataclass(slots=True)
class MarkResult:
    changed: list[int]
    unchanged: list[int]
    decision: Decision


def find_people(store: Store, query: str) -> list[int]:
    """Ids of the people a query names: a person id, an email address, a LinkedIn URL, or a name."""
    text = query.strip()
    if not text:
        return []
    conn = store.conn
    if text.isdigit():
        row = conn.execute("SELECT id FROM people WHERE id=?", (int(text),)).fetchone()
        if row:
            return [row[0]]
    if "@" in text:
        key = email_match_key(clean_email(text))
        rows = conn.execute("SELECT DISTINCT r.person_id FROM keys k JOIN records r ON r.id = k.record_id "
                            "WHERE k.key=? AND k.kind='email' ORDER BY r.person_id", (key,)).fetchall()
        return [r[0] for r in rows]
    url = linkedin_key(text)
    if url:
        rows = conn.execute("SELECT DISTINCT r.person_id FROM keys k JOIN records r ON r.id = k.record_id "
                            "WHERE k.key=? AND k.kind='url' ORDER BY r.person_id", (url,)).fetchall()
        return [r[0] for r in rows]
    folded = fold(text)
    rows = conn.execute("SELECT id, name FROM people WHERE search LIKE ? ORDER BY sort_name, id",
                        (f"%{folded}%",)).fetchall()
    exact = [pid for pid, name in rows if fold(name) == folded]
    if exact:
        return exact
    # "Smith, John" or "john smith" typed in another order than the stored name
    words = sorted(folded.split())
    return [pid for pid, name in rows if sorted(fold(name).split()) == words]


def resolve_one(store: Store, query: str) -> int:
    """The one person a query names; QueryError (listing candidates) when it names none or several."""
    ids = find_people(store, query)
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise QueryError(f"nobody matches {query!r}")
    names = store.conn.execute(f"SELECT id, name, email FROM people WHERE id IN ({','.join('?' * len(ids))}) "
                               f"ORDER BY sort_name LIMIT 10", ids).fetchall()
    listed = "; ".join(f"{pid}: {name}" + (f" <{email}>" if email else "") for pid, name, email in names)
    more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
    raise QueryError(f"{query!r} matches {len(ids)} people ({listed}{more}); use the id")


def mark(store: Store, person_ids: Iterable[int], decision: Decision, note: str | None = None,
         action: str = "mark") -> MarkResult:
    """Set the decision (and optionally the note) of people, as one undoable action."""
    ids = list(dict.fromkeys(person_ids))
    with store.transaction() as conn:
        before = store.snapshot(person_ids=ids)
        changed, unchanged = [], []
        stamp = now()
        for pid in ids:
            row = conn.execute("SELECT decision, note FROM people WHERE id=?", (pid,)).fetchone()
            if row is None:
                continue
            old = Decision(row[0])
            values: dict[str, object] = {}
            if old != decision:
                values.update(decision=decision.value, decided_at=stamp)
            if note is not None and note != row[1]:
                values["note"] = note
            if not values:
                unchanged.append(pid)
                continue
            store.update_person(pid, **values)
            changed.append(pid)
        if changed:
            after = store.snapshot(person_ids=ids)
            what = f"{len(changed)} people" if len(changed) > 1 else _name(store, changed[0])
            store.log_action(action, f"marked {what} {decision.value}", before, after)
    return MarkResult(changed, unchanged, decision)


def _name(store: Store, pid: int) -> str:
    row = store.conn.execute("SELECT name FROM people WHERE id=?", (pid,)).fetchone()
    return row[0] if row and row[0] else f"person {pid}"
