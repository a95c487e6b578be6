"""Where records came from: who holds a source's records, and the source file, position and UID of a record."""
from __future__ import annotations

from typing import TYPE_CHECKING

from knowme.model import Record
from knowme.store.core import from_json

if TYPE_CHECKING:
    from knowme.store.core import Store


def record_with_source(store: Store, record_id: int) -> tuple[str, int, str | None, Record]:
    """A stored record with its provenance: (source name, 1-based index in the source, UID, the record)."""
    name, index, uid, data = store.conn.execute(
        "SELECT s.name, r.idx, r.uid, r.data FROM records r JOIN sources s ON s.id = r.source_id WHERE r.id=?",
        (record_id,)).fetchone()
    return name, index, uid, Record.from_dict(from_json(data))


def people_of_source(store: Store, source: str) -> list[int]:
    """Ids of the people with a record from the source of this name."""
    rows = store.conn.execute("SELECT DISTINCT r.person_id FROM records r JOIN sources s ON s.id = r.source_id "
                              "WHERE s.name=?", (source,))
    return [row[0] for row in rows]
