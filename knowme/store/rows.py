"""The rows an import hands to the store, worked out before the store is asked (`knowme.prepare`)."""
from __future__ import annotations

from typing import Any, NamedTuple


class Prepared(NamedTuple):
    """What the store writes for one record (identity before de-duplication within the file).

    A NamedTuple, not a dataclass: tuples cross the process boundary several times faster.
    """

    ident: str
    keys: tuple[tuple[str, str], ...]
    first: str
    last: str
    data: str
    summary: tuple[Any, ...]
    suggestion: str | None
    reason: str
