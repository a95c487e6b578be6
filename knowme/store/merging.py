"""What merging and splitting people read and write: which records each person holds, people's own
fields, moving records between people, the merged people's summaries, and the undo snapshots of
many rows at once. How a merge is chosen and what a merged person keeps is `knowme.dedupe.merge`'s.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from knowme.model import Person, Record
from knowme.store.core import PERSON_COLUMNS, PERSON_FIELDS_SQL, SUMMARY_COLUMNS, Store, from_json, person_from_row
from knowme.store.sql import chunked, json_bytes, marks
from knowme.store.workspace import _uri_path

_PERSON_ROW_SQL = ", ".join(PERSON_COLUMNS)


@contextmanager
def read_only(path: str | Path) -> Iterator[Store]:
    """A read-only view of a workspace file, for forked workers: it sees the last committed state, beside
    the parent's open write transaction, and creates nothing (mode=ro). The path is escaped: a `#`, `?`
    or `%` in a workspace's name would otherwise end the file name early and open another file."""
    store = Store(Path(path), sqlite3.connect(f"file:{_uri_path(Path(path).absolute())}?mode=ro", uri=True))
    try:
        yield store
    finally:
        store.close()


# ---- reading people and their records ------------------------------------------------------------


def people_count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM people").fetchone()[0]


def records_per_person(store: Store) -> float:
    """How many records each person of the workspace holds on average (1 for an empty one)."""
    records, people = store.conn.execute("SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM people)"
                                         ).fetchone()
    return records / people if people else 1.0


def present_people(store: Store, person_ids: Iterable[int]) -> set[int]:
    """Those of these people who are in the workspace."""
    found: set[int] = set()
    for chunk in chunked(sorted(set(person_ids))):
        found.update(row[0] for row in store.conn.execute(f"SELECT id FROM people WHERE id IN ({marks(len(chunk))})",
                                                          chunk))
    return found


def people_names(store: Store, person_ids: Iterable[int]) -> dict[int, str]:
    """The display name of each of these people who is there."""
    names: dict[int, str] = {}
    for chunk in chunked(sorted(set(person_ids))):
        names.update(store.conn.execute(f"SELECT id, name FROM people WHERE id IN ({marks(len(chunk))})", chunk))
    return names


def person_row(store: Store, person_id: int) -> list[Any] | None:
    """A person's row, every column in `PERSON_COLUMNS` order (as undo snapshots hold it)."""
    row = store.conn.execute(f"SELECT {_PERSON_ROW_SQL} FROM people WHERE id=?", (person_id,)).fetchone()
    return list(row) if row else None


def light_people(store: Store, person_ids: Iterable[int]) -> dict[int, Person]:
    """People's editable fields without their records (bulk merges do not need the records)."""
    people: dict[int, Person] = {}
    for chunk in chunked(list(dict.fromkeys(person_ids))):
        for row in store.conn.execute(f"SELECT {PERSON_FIELDS_SQL} FROM people WHERE id IN ({marks(len(chunk))})",
                                      chunk):
            people[row[0]] = person_from_row(row)
    return people


# (not the suggestion: it is derived from the records, and worked out again for every merged person)
_OWN_FIELDS_SQL = ("decision != 'undecided' OR priority != 0 OR note != '' OR how != '' OR context != '' OR why != '' "
                   "OR draft != '' OR sent_on IS NOT NULL OR accepted_on IS NOT NULL")


def people_holding_own_fields(store: Store, person_ids: Iterable[int]) -> dict[int, bool]:
    """Each of these people who is there, and whether they may hold something of their own (a
    decision, a priority, a note, a draft...): a merge needs the whole row of those only."""
    held: dict[int, bool] = {}
    for chunk in chunked(sorted(set(person_ids))):
        held.update((pid, bool(own)) for pid, own in store.conn.execute(
            f"SELECT id, {_OWN_FIELDS_SQL} FROM people WHERE id IN ({marks(len(chunk))})", chunk))
    return held


def records_of(store: Store, person_ids: Iterable[int]) -> dict[int, list[int]]:
    """Record ids of each person, in id order."""
    pids = sorted(set(person_ids))
    result: dict[int, list[int]] = {pid: [] for pid in pids}
    for chunk in chunked(pids):
        for rid, pid in store.conn.execute(f"SELECT id, person_id FROM records WHERE person_id IN "
                                           f"({marks(len(chunk))}) ORDER BY id", chunk):
            result[pid].append(rid)
    return result


def record_identities(store: Store, person_id: int) -> list[tuple[int, str]]:
    """(record id, rkey) of each record of a person, in id order."""
    return store.conn.execute("SELECT id, rkey FROM records WHERE person_id=? ORDER BY id", (person_id,)).fetchall()


def records_with_data(store: Store, person_ids: Iterable[int]) -> list[tuple[int, int, Record]]:
    """(record id, person id, record) of every record of these people, in record id order."""
    rows: list[tuple[int, int, Record]] = []
    for chunk in chunked(list(dict.fromkeys(person_ids))):
        rows.extend((rid, pid, Record.from_dict(from_json(data))) for rid, pid, data in store.conn.execute(
            f"SELECT id, person_id, data FROM records WHERE person_id IN ({marks(len(chunk))})", chunk))
    rows.sort(key=itemgetter(0))
    return rows


# ---- writing -------------------------------------------------------------------------------------


_FOLD_IN_ONE_FROM = 1_000  # more moves than this: one UPDATE joined to a table of them (4x faster at 33k)


def fold_people(store: Store, moves: Sequence[tuple[int, int]]) -> None:
    """For each (kept, other) person: the other's records go to the kept person, and the other goes.
    Each other person is folded into one kept person, never into one that is itself folded."""
    conn = store.conn
    if len(moves) < _FOLD_IN_ONE_FROM:
        conn.executemany("UPDATE records SET person_id=? WHERE person_id=?", moves)
        conn.executemany("DELETE FROM people WHERE id=?", [(other,) for _, other in moves])
        return
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS folds(other INTEGER PRIMARY KEY, keep INTEGER NOT NULL)")
    conn.execute("DELETE FROM temp.folds")
    conn.executemany("INSERT OR IGNORE INTO temp.folds(other, keep) VALUES (?, ?)",
                     [(other, keep) for keep, other in moves])
    conn.execute("UPDATE records SET person_id = folds.keep FROM temp.folds WHERE records.person_id = folds.other")
    # the people go in one statement too (the million-record scale books: folding 3.9-4.0 s -> 3.4-3.8 s)
    conn.execute("DELETE FROM people WHERE id IN (SELECT other FROM temp.folds)")
    conn.execute("DELETE FROM temp.folds")


def write_summaries(store: Store, rows: Iterable[Sequence[Any]]) -> None:
    """Each row: the `SUMMARY_COLUMNS`, the suggestion, its reason, then the person's id."""
    sets = ", ".join(f"{col}=?" for col in (*SUMMARY_COLUMNS, "suggestion", "suggestion_reason"))
    store.conn.executemany(f"UPDATE people SET {sets} WHERE id=?", rows)


# ---- the undo log --------------------------------------------------------------------------------


def bulk_snapshot(store: Store, person_ids: Iterable[int], record_ids: Iterable[int]) -> dict[str, Any]:
    """`Store.snapshot` for many rows at once (chunked IN queries instead of one query per row)."""
    snap: dict[str, Any] = {"people": {}, "records": {}, "verdicts": {}, "pairs": {}}
    for chunk in chunked(sorted(set(person_ids))):
        for pid in chunk:
            snap["people"][str(pid)] = None
        for row in store.conn.execute(f"SELECT {_PERSON_ROW_SQL} FROM people WHERE id IN ({marks(len(chunk))})",
                                      chunk):
            snap["people"][str(row[0])] = list(row)
    for chunk in chunked(sorted(set(record_ids))):
        for rid, pid in store.conn.execute(f"SELECT id, person_id FROM records WHERE id IN ({marks(len(chunk))})",
                                           chunk):
            snap["records"][str(rid)] = pid
    return snap


def snapshot_of_merge(store: Store, people: Sequence[int], moved: Sequence[int]) -> tuple[bytes, list[int]]:
    """The undo snapshot (as JSON text, `json_bytes`) of a merge of these people, `moved` the ones merged
    away, and the ids of the records it moves."""
    rids = [rid for held in records_of(store, moved).values() for rid in held]
    return json_bytes(bulk_snapshot(store, people, rids)), rids


def latest_logged_row(store: Store, person_id: int, actions: Sequence[str]) -> tuple[int, list[Any]] | None:
    """The latest action still done, of these kinds, whose after-snapshot holds this person: its log id
    and the person's row as it left it."""
    key = f'$.people."{person_id}"'
    row = store.conn.execute(f"SELECT id, json_extract(after, ?) FROM log_full WHERE undone=0 AND action IN "
                             f"({marks(len(actions))}) AND json_extract(after, ?) IS NOT NULL ORDER BY id DESC LIMIT 1",
                             (key, *actions, key)).fetchone()
    return None if row is None else (row[0], json.loads(row[1]))


def logged_owner_before(store: Store, log_id: int, record_id: int) -> int | None:
    """The person a record belonged to before a logged action (None when the action did not move it)."""
    return store.conn.execute("SELECT json_extract(before, ?) FROM log WHERE id=?",
                              (f'$.records."{record_id}"', log_id)).fetchone()[0]


def logged_row_before(store: Store, log_id: int, person_id: int) -> list[Any] | None:
    """A person's row before a logged action (None when the snapshot does not hold it, or it was not there)."""
    text = store.conn.execute("SELECT json_extract(before, ?) FROM log WHERE id=?",
                              (f'$.people."{person_id}"', log_id)).fetchone()[0]
    return None if text is None else json.loads(text)
