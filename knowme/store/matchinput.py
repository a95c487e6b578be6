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


_PROBES = 256


def record_parts(store: Store, parts: int) -> list[int] | None:
    """Record ids that cut the records in `parts` runs of about equal data (run k holds the ids above
    entry k, up to entry k + 1), by the size of their data sampled at a few hundred ids; None for no
    records. Equal data is not equal work (a vCard with a postal address costs more than a LinkedIn row
    of the same size), so two processes building items take runs from either end until none is left
    (`knowme.dedupe.mergesummary.MergedSummaries.split`) rather than a half each: with halves by data
    this process finished its half of the million-record scale books 8 s after the worker."""
    lo, hi = store.conn.execute("SELECT min(id), max(id) FROM records").fetchone()
    if lo is None:
        return None
    step = max(1, (hi - lo + 1) // _PROBES)
    probes = [row for start in range(lo, hi + 1, step) for row in store.conn.execute(
        "SELECT id, length(data) FROM records WHERE id >= ? ORDER BY id LIMIT 1", (start,))]
    total = sum(size for _, size in probes) or 1
    bounds, done = [lo - 1], 0
    for rid, size in probes:
        done += size
        if done >= total * len(bounds) / parts and rid > bounds[-1]:
            bounds.append(rid)
    if bounds[-1] != hi:
        bounds.append(hi)
    return bounds
