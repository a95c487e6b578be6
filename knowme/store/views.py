"""The queries behind person lists: which people a view holds, in which order, which match a filter,
their list rows, and how many each view holds.

Everything reads the denormalised `people` columns (kept by `Store.refresh_people`) and the
full-text index over their folded `search` column (`people_fts`, schema v5), so a million-person
workspace lists at once. Nothing here writes. `knowme.views` holds the rules (which match mode
to try when, what counts as decided); this module only says how SQLite answers them.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from knowme.model import Decision
from knowme.notestatus import NOTE_FIX, NOTE_NEEDED
from knowme.store.outreach import NOTE_STATUS_SQL
from knowme.store.sql import chunked, marks

if TYPE_CHECKING:
    from knowme.store.core import Store

_UNDECIDED, _KNOWS_ME = Decision.UNDECIDED.value, Decision.KNOWS_ME.value
_PERSONALIZE, _EXCLUDE = Decision.PERSONALIZE.value, Decision.EXCLUDE.value
_TO_DECIDE = f"decision='{_UNDECIDED}' AND connected=0"
_PENDING_PEOPLE = ("id IN (SELECT ra.person_id FROM pairs q JOIN records ra ON ra.id = q.a "
                   "JOIN records rb ON rb.id = q.b WHERE q.status='pending' AND ra.person_id != rb.person_id "
                   "UNION SELECT rb.person_id FROM pairs q JOIN records ra ON ra.id = q.a "
                   "JOIN records rb ON rb.id = q.b WHERE q.status='pending' AND ra.person_id != rb.person_id)")
_NOTE_TO_WRITE = f"decision='{_PERSONALIZE}' AND connected=0 AND sent_on IS NULL"

#: The people each view (`knowme.views.VIEWS`, by key) holds, as a condition over `people`.
VIEW_WHERE: dict[str, str] = {
    "undecided": _TO_DECIDE,
    "knows-me": f"decision='{_KNOWS_ME}'",
    "personalize": f"decision='{_PERSONALIZE}'",
    "exclude": f"decision='{_EXCLUDE}'",
    "connected": "connected=1",
    "suggestions": f"{_TO_DECIDE} AND suggestion IS NOT NULL",
    "duplicates": _PENDING_PEOPLE,
    "all": "1",
    "notes": f"{_NOTE_TO_WRITE} AND {NOTE_STATUS_SQL} IN ('{NOTE_NEEDED}', '{NOTE_FIX}')",
    # worked out by the core (`knowme.held.refresh`) into this connection's table before the view is read
    "held": "id IN (SELECT person_id FROM temp.held_people)",
}

#: How strongly mail says two people are in touch: replies count most, then what the user sent.
SIGNAL_SQL = "(two_way * 4 + sent * 2 + received)"

#: The order of each sort (`knowme.views.SORTS`, by key); each ends with id, so the order is total.
SORT_ORDER: dict[str, str] = {
    "name": "sort_name, id",
    "company": "org = '', org COLLATE NOCASE, sort_name, id",
    "signal": f"{SIGNAL_SQL} DESC, last_mail IS NULL, last_mail DESC, sort_name, id",
    "suggestion": "suggestion IS NULL, suggestion, sort_name, id",
}


@dataclass(slots=True)
class PersonRow:
    """One line of a person list: the summary columns, not the records."""

    id: int
    name: str
    email: str
    org: str
    title: str
    sources: str
    n_records: int
    connected: bool
    sent: int
    received: int
    two_way: int
    last_mail: str | None
    decision: Decision
    suggestion: str | None
    suggestion_reason: str
    how: str = ""
    note: str = ""  # for personalize people not yet sent a request: knowme.outreach.note_status

    @property
    def has_mail(self) -> bool:
        return bool(self.sent or self.received)


_ROW_COLUMNS = ("id, name, email, org, title, sources, n_records, connected, sent, received, two_way, last_mail, "
                "decision, suggestion, suggestion_reason, how, "
                f"CASE WHEN {_NOTE_TO_WRITE} THEN {NOTE_STATUS_SQL} ELSE '' END")


def _row(values: Sequence[Any]) -> PersonRow:
    return PersonRow(values[0], values[1], values[2], values[3], values[4], values[5], values[6], bool(values[7]),
                     values[8], values[9], values[10], values[11], Decision(values[12]), values[13],
                     values[14], values[15], values[16])


def rows(store: Store, ids: Iterable[int]) -> dict[int, PersonRow]:
    """The list rows of these people, by id (people gone since are simply absent)."""
    found: dict[int, PersonRow] = {}
    for chunk in chunked(list(ids)):
        for values in store.conn.execute(f"SELECT {_ROW_COLUMNS} FROM people WHERE id IN ({marks(len(chunk))})",
                                         chunk):
            found[values[0]] = _row(values)
    return found


# ---- which people, in which order -----------------------------------------------------------------


def _paging(offset: int, limit: int | None) -> tuple[str, list[int]]:
    if limit is None and not offset:
        return "", []
    return " LIMIT ? OFFSET ?", [-1 if limit is None else limit, offset]


def _ids(store: Store, sql: str, params: Sequence[Any]) -> array[int]:
    ids: array[int] = array("q")
    cursor = store.conn.execute(sql, params)
    while chunk := cursor.fetchmany(20_000):
        ids.extend(row[0] for row in chunk)
    return ids


def view_ids(store: Store, view: str, sort: str, offset: int = 0, limit: int | None = None) -> array[int]:
    """The people of a view in `sort` order (all, or `limit` from `offset`)."""
    paging, params = _paging(offset, limit)
    return _ids(store, f"SELECT id FROM {_view_source(store, view, sort)} WHERE ({VIEW_WHERE[view]}) "
                       f"ORDER BY {SORT_ORDER[sort]}{paging}", params)


#: A view of at least this many people, in an order no index gives, is read by scanning the table: the
#: view's index finds its people, but looking up 900,000 rows one by one for their company took 4-6 s
#: at a million people (the Undecided view sorted by company), the scan 0.2-0.4 s. The name order
#: needs no lookup (the indexes hold the name), and a small view is looked up faster than scanned.
SCAN_FROM = 10_000


def _view_source(store: Store, view: str, sort: str) -> str:
    if sort == "name" or view == "all":
        return "people"
    many = store.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM people WHERE ({VIEW_WHERE[view]}) "
                              "LIMIT ?)", (SCAN_FROM,)).fetchone()[0]
    return _SCAN if many >= SCAN_FROM else "people"


def _rank_sql(words: Sequence[str]) -> tuple[str, list[Any]]:
    """Name matches first: 0 when every word is a whole word of the name, 1 when each starts one, 2 when
    each is inside it, else 3 (the match is in an email, the company or the title).

    Whether each word is inside the name is asked first: it is the cheapest test, and most people a
    short or common word lists ("com", "s") fail it, which settles their rank at once.
    """
    exact = " AND ".join("instr(' ' || sort_name || ' ', ?) > 0" for _ in words)
    prefix = " AND ".join("instr(' ' || sort_name, ?) > 0" for _ in words)
    inside = " AND ".join("instr(sort_name, ?) > 0" for _ in words)
    return (f"CASE WHEN NOT ({inside}) THEN 3 WHEN {exact} THEN 0 WHEN {prefix} THEN 1 ELSE 2 END",
            list(words) + [f" {w} " for w in words] + [f" {w}" for w in words])


def _ranked_ids(store: Store, source: str, condition: str, params: Sequence[Any], view: str, sort: str,
                words: Sequence[str], offset: int, limit: int | None) -> array[int]:
    rank, rank_params = _rank_sql(words)
    paging, paging_params = _paging(offset, limit)
    return _ids(store, f"SELECT people.id FROM {source} WHERE ({VIEW_WHERE[view]}) AND {condition} "
                       f"ORDER BY {rank}, {SORT_ORDER[sort]}{paging}", [*params, *rank_params, *paging_params])


#: A scan reads the table in its own order and sorts the few matches: walking a view's index in list
#: order and looking up every row took 18 s at a million people, the scan 1 s.
_SCAN = "people NOT INDEXED"


#: From the index's hits to their rows (CROSS JOIN keeps that order): left to itself the planner walks
#: the whole view and looks each person up in the hits, 8x slower at 1M.
_FTS_HITS = "people_fts CROSS JOIN people ON people.id = people_fts.rowid"


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def ids_with_word_starts(store: Store, view: str, sort: str, words: Sequence[str], offset: int = 0,
                         limit: int | None = None) -> array[int]:
    """People with a word starting with each of `words` (folded), from the full-text index, ranked."""
    query = " ".join(_fts_phrase(word) + "*" for word in words)  # "acme" -> `"acme"*`
    return _ranked_ids(store, _FTS_HITS, "people_fts MATCH ?", [query], view, sort, words, offset, limit)


#: Typed words this short start a word of many people (a one-letter filter lists up to two thirds of a
#: million), so ranking them all for a first page costs more than walking the list in order.
WALK_WORD_MAX = 2
#: How far a first page may walk the list, in SQLite virtual machine steps (about 25 ms, some 100,000
#: people): people whose name starts so are then too rare for a walk to find them sooner
#: than the index. Counted in ticks of _WALK_TICK steps.
WALK_BUDGET = 1_000_000
_WALK_TICK = 1_000


def _walkable(word: str) -> bool:
    """A word the index reads as one token, the same as SQLite's tokenizer does: letters and digits
    Unicode knew in version 3.2 (SQLite's tokenizer knows 6.1; Python's `isalnum` knows later ones)."""
    return 0 < len(word) <= WALK_WORD_MAX and all(unicodedata.ucd_3_2_0.category(c)[0] in "LN" for c in word)


def _sorts_in_memory(store: Store, sql: str, params: Sequence[Any]) -> bool:
    """Whether SQLite would sort this query's rows itself (no index gives the list's order)."""
    plan = store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return any("TEMP B-TREE" in row[-1] for row in plan)


def _walked(store: Store, sql: str, params: Sequence[Any]) -> array[int] | None:
    """The query's ids, or None when it needs more than WALK_BUDGET steps (an interrupt from another
    thread still raises: only the budget's own stop is caught)."""
    ticks = 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return int(ticks * _WALK_TICK > WALK_BUDGET)

    store.conn.set_progress_handler(tick, _WALK_TICK)
    try:
        return _ids(store, sql, params)
    except sqlite3.OperationalError:
        if ticks * _WALK_TICK > WALK_BUDGET:
            return None
        raise
    finally:
        store.conn.set_progress_handler(None, 0)


def first_page_of_word_starts(store: Store, view: str, sort: str, words: Sequence[str],
                              limit: int) -> array[int] | None:
    """The first `limit` people of `ids_with_word_starts`, without ranking everyone who matches.

    The people whose name has each word whole come first (few: the index lists them exactly); then
    those whose name has a word starting with each, found by walking the list in its order and
    stopping at `limit` (a one-letter filter: milliseconds at a million people, where ranking the
    600,000 matches takes 0.4 s). Every person either step lists matches the index too, as the search
    text holds every word of the sort name (`knowme.store.core.searchable`). None when this would not
    be quicker: longer or other words, a list order no index gives, or too few name matches nearby.
    """
    if not words or not all(_walkable(word) for word in words):
        return None
    order, where = SORT_ORDER[sort], f"({VIEW_WHERE[view]})"
    whole = [f" {word} " for word in words]
    exact = " AND ".join("instr(' ' || sort_name || ' ', ?) > 0" for _ in words)
    starts = " AND ".join("instr(' ' || sort_name, ?) > 0" for _ in words)
    walk = f"SELECT id FROM people WHERE {where} AND {starts} AND NOT ({exact}) ORDER BY {order} LIMIT ?"
    walk_params = [*(f" {word}" for word in words), *whole]
    if _sorts_in_memory(store, walk, [*walk_params, limit]):
        return None
    page = _ids(store, f"SELECT people.id FROM {_FTS_HITS} WHERE people_fts MATCH ? AND {where} AND {exact} "
                       f"ORDER BY {order} LIMIT ?", [" ".join(map(_fts_phrase, words)), *whole, limit])
    if len(page) < limit:
        rest = _walked(store, walk, [*walk_params, limit - len(page)])
        if rest is None or len(rest) < limit - len(page):
            return None  # too few name matches: the rest of the page ranks lower, which only the index orders
        page.extend(rest)
    return page


# The index's tokens are the folded text split at anything but a letter or digit (fold keeps ' and -)
_TOKEN_SPLIT = re.compile(r"[\W_]+")
#: Prefixes of indexed words, at most, for the index to narrow down the people a typed word may be in.
MAX_PREFIXES = 2_000


class Vocabulary:
    """The distinct words of the search index, held as one string, to find the words a typed word is
    inside of in milliseconds (a million people have about a million distinct words: 13 MB).

    Read once, and again only when the index has changed since: FTS5 rewrites its structure record
    (row 10 of `people_fts_data`) on every change. One may serve several readers of the same
    workspace, from their threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: bytes | None = None
        self._text = "\n"

    def load(self, store: Store) -> None:
        """Read the words now unless they are current (a UI calls this ahead of the first search)."""
        with self._lock:
            row = store.conn.execute("SELECT block FROM people_fts_data WHERE id = 10").fetchone()
            version = row[0] if row else None
            if version is None or version != self._version:
                store.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.people_fts_words "
                                   "USING fts5vocab(main, people_fts, row)")
                words = store.conn.execute("SELECT group_concat(term, char(10)) FROM temp.people_fts_words")
                self._text = "\n" + (words.fetchone()[0] or "") + "\n"
                self._version = version

    def prefixes_through(self, store: Store, part: str) -> list[str] | None:
        """Every indexed word that contains `part`, as few prefixes: each word up to the end of the
        first `part` in it ("mit" -> "mit", "smit", "schmit"), as any word starting so contains it
        too. None when there are more than MAX_PREFIXES."""
        self.load(store)
        text, found = self._text, set()
        at = text.find(part)
        while at >= 0:
            found.add(text[text.rfind("\n", 0, at) + 1:at + len(part)])
            if len(found) > MAX_PREFIXES:
                return None
            at = text.find(part, text.find("\n", at))  # the next word holding it
        return sorted(found)


def _inside_query(store: Store, words: Sequence[str], vocabulary: Vocabulary) -> str | None:
    """An index query for the people who may hold every word inside one of theirs ("" when it would not
    narrow them down; None when nobody can match).

    For each typed word, longest first, its longest part between apostrophes or hyphens ("o'brien"
    -> "brien") is looked up in the vocabulary; a part inside too many different words to be worth
    listing is left out (the check of `search` after it still holds every word).
    """
    clauses = []
    for word in sorted(set(words), key=len, reverse=True):
        part = max(_TOKEN_SPLIT.split(word), key=len)
        if not part:
            continue
        prefixes = vocabulary.prefixes_through(store, part)
        if prefixes == []:
            return None
        if prefixes is not None:
            clauses.append("(" + " OR ".join(_fts_phrase(prefix) + "*" for prefix in prefixes) + ")")
    return " AND ".join(clauses)


def ids_with_words_inside(store: Store, view: str, sort: str, words: Sequence[str], offset: int = 0,
                          limit: int | None = None, vocabulary: Vocabulary | None = None) -> array[int]:
    """People whose folded name, emails, company or title hold each of `words`, ranked.

    Not a scan of every person: the index's vocabulary gives the words that contain what was typed,
    the index the people who have them, and only those are checked (a scan only when every typed
    word is inside too many different words to be worth listing). A `vocabulary` kept from an earlier
    call saves reading the index's words again.
    """
    query = _inside_query(store, words, vocabulary or Vocabulary())
    if query is None:
        return array("q")
    contains = " AND ".join("instr(people.search, ?) > 0" for _ in words)
    if not query:
        return _ranked_ids(store, _SCAN, contains, words, view, sort, words, offset, limit)
    return _ranked_ids(store, _FTS_HITS, f"people_fts MATCH ? AND {contains}", [query, *words], view, sort,
                       words, offset, limit)


def _letters_sql(words: Sequence[str]) -> tuple[str, list[Any]]:
    """Letters in order, the first one starting a word: "jsmth" finds John Smith, "wang" not Marta Kowalska."""
    return (" AND ".join("(' ' || people.search) LIKE ?" for _ in words),
            ["% " + "%".join(word) + "%" for word in words])


def ids_with_letters_in_order(store: Store, view: str, sort: str, words: Sequence[str], offset: int = 0,
                              limit: int | None = None) -> array[int]:
    """People with the letters of each word in order from a word start, ranked.

    Each such person has a word starting with each typed word's first letter, so the index lists
    the people to check (a scan only when no typed word starts with a letter or digit): "xqzw"
    checks the few people with an x-word, where a scan read a million (0.5 s).
    """
    condition, params = _letters_sql(words)
    starts = " ".join(_fts_phrase(word[0]) + "*" for word in words if word[0].isalnum())
    if not starts:
        return _ranked_ids(store, _SCAN, condition, params, view, sort, words, offset, limit)
    return _ranked_ids(store, _FTS_HITS, f"people_fts MATCH ? AND {condition}", [starts, *params], view, sort,
                       words, offset, limit)


def members(store: Store, view: str, words: Sequence[str], ids: Iterable[int]) -> set[int]:
    """Which of these people (still) belong to a view, and match the loosest filter of `words`."""
    where, params = f"({VIEW_WHERE[view]})", []
    if words:
        condition, params = _letters_sql(words)
        where += f" AND {condition}"
    found: set[int] = set()
    for chunk in chunked(list(ids)):
        found.update(row[0] for row in store.conn.execute(
            f"SELECT id FROM people WHERE id IN ({marks(len(chunk))}) AND {where}", [*chunk, *params]))
    return found


def window_by_name(store: Store, view: str, person_id: int, before: int, size: int) -> tuple[array[int], int] | None:
    """Up to `size` people of a view in name order around one person, and the row of that person in
    them: `before` people who sort ahead, then the person (or, when the view no longer holds them,
    the next by name) and those after. Read by seeking the view's index from the person's name, so it
    costs the same anywhere in a million people (counting the people ahead took 0.3-2 s near the end).

    None when the person is gone, or when no index gives the view's name order (it would be sorted
    whole): the list's worker reads it then.
    """
    row = store.conn.execute("SELECT sort_name FROM people WHERE id=?", (person_id,)).fetchone()
    if row is None:
        return None
    where, key = f"({VIEW_WHERE[view]})", (row[0], person_id)
    onward = f"SELECT id FROM people WHERE {where} AND (sort_name, id) >= (?, ?) ORDER BY sort_name, id LIMIT ?"
    if _sorts_in_memory(store, onward, [*key, size]):
        return None
    ahead = _ids(store, f"SELECT id FROM people WHERE {where} AND (sort_name, id) < (?, ?) "
                        "ORDER BY sort_name DESC, id DESC LIMIT ?", [*key, before])
    ahead.reverse()
    window = ahead + _ids(store, onward, [*key, max(1, size - len(ahead))])
    return window, max(0, min(len(ahead), len(window) - 1))


def decisions_of(store: Store, ids: Sequence[int]) -> dict[int, tuple[Decision, bool]]:
    """(decision, already connected) of each of these people."""
    found: dict[int, tuple[Decision, bool]] = {}
    for chunk in chunked(ids):
        for pid, decision, connected in store.conn.execute(
                f"SELECT id, decision, connected FROM people WHERE id IN ({marks(len(chunk))})", chunk):
            found[pid] = (Decision(decision), bool(connected))
    return found


def record_ids_of(store: Store, person_id: int) -> list[int]:
    """The ids of a person's records (a merge moves them to the person kept, ids unchanged)."""
    return [rid for (rid,) in store.conn.execute("SELECT id FROM records WHERE person_id=? ORDER BY id",
                                                 (person_id,))]


def people_holding(store: Store, record_ids: Sequence[int]) -> set[int]:
    """The people these records belong to now."""
    held: set[int] = set()
    for chunk in chunked(list(record_ids)):
        held.update(pid for (pid,) in store.conn.execute(
            f"SELECT DISTINCT person_id FROM records WHERE id IN ({marks(len(chunk))})", chunk))
    return held


def people_of_next_undo(store: Store, redo: bool = False) -> list[int]:
    """The people the next `Store.undo()` (or `redo()`) will change, read from its log snapshot."""
    if redo:
        row = store.conn.execute("SELECT after FROM log_full WHERE undone=1 ORDER BY id ASC LIMIT 1").fetchone()
    else:
        row = store.conn.execute("SELECT before FROM log WHERE undone=0 ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return []
    return [int(pid) for pid in json.loads(row[0]).get("people", {})]


# ---- counts ---------------------------------------------------------------------------------------


def memberships(store: Store, views: Sequence[str], ids: Iterable[int]) -> dict[str, set[int]]:
    """Which of these people each of `views` holds."""
    found: dict[str, set[int]] = {key: set() for key in views}
    columns = ", ".join(f"({VIEW_WHERE[key]})" for key in views)
    for chunk in chunked(list(dict.fromkeys(ids))):
        for row in store.conn.execute(f"SELECT id, {columns} FROM people WHERE id IN ({marks(len(chunk))})", chunk):
            for key, member in zip(views, row[1:]):
                if member:
                    found[key].add(row[0])
    return found


def people_by_decision(store: Store) -> list[tuple[Decision, bool, int]]:
    """(decision, already connected, people) for each pair that occurs (from an index, not a scan)."""
    return [(Decision(decision), bool(connected), n) for decision, connected, n in store.conn.execute(
        "SELECT decision, connected, count(*) FROM people GROUP BY decision, connected")]


def any_active_exclusion(store: Store) -> bool:
    """Whether any exclusion is not lifted (one index lookup)."""
    return store.conn.execute("SELECT 1 FROM exclusions WHERE lifted_at IS NULL LIMIT 1").fetchone() is not None


def view_size(store: Store, view: str) -> int:
    """How many people a view holds."""
    return store.conn.execute(f"SELECT count(*) FROM people WHERE {VIEW_WHERE[view]}").fetchone()[0]


def sources(store: Store) -> list[tuple[str, str]]:
    """(name, format) of each imported source, in import order."""
    return list(store.conn.execute("SELECT name, format FROM sources ORDER BY id"))


def people_by_source_and_decision(store: Store) -> list[tuple[str, Decision, bool, int]]:
    """(source name, decision, already connected, people with a record from that source)."""
    return [(name, Decision(decision), bool(connected), n) for name, decision, connected, n in store.conn.execute(
        "SELECT s.name, p.decision, p.connected, count(DISTINCT p.id) FROM records r "
        "JOIN sources s ON s.id = r.source_id JOIN people p ON p.id = r.person_id "
        "GROUP BY s.id, p.decision, p.connected")]


def people_by_last_mail_year(store: Store) -> list[tuple[int | None, int]]:
    """(year last in touch by mail, people), None for the people without a dated mail."""
    found: dict[int | None, int] = {}
    for year, n in store.conn.execute("SELECT substr(last_mail, 1, 4), count(*) FROM people GROUP BY 1"):
        key = int(year) if year and year.isdigit() else None
        found[key] = found.get(key, 0) + n
    return list(found.items())
