"""Small helpers every query module of the store shares."""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

import orjson

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


def to_json(value: Any) -> str:
    """Compact JSON text, with orjson (ten times json's speed on the bulk paths: records, the undo
    log, the review queue)."""
    return json_bytes(value).decode("utf-8")


def json_bytes(value: Any) -> bytes:
    """`to_json`'s text as UTF-8 bytes. The undo log's largest snapshots are written so: a dedupe of a
    million records logs hundreds of megabytes, and as text with one Chinese name in it Python holds
    two bytes a character, then a UTF-8 copy for SQLite beside it."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:  # a lone surrogate: json writes it escaped
        return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def from_json(text: str) -> Any:
    """JSON text back to values (orjson; json for the rare text orjson refuses, an escaped lone surrogate)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
