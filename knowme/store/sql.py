"""Small helpers every query module of the store shares."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import TypeVar

#: SQLite allows a limited number of `?` in one statement; id lists are sent this many at a time.
CHUNK = 500

T = TypeVar("T")


def chunked(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`values` in slices of `size`, for `IN (?, ?, ...)` queries over long id (or key) lists."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def marks(n: int) -> str:
    """`?, ?, ?` for n parameters."""
    return ", ".join("?" * n)


def now() -> str:
    """The time stamp rows are written with (UTC, to the second)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
