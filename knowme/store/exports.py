"""What the safe export asks the workspace: how many people each decision holds, which addresses people
of some decisions hold, and who of a decision holds a card or key on the suppression list.

The rules (who is written, which address is withheld, what blocks the export) stay in
`knowme.exports.safe`; the suppression list's own questions are in `knowme.store.suppression`.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from knowme.model import Decision
from knowme.store.sql import chunked, marks

if TYPE_CHECKING:
    from knowme.store.core import Store


def decision_counts(store: Store) -> Iterator[tuple[str, int, int]]:
    """(decision, connected 0/1, how many people) for every such combination the workspace holds."""
    yield from store.conn.execute("SELECT decision, connected, count(*) FROM people GROUP BY decision, connected")


def email_keys_held_by(store: Store, decisions: Iterable[Decision]) -> set[str]:
    """The email keys (`email_match_key` form) of every record of a person with one of these decisions."""
    values = [decision.value for decision in decisions]
    rows = store.conn.execute(
        f"SELECT DISTINCT k.key FROM keys k JOIN records r ON r.id = k.record_id JOIN people p ON p.id = r.person_id "
        f"WHERE k.kind='email' AND p.decision IN ({marks(len(values))})", values)
    return {key for (key,) in rows}


def holders_of_records(store: Store, rkeys: Sequence[str], decision: Decision) -> Iterator[tuple[int, str]]:
    """(person id, rkey) for each of these record identities held by a person of this decision."""
    for chunk in chunked(rkeys):
        yield from store.conn.execute(f"SELECT r.person_id, r.rkey FROM records r JOIN people p ON p.id = r.person_id "
                                      f"WHERE r.rkey IN ({marks(len(chunk))}) AND +p.decision=?",
                                      [*chunk, decision.value])


def holders_of_keys(store: Store, kind: str, keys: Sequence[str], decision: Decision) -> Iterator[tuple[int, str]]:
    """(person id, key), once each, for each of these matching keys of this kind held by a person of this
    decision."""
    for chunk in chunked(keys):
        yield from store.conn.execute(f"SELECT DISTINCT r.person_id, k.key FROM keys k JOIN records r "
                                      f"ON r.id = k.record_id JOIN people p ON p.id = r.person_id WHERE k.key IN "
                                      f"({marks(len(chunk))}) AND k.kind=? AND +p.decision=?",
                                      [*chunk, kind, decision.value])
