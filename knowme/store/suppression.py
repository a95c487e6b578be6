"""What the suppression list asks the workspace: its exclusions and their entries, who is excluded now
and what they hold, the `different` verdicts that keep two people apart, and the open duplicate pairs
between an excluded person and a knows-me one.

The rules (what identifies a person, what an undo lifts, whom an entry covers) stay in
`knowme.suppression`; these functions only read and write rows.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from knowme.model import Decision
from knowme.nameforms import spelled_name
from knowme.store.sql import chunked, marks

if TYPE_CHECKING:
    from knowme.store.core import Store

#: `different` verdicts between two record lists are looked up this many record identities a side at a time.
_VERDICT_CHUNK = 200

# ---- people and what identifies them --------------------------------------------------------------


def person_name(store: Store, person_id: int) -> str:
    """The person's display name, '' when they have none or there is no such person."""
    row = store.conn.execute("SELECT name FROM people WHERE id=?", (person_id,)).fetchone()
    return row[0] if row else ""


def names_of(store: Store, person_ids: Sequence[int]) -> dict[int, str]:
    """Display name by person id, for those of these people who exist."""
    names: dict[int, str] = {}
    for chunk in chunked(person_ids):
        names.update(store.conn.execute(f"SELECT id, name FROM people WHERE id IN ({marks(len(chunk))})", chunk))
    return names


def record_identities(store: Store, person_ids: Sequence[int]) -> Iterator[tuple[int, str]]:
    """(person id, rkey) of every record these people hold."""
    for chunk in chunked(person_ids):
        yield from store.conn.execute(f"SELECT person_id, rkey FROM records WHERE person_id IN ({marks(len(chunk))})",
                                      chunk)


def phone_and_profile_keys(store: Store, person_ids: Sequence[int]) -> Iterator[tuple[int, str, str]]:
    """(person id, kind, key) of every phone and profile key the import stored for these people's records."""
    for chunk in chunked(person_ids):
        yield from store.conn.execute(
            f"SELECT r.person_id, k.kind, k.key FROM records r JOIN keys k ON k.record_id = r.id "
            f"WHERE r.person_id IN ({marks(len(chunk))}) AND k.kind IN ('phone', 'url')", chunk)


# ---- who is excluded now --------------------------------------------------------------------------


def anyone_excluded(store: Store) -> bool:
    """Whether any person's decision is exclude."""
    return store.conn.execute("SELECT 1 FROM people WHERE decision=? LIMIT 1",
                              (Decision.EXCLUDE.value,)).fetchone() is not None


def excluded_people(store: Store) -> list[int]:
    """Ids of every person whose decision is exclude, in id order."""
    rows = store.conn.execute("SELECT id FROM people WHERE decision=? ORDER BY id", (Decision.EXCLUDE.value,))
    return [row[0] for row in rows]


def excluded_among(store: Store, person_ids: Sequence[int]) -> list[int]:
    """Those of these people (ids in ascending order) whose decision is exclude, in the same order."""
    found: list[int] = []
    for chunk in chunked(person_ids):
        found += [row[0] for row in store.conn.execute(
            f"SELECT id FROM people WHERE id IN ({marks(len(chunk))}) AND +decision=?",
            [*chunk, Decision.EXCLUDE.value])]
    return found


def is_excluded(store: Store, person_id: int) -> bool:
    """Whether this person's decision is exclude."""
    return store.conn.execute("SELECT 1 FROM people WHERE id=? AND decision=?",
                              (person_id, Decision.EXCLUDE.value)).fetchone() is not None


def excluded_with_record(store: Store, rkey: str) -> set[int]:
    """The excluded people holding the record of this identity."""
    rows = store.conn.execute("SELECT r.person_id FROM records r JOIN people p ON p.id = r.person_id "
                              "WHERE r.rkey=? AND +p.decision=?", (rkey, Decision.EXCLUDE.value))
    return {row[0] for row in rows}


def excluded_with_key(store: Store, kind: str, key: str) -> set[int]:
    """The excluded people with a record holding this matching key (`email`, `phone` or `url`)."""
    rows = store.conn.execute("SELECT r.person_id FROM keys k JOIN records r ON r.id = k.record_id JOIN people p "
                              "ON p.id = r.person_id WHERE k.key=? AND k.kind=? AND +p.decision=?",
                              (key, kind, Decision.EXCLUDE.value))
    return {row[0] for row in rows}


def excluded_named(store: Store, first: str, last: str) -> set[int]:
    """The excluded people with a record of exactly this folded first and last name."""
    rows = store.conn.execute("SELECT r.person_id FROM people p JOIN records r ON r.person_id = p.id "
                              "WHERE p.decision=? AND r.first=? AND r.last=?", (Decision.EXCLUDE.value, first, last))
    return {row[0] for row in rows}


# ---- exclusions and their entries -----------------------------------------------------------------


def add_exclusion(store: Store, person_id: int, name: str, at: str, log_id: int | None = None) -> int:
    """Record a new exclusion of this person (made by action `log_id`, if any); its id."""
    cursor = store.conn.execute("INSERT INTO exclusions(person_id, name, at, log_id) VALUES (?, ?, ?, ?)",
                                (person_id, name, at, log_id))
    return int(cursor.lastrowid or 0)


def add_entries(store: Store, exclusion_id: int, entries: Iterable[tuple[str, str, str]], at: str) -> None:
    """Add these (kind, key, shown) entries to an exclusion; those it already holds are kept as they are.
    Each name is also kept as the matcher spells it (`spelled_names`)."""
    rows = [(exclusion_id, kind, key, shown, at) for kind, key, shown in entries]
    store.conn.executemany("INSERT OR IGNORE INTO suppressions(exclusion_id, kind, key, shown, at) "
                           "VALUES (?, ?, ?, ?, ?)", rows)
    store.conn.executemany("INSERT OR IGNORE INTO spelled_names(key, exclusion_id) VALUES (?, ?)",
                           spelled_rows((eid, key) for eid, kind, key, _shown, _at in rows if kind == "name"))


def spelled_key(name: tuple[str, str]) -> str:
    """The `spelled_names` key of a folded (first, last) name: `nameforms.spelled_name`, joined."""
    return "|".join(spelled_name(name))


def spelled_rows(entries: Iterable[tuple[int, str]]) -> list[tuple[str, int]]:
    """(spelled key, exclusion id) of these (exclusion id, `first|last`) name entries, an initial for a first
    name left out (no name, as `suppression._hits` reads one)."""
    rows = []
    for exclusion_id, key in entries:
        first, _, last = key.partition("|")
        if len(first) >= 2 and last:
            rows.append((spelled_key((first, last)), exclusion_id))
    return rows


def active_exclusions_spelled(store: Store, keys: Iterable[str]) -> dict[str, set[int]]:
    """Spelled key -> ids of the exclusions not lifted holding a name of it, for those of these keys any holds."""
    found: dict[str, set[int]] = {}
    for chunk in chunked(sorted(set(keys))):
        for key, eid in store.conn.execute(
                f"SELECT n.key, n.exclusion_id FROM spelled_names n JOIN exclusions e ON e.id = n.exclusion_id "
                f"WHERE n.key IN ({marks(len(chunk))}) AND e.lifted_at IS NULL", chunk):
            found.setdefault(key, set()).add(eid)
    return found


def active_exclusions(store: Store) -> Iterator[tuple[int, int | None, str]]:
    """(id, person id, name) of every exclusion not lifted, in id order."""
    yield from store.conn.execute("SELECT id, person_id, name FROM exclusions WHERE lifted_at IS NULL ORDER BY id")


def active_entries(store: Store) -> Iterator[tuple[int, str, str, str]]:
    """(exclusion id, kind, key, shown) of every entry of an exclusion not lifted."""
    yield from store.conn.execute("SELECT s.exclusion_id, s.kind, s.key, s.shown FROM suppressions s JOIN exclusions e "
                                  "ON e.id = s.exclusion_id WHERE e.lifted_at IS NULL")


def entries_of(store: Store, exclusion_ids: Iterable[int]) -> Iterator[tuple[int, str, str, str]]:
    """(exclusion id, kind, key, shown) of every entry of these exclusions, exclusion by exclusion."""
    for exclusion_id in exclusion_ids:
        yield from store.conn.execute("SELECT exclusion_id, kind, key, shown FROM suppressions WHERE exclusion_id=?",
                                      (exclusion_id,))


def active_exclusions_of(store: Store, person_id: int) -> set[int]:
    """Ids of the exclusions not lifted that were made for this person id."""
    rows = store.conn.execute("SELECT id FROM exclusions WHERE person_id=? AND lifted_at IS NULL", (person_id,))
    return {row[0] for row in rows}


def active_exclusions_with_mailbox_in(store: Store, domain: str) -> list[tuple[int, str]]:
    """(exclusion id, key) of the address entries not lifted under this mail domain: read again by the
    caller when a provider rule came after they were recorded (`normalize.rekeyed_mailbox`)."""
    rows = store.conn.execute("SELECT s.exclusion_id, s.key FROM suppressions s JOIN exclusions e "
                              "ON e.id = s.exclusion_id WHERE s.kind='email' AND s.key GLOB ? AND e.lifted_at IS NULL",
                              ("*@" + domain.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]"),))
    return [(row[0], row[1]) for row in rows]


def active_exclusions_with_entry(store: Store, kind: str, key: str) -> set[int]:
    """Ids of the exclusions not lifted that hold this entry."""
    rows = store.conn.execute("SELECT s.exclusion_id FROM suppressions s JOIN exclusions e ON e.id = s.exclusion_id "
                              "WHERE s.kind=? AND s.key=? AND e.lifted_at IS NULL", (kind, key))
    return {row[0] for row in rows}


def active_exclusion_with_records(store: Store, rkeys: Sequence[str]) -> int | None:
    """An exclusion not lifted holding one of these record identities (the lowest id among the first
    slice of them that finds one), else None."""
    for chunk in chunked(rkeys):
        row = store.conn.execute(
            f"SELECT min(s.exclusion_id) FROM suppressions s JOIN exclusions e ON e.id = s.exclusion_id "
            f"WHERE s.kind='record' AND s.key IN ({marks(len(chunk))}) AND e.lifted_at IS NULL", chunk).fetchone()
        if row[0] is not None:
            return int(row[0])
    return None


def gone_exclusions_with_cards_of(store: Store, source_name: str) -> dict[int, set[str]]:
    """Exclusion id -> its `first|last` name entries, for the exclusions not lifted that recorded a card of
    the source of this name and whose cards no record holds any more (the person left every book)."""
    rows = store.conn.execute(
        "SELECT e.id, n.key FROM exclusions e JOIN suppressions n ON n.exclusion_id = e.id AND n.kind='name' "
        "WHERE e.lifted_at IS NULL AND EXISTS (SELECT 1 FROM suppressions s WHERE s.exclusion_id = e.id AND "
        "s.kind='record' AND substr(s.key, 1, ?) = ?) AND NOT EXISTS (SELECT 1 FROM suppressions s JOIN records r "
        "ON r.rkey = s.key WHERE s.exclusion_id = e.id AND s.kind='record')",
        (len(source_name) + 1, source_name + "|"))
    found: dict[int, set[str]] = {}
    for eid, key in rows:
        found.setdefault(eid, set()).add(key)
    return found


def new_cards_of_source(store: Store, source_id: int, first_new: int) -> list[tuple[int, str, str, str, str]]:
    """(person id, person name, rkey, folded first, folded last) of the cards of this source held by
    people from id `first_new` on (those the import made) who are not excluded."""
    return store.conn.execute(
        "SELECT r.person_id, p.name, r.rkey, r.first, r.last FROM records r JOIN people p ON p.id = r.person_id "
        "WHERE r.source_id=? AND r.person_id >= ? AND p.decision != ? ORDER BY r.person_id, r.id",
        (source_id, first_new, Decision.EXCLUDE.value)).fetchall()


def any_active_exclusion(store: Store) -> bool:
    """Whether any exclusion is not lifted (the list is not empty)."""
    return store.conn.execute("SELECT 1 FROM exclusions WHERE lifted_at IS NULL LIMIT 1").fetchone() is not None


def new_named_cards(store: Store, source_id: int, first_new: int) -> Iterator[tuple[int, str, str, str]]:
    """(person id, person name, folded first, folded last) of the cards of this source held by people from
    id `first_new` on (those an import made) who are not excluded."""
    yield from store.conn.execute(
        "SELECT r.person_id, p.name, r.first, r.last FROM records r JOIN people p ON p.id = r.person_id "
        "WHERE r.source_id=? AND r.person_id >= ? AND p.decision != ?", (source_id, first_new, Decision.EXCLUDE.value))


def new_people_near_entries(store: Store, source_id: int, first_new: int) -> list[int]:
    """Ids of the people from `first_new` on (those an import made), not excluded, holding a card of this
    source whose full name (either order) or address, phone or profile key is on an exclusion not lifted:
    the few the suppression list may cover, found through its index (never a scan of the list)."""
    if not any_active_exclusion(store):
        return []
    return [pid for (pid,) in store.conn.execute(
        "SELECT DISTINCT r.person_id FROM records r JOIN people p ON p.id = r.person_id "
        "WHERE r.source_id=? AND r.person_id >= ? AND p.decision != ? AND (EXISTS (SELECT 1 FROM suppressions s "
        "JOIN exclusions e ON e.id = s.exclusion_id WHERE s.kind='name' AND s.key IN (r.first || '|' || r.last, "
        "r.last || '|' || r.first) AND e.lifted_at IS NULL) OR EXISTS (SELECT 1 FROM keys k JOIN suppressions s "
        "ON s.kind = k.kind AND s.key = k.key JOIN exclusions e ON e.id = s.exclusion_id WHERE k.record_id = r.id "
        "AND e.lifted_at IS NULL)) ORDER BY r.person_id",
        (source_id, first_new, Decision.EXCLUDE.value))]


def exclude_people(store: Store, person_ids: Sequence[int], at: str) -> None:
    """Set these people's decision to exclude (their exclusion already stands)."""
    store.conn.executemany("UPDATE people SET decision=?, decided_at=? WHERE id=?",
                           [(Decision.EXCLUDE.value, at, pid) for pid in person_ids])


def active_list_size(store: Store) -> tuple[int, int, int]:
    """(exclusions not lifted, their entries, those of them whose cards are in no source any more)."""
    exclusions, entries = store.conn.execute(
        "SELECT count(DISTINCT e.id), count(s.key) FROM exclusions e LEFT JOIN suppressions s "
        "ON s.exclusion_id = e.id WHERE e.lifted_at IS NULL").fetchone()
    gone = store.conn.execute(
        "SELECT count(*) FROM exclusions e WHERE e.lifted_at IS NULL AND NOT EXISTS (SELECT 1 FROM suppressions s "
        "JOIN records r ON r.rkey = s.key WHERE s.exclusion_id = e.id AND s.kind='record')").fetchone()[0]
    return exclusions, entries, gone


# ---- lifting exclusions and putting them back -----------------------------------------------------


def lift_exclusions(store: Store, exclusion_ids: Iterable[int], log_id: int, at: str) -> None:
    """Lift these exclusions (those not lifted yet) as part of action `log_id`."""
    store.conn.executemany("UPDATE exclusions SET lifted_at=?, lifted_log=? WHERE id=? AND lifted_at IS NULL",
                           [(at, log_id, eid) for eid in set(exclusion_ids)])


def lift_made_by(store: Store, log_id: int, at: str) -> None:
    """Lift the exclusions action `log_id` made (those not lifted), recording that action as the lifter."""
    store.conn.execute("UPDATE exclusions SET lifted_at=?, lifted_log=? WHERE log_id=? AND lifted_at IS NULL",
                       (at, log_id, log_id))


def reinstate_made_by(store: Store, log_id: int) -> None:
    """Put back the exclusions action `log_id` made and itself lifted (by its undo)."""
    store.conn.execute("UPDATE exclusions SET lifted_at=NULL WHERE log_id=? AND lifted_log=?", (log_id, log_id))


def reinstate_lifted_by(store: Store, log_id: int) -> None:
    """Put back the exclusions action `log_id` lifted, other than its own."""
    store.conn.execute("UPDATE exclusions SET lifted_at=NULL WHERE lifted_log=? AND log_id IS NOT ? "
                       "AND lifted_at IS NOT NULL", (log_id, log_id))


def lift_again(store: Store, log_id: int, at: str) -> None:
    """Lift again the exclusions action `log_id` once lifted, other than its own (those put back since)."""
    store.conn.execute("UPDATE exclusions SET lifted_at=? WHERE lifted_log=? AND log_id IS NOT ? AND lifted_at IS NULL",
                       (at, log_id, log_id))


# ---- what keeps two people apart ------------------------------------------------------------------


def different_verdict_count(store: Store) -> int:
    """How many `different` verdicts the user gave."""
    return int(store.conn.execute("SELECT count(*) FROM verdicts WHERE verdict='different'").fetchone()[0])


def different_verdicts(store: Store) -> set[tuple[str, str]]:
    """Every `different` verdict as (a, b) record identities."""
    return {(a, b) for a, b in store.conn.execute("SELECT a, b FROM verdicts WHERE verdict='different'")}


def records_kept_apart(store: Store, mine: Sequence[str], theirs: Sequence[str]) -> set[str]:
    """Those of `mine` (record identities) that a `different` verdict joins to one of `theirs`."""
    found: set[str] = set()
    for chunk_a in chunked(mine, _VERDICT_CHUNK):
        for chunk_b in chunked(theirs, _VERDICT_CHUNK):
            ma, mb = marks(len(chunk_a)), marks(len(chunk_b))
            found.update(row[0] for row in store.conn.execute(
                f"SELECT a FROM verdicts WHERE verdict='different' AND a IN ({ma}) AND b IN ({mb}) UNION "
                f"SELECT b FROM verdicts WHERE verdict='different' AND b IN ({ma}) AND a IN ({mb})",
                [*chunk_a, *chunk_b, *chunk_a, *chunk_b]))
    return found


# ---- open duplicate pairs across the exclusion ----------------------------------------------------


def pending_pairs_excluded_knows_me(store: Store, decision: Decision = Decision.KNOWS_ME
                                    ) -> Iterator[tuple[int, int, int, str]]:
    """(pair id, excluded person, knows-me person, knows-me name) of every duplicate pair still open between
    a record of an excluded person and one of a knows-me person (or of `decision`) not connected yet:
    pending, or withdrawn by undoing the dedupe that asked it (undo takes the question out of the queue,
    not the doubt)."""
    side = ("SELECT q.id, r.person_id, o.person_id, pk.name FROM people p JOIN records r ON r.person_id = p.id "
            "JOIN pairs q ON q.{mine} = r.id JOIN records o ON o.id = q.{other} JOIN people pk ON pk.id = o.person_id "
            "WHERE p.decision=? AND q.status IN ('pending', 'withdrawn') AND pk.decision=? AND pk.connected=0")
    decisions = (Decision.EXCLUDE.value, decision.value)
    yield from store.conn.execute(f"{side.format(mine='a', other='b')} UNION {side.format(mine='b', other='a')}",
                                  decisions * 2)


def cards_of_records(store: Store, record_ids: Sequence[int]) -> list[tuple[int, int, str]]:
    """(record id, person id, record identity) of these records."""
    found: list[tuple[int, int, str]] = []
    for chunk in chunked(record_ids, _VERDICT_CHUNK):
        found += store.conn.execute(f"SELECT id, person_id, rkey FROM records WHERE id IN ({marks(len(chunk))})",
                                    chunk).fetchall()
    return found


def keys_of_record(store: Store, record_id: int) -> list[tuple[str, str]]:
    return store.conn.execute("SELECT kind, key FROM keys WHERE record_id=?", (record_id,)).fetchall()


def delete_different_verdicts(store: Store, rkey: str, theirs: Sequence[str]) -> int:
    """Delete the `different` verdicts between this record identity and those; how many there were."""
    gone = 0
    for chunk in chunked(theirs, _VERDICT_CHUNK):
        m = marks(len(chunk))
        gone += store.conn.execute(
            f"DELETE FROM verdicts WHERE verdict='different' AND ((a=? AND b IN ({m})) OR (b=? AND a IN ({m})))",
            [rkey, *chunk, rkey, *chunk]).rowcount
    return gone


# ---- who is held now ----------------------------------------------------------------------------------


def people_near_entries(store: Store) -> set[int]:
    """Ids of the people, not excluded, holding a card whose full name (either order), address, phone,
    profile or identity is on an exclusion not lifted: those the list may hold now, found from the list's
    side through the indexes, and one pass over the cards' names (never a person's identity worked out)."""
    active = ("SELECT s.kind, s.key FROM suppressions s JOIN exclusions e ON e.id = s.exclusion_id "
              "WHERE e.lifted_at IS NULL")
    found = {pid for (pid,) in store.conn.execute(
        f"SELECT r.person_id FROM records r WHERE r.first || '|' || r.last IN (SELECT key FROM ({active}) "
        f"WHERE kind='name') OR r.last || '|' || r.first IN (SELECT key FROM ({active}) WHERE kind='name')")}
    found.update(pid for (pid,) in store.conn.execute(
        f"SELECT r.person_id FROM ({active}) s JOIN keys k ON k.key = s.key AND k.kind = s.kind "
        f"JOIN records r ON r.id = k.record_id"))
    found.update(pid for (pid,) in store.conn.execute(
        f"SELECT r.person_id FROM ({active}) s JOIN records r ON r.rkey = s.key WHERE s.kind='record'"))
    return found


def active_keys(store: Store, kinds: Sequence[str]) -> list[tuple[str, str]]:
    """(kind, key) of every entry of these kinds on an exclusion not lifted."""
    return store.conn.execute(
        f"SELECT DISTINCT s.kind, s.key FROM suppressions s JOIN exclusions e ON e.id = s.exclusion_id "
        f"WHERE s.kind IN ({marks(len(kinds))}) AND e.lifted_at IS NULL", list(kinds)).fetchall()


def people_with_keys(store: Store, keys: Sequence[tuple[str, str]]) -> set[int]:
    """The people holding a card keyed with one of these (kind, key)."""
    found: set[int] = set()
    for kind, key in keys:
        found.update(pid for (pid,) in store.conn.execute(
            "SELECT r.person_id FROM keys k JOIN records r ON r.id = k.record_id WHERE k.key=? AND k.kind=?",
            (key, kind)))
    return found


def all_active_spelled_keys(store: Store) -> set[str]:
    """Every name of an exclusion not lifted, as the matcher spells it (`spelled_key`)."""
    return {key for (key,) in store.conn.execute(
        "SELECT n.key FROM spelled_names n JOIN exclusions e ON e.id = n.exclusion_id WHERE e.lifted_at IS NULL")}


def card_names(store: Store) -> Iterator[tuple[str, str]]:
    """Every distinct folded (first, last) name the cards give whole."""
    yield from store.conn.execute("SELECT DISTINCT first, last FROM records WHERE first != '' AND last != ''")


def people_with_card_name(store: Store, names: Sequence[tuple[str, str]]) -> set[int]:
    """The people holding a card of one of these folded (first, last) names."""
    found: set[int] = set()
    for first, last in names:
        found.update(pid for (pid,) in store.conn.execute(
            "SELECT person_id FROM records WHERE first=? AND last=?", (first, last)))
    return found


def people_without_card_name(store: Store) -> list[int]:
    """Ids of the people, not excluded, holding a card without a whole folded name (one name cell, a
    nickname or a company alone, a nameless card's address), in id order."""
    return [pid for (pid,) in store.conn.execute(
        "SELECT DISTINCT r.person_id FROM records r JOIN people p ON p.id = r.person_id "
        "WHERE (r.first = '' OR r.last = '') AND p.decision != ? ORDER BY r.person_id", (Decision.EXCLUDE.value,))]


def not_excluded(store: Store, person_ids: Sequence[int]) -> list[int]:
    """Those of these people whose decision is not exclude, in ascending id order."""
    found: list[int] = []
    for chunk in chunked(sorted(set(person_ids))):
        found += [row[0] for row in store.conn.execute(
            f"SELECT id FROM people WHERE id IN ({marks(len(chunk))}) AND +decision != ? ORDER BY id",
            [*chunk, Decision.EXCLUDE.value])]
    return found


def decisions_by_id(store: Store, person_ids: Sequence[int]) -> dict[int, str]:
    """Decision by person id, for those of these people who exist."""
    found: dict[int, str] = {}
    for chunk in chunked(person_ids):
        found.update(store.conn.execute(f"SELECT id, decision FROM people WHERE id IN ({marks(len(chunk))})", chunk))
    return found


def keep_held(store: Store, person_ids: Iterable[int], checked: Iterable[int] | None = None) -> None:
    """Write the people held now into this connection's `temp.held_people` (what the Held view lists): all
    of it, or (`checked`) only the rows of the people just checked again."""
    conn = store.conn
    if checked is None:
        conn.execute("DELETE FROM temp.held_people")
    else:
        conn.executemany("DELETE FROM temp.held_people WHERE person_id=?", [(pid,) for pid in set(checked)])
    conn.executemany("INSERT OR IGNORE INTO temp.held_people(person_id) VALUES (?)", [(pid,) for pid in person_ids])
