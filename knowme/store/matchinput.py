"""What the duplicate finder reads: every record's person, identity, name and data, and its match keys.

Two queries over the whole workspace, streamed: a million records are read once each.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from knowme.store.sql import from_json

if TYPE_CHECKING:
    from knowme.store.core import Store

#: record id, person id, rkey, source id, first, last, the record's data
MatchRow = tuple[int, int, str, int, str, str, dict[str, Any]]


def keys_by_record(store: Store, after: int = -1, upto: int = 2**63 - 1) -> dict[int, list[tuple[str, str]]]:
    """Each record's (kind, key) match keys, in the order they were written (of the records whose id
    is above `after` and at most `upto`)."""
    keys: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for rid, kind, key in store.conn.execute("SELECT record_id, kind, key FROM keys WHERE record_id > ? AND "
                                             "record_id <= ? ORDER BY record_id, rowid", (after, upto)):
        keys[rid].append((kind, key))
    return keys


def records_to_match(store: Store, after: int = -1, upto: int = 2**63 - 1) -> Iterator[MatchRow]:
    """Every record in id order (whose id is above `after` and at most `upto`), its data parsed once (ten
    json_extract calls parsed it ten times)."""
    for rid, pid, rkey, source, first, last, data in store.conn.execute(
            "SELECT id, person_id, rkey, source_id, first, last, data FROM records WHERE id > ? AND id <= ? "
            "ORDER BY id", (after, upto)):
        yield rid, pid, rkey, source, first, last, from_json(data)


def middle_record(store: Store) -> int | None:
    """The id that splits the records in two halves (the first half ends with it); None for no records."""
    count = store.conn.execute("SELECT count(*) FROM records").fetchone()[0]
    row = store.conn.execute("SELECT id FROM records ORDER BY id LIMIT 1 OFFSET ?", ((count - 1) // 2,)).fetchone()
    return row[0] if count and row else None
