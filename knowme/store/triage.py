"""What triage asks the workspace: who a query names, what a mark changes, who a bulk selection takes in,
whose connection request was accepted, and what an exclusion remembers of someone no book holds any more.

The rules (how a query is read, what counts as accepted, what a mark may change) stay in
`knowme.triage`; these functions only read and write rows.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from knowme.model import Decision
from knowme.normalize import mailbox_key
from knowme.store.sql import chunked, marks

if TYPE_CHECKING:
    from knowme.store.core import Store

# ---- who a query names ----------------------------------------------------------------------------


def person_exists(store: Store, person_id: int) -> bool:
    """Whether a person with this id is in the workspace."""
    return store.conn.execute("SELECT 1 FROM people WHERE id=?", (person_id,)).fetchone() is not None


def people_with_key(store: Store, kind: str, key: str) -> list[int]:
    """Ids of the people with a record holding this matching key (`kind` is `url`, `phone`, ...)."""
    rows = store.conn.execute("SELECT DISTINCT r.person_id FROM keys k JOIN records r ON r.id = k.record_id "
                              "WHERE k.key=? AND k.kind=? ORDER BY r.person_id", (key, kind))
    return [row[0] for row in rows]


def people_with_mailbox(store: Store, key: str) -> list[int]:
    """Ids of the people holding an address whose `mailbox_key` is `key`, however each was spelled.

    The workspace keys addresses in `email_match_key` form; an ordinary address's key is already its
    mailbox key (found through the index), the rest (Unicode, punycode, a trailing dot, quotes) are
    few and are read again with `mailbox_key`, so `Jane@Ｘ.com` and `jane@x.com.` find the same person;
    so are Proton's, whose dots, hyphens and underscores the mailbox key folds and the match key keeps.
    """
    store.conn.create_function("mailbox_key", 1, mailbox_key, deterministic=True)
    rows = store.conn.execute(
        "SELECT r.person_id FROM keys k JOIN records r ON r.id = k.record_id WHERE k.key=? AND k.kind='email' "
        "UNION SELECT r.person_id FROM keys k JOIN records r ON r.id = k.record_id WHERE k.kind='email' "
        "AND (k.key GLOB '*[^ -~]*' OR k.key GLOB '*.' OR k.key GLOB '*xn--*' OR k.key GLOB '\"*' "
        "OR k.key GLOB '*@proton.me' OR k.key GLOB '*@protonmail.c[ho]*' OR k.key GLOB '*@pm.me') "
        "AND mailbox_key(k.key)=? ORDER BY 1", (key, key))
    return [row[0] for row in rows]


def people_named_like(store: Store, folded: str) -> list[tuple[int, str]]:
    """(id, name) of the people whose folded search text contains `folded`, in name order."""
    return store.conn.execute("SELECT id, name FROM people WHERE search LIKE ? ORDER BY sort_name, id",
                              (f"%{folded}%",)).fetchall()


def names_and_emails(store: Store, person_ids: Sequence[int], limit: int) -> list[tuple[int, str, str]]:
    """(id, name, email) of the first `limit` of these people in name order: candidates to list."""
    listed: list[tuple[int, str, str, str]] = []
    for chunk in chunked(person_ids):
        listed += store.conn.execute(f"SELECT id, name, email, sort_name FROM people WHERE id IN ({marks(len(chunk))}) "
                                     f"ORDER BY sort_name LIMIT ?", [*chunk, limit]).fetchall()
    listed.sort(key=lambda row: row[3])
    return [(pid, name, email) for pid, name, email, _sort in listed[:limit]]


# ---- one person's decision and fields ---------------------------------------------------------------


def decision_of(store: Store, person_id: int) -> Decision | None:
    """The person's decision, None when there is no such person."""
    row = store.conn.execute("SELECT decision FROM people WHERE id=?", (person_id,)).fetchone()
    return Decision(row[0]) if row else None


def person_fields(store: Store, person_id: int, columns: Sequence[str]) -> dict[str, object] | None:
    """The current values of these `people` columns (names the caller validated), None for no such person."""
    row = store.conn.execute(f"SELECT {', '.join(columns)} FROM people WHERE id=?", (person_id,)).fetchone()
    return dict(zip(columns, row)) if row is not None else None


# ---- bulk selections --------------------------------------------------------------------------------


def record_categories(store: Store) -> Iterator[tuple[int, object]]:
    """(person id, category) for every address-book group or label a record carries."""
    yield from store.conn.execute("SELECT DISTINCT r.person_id, c.value FROM records r, "
                                  "json_each(r.data, '$.categories') c")


def emails_ending_with(store: Store, domain: str) -> Iterator[tuple[int, str]]:
    """(person id, address key) of addresses ending in `@domain` or `.domain` (the caller checks the domain)."""
    yield from store.conn.execute("SELECT DISTINCT r.person_id, k.key FROM keys k JOIN records r "
                                  "ON r.id = k.record_id WHERE k.kind='email' AND (k.key LIKE ? OR k.key LIKE ?)",
                                  (f"%@{domain}", f"%.{domain}"))


# ---- sent and accepted requests ---------------------------------------------------------------------


def pending_requests(store: Store) -> dict[int, str]:
    """Day the request was sent, by person, for requests not yet accepted."""
    return dict(store.conn.execute("SELECT id, sent_on FROM people WHERE sent_on IS NOT NULL AND accepted_on IS NULL"))


def connected_records(store: Store) -> list[tuple[int, int, str, str, str | None]]:
    """(record id, person id, folded first, folded last, connected on) of every record of a connection."""
    return store.conn.execute(
        "SELECT r.id, r.person_id, r.first, r.last, json_extract(r.data, '$.connected_on') FROM records r "
        "WHERE json_extract(r.data, '$.connected_on') IS NOT NULL").fetchall()


def records_sharing_address(store: Store, person_ids: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(person id, record id) for every record sharing an email or LinkedIn URL with one of these people."""
    for chunk in chunked(person_ids):
        yield from store.conn.execute(
            f"SELECT DISTINCT r.person_id, c.record_id FROM records r JOIN keys k ON k.record_id = r.id "
            f"JOIN keys c ON c.key = k.key AND c.kind = k.kind WHERE k.kind IN ('email', 'url') "
            f"AND r.person_id IN ({marks(len(chunk))})", chunk)


def record_names(store: Store, person_ids: Sequence[int]) -> Iterator[tuple[int, str, str]]:
    """(person id, folded first, folded last) of each record of these people, once per distinct name."""
    for chunk in chunked(person_ids):
        yield from store.conn.execute(f"SELECT DISTINCT person_id, first, last FROM records "
                                      f"WHERE person_id IN ({marks(len(chunk))})", chunk)


# ---- an excluded person no book holds any more ------------------------------------------------------


def excluded_card_keys(store: Store, person_id: int) -> list[str]:
    """The record identities the person's standing exclusion remembers (their cards, even when gone)."""
    rows = store.conn.execute("SELECT DISTINCT s.key FROM suppressions s JOIN exclusions e ON e.id = s.exclusion_id "
                              "WHERE e.person_id=? AND e.lifted_at IS NULL AND s.kind='record'", (person_id,))
    return [row[0] for row in rows]


def excluded_name(store: Store, person_id: int) -> str | None:
    """The name the person's latest exclusion remembers, None when they were never excluded."""
    row = store.conn.execute("SELECT name FROM exclusions WHERE person_id=? ORDER BY id DESC LIMIT 1",
                             (person_id,)).fetchone()
    return row[0] if row else None
