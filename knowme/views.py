"""Read-only queries for listing people: views, filters, sorts, windows and counts.

Both faces use these: the review UI reads the visible window of its contact list from here and
the sidebar its counts, the CLI can list the same views. Everything reads the denormalised
`people` columns (kept by `Store.refresh_people`) so a 100,000-person workspace lists at once;
nothing here writes.

A list is materialised once as an ordered array of person ids (`person_ids`), which makes any
sort, filter or view scroll in constant time per window: rows are then read by id (`rows`).
"""
from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from knowme.model import Decision
from knowme.normalize import fold
from knowme.store.core import Store
from knowme.store.outreach import NOTE_STATUS_SQL


@dataclass(frozen=True, slots=True)
class View:
    """One named subset of the people, as the sidebar lists them."""

    key: str
    label: str
    where: str  # an SQL condition over the `people` table
    hint: str = ""


_PENDING_PEOPLE = ("id IN (SELECT ra.person_id FROM pairs q JOIN records ra ON ra.id = q.a "
                   "JOIN records rb ON rb.id = q.b WHERE q.status='pending' AND ra.person_id != rb.person_id "
                   "UNION SELECT rb.person_id FROM pairs q JOIN records ra ON ra.id = q.a "
                   "JOIN records rb ON rb.id = q.b WHERE q.status='pending' AND ra.person_id != rb.person_id)")

VIEWS: tuple[View, ...] = (
    View("undecided", "Undecided", "decision='undecided' AND connected=0",
         "to decide (people already connected are under Connected)"),
    View("knows-me", "Knows me", "decision='knows-me'", "go to the safe-to-sync file"),
    View("personalize", "Personalize", "decision='personalize'", "go to the outreach queue"),
    View("exclude", "Exclude", "decision='exclude'", "never invited, never uploaded"),
    View("connected", "Connected", "connected=1", "already connections: in neither export, nothing to decide"),
    View("suggestions", "Suggestions", "decision='undecided' AND connected=0 AND suggestion IS NOT NULL",
         "undecided people with a suggested decision"),
    View("duplicates", "Duplicates to review", _PENDING_PEOPLE, "people in possible-duplicate pairs"),
    View("all", "All", "1", "everybody"),
    View("notes", "Notes to fix", "decision='personalize' AND connected=0 AND sent_on IS NULL AND "
         f"{NOTE_STATUS_SQL} IN ('needed', 'fix')", "personalize people whose note is missing or fails the linter"),
)
VIEW_BY_KEY = {view.key: view for view in VIEWS}

#: How strongly mail says two people are in touch: replies count most, then what the user sent.
SIGNAL_SQL = "(two_way * 4 + sent * 2 + received)"


@dataclass(frozen=True, slots=True)
class Sort:
    key: str
    label: str
    order: str  # the ORDER BY clause (always ends with id, so the order is total)


SORTS: tuple[Sort, ...] = (
    Sort("name", "name", "sort_name, id"),
    Sort("company", "company", "org = '', org COLLATE NOCASE, sort_name, id"),
    Sort("signal", "signal strength", f"{SIGNAL_SQL} DESC, last_mail IS NULL, last_mail DESC, sort_name, id"),
    Sort("suggestion", "suggestion", "suggestion IS NULL, suggestion, sort_name, id"),
)
SORT_BY_KEY = {sort.key: sort for sort in SORTS}


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What a list shows: a view, a sort, and the filter text typed by the user."""

    view: str = "undecided"
    sort: str = "name"
    text: str = ""

    def __post_init__(self) -> None:
        if self.view not in VIEW_BY_KEY:
            raise ValueError(f"unknown view {self.view!r}")
        if self.sort not in SORT_BY_KEY:
            raise ValueError(f"unknown sort {self.sort!r}")

    def with_(self, **changes: Any) -> ListQuery:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, str]:
        return {"view": self.view, "sort": self.sort, "text": self.text}

    @classmethod
    def from_dict(cls, data: Any) -> ListQuery:
        """A saved query, falling back to the defaults for anything unknown."""
        if not isinstance(data, dict):
            return cls()
        view, sort, text = data.get("view"), data.get("sort"), data.get("text")
        return cls(view=view if isinstance(view, str) and view in VIEW_BY_KEY else "undecided",
                   sort=sort if isinstance(sort, str) and sort in SORT_BY_KEY else "name",
                   text=text if isinstance(text, str) else "")


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
    has_draft: bool = False
    note: str = ""  # for personalize people not yet sent a request: knowme.notestatus

    @property
    def company_title(self) -> str:
        """"Title, Company" (either may be missing)."""
        return ", ".join(part for part in (self.title, self.org) if part)

    @property
    def signal_strength(self) -> int:
        """The same figure the `signal` sort orders by."""
        return self.two_way * 4 + self.sent * 2 + self.received

    @property
    def has_mail(self) -> bool:
        return bool(self.sent or self.received)

    @property
    def source_list(self) -> list[str]:
        return [s for s in self.sources.split(", ") if s]


_ROW_COLUMNS = ("id, name, email, org, title, sources, n_records, connected, sent, received, two_way, last_mail, "
                "decision, suggestion, suggestion_reason, how, draft != '', "
                f"CASE WHEN decision='personalize' AND connected=0 AND sent_on IS NULL THEN {NOTE_STATUS_SQL} "
                "ELSE '' END")


def _row(values: Sequence[Any]) -> PersonRow:
    return PersonRow(values[0], values[1], values[2], values[3], values[4], values[5], values[6], bool(values[7]),
                     values[8], values[9], values[10], values[11], Decision(values[12]), values[13],
                     values[14], values[15], bool(values[16]), values[17])


# ---- filtering ------------------------------------------------------------------------------------

#: How a filter matched, best first: every typed word starts a word of the name, emails, company or
#: title (read from the full-text index); failing that, each word appears inside them; failing that,
#: its letters appear in order from the start of a word ("jsmth" finds John Smith), the last resort.
MATCH_WORDS, MATCH_CONTAINS, MATCH_LETTERS = "words", "contains", "letters"
MATCH_MODES: tuple[str, ...] = (MATCH_WORDS, MATCH_CONTAINS, MATCH_LETTERS)
LOOSE_MODES: tuple[str, ...] = MATCH_MODES[1:]  # full scans: seconds at a million people


def filter_words(text: str) -> list[str]:
    """The folded words of a filter: matched the way the `search` column was folded."""
    return fold(text).split()


def _fts_query(words: Sequence[str]) -> str:
    """An FTS5 query: every word as the start of some word ("acme" -> `"acme"*`)."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def _match_sql(words: Sequence[str], mode: str) -> tuple[str, list[Any]]:
    """The condition a person meets when every word matches in `mode`."""
    if mode == MATCH_WORDS:
        return "id IN (SELECT rowid FROM people_fts WHERE people_fts MATCH ?)", [_fts_query(words)]
    if mode == MATCH_CONTAINS:
        return " AND ".join("instr(search, ?) > 0" for _ in words), list(words)
    # letters in order, the first one starting a word: "jsmth" finds John Smith, "wang" not Marta Kowalska
    return (" AND ".join("(' ' || search) LIKE ?" for _ in words),
            ["% " + "%".join(word) + "%" for word in words])


def _rank_sql(words: Sequence[str]) -> tuple[str, list[Any]]:
    """Name matches first: 0 when every word is a whole word of the name, 1 when each starts one, else 2."""
    exact = " AND ".join("instr(' ' || sort_name || ' ', ?) > 0" for _ in words)
    prefix = " AND ".join("instr(' ' || sort_name, ?) > 0" for _ in words)
    return (f"CASE WHEN {exact} THEN 0 WHEN {prefix} THEN 1 ELSE 2 END",
            [f" {w} " for w in words] + [f" {w}" for w in words])


def matched_fields(row: PersonRow, text: str, mode: str = MATCH_WORDS) -> list[str]:
    """Which of a listed person's fields the filter matched ("name", "email", "company", "title")."""
    words = filter_words(text)
    if not words:
        return []
    if mode == MATCH_LETTERS:
        return ["letters in order"]
    fields = (("name", row.name), ("email", row.email), ("company", row.org), ("title", row.title))
    found = []
    for label, value in fields:
        folded = fold(value)
        if mode == MATCH_WORDS:
            hit = any((" " + folded).find(" " + word) >= 0 for word in words)
        else:
            hit = any(word in folded for word in words)
        if hit:
            found.append(label)
    return found or ["other email"]


# ---- lists and windows ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    """The people of a list in order, and how the filter matched them (see MATCH_MODES; "" unfiltered)."""

    ids: array[int]
    match: str = ""


def list_people(store: Store | sqlite3.Connection, query: ListQuery, offset: int = 0,
                limit: int | None = None, modes: Sequence[str] = MATCH_MODES) -> Listing:
    """The people of a view, filtered and sorted, as an array of ids (all, or `limit` from `offset`).

    With a filter, people whose words start with the typed words come from the full-text index
    (milliseconds at a million people), the name matches first; only when nobody matches so do
    the looser modes run (a scan). The whole list costs a few ms per 10,000 people; a window of a
    name-sorted, unfiltered view is read straight from the index. `modes` limits which match modes
    are tried (a UI shows the indexed word matches at once and runs the scans after).
    """
    conn = store.conn if isinstance(store, Store) else store
    words = filter_words(query.text)
    view = f"({VIEW_BY_KEY[query.view].where})"
    order = SORT_BY_KEY[query.sort].order
    paging = ""
    paging_params: list[int] = []
    if limit is not None or offset:
        paging = " LIMIT ? OFFSET ?"
        paging_params = [-1 if limit is None else limit, offset]
    if not words:
        return Listing(_ids(conn, f"SELECT id FROM people WHERE {view} ORDER BY {order}{paging}", paging_params))
    rank, rank_params = _rank_sql(words)
    for mode in modes:
        if mode == MATCH_WORDS:
            # from the index's hits to their rows (CROSS JOIN keeps that order): left to itself the
            # planner walks the whole view and looks each person up in the hits, 8x slower at 1M
            source, condition, params = ("people_fts CROSS JOIN people ON people.id = people_fts.rowid",
                                         "people_fts MATCH ?", [_fts_query(words)])
        else:
            source = "people"
            condition, params = _match_sql(words, mode)
        ids = _ids(conn, f"SELECT people.id FROM {source} WHERE {view} AND {condition} "
                         f"ORDER BY {rank}, {order}{paging}", [*params, *rank_params, *paging_params])
        if ids or offset:
            return Listing(ids, mode)
    return Listing(array("q"), modes[-1] if modes else MATCH_WORDS)


def _ids(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> array[int]:
    ids: array[int] = array("q")
    cursor = conn.execute(sql, params)
    while True:
        chunk = cursor.fetchmany(20_000)
        if not chunk:
            break
        ids.extend(row[0] for row in chunk)
    return ids


def person_ids(store: Store | sqlite3.Connection, query: ListQuery, offset: int = 0,
               limit: int | None = None) -> array[int]:
    """The ids of `list_people` (the order a list shows)."""
    return list_people(store, query, offset, limit).ids


def rows(store: Store, ids: Iterable[int]) -> dict[int, PersonRow]:
    """The list rows of these people, by id (people gone since are simply absent)."""
    wanted = list(ids)
    found: dict[int, PersonRow] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for values in store.conn.execute(f"SELECT {_ROW_COLUMNS} FROM people WHERE id IN ({marks})", chunk):
            found[values[0]] = _row(values)
    return found


def next_with_decision(store: Store, ids: Sequence[int], start: int, decision: Decision = Decision.UNDECIDED,
                       step: int = 1, chunk: int = 128) -> int | None:
    """The index of the first person after `start` (before it with step=-1) who has `decision`.

    People already connected are never "to decide": the next undecided person is one who is not.
    """
    position = start + step
    while 0 <= position < len(ids):
        if step > 0:
            window = list(ids[position:position + chunk])
        else:
            window = list(ids[max(0, position - chunk + 1):position + 1])[::-1]
        marks = ",".join("?" * len(window))
        hits = {pid for pid, value, connected in store.conn.execute(
            f"SELECT id, decision, connected FROM people WHERE id IN ({marks})", window)
            if value == decision.value and not (connected and decision == Decision.UNDECIDED)}
        for offset, pid in enumerate(window):
            if pid in hits:
                return position + offset * step
        position += len(window) * step
    return None


def members(store: Store, query: ListQuery, ids: Iterable[int]) -> set[int]:
    """Which of these people (still) belong to a list, e.g. after their decision changed."""
    wanted = list(ids)
    # the loosest match mode holds every tighter one: someone listed stays listed
    words = filter_words(query.text)
    where, params = f"({VIEW_BY_KEY[query.view].where})", []
    if words:
        condition, params = _match_sql(words, MATCH_LETTERS)
        where += f" AND {condition}"
    found: set[int] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(row[0] for row in store.conn.execute(
            f"SELECT id FROM people WHERE id IN ({marks}) AND {where}", [*chunk, *params]))
    return found


def pending_pairs_of(store: Store, person_id: int) -> int:
    """How many possible-duplicate pairs waiting for review involve this person."""
    return len(store.pending_pairs_of(person_id))


def list_position(store: Store, query: ListQuery, person_id: int) -> int | None:
    """How many people sort before this one in a name-sorted, unfiltered view (read from the index).

    That is the person's row when listed, and the row of the next person when not (say they were
    decided since and the view is Undecided). None when the answer would need the whole list.
    """
    if query.sort != "name" or query.text:
        return None
    row = store.conn.execute("SELECT sort_name FROM people WHERE id=?", (person_id,)).fetchone()
    if row is None:
        return None
    where = VIEW_BY_KEY[query.view].where
    return store.conn.execute(f"SELECT count(*) FROM people WHERE ({where}) AND (sort_name, id) < (?, ?)",
                              (row[0], person_id)).fetchone()[0]


def resume_index(store: Store, query: ListQuery, ids: Sequence[int], person_id: int | None,
                 fallback: int = 0) -> int:
    """The row to put the cursor on when a list is reopened.

    The person it was on, when still listed; else (e.g. they were decided and the view is
    Undecided) the first person that sorts after them by name; else the saved row number.
    """
    if not ids:
        return 0
    if person_id is not None:
        try:
            return ids.index(person_id)
        except ValueError:
            pass
        position = list_position(store, query, person_id)
        if position is not None:
            return min(position, len(ids) - 1)
    return max(0, min(fallback, len(ids) - 1))


# ---- counts ---------------------------------------------------------------------------------------


def progress(counts: dict[str, int]) -> tuple[int, int]:
    """(decided, to decide in all): people already connected are outside triage, as in the exports."""
    total = max(0, counts.get("all", 0) - counts.get("connected", 0))
    return max(0, total - counts.get("undecided", 0)), total


#: Views counted in people; "duplicates" is counted in pairs waiting for review.
PEOPLE_VIEWS: tuple[str, ...] = tuple(view.key for view in VIEWS if view.key != "duplicates")


def memberships(store: Store, ids: Iterable[int]) -> dict[str, set[int]]:
    """Which of these people each people-counted view holds (read before and after a change)."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, set[int]] = {key: set() for key in PEOPLE_VIEWS}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        columns = ", ".join(f"({VIEW_BY_KEY[key].where})" for key in PEOPLE_VIEWS)
        for row in store.conn.execute(f"SELECT id, {columns} FROM people WHERE id IN ({marks})", chunk):
            for key, member in zip(PEOPLE_VIEWS, row[1:]):
                if member:
                    found[key].add(row[0])
    return found


def apply_count_changes(counts: dict[str, int], before: dict[str, set[int]], after: dict[str, set[int]]) -> None:
    """Update view counts in place from the memberships of the changed people before and after."""
    for key in PEOPLE_VIEWS:
        counts[key] = counts.get(key, 0) + len(after[key]) - len(before[key])


def view_counts(store: Store) -> dict[str, int]:
    """How many people each sidebar view holds (one pass over `people`), and the pairs to review."""
    counts = {view.key: 0 for view in VIEWS}
    # both from indexes (a scan of a million people's rows takes seconds)
    for decision, connected, n in store.conn.execute(
            "SELECT decision, connected, count(*) FROM people GROUP BY decision, connected"):
        counts["all"] += n
        if connected:
            counts["connected"] += n
        if connected and decision == Decision.UNDECIDED.value:
            continue  # already a connection: nothing to decide
        counts[decision] += n
    counts["suggestions"] = store.conn.execute(
        f"SELECT count(*) FROM people WHERE {VIEW_BY_KEY['suggestions'].where}").fetchone()[0]
    counts["duplicates"] = store.pending_pair_count()
    counts["notes"] = store.conn.execute(f"SELECT count(*) FROM people WHERE {VIEW_BY_KEY['notes'].where}").fetchone()[0]
    return counts


# ---- overview -------------------------------------------------------------------------------------


@dataclass(slots=True)
class SourceProgress:
    """How far triage got for the people one source file contributes."""

    source: str
    format: str
    people: int
    decisions: dict[str, int] = field(default_factory=dict)

    @property
    def decided(self) -> int:
        return self.people - self.decisions.get(Decision.UNDECIDED.value, 0)


@dataclass(slots=True)
class Overview:
    """Triage progress as a whole, per source, and how recently the user was in touch (by year)."""

    people: int
    decisions: dict[str, int]  # "undecided" counts the people to decide (not those already connected)
    sources: list[SourceProgress]
    last_mail_years: dict[int, int]
    no_mail: int
    connected: int = 0  # undecided people already connected: outside triage, as in the sidebar

    @property
    def to_decide(self) -> int:
        return self.people - self.connected

    @property
    def decided(self) -> int:
        return self.to_decide - self.decisions.get(Decision.UNDECIDED.value, 0)

    def year_series(self) -> list[tuple[int, int]]:
        """(year, people last in touch that year) for every year from the first to the last."""
        if not self.last_mail_years:
            return []
        first, last = min(self.last_mail_years), max(self.last_mail_years)
        return [(year, self.last_mail_years.get(year, 0)) for year in range(first, last + 1)]


def overview(store: Store) -> Overview:
    """The figures of the overview screen (one pass over records, one over people)."""
    conn = store.conn
    decisions = {d.value: 0 for d in Decision}
    connected = 0
    for decision, is_connected, n in conn.execute(
            "SELECT decision, connected, count(*) FROM people GROUP BY decision, connected"):
        if is_connected and decision == Decision.UNDECIDED.value:
            connected += n
        else:
            decisions[decision] += n
    by_source: dict[str, SourceProgress] = {}
    for name, fmt in conn.execute("SELECT name, format FROM sources ORDER BY id"):
        by_source[name] = SourceProgress(name, fmt, 0, {d.value: 0 for d in Decision})
    for name, decision, n in conn.execute(
            "SELECT s.name, p.decision, count(DISTINCT p.id) FROM records r JOIN sources s ON s.id = r.source_id "
            "JOIN people p ON p.id = r.person_id GROUP BY s.id, p.decision"):
        progress = by_source.get(name)
        if progress is not None:
            progress.decisions[decision] = n
            progress.people += n
    years: dict[int, int] = {}
    no_mail = 0
    for year, n in conn.execute("SELECT substr(last_mail, 1, 4), count(*) FROM people GROUP BY 1"):
        if year and year.isdigit():
            years[int(year)] = years.get(int(year), 0) + n
        else:
            no_mail += n
    return Overview(sum(decisions.values()) + connected, decisions, list(by_source.values()), years, no_mail,
                    connected)
