"""What the imported sources ask the workspace: who holds each source's records, the rows a source owns
(for forgetting it and for that forget's undo), and where a record came from. Whether a file was
imported before, `Store.store_import` answers itself.

The rules (how a source is named, what a forget keeps) stay in `knowme.sources` and `knowme.importing`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from knowme.model import Decision, Record
from knowme.store.sql import chunked, from_json, marks

if TYPE_CHECKING:
    from knowme.store.core import Store

# Tables whose rows a source owns (a forget removes them, its undo puts them back), children last.
_ROWS = (
    ("sources", "id = ?"),
    ("records", "source_id = ?"),
    ("keys", "record_id IN (SELECT id FROM records WHERE source_id = ?)"),
    ("pairs", "a IN (SELECT id FROM records WHERE source_id = ?) OR b IN (SELECT id FROM records WHERE source_id = ?)"),
)


def people_per_source(store: Store) -> dict[int, int]:
    """How many people hold at least one record of each source, by source id."""
    return dict(store.conn.execute("SELECT source_id, count(DISTINCT person_id) FROM records GROUP BY source_id"))


def people_with_records_of(store: Store, source_id: int) -> list[int]:
    """Ids of the people holding a record of this source."""
    rows = store.conn.execute("SELECT DISTINCT person_id FROM records WHERE source_id=?", (source_id,))
    return [row[0] for row in rows]


def decided_or_written(store: Store, person_ids: list[int]) -> list[tuple[int, str, str, bool]]:
    """(id, name, decision, wrote) of these people who have a decision, or a note, outreach field or
    draft the user wrote (`wrote`), in id order."""
    found: list[tuple[int, str, str, bool]] = []
    for chunk in chunked(sorted(person_ids)):
        found += [(pid, name or "", decision, bool(wrote)) for pid, name, decision, wrote in store.conn.execute(
            f"SELECT id, name, decision, (note != '' OR how != '' OR context != '' OR why != '' OR draft != '') "
            f"FROM people WHERE id IN ({marks(len(chunk))}) ORDER BY id", chunk)
            if decision != Decision.UNDECIDED.value or wrote]
    return found


def rows_of_source(store: Store, source_id: int) -> dict[str, dict[str, Any]]:
    """Every row the source owns, by table: {"columns": [...], "rows": [[...], ...]} (the undo log's form)."""
    rows: dict[str, dict[str, Any]] = {}
    for table, where in _ROWS:
        cursor = store.conn.execute(f"SELECT * FROM {table} WHERE {where}", (source_id,) * where.count("?"))
        rows[table] = {"columns": [d[0] for d in cursor.description], "rows": [list(r) for r in cursor]}
    return rows


def delete_rows_of_source(store: Store, source_id: int) -> None:
    """Delete every row the source owns, children first."""
    for table, where in reversed(_ROWS):
        store.conn.execute(f"DELETE FROM {table} WHERE {where}", (source_id,) * where.count("?"))


def people_of_source(store: Store, source: str) -> list[int]:
    """Ids of the people with a record from the source of this name."""
    rows = store.conn.execute("SELECT DISTINCT r.person_id FROM records r JOIN sources s ON s.id = r.source_id "
                              "WHERE s.name=?", (source,))
    return [row[0] for row in rows]


def record_with_source(store: Store, record_id: int) -> tuple[str, int, str | None, Record]:
    """A stored record with its provenance: (source name, 1-based index in the source, UID, the record)."""
    name, index, uid, data = store.conn.execute(
        "SELECT s.name, r.idx, r.uid, r.data FROM records r JOIN sources s ON s.id = r.source_id WHERE r.id=?",
        (record_id,)).fetchone()
    return name, index, uid, Record.from_dict(from_json(data))
