"""Small helpers every query module of the store shares."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone

#: SQLite allows a limited number of `?` in one statement; id lists are sent this many at a time.
CHUNK = 500


def chunked(values: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    """`values` in slices of `size`, for `IN (?, ?, ...)` queries over long id lists."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def marks(n: int) -> str:
    """`?, ?, ?` for n parameters."""
    return ", ".join("?" * n)


def now() -> str:
    """The time stamp rows are written with (UTC, to the second)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
