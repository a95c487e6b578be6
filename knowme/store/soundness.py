"""Is the workspace's identity sound? The invariants every action must leave true, as one check.

Each record belongs to exactly one existing person, every person has a record, every decision is
one of the four, keys and records point at what exists, and no id is above the high-water mark
(so none can be given twice). Tests run it after every step; it reads, never writes.
"""
from __future__ import annotations

import sqlite3

from knowme.model import Decision

_CHECKS = (
    ("records without a person",
     "SELECT r.id FROM records r LEFT JOIN people p ON p.id = r.person_id WHERE p.id IS NULL"),
    ("people without records",
     "SELECT p.id FROM people p WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.person_id = p.id)"),
    ("records of no source",
     "SELECT r.id FROM records r LEFT JOIN sources s ON s.id = r.source_id WHERE s.id IS NULL"),
    ("keys of no record",
     "SELECT DISTINCT k.record_id FROM keys k LEFT JOIN records r ON r.id = k.record_id WHERE r.id IS NULL"),
    ("records sharing one identity in a source",
     "SELECT min(id) FROM records GROUP BY source_id, rkey HAVING count(*) > 1"),
    ("people whose record count is stale",
     "SELECT p.id FROM people p WHERE p.n_records != (SELECT count(*) FROM records r WHERE r.person_id = p.id)"),
)


def problems(conn: sqlite3.Connection, limit: int = 10) -> list[str]:
    """One line per broken invariant, naming up to `limit` of the ids involved."""
    found: list[str] = []
    for what, sql in _CHECKS:
        ids = [row[0] for row in conn.execute(f"{sql} LIMIT {limit + 1}")]
        if ids:
            found.append(_line(what, ids, limit))
    decisions = tuple(d.value for d in Decision)
    bad = [row[0] for row in conn.execute(
        f"SELECT id FROM people WHERE decision NOT IN ({','.join('?' * len(decisions))}) LIMIT {limit + 1}",
        decisions)]
    if bad:
        found.append(_line("people with an unknown decision", bad, limit))
    for table in ("people", "records", "sources"):
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name=?", (table,)).fetchone()
        top = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        if top is not None and (row is None or row[0] < top):
            found.append(f"{table}: id {top} is above the high-water mark {row[0] if row else None}")
    return found


def _line(what: str, ids: list[int], limit: int) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    return f"{what}: {shown}" + (" and more" if len(ids) > limit else "")
