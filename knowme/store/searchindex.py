"""The upkeep of the people search index (`people_fts`, schema v5) during bulk writes.

Triggers keep the index in step with every write to `people`, one row at a time. For a few rows
that is what we want; for a dedupe that deletes a third of a workspace's people and rewrites the
summaries of as many, the per-row upkeep cost more than everything else the merge writes (100k
records: 3.8 s of deletes and updates in the index, against 0.2 s to rebuild it from `people`).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowme.store.core import Store

TRIGGERS = {
    "people_fts_insert": """CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_fts(rowid, search) VALUES (new.id, new.search);
END""",
    "people_fts_delete": """CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, search) VALUES ('delete', old.id, old.search);
END""",
    "people_fts_update": """CREATE TRIGGER people_fts_update AFTER UPDATE OF search ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO people_fts(rowid, search) VALUES (new.id, new.search);
END""",
}

# Rebuilding reads every person once: 2 us each at 100k people, 8-10 us at a million (12 s to add
# 3,000 people to a million); the triggers cost 50-80 us for each person added, deleted or renamed.
# Below one change in this many people, the triggers are cheaper.
REBUILD_SHARE = 10


def worth_rebuilding(store: Store, changes: int) -> bool:
    """Whether `changes` writes to people are done faster with the index rebuilt once afterwards."""
    if changes < 1_000:
        return False
    people = store.conn.execute("SELECT count(*) FROM people").fetchone()[0]
    return changes * REBUILD_SHARE >= people


@contextmanager
def rebuilt_after(store: Store) -> Iterator[None]:
    """Write to `people` without the index's per-row upkeep, then rebuild it once from `people`.

    Inside a transaction only: the triggers are dropped in it, so if it rolls back they come back
    with everything else; if it commits they are there again, and the index matches `people` row
    for row (a rebuild reads the same column the triggers copy).
    """
    if not store.conn.in_transaction:
        raise RuntimeError("the search index is rebuilt inside a transaction only")
    for name in TRIGGERS:
        store.conn.execute(f"DROP TRIGGER {name}")
    yield
    store.conn.execute("INSERT INTO people_fts(people_fts) VALUES ('rebuild')")
    for sql in TRIGGERS.values():
        store.conn.execute(sql)


def bulk_writes(store: Store, changes: int) -> AbstractContextManager[None]:
    """Around `changes` writes to people: the index rebuilt once after them when that is faster
    (`worth_rebuilding`), else kept by its triggers as they go."""
    return rebuilt_after(store) if worth_rebuilding(store, changes) else nullcontext()


@contextmanager
def people_indexes_rebuilt(store: Store, changes: int) -> Iterator[None]:
    """Around `changes` writes to people: when they are many (as for the search index,
    `worth_rebuilding`), people's own indexes are dropped and built again once after them instead
    of kept row by row. 100k records: deleting the third of the people a dedupe merges away took
    0.75 s with the indexes kept, 0.27 s with them dropped and rebuilt. Inside a transaction only:
    if it rolls back, the indexes come back with everything else."""
    if not worth_rebuilding(store, changes):
        yield
        return
    if not store.conn.in_transaction:
        raise RuntimeError("people's indexes are rebuilt inside a transaction only")
    indexes = store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='people' "
                                 "AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        store.conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        store.conn.execute(sql)
