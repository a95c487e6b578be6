"""What suggestions ask the workspace: storing each person's suggested decision, and listing the ones
waiting to be accepted.

The rules (what is suggested, and why) stay in `knowme.suggest`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from knowme.model import Decision

if TYPE_CHECKING:
    from knowme.store.core import Store


def set_suggestions(store: Store, updates: Iterable[tuple[str | None, str, int]]) -> None:
    """Store (suggestion, reason, person id) for each person (suggestions are derived data: not logged)."""
    store.conn.executemany("UPDATE people SET suggestion=?, suggestion_reason=? WHERE id=?", updates)


def undecided_with_suggestion(store: Store) -> list[tuple[int, str, str, str, str]]:
    """(id, name, email, suggestion, reason) of every undecided person with a suggestion, in name order."""
    return store.conn.execute("SELECT id, name, email, suggestion, suggestion_reason FROM people WHERE "
                              "decision=? AND suggestion IS NOT NULL ORDER BY sort_name, id",
                              (Decision.UNDECIDED.value,)).fetchall()
