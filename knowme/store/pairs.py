"""The review queue of possible duplicates, and the user's verdicts on pairs of records.

A queued pair joins two records, so the people it is between change with every merge and split:
"a pending pair between two people" is always worked out from the records' people as they are now.
Two numbers describe the queue, and they differ once a merge leaves several pending pairs between
the same two people: `pending_pair_count` counts pairs (`status --json`'s `pending_pairs`), and
`pending_question_count` the questions the review asks, one per two people (the dedupe report, the
status line and the sidebar).

Verdicts ("same" / "different", and "split" between records a split took apart: `SPLIT`) are kept
per unordered pair of record identities (`records.rkey`), so they survive a re-import that gives the
records new ids.

A pair's status is "pending" (asked), its answer ("same" / "different"), or "withdrawn": asked by a
dedupe the user undid (`WITHDRAWN`). A withdrawn pair is not in the queue, yet it is still a sign that
its two people may be one: the safe export holds back a knows-me person who has one with an excluded
person, and the pair can still be answered. The next dedupe that finds it asks it again.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from knowme.store.sql import chunked, from_json, marks, now

if TYPE_CHECKING:
    from knowme.store.core import Store

SPLIT = "split"  # not sure: asked again when the evidence says one person, never merged by dedupe itself

#: the pending pairs between two different people, with each end's person (a sub-query other queries join)
_PENDING = ("SELECT p.id, p.score, p.reasons, p.a, p.b, ra.person_id AS pa, rb.person_id AS pb FROM pairs p "
            "JOIN records ra ON ra.id = p.a JOIN records rb ON rb.id = p.b "
            "WHERE p.status='pending' AND ra.person_id != rb.person_id")

PENDING, WITHDRAWN = "pending", "withdrawn"

QueueRow = tuple[int, float, str, int, int, int, int]  # id, score, reasons (JSON), record a, b, person a, b


# ---- verdicts ------------------------------------------------------------------------------------


def verdict_key(a: str, b: str) -> tuple[str, str]:
    """Verdicts are stored once per unordered pair of record identities."""
    return (a, b) if a < b else (b, a)


def load_verdicts(store: Store) -> dict[tuple[str, str], str]:
    """Every verdict, by its pair of record identities."""
    return {(a, b): v for a, b, v in store.conn.execute("SELECT a, b, verdict FROM verdicts")}


def set_verdicts(store: Store, pairs: Iterable[tuple[str, str]], verdict: str) -> None:
    """Store a verdict for each rkey pair (inside the caller's transaction)."""
    stamp = now()
    store.conn.executemany("INSERT OR REPLACE INTO verdicts(a, b, verdict, at) VALUES (?, ?, ?, ?)",
                           [(*verdict_key(a, b), verdict, stamp) for a, b in pairs if a != b])


def rkeys_of(store: Store, person_id: int) -> list[str]:
    """The record identities of a person's records (what verdicts are kept against)."""
    return [row[0] for row in store.conn.execute("SELECT rkey FROM records WHERE person_id=?", (person_id,))]


def rkey_by_record(store: Store, record_ids: Iterable[int]) -> dict[int, str]:
    """Each record's identity, by record id."""
    rids = sorted(set(record_ids))
    found: dict[int, str] = {}
    for chunk in chunked(rids):
        found.update(store.conn.execute(f"SELECT id, rkey FROM records WHERE id IN ({marks(len(chunk))})", chunk))
    return found


# ---- the queue -----------------------------------------------------------------------------------


def pending_queue(store: Store) -> Iterator[QueueRow]:
    """Pending pairs between two different people, best first (several may join the same two people)."""
    yield from store.conn.execute(f"SELECT id, score, reasons, a, b, pa, pb FROM ({_PENDING}) "
                                  "ORDER BY score DESC, id")


def pending_pair_count(store: Store) -> int:
    """How many pending pairs join two different people (two pairs between the same two count twice)."""
    return store.conn.execute(f"SELECT count(*) FROM ({_PENDING})").fetchone()[0]


def pending_question_count(store: Store) -> int:
    """How many questions the review queue asks: the pairs of people a pending pair joins, one per two."""
    return store.conn.execute(f"SELECT count(*) FROM (SELECT DISTINCT min(pa, pb), max(pa, pb) "
                              f"FROM ({_PENDING}))").fetchone()[0]


def answered_same_among(store: Store, record_ids: Sequence[int]) -> list[int]:
    """Ids of the pairs answered "same" whose two records are both among these, in id order."""
    inside = set(record_ids)
    found: list[int] = []
    for chunk in chunked(sorted(inside)):
        found += [pair_id for pair_id, b in store.conn.execute(
            f"SELECT id, b FROM pairs WHERE status=? AND a IN ({marks(len(chunk))})", ["same", *chunk]) if b in inside]
    return sorted(found)


def pending_pairs_between(store: Store, person_id: int, other_id: int) -> list[int]:
    """Ids of the pending pairs between two people, in id order."""
    return _pending_pair_ids(store, person_id, other_id)


def pending_pairs_involving(store: Store, person_id: int) -> list[int]:
    """Ids of the pending pairs between this person and anyone else, in id order."""
    return _pending_pair_ids(store, person_id, None)


def _pending_pair_ids(store: Store, person_id: int, other_id: int | None) -> list[int]:
    """Starts from the person's records and the pair indexes on both ends, never from the whole queue."""
    match = "o.person_id != r.person_id" if other_id is None else "o.person_id = ?"
    params: tuple[int, ...] = (person_id,) if other_id is None else (person_id, other_id)
    rows = store.conn.execute(
        f"SELECT q.id FROM records r JOIN pairs q ON q.a = r.id JOIN records o ON o.id = q.b "
        f"WHERE r.person_id=? AND q.status='pending' AND {match} UNION "
        f"SELECT q.id FROM records r JOIN pairs q ON q.b = r.id JOIN records o ON o.id = q.a "
        f"WHERE r.person_id=? AND q.status='pending' AND {match}", params * 2)
    return sorted(row[0] for row in rows)


def pair_ends(store: Store, pair_id: int) -> tuple[int, int, str, str] | None:
    """A queued pair's two people (as the records are held now) and its two record identities."""
    return store.conn.execute("SELECT ra.person_id, rb.person_id, ra.rkey, rb.rkey FROM pairs p "
                              "JOIN records ra ON ra.id = p.a JOIN records rb ON rb.id = p.b WHERE p.id=?",
                              (pair_id,)).fetchone()


def records_of_people(store: Store, people: Iterable[int]) -> list[tuple[int, str, int, bool]]:
    """(person, record identity, source, whether a LinkedIn connection row) of these people's records."""
    ids = sorted(set(people))
    out: list[tuple[int, str, int, bool]] = []
    for chunk in chunked(ids):
        out.extend(store.conn.execute(
            f"SELECT person_id, rkey, source_id, json_extract(data, '$.connected_on') IS NOT NULL FROM records "
            f"WHERE person_id IN ({marks(len(chunk))})", list(chunk)))
    return out


def pair_status(store: Store, pair_id: int) -> str | None:
    """A queued pair's status ("pending", "withdrawn", or its answer "same" / "different"); None for no such pair."""
    row = store.conn.execute("SELECT status FROM pairs WHERE id=?", (pair_id,)).fetchone()
    return None if row is None else row[0]


def answered_pairs(store: Store) -> Iterator[tuple[str, list[str]]]:
    """The status and reasons of every pair the user answered."""
    for status, reasons in store.conn.execute(
            "SELECT status, reasons FROM pairs WHERE status IN ('same', 'different')"):
        yield status, from_json(reasons)


def set_pair_status(store: Store, pair_ids: Iterable[int], status: str) -> None:
    """Answer these pairs ("same" or "different"; inside the caller's transaction)."""
    store.conn.executemany("UPDATE pairs SET status=? WHERE id=?", [(status, pair_id) for pair_id in pair_ids])


def withdrawn_count(store: Store) -> int:
    """How many questions an undone dedupe withdrew (pairs between two different people, one per two)."""
    return store.conn.execute(
        "SELECT count(*) FROM (SELECT DISTINCT min(ra.person_id, rb.person_id), max(ra.person_id, rb.person_id) "
        f"FROM pairs p JOIN records ra ON ra.id = p.a JOIN records rb ON rb.id = p.b "
        f"WHERE p.status='{WITHDRAWN}' AND ra.person_id != rb.person_id)").fetchone()[0]


def revive_pairs(store: Store, revived: Iterable[tuple[float, str, int]]) -> None:
    """Ask withdrawn pairs again, with new evidence (score, reasons JSON, pair id)."""
    store.conn.executemany(f"UPDATE pairs SET status='{PENDING}', score=?, reasons=? WHERE id=?", revived)


def last_pair_id(store: Store) -> int:
    """The highest pair id so far (0 for none): pairs inserted after it in a transaction are its own."""
    return store.conn.execute("SELECT coalesce(max(id), 0) FROM pairs").fetchone()[0]


def asked(first: int, last: int, revived: Iterable[int], closed: Iterable[int] = ()) -> dict[str, Any]:
    """The part of a dedupe's after-snapshot naming the questions it asked: the pairs it inserted (ids
    `first` to `last`) and the withdrawn ones it asked again; and the pending questions its merges
    closed (`closed`, withdrawn). Undoing the dedupe withdraws the first and asks the others again (a
    question stays with the action that asked or closed it: undo is "as before the dedupe"); redoing it
    does both again."""
    return {"from": first, "to": last, "ids": sorted(revived), "closed": sorted(closed)}


def set_asked(store: Store, part: dict[str, Any], ask: bool) -> None:
    """Withdraw (`ask` False) or ask again the questions of an `asked` part still in the state its undo or
    redo left them, and the other way round the questions it closed: one the user answered since is an
    answer, and stays one."""
    status, was = (PENDING, WITHDRAWN) if ask else (WITHDRAWN, PENDING)
    store.conn.execute("UPDATE pairs SET status=? WHERE status=? AND id BETWEEN ? AND ?",
                       (status, was, part["from"], part["to"]))
    store.conn.executemany("UPDATE pairs SET status=? WHERE status=? AND id=?",
                           [(status, was, pair_id) for pair_id in part["ids"]])
    store.conn.executemany("UPDATE pairs SET status=? WHERE status=? AND id=?",
                           [(was, status, pair_id) for pair_id in part.get("closed", ())])


def queued_pairs(store: Store) -> dict[tuple[int, int], tuple[int, str, float, str]]:
    """Every pair ever queued, answered or not: (record a, record b) -> (id, status, score, reasons JSON)."""
    return {(a, b): (pid, status, score, reasons) for pid, a, b, status, score, reasons in
            store.conn.execute("SELECT id, a, b, status, score, reasons FROM pairs")}


def add_pairs(store: Store, pairs: Iterable[tuple[int, int, float, str]]) -> None:
    """Queue new pairs (record a, record b, score, reasons JSON), pending."""
    store.conn.executemany("INSERT INTO pairs(a, b, score, reasons) VALUES (?, ?, ?, ?)", pairs)


def update_pair_evidence(store: Store, updates: Iterable[tuple[float, str, int]]) -> None:
    """New evidence (score, reasons JSON, pair id) for pairs already queued."""
    store.conn.executemany("UPDATE pairs SET score=?, reasons=? WHERE id=?", updates)

