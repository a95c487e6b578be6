"""What the outreach queue asks the workspace: each personalize person's request state and note status,
read from the people table alone.

The rules (what state a request is in, what a note needs) stay in `knowme.outreach`.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from knowme.model import Decision

if TYPE_CHECKING:
    from knowme.store.core import Store

#: The note status of a row of `people`, in SQL (the `note_status` function every Store connection has).
NOTE_STATUS_SQL = ("note_status(draft, (SELECT group_concat(first || char(31) || "
                   "coalesce(json_extract(data, '$.nickname'), ''), char(30)) FROM records WHERE person_id = people.id), "
                   "(SELECT value FROM settings WHERE key = 'note_limit'))")


def personalize_requests(store: Store) -> Iterator[tuple[str | None, str | None, int, str | None, str]]:
    """(sent on, accepted on, connected 0/1, draft, note status) of every personalize person."""
    yield from store.conn.execute(f"SELECT sent_on, accepted_on, connected, draft, {NOTE_STATUS_SQL} FROM people "
                                  "WHERE decision=?", (Decision.PERSONALIZE.value,))
