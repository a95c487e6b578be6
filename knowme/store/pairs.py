"""The review queue of possible duplicates: which pairs it holds."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowme.store.core import Store


def pair_exists(store: Store, pair_id: int) -> bool:
    """Whether the queue holds (or held, answered) a pair with this id."""
    return store.conn.execute("SELECT 1 FROM pairs WHERE id=?", (pair_id,)).fetchone() is not None
