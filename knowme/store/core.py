"""The workspace: one private SQLite file holding sources, records, people, verdicts and the undo log.

Every user action is one transaction, so a crash loses nothing that was shown as done and an
interrupted import leaves no trace. The schema is versioned with `PRAGMA user_version` and
migrated forward in order. Records keep their full source data as JSON; the columns beside it
are derived (matching keys, the person's summary for fast listing) and can be rebuilt.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shlex
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from knowme import heldfiles
from knowme.model import SCALAR_FIELDS, Decision, Person, Record, emails_of, first_name_of, last_name_of
from knowme.normalize import fold
from knowme.notestatus import note_status_of_row
from knowme.store.pairs import pending_pair_count, set_asked
from knowme.store.rows import Prepared
from knowme.store.searchindex import TRIGGERS as SEARCH_TRIGGERS
from knowme.store.searchindex import bulk_writes, people_indexes_rebuilt
from knowme.store.sql import chunked, from_json, json_bytes, marks, now, to_json
from knowme.store.workspace import NoWorkspace, WorkspaceError, check_existing, describe_error, is_busy
from knowme.text import plural

if TYPE_CHECKING:
    from knowme.reimport import OldSource

BUSY_TIMEOUT_S = 5.0
WRITE_SLICE = 2000  # records an import writes at a time
CACHE_KB = -65536  # SQLite's page cache: 64 MB at most
BIG_IMPORT_CACHE_KB = -262144  # while storing a large source: its index pages stay in memory, never spilled twice
PAGE_SIZE = 16384  # new workspaces: a quarter of the system calls of 4096 for big imports


#: How an import may treat an earlier source of the same address book: "auto" replaces it only when the
#: file is whole and no person with a decision, note or draft would go; "replace" lets such people go
#: (never with an incomplete file); "new" never replaces: the file becomes a source of its own.
ReplaceMode = Literal["auto", "replace", "new"]


class ReplaceRefused(Exception):
    """An import that would replace an earlier source and lose what the user decided, or put part of a
    file in place of the whole: nothing is stored. The message is one line saying how to go on; `kind`
    says which (`DROPPING`: `--replace` or `--as-new-source` go on; `INCOMPLETE`: only `--as-new-source`)."""

    def __init__(self, message: str, kind: str, people: Sequence[str] = (), why: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.people = list(people)  # DROPPING: who would go, as "name (decision)"
        self.why = why or message  # the reason alone, without the file's path or the commands that go on


DROPPING, INCOMPLETE = "dropping", "incomplete"  # the kinds of `ReplaceRefused`


class UndoRefused(WorkspaceError):
    """An undo or redo that would restore what a later import or merge removed: nothing is changed."""


_SCHEMA_V1 = """
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, path TEXT NOT NULL, format TEXT NOT NULL,
    sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, records INTEGER NOT NULL, problems TEXT NOT NULL);
CREATE TABLE people(
    id INTEGER PRIMARY KEY,
    decision TEXT NOT NULL DEFAULT 'undecided',
    note TEXT NOT NULL DEFAULT '', how TEXT NOT NULL DEFAULT '', context TEXT NOT NULL DEFAULT '',
    why TEXT NOT NULL DEFAULT '', draft TEXT NOT NULL DEFAULT '', priority INTEGER NOT NULL DEFAULT 0,
    sent_on TEXT, accepted_on TEXT, decided_at TEXT,
    suggestion TEXT, suggestion_reason TEXT NOT NULL DEFAULT '',
    -- derived summary, rebuilt from the records by refresh_people():
    name TEXT NOT NULL DEFAULT '', sort_name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
    org TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', connected INTEGER NOT NULL DEFAULT 0,
    sources TEXT NOT NULL DEFAULT '', n_records INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0, received INTEGER NOT NULL DEFAULT 0, two_way INTEGER NOT NULL DEFAULT 0,
    last_mail TEXT, search TEXT NOT NULL DEFAULT '');
CREATE INDEX people_decision ON people(decision, sort_name);
CREATE INDEX people_sort ON people(sort_name);
CREATE TABLE records(
    id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id), idx INTEGER NOT NULL,
    line INTEGER NOT NULL, uid TEXT, rkey TEXT NOT NULL, person_id INTEGER NOT NULL,
    first TEXT NOT NULL, last TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX records_person ON records(person_id);
CREATE INDEX records_source ON records(source_id);
CREATE INDEX records_rkey ON records(rkey);
CREATE TABLE keys(record_id INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL);
CREATE INDEX keys_key ON keys(key, kind);
CREATE INDEX keys_record ON keys(record_id);
-- "same" / "different" verdicts between two stable record identities (rkeys, sorted a < b)
CREATE TABLE verdicts(a TEXT NOT NULL, b TEXT NOT NULL, verdict TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY(a, b));
-- the review queue of possible duplicates, between two records (their people may change)
CREATE TABLE pairs(id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL, score REAL NOT NULL,
    reasons TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', UNIQUE(a, b));
-- keys of excluded people whose records later vanished from every source: never exported again
CREATE TABLE remembered_exclusions(kind TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY(kind, key));
CREATE TABLE log(id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, summary TEXT NOT NULL,
    before TEXT NOT NULL, after TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
"""

# v2: the review queue looked up by either record (the detail pane and `resolve` at a million records)
_SCHEMA_V2 = "CREATE INDEX pairs_b ON pairs(b);"

# v3: exclusion as a suppression list (knowme.suppression): an exclusion is who was excluded, when and by
# which logged action; its entries are normalised identifiers, name forms and record identities, matched
# without any record or person id. Lifting keeps the entries (inactive). The keys remembered before
# (`remembered_exclusions`) become the entries of one exclusion.
_SCHEMA_V3_SUPPRESSION_LIST = """
CREATE TABLE exclusions(id INTEGER PRIMARY KEY AUTOINCREMENT, person_id INTEGER, name TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL, log_id INTEGER, lifted_at TEXT, lifted_log INTEGER);
CREATE INDEX exclusions_person ON exclusions(person_id);
CREATE TABLE suppressions(exclusion_id INTEGER NOT NULL REFERENCES exclusions(id), kind TEXT NOT NULL,
    key TEXT NOT NULL, shown TEXT NOT NULL DEFAULT '', at TEXT NOT NULL, PRIMARY KEY(kind, key, exclusion_id))
    WITHOUT ROWID;
CREATE INDEX suppressions_exclusion ON suppressions(exclusion_id);
INSERT INTO exclusions(person_id, name, at) SELECT NULL, 'excluded before this version', min(at)
    FROM remembered_exclusions HAVING count(*) > 0;
INSERT INTO suppressions(exclusion_id, kind, key, shown, at) SELECT (SELECT max(id) FROM exclusions), kind, key,
    key, at FROM remembered_exclusions;
"""


def _migrate_v4_identity(conn: sqlite3.Connection) -> None:
    """v4, identity that does not drift: person and record ids are never given twice (AUTOINCREMENT:
    the tables are rebuilt as they are, whatever columns they have), and each source remembers its
    file's base name, so a same-named file is compared with it rather than taken for it."""
    for table in ("people", "records"):
        _never_reused_ids(conn, table)
    conn.execute("ALTER TABLE sources ADD COLUMN base TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE sources SET base=name")
    conn.execute("CREATE INDEX sources_base ON sources(base, format)")


def _never_reused_ids(conn: sqlite3.Connection, table: str) -> None:
    """Rebuild `table` as it is, whatever columns it has, with AUTOINCREMENT ids (run with foreign keys off:
    `Store._migrate`, as a table others reference is dropped and made again)."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()[0]
    if "AUTOINCREMENT" in sql.upper():
        return
    # indexes and triggers go with a dropped table: made again once it has its name back
    indexes = [row[0] for row in conn.execute("SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                                              "AND tbl_name=? AND sql IS NOT NULL", (table,))]
    rebuilt = re.sub(r"\bid INTEGER PRIMARY KEY\b", "id INTEGER PRIMARY KEY AUTOINCREMENT", sql, count=1)
    rebuilt = re.sub(rf"^CREATE TABLE \"?{table}\"?", f"CREATE TABLE {table}_rebuilt", rebuilt, count=1)
    conn.execute(rebuilt)
    conn.execute(f"INSERT INTO {table}_rebuilt SELECT * FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
    for index in indexes:
        conn.execute(index)


def _migrate_v12_source_ids(conn: sqlite3.Connection) -> None:
    """v12, source ids never given twice, as person and record ids (v4): a forget of the newest source freed
    its id, the next import of another book took it, and the forget's undo was then refused as if "its address
    book was imported again since" (`knowme sources` and `forget 2` named another book by the same number).
    The high-water mark starts above every source a forget still in the undo log removed."""
    _never_reused_ids(conn, "sources")
    forgotten = [0]
    for (removed,) in conn.execute("SELECT json_extract(before, '$.rows.insert.sources') FROM log "
                                   "WHERE action='forget' AND json_valid(before)"):
        data = from_json(removed) if removed else {}
        if "id" in data.get("columns", ()):
            at = data["columns"].index("id")
            forgotten += [row[at] for row in data.get("rows", ()) if isinstance(row[at], int)]
    top = max(forgotten)
    if conn.execute("UPDATE sqlite_sequence SET seq=max(seq, ?) WHERE name='sources'", (top,)).rowcount == 0 and top:
        conn.execute("INSERT INTO sqlite_sequence(name, seq) VALUES ('sources', ?)", (top,))


Migration = str | Callable[[sqlite3.Connection], None]  # a schema script, or a function for what SQL alone cannot say

# v5: a full-text index over the folded `search` column, so a filter finds people by the start of any
# word of their name, emails, company or title in milliseconds at a million people. Triggers keep it
# in step with every write to `people` (imports, merges, undo); the rebuild fills it once. And an
# index for the Undecided view, which leaves out people already connected.
_TRIGGERS_SQL = ";\n".join(SEARCH_TRIGGERS.values())
_SCHEMA_V5_SEARCH_INDEX = f"""
CREATE VIRTUAL TABLE people_fts USING fts5(search, content='people', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
{_TRIGGERS_SQL};
INSERT INTO people_fts(people_fts) VALUES ('rebuild');
-- "to decide" is undecided and not yet connected: that view and its counts read this index alone
CREATE INDEX people_triage ON people(connected, decision, sort_name);
CREATE INDEX people_suggested ON people(connected, decision, sort_name) WHERE suggestion IS NOT NULL;
"""




def _migrate_v6_sort_words(conn: sqlite3.Connection) -> None:
    """v6, a sort name the search index holds: each word a list ranks a person by is one the index finds
    them by (`searchable`), and sort names are capped like search texts. Few people need it (those whose
    name fields differ from their display name), so only they are written."""
    changed = []
    for pid, sort_name, search in conn.execute("SELECT id, sort_name, search FROM people"):
        capped = sort_name[:SORT_MAX]
        found = searchable(capped, search)
        if capped != sort_name or found != search:
            changed.append((capped, found, pid))
    conn.executemany("UPDATE people SET sort_name=?, search=? WHERE id=?", changed)


# v7: the after-snapshot of an action logged before it is carried out (a dedupe of many merges: `log_after`)
# in a table of its own. Filled into the log row, it made SQLite rewrite that row, before-snapshot and all:
# at a million records, hundreds of megabytes held twice over for a moment, the dedupe's peak memory.
# `log_full` reads the log with it.
_SCHEMA_V7_LOG_AFTER = """
CREATE TABLE log_after(id INTEGER PRIMARY KEY, after TEXT NOT NULL);
CREATE VIEW log_full AS SELECT log.id AS id, log.at AS at, log.action AS action, log.summary AS summary,
    log.before AS before, coalesce(log_after.after, log.after) AS after, log.undone AS undone
    FROM log LEFT JOIN log_after ON log_after.id = log.id;
"""

# v8: every path a source was ever imported from, so an export never replaces a file the user imported
# once (a newer version imported from elsewhere moves the source's `path`; a forget removes the source).
# Rows are only ever added. The paths known so far are the sources' current ones.
_SCHEMA_V8_IMPORTED_PATHS = """
CREATE TABLE imported_paths(path TEXT PRIMARY KEY, source TEXT NOT NULL, at TEXT NOT NULL);
INSERT OR IGNORE INTO imported_paths(path, source, at) SELECT path, name, imported_at FROM sources;
"""



def _migrate_v9_keys(conn: sqlite3.Connection) -> None:
    """v9, keys read as they are read now. One email per address: a cell holding several addresses or
    text around one (`a@x, b@y`, `[a@x]`, `mailto:a@x`), stored whole by an earlier import, is split
    as imports split it now (`knowme.addresses.split_email_cells`: the cell kept word for word as an
    extra), and the record's email keys follow, so dedupe matches its addresses and `mark` finds them.
    And LinkedIn profiles keyed as `normalize.linkedin_key` reads them now (%-escapes decoded, the
    mobile site's links, punctuation after a link): records' keys, and each suppression entry of a
    profile gains its new key beside the old (entries are only ever added). The person summaries
    follow in `Store._after_v9` (they need the store). Only such records change; their identity
    (`rkey`) stays, so nothing a later import of the file matches moves."""
    from knowme.addresses import messy_email_cells, split_email_cells
    from knowme.normalize import linkedin_key, record_keys

    split, rekeyed = [], []
    for rid, data in conn.execute("SELECT id, data FROM records WHERE data LIKE '%\"emails\"%' "
                                  "OR data LIKE '%\"urls\"%'"):
        fields = from_json(data)
        if messy_email_cells(e.get("value", "") for e in fields.get("emails", ())):
            record = Record.from_dict(fields)
            cells = list(record.emails)
            split_email_cells(record)
            if record.emails != cells:
                split.append((rid, record))
        if fields.get("urls"):
            rekeyed.append((rid, [key for u in fields["urls"] if (key := linkedin_key(u.get("value", "")))]))
    for rid, record in split:
        conn.execute("UPDATE records SET data=? WHERE id=?", (record_json(record), rid))
        conn.execute("DELETE FROM keys WHERE record_id=? AND kind='email'", (rid,))
        conn.executemany("INSERT INTO keys(record_id, kind, key) VALUES (?, 'email', ?)",
                         [(rid, key) for kind, key in record_keys(record).items() if kind == "email"])
    for rid, keys in rekeyed:
        stored = [key for (key,) in conn.execute("SELECT key FROM keys WHERE record_id=? AND kind='url'", (rid,))]
        if stored != list(dict.fromkeys(keys)):
            conn.execute("DELETE FROM keys WHERE record_id=? AND kind='url'", (rid,))
            conn.executemany("INSERT INTO keys(record_id, kind, key) VALUES (?, 'url', ?)",
                             [(rid, key) for key in dict.fromkeys(keys)])
    entries = conn.execute("SELECT exclusion_id, key, shown, at FROM suppressions WHERE kind='url'").fetchall()
    conn.executemany("INSERT OR IGNORE INTO suppressions(exclusion_id, kind, key, shown, at) VALUES (?, 'url', ?, ?, ?)",
                     [(eid, new, shown, at) for eid, key, shown, at in entries
                      if (new := linkedin_key(shown) or linkedin_key(key)) and new != key])
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS split_cells(record_id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO temp.split_cells(record_id) VALUES (?)", [(rid,) for rid, _ in split])


def _migrate_v10_phone_cells(conn: sqlite3.Connection) -> None:
    """v10, one phone per number: a cell holding two numbers (`555 201 0000 / 555 201 0009`), stored whole
    by an earlier import, is split as imports split it now (`knowme.normalize.split_phone_cells`: the cell
    kept word for word as an extra), and the record's phone keys follow, so dedupe matches each number and
    `mark` finds it. Their people's summaries and an excluded one's suppression entries follow as after v9.
    Only such records change, and their identity (`rkey`) stays."""
    from knowme.normalize import default_region, numbers_in, record_keys, split_phone_cells

    row = conn.execute("SELECT value FROM settings WHERE key='region'").fetchone()
    region = (json.loads(row[0]) if row else None) or default_region()  # as `prefs.phone_region` reads it
    split = []
    for rid, data in conn.execute("SELECT id, data FROM records WHERE data LIKE '%\"phones\"%'"):
        fields = from_json(data)
        if any(len(numbers_in(phone.get("value", ""))) > 1 for phone in fields.get("phones", ())):
            record = Record.from_dict(fields)
            split_phone_cells(record)
            split.append((rid, record))
    for rid, record in split:
        conn.execute("UPDATE records SET data=? WHERE id=?", (record_json(record), rid))
        conn.execute("DELETE FROM keys WHERE record_id=? AND kind='phone'", (rid,))
        conn.executemany("INSERT INTO keys(record_id, kind, key) VALUES (?, 'phone', ?)",
                         [(rid, key) for kind, key in record_keys(record, region.upper()).items()
                          if kind == "phone"])
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS split_cells(record_id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO temp.split_cells(record_id) VALUES (?)", [(rid,) for rid, _ in split])


def _migrate_v11_spelled_names(conn: sqlite3.Connection) -> None:
    """v11, each name on the suppression list also as the matcher spells it (`nameforms.spelled_name`), in a
    table of its own: an import or a mark finds the exclusion of Jürgen Müller from a card of Juergen Mueller
    through an index, as it finds Jürgen's own name, never by reading every name on the list."""
    from knowme.store.suppression import spelled_rows

    conn.execute("CREATE TABLE IF NOT EXISTS spelled_names(key TEXT NOT NULL, exclusion_id INTEGER NOT NULL, "
                 "PRIMARY KEY(key, exclusion_id)) WITHOUT ROWID")
    conn.executemany("INSERT OR IGNORE INTO spelled_names(key, exclusion_id) VALUES (?, ?)",
                     spelled_rows(conn.execute("SELECT exclusion_id, key FROM suppressions WHERE kind='name'")))


def _migrate_v13_shown_sort_names(conn: sqlite3.Connection) -> None:
    """v13, a merged person sorted by the name shown (`Person.sort_names`): the sort name was read from
    the surname most of their cards give, the shown name from the fullest card, so a person merged from
    cards of two names was listed by one among the other's. Only merged people can differ; their
    summaries are worked out again in `Store._after_shown_sort_names` (it needs the store), and a filter
    then finds them by every card's name too."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS merged_people(person_id INTEGER PRIMARY KEY)")
    conn.execute("INSERT OR IGNORE INTO temp.merged_people(person_id) SELECT id FROM people WHERE n_records > 1")


def _migrate_v14_gone_cards(conn: sqlite3.Connection) -> None:
    """v14, the cards of an excluded person that have since left every address book read as the gate reads a card
    now. An exclusion records what its person's cards hold as the knowme of the day reads them, and reads it again
    whenever the cards change; once they are forgotten nothing reads them again. So a profile an older knowme did
    not read (`www.linkedin.cn/in/rex-boss`, read as linkedin.com/in/rex-boss since) was never recorded, and a
    knows-me card holding that profile was exported. Each such card is still in the log of the forget that removed
    it: what it holds is added to every exclusion naming the card (entries are only ever added). An excluded person
    whose cards are still here gets theirs on every upgrade (`Store._suppress_excluded_people`)."""
    from knowme.model import Person
    from knowme.store.suppression import spelled_rows
    from knowme.suppression import Identity, identity_of

    gone: dict[str, list[int]] = {}
    for eid, rkey in conn.execute("SELECT s.exclusion_id, s.key FROM suppressions s WHERE s.kind='record' "
                                  "AND NOT EXISTS (SELECT 1 FROM records r WHERE r.rkey = s.key)"):
        gone.setdefault(rkey, []).append(eid)
    if not gone:
        return
    at = now()
    rows: list[tuple[int, str, str, str, str]] = []
    for (before,) in conn.execute("SELECT before FROM log WHERE action='forget'"):
        removed = ((from_json(before).get("rows") or {}).get("insert") or {}).get("records") or {}
        columns = removed.get("columns") or []
        if "rkey" not in columns or "data" not in columns:
            continue
        at_rkey, at_data = columns.index("rkey"), columns.index("data")
        for row in removed.get("rows") or ():
            if row[at_rkey] not in gone:
                continue
            ident = identity_of(Person(0, records=[Record.from_dict(from_json(row[at_data]))]), Identity(), deep=True)
            rows += [(eid, kind, key, shown, at) for kind, key, shown in ident.entries() for eid in gone[row[at_rkey]]]
    conn.executemany("INSERT OR IGNORE INTO suppressions(exclusion_id, kind, key, shown, at) VALUES (?, ?, ?, ?, ?)",
                     rows)
    conn.executemany("INSERT OR IGNORE INTO spelled_names(key, exclusion_id) VALUES (?, ?)",
                     spelled_rows((eid, key) for eid, kind, key, _shown, _at in rows if kind == "name"))


# Identity (v4) rebuilds the people table, so the search index and its triggers (v5) come after it.
MIGRATIONS: list[Migration] = [_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3_SUPPRESSION_LIST, _migrate_v4_identity,
                               _SCHEMA_V5_SEARCH_INDEX, _migrate_v6_sort_words, _SCHEMA_V7_LOG_AFTER,
                               _SCHEMA_V8_IMPORTED_PATHS, _migrate_v9_keys, _migrate_v10_phone_cells,
                               _migrate_v11_spelled_names, _migrate_v12_source_ids, _migrate_v13_shown_sort_names,
                               _migrate_v14_gone_cards]
SCHEMA_VERSION = len(MIGRATIONS)

PERSON_COLUMNS = ("id", "decision", "note", "how", "context", "why", "draft", "priority", "sent_on",
                  "accepted_on", "decided_at", "suggestion", "suggestion_reason", "name", "sort_name", "email",
                  "org", "title", "connected", "sources", "n_records", "sent", "received", "two_way",
                  "last_mail", "search")
EDITABLE = frozenset({"decision", "note", "how", "context", "why", "draft", "priority", "sent_on", "accepted_on",
                      "decided_at", "suggestion", "suggestion_reason"})


@dataclass(slots=True)
class Source:
    id: int
    name: str
    path: str
    format: str
    sha256: str
    imported_at: str
    records: int
    problems: list[str]


@dataclass(frozen=True, slots=True)
class HistoryStep:
    """One action of the undo log as an undo or redo changes it: the action, its summary, and the people
    and records it touches (people in the order the restored snapshot lists them, then the others)."""

    log_id: int
    action: str
    summary: str
    people: tuple[int, ...]
    records: tuple[int, ...]
    queue: bool = True  # whether it changes the review queue (a UI recounts it: a second at a million pairs)

    @classmethod
    def of(cls, log_id: int, action: str, summary: str, target: dict[str, Any],
           current: dict[str, Any]) -> HistoryStep:
        snaps = (target, current)
        people = dict.fromkeys(int(pid) for snap in snaps for pid in snap.get("people", {}))
        records = {int(rid) for snap in snaps for rid in snap.get("records", {})}
        records.update(rid for snap in snaps for rid in snap.get("rows", {}).get("delete", {}).get("records", []))
        queue = bool(records) or any(snap.get(part) for snap in snaps
                                     for part in ("pairs", "verdicts", "rows", "asked"))
        return cls(log_id, action, summary, tuple(people), tuple(sorted(records)), queue)


@dataclass(slots=True)
class ImportOutcome:
    """What storing one parsed file did."""

    source: str
    format: str
    records: int = 0
    problems: list[str] = field(default_factory=list)
    unchanged: bool = False
    replaced: bool = False
    new_people: int = 0
    kept: int = 0  # records that found their earlier person again (decisions carried over)
    touched: list[int] = field(default_factory=list, repr=False)  # earlier people whose records changed
    path: str = ""
    namesake: str | None = None  # a same-named earlier source this file is not a newer version of
    carried: tuple[int, int] = (0, 0)  # of that namesake's records, how many carry over into this file
    dropped: list[tuple[int, str, str]] = field(default_factory=list)  # decided people gone: (id, name, decision)
    excluded_again: list[tuple[int, str]] = field(default_factory=list)  # new people holding an excluded card: (id, name)
    changed_cards: list[int] = field(default_factory=list, repr=False)  # earlier records whose card changed
    # people whose "different" answer against an excluded person was set aside: a card of theirs now holds
    # that person's address, phone or profile (`suppression.set_aside_answers`): (id, name)
    asked_again: list[tuple[int, str]] = field(default_factory=list)
    # new people the suppression list covers, left undecided (`suppression.returning_alike`): why each
    held: list[Any] = field(default_factory=list)

    def dropped_line(self) -> str | None:
        """One line naming the people with a decision or note that this newer version no longer holds."""
        if not self.dropped:
            return None
        shown = "; ".join(f"{name or f'person {pid}'} ({decision}"
                          + (", stays suppressed)" if decision == "exclude" else ")")
                          for pid, name, decision in self.dropped[:10])
        more = f" and {len(self.dropped) - 10} more" if len(self.dropped) > 10 else ""
        return (f"{self.source}: this version no longer holds {plural(len(self.dropped), 'person')} "
                f"you had decided on: {shown}{more}")

    def excluded_line(self) -> str | None:
        """One line naming the new people excluded again: they hold a card of an exclusion (see
        `Store._exclude_returning`)."""
        if not self.excluded_again:
            return None
        shown = "; ".join(name or f"person {pid}" for pid, name in self.excluded_again[:10])
        more = f" and {len(self.excluded_again) - 10} more" if len(self.excluded_again) > 10 else ""
        return (f"{self.source}: {plural(len(self.excluded_again), 'card')} of people you excluded came back, "
                f"excluded again: {shown}{more}")

    def asked_again_line(self) -> str | None:
        """One line naming the people kept apart from an excluded person whose card now holds that
        person's address, phone or profile: the answer is to be given again."""
        if not self.asked_again:
            return None
        shown = "; ".join(name or f"person {pid}" for pid, name in self.asked_again[:10])
        more = f" and {len(self.asked_again) - 10} more" if len(self.asked_again) > 10 else ""
        return (f"{self.source}: {plural(len(self.asked_again), 'person')} you said {'is' if len(self.asked_again) == 1 else 'are'} "
                f"not an excluded person now {'holds' if len(self.asked_again) == 1 else 'hold'} that person's address, "
                f"phone or profile, so the answer is asked again (the safe export lists it): {shown}{more}")

    def held_line(self) -> str | None:
        """One line naming the new people alike an excluded person (by name, or holding an excluded address,
        phone or profile) who were not excluded again: held undecided, and never uploaded while that stands.
        Each card it names gets its ways out (it gave them for the first card alone: the others were left
        with no command to settle them)."""
        if not self.held:
            return None
        named = self.held[:HELD_NAMED]
        shown = "; ".join(str(why) for why in named)
        more = (f" and {len(self.held) - len(named)} more (knowme list --held lists every one, with its ways out)"
                if len(self.held) > len(named) else "")
        one = len(self.held) == 1
        said = (f"{self.source}: {plural(len(self.held), 'card')} alike {'a person' if one else 'people'} "
                f"you excluded, held undecided (no mark uploads {'it' if one else 'them'} while the "
                f"likeness stands): {shown}{more}")
        apart = [f"knowme mark {why.person_id} --not-same-as {why.owner.person_id}" for why in named
                 if why.owner.person_id is not None]
        if one:
            return (f"{said}; if the same person: knowme mark {named[0].person_id} --as exclude"
                    + (f"; if not: {apart[0]}" if apart else ""))
        ids = " ".join(str(why.person_id) for why in named)
        return (f"{said}; those the same person: knowme mark {ids} --as exclude (leave out those who are not)"
                + (f"; each who is not: {'; '.join(apart)}" if apart else ""))

    def namesake_line(self) -> str | None:
        """One line saying a same-named file was taken as a different address book, and why."""
        if self.namesake is None:
            return None
        kept, total = self.carried
        return (f"{self.source}: a different address book from the earlier {self.namesake} "
                f"(only {kept} of its {plural(total, 'record')} carry over), imported as a new source")


SEARCH_MAX = 4096  # characters of the folded name, emails, company and title a filter searches
HELD_NAMED = 10  # held cards an import's message names, each with its ways out (then "and N more")
SORT_MAX = 512  # characters of the folded name a list sorts by (a longer name is a broken field)


def searchable(sort_name: str, search: str) -> str:
    """The search text with, in front, each word of the sort name it lacks.

    A filter ranks people by the words of their sort name (last name first, from the records' name
    fields, where the search text has the display name), and a first page is found by walking the
    sort name's index (`knowme.store.views.first_page_of_word_starts`): every word that ranks a
    person must also be a word the full-text index finds them by, or that page and the whole list
    would disagree. Words not starting with a letter or digit never rank anyone.
    """
    present = set(search.split())
    missing = [word for word in dict.fromkeys(sort_name.split()) if word[0].isalnum() and word not in present]
    return " ".join((*missing, search)) if missing else search

SUMMARY_COLUMNS = ("name", "sort_name", "email", "org", "title", "connected", "sources", "n_records", "sent",
                   "received", "two_way", "last_mail", "search")


PERSON_FIELDS_SQL = ("id, decision, note, how, context, why, draft, priority, sent_on, accepted_on, suggestion, "
                     "suggestion_reason")


def person_from_row(row: Sequence[Any]) -> Person:
    """A person's own fields (no records yet) from a `SELECT {PERSON_FIELDS_SQL}` row."""
    return Person(id=row[0], decision=Decision(row[1]), note=row[2], how=row[3], context=row[4], why=row[5],
                  draft=row[6], priority=row[7], sent_on=row[8], accepted_on=row[9], suggestion=row[10],
                  suggestion_reason=row[11])


def summarise(person: Person) -> tuple[Any, ...]:
    """The derived columns of a person (in SUMMARY_COLUMNS order), computed from their records."""
    if len(person.records) == 1 and person.records[0].signal is None:
        return summarise_record(person.records[0])
    return summarise_merged(person)


def summarise_merged(person: Person) -> tuple[Any, ...]:
    """`summarise` by the `Person` properties: for any number of records, with their mail."""
    name = person.display_name
    last, first = person.sort_names  # the shown name's own: the list sorts by the name it shows
    emails = person.emails
    sig = person.signals
    # a filter finds them by every card's name: Bob Baker merged into Carol Chen is still found by "baker"
    others = tuple(dict.fromkeys(n for r in person.records if (n := r.display_name) and n != name))
    return _summary(name, first, last, emails, person.org, person.title, person.connected,
                    ", ".join(person.sources), len(person.records),
                    (sig.sent, sig.received, sig.two_way_threads, sig.last), others)


def summarise_record(record: Record) -> tuple[Any, ...]:
    """`summarise` of the one-record person a record becomes on import, without building the person.

    The same rules as the `Person` properties (`knowme.model.first_name_of`, `last_name_of`,
    `emails_of`; tests compare the two on every sample record), applied to the one record directly:
    it runs once per imported record.
    """
    name = record.display_name
    first = first_name_of(record.given.strip(), name)
    last = last_name_of(record.family.strip(), name)
    return _summary(name, first, last, emails_of((record,)), record.org.strip(), record.title.strip(),
                    record.connected_on is not None, record.source, 1, None)


def _summary(name: str, first: str, last: str, emails: list[str], org: str, title: str, connected: bool,
             sources: str, n_records: int, mail: tuple[int, int, int, str | None] | None,
             other_names: tuple[str, ...] = ()) -> tuple[Any, ...]:
    sort_name = fold(f"{last} {first}" if last else name)[:SORT_MAX] or "~"
    # unique per person: not worth caching; capped, as a 100 MB name in a broken CSV would otherwise
    # be held whole by the full-text index's tokenizer (nobody types past the first few words)
    text = " ".join((name, *other_names, *emails, org, title))
    search = searchable(sort_name, fold.__wrapped__(text)[:SEARCH_MAX])
    sent, received, two_way, last_mail = mail or (0, 0, 0, None)
    return (name, sort_name, emails[0] if emails else "", org, title, int(connected), sources, n_records,
            sent, received, two_way, last_mail, search)


def record_json(record: Record) -> str:
    """A record as compact JSON, empty fields left out (they come back as defaults).

    Written field by field with orjson: this runs once per imported record, and `json.dumps` of
    `to_dict()` was a fifth of a 100k-record import.
    """
    data: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(record, name)
        if value:
            data[name] = value
    if record.connected_on is not None:
        data["connected_on"] = record.connected_on
    for name in _LIST_FIELDS:
        values = getattr(record, name)
        if values:
            data[name] = [{"value": v.value, "label": v.label} for v in values]
    if record.categories:
        data["categories"] = record.categories
    if record.signal is not None:
        data["signal"] = asdict(record.signal)
    if record.extras:
        data["extras"] = record.extras
    return to_json(data)


_LIST_FIELDS = ("emails", "phones", "addresses", "urls")


Snapshot = dict[str, Any] | str | bytes  # an undo snapshot, or its JSON text (as `json_bytes` gives it)


def _log_json(snapshot: Snapshot) -> bytes:
    """A snapshot as the UTF-8 bytes of its JSON, which the log stores as text (`CAST(? AS TEXT)`)."""
    if isinstance(snapshot, bytes):
        return snapshot
    return snapshot.encode("utf-8") if isinstance(snapshot, str) else json_bytes(snapshot)


# The actions this process logged, as (workspace, log id, time, summary): a review UI tells its own latest
# action from one another knowme (a command in another terminal) logged since, before its ctrl+z undoes it.
# Ids come back (an undone action is dropped by the next one): the time and summary tell ours from the
# same id logged again elsewhere, within the same second too.
_logged_here: set[tuple[str, int, str, str]] = set()



def storable(text: str) -> str:
    """A file name or path as text SQLite can hold: one that is not UTF-8 (a Latin-1 name from an old
    zip or USB stick, `caf\\xe9.vcf`) is written with its odd bytes as `\\xe9`, the same on every import."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return os.fsencode(text).decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate no file name decoding made
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text

class Store:
    """An open workspace. Use `Store.open(path)`; close with `close()` or as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        """`conn` must not have run a statement yet: from its first one it may hold locks on the file,
        which this process must then never open by other means (`knowme.heldfiles`)."""
        self.path = path
        self.conn = conn
        # noted until closed, or until the Store is dropped unclosed (its connection goes with it)
        self._release = weakref.finalize(self, heldfiles.release, heldfiles.hold(path))

    # ---- opening, schema, transactions -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, busy_timeout: float = BUSY_TIMEOUT_S, create: bool = True) -> Store:
        """Open the workspace at `path`; with `create`, make a new one (and its folders) when none is there.

        Whatever else is at `path` (another program's database, a text file, a folder, a damaged or
        read-only workspace) is refused with a WorkspaceError before anything is written to it.
        """
        path = Path(path)
        exists = check_existing(path, create, SCHEMA_VERSION)
        if not exists and not create:
            raise NoWorkspace(f"no workspace at {path}; `knowme import FILE` creates one (or choose another "
                              "with --db)")
        try:
            if not exists:
                cls._create(path, busy_timeout)
            _make_private(path)
            conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        except OSError as exc:
            raise WorkspaceError(f"cannot open workspace {path}: {exc.strerror or exc}") from exc
        except sqlite3.Error as exc:
            raise WorkspaceError(describe_error(path, exc)) from exc
        store = cls(path, conn)
        try:
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # takes effect only while the file is empty
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA cache_size={CACHE_KB}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.create_function("note_status", 3, _note_status_sql)
            store._migrate()
            # the people held now, as this connection last read them (`knowme.held.refresh`): the Held view's
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS held_people(person_id INTEGER PRIMARY KEY)")
        except sqlite3.DatabaseError as exc:
            store.close()
            raise WorkspaceError(describe_error(path, exc)) from exc
        except WorkspaceError:
            store.close()
            raise
        for suffix in ("-wal", "-shm"):
            _make_private(Path(str(path) + suffix))
        return store

    @classmethod
    def _create(cls, path: Path, busy_timeout: float) -> None:
        """Make a new workspace at `path` whole or not at all: the schema is written under a temporary
        name beside it, which is then linked into place. Another process never sees an empty or
        half-made workspace, and when two create one at once the first wins and both use it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name[:100]}.knowme-new-{os.getpid()}-{os.urandom(6).hex()}"
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
        try:
            store = cls(tmp, sqlite3.connect(tmp, timeout=busy_timeout, isolation_level=None))
            try:
                store.conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
                store.conn.execute("PRAGMA journal_mode=WAL")
                store._migrate()
            finally:
                store.close()  # the last connection: its log is checkpointed into the file and removed
            try:
                os.link(tmp, path, follow_symlinks=False)
            except FileExistsError:
                pass  # another knowme made it meanwhile: use theirs
            except OSError as exc:  # a file system without hard links: rename (a race there is unlikely)
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK) or path.exists():
                    raise
                os.rename(tmp, path)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise WorkspaceError(f"{self.path} was written by a newer knowme (schema {version}); upgrade knowme")
        if version == SCHEMA_VERSION:
            return
        # foreign keys off while tables are rebuilt (a table others reference is dropped and made again: v12),
        # checked whole before the migration commits (SQLite's own way to change a table's definition)
        self.conn.execute("PRAGMA foreign_keys=OFF")
        try:
            self._migrate_steps()
        finally:
            self.conn.execute("PRAGMA foreign_keys=ON")

    def _migrate_steps(self) -> None:
        with self.transaction():
            # another process may have migrated it since we looked: look again under the write lock
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                step = MIGRATIONS[number]
                if callable(step):
                    step(self.conn)
                    continue
                for statement in _statements(step):
                    self.conn.execute(statement)
            if 0 < version < 10:
                self._after_split_cells()
            if 0 < version < 13:
                self._after_shown_sort_names()
            if 0 < version < SCHEMA_VERSION:
                self._suppress_excluded_people()
            broken = self.conn.execute("PRAGMA foreign_key_check").fetchone()
            if broken is not None:
                raise WorkspaceError(f"{self.path}: cannot upgrade the workspace: a row of {broken[0]} names a missing "
                                     f"row of {broken[2]}; nothing was changed")
            if version < SCHEMA_VERSION:
                self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _after_split_cells(self) -> None:
        """After v9 or v10 split the email or phone cells of some records: their people's summaries (email, search) follow,
        and an excluded one's clean addresses join the suppression list (`_suppress_excluded_people`)."""
        people = [pid for (pid,) in self.conn.execute(
            "SELECT DISTINCT person_id FROM records WHERE id IN (SELECT record_id FROM temp.split_cells)")]
        self.conn.execute("DROP TABLE IF EXISTS temp.split_cells")
        if people:
            self.refresh_people(people)

    def _after_shown_sort_names(self) -> None:
        """After v13 listed the merged people: their summaries (sort name, search text) follow the rule now."""
        people = [pid for (pid,) in self.conn.execute("SELECT person_id FROM temp.merged_people")]
        self.conn.execute("DROP TABLE IF EXISTS temp.merged_people")
        # as a dedupe writes its merged people: the search index and people's own indexes built once after
        # them (266,290 merged people of the million-record scale books took 53 s kept row by row)
        with bulk_writes(self, len(people)), people_indexes_rebuilt(self, len(people)):
            for chunk in chunked(people):
                self.refresh_people(chunk)

    def _suppress_excluded_people(self) -> None:
        """On upgrade to the suppression list: everyone excluded so far gets their entries."""
        _suppression().capture(self)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): all of it lands, or none of it."""
        if self.conn.in_transaction:
            yield self.conn
            return
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                if time.monotonic() > deadline:
                    raise WorkspaceError(f"workspace {self.path} is busy: another knowme is writing to it; "
                                         "try again when it has finished") from exc
                time.sleep(0.05)
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()
        self._release()

    def data_version(self) -> int | None:
        """A number that changes whenever another connection (another knowme, or a worker's own
        connection) commits a change to the workspace; this connection's own writes leave it as it is
        (SQLite's `PRAGMA data_version`: a few microseconds, no write). Compare two readings to learn
        whether someone else changed the workspace in between. None when the workspace cannot be read
        now (the next action that reads it says why)."""
        try:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    def interrupt(self) -> None:
        """Stop the query this workspace's connection runs now (from another thread): it fails with an
        error `knowme.store.is_interrupted` recognises. A reader superseded by a newer one is stopped so."""
        self.conn.interrupt()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- settings ----------------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, json.dumps(value)))

    # ---- sources and import ------------------------------------------------------------------------

    def sources(self) -> list[Source]:
        rows = self.conn.execute("SELECT id, name, path, format, sha256, imported_at, records, problems "
                                 "FROM sources ORDER BY id").fetchall()
        return [Source(*row[:7], json.loads(row[7])) for row in rows]

    def store_import(self, path: Path, fmt: str, records: list[Record], problems: list[str], sha256: str,
                     prepare: Callable[[str], Iterable[Prepared]], source_name: str | None = None,
                     mode: ReplaceMode = "auto", incomplete: str | None = None) -> ImportOutcome:
        """Store one parsed file as a source, in one transaction.

        The same bytes again change nothing. A file is a newer version of an earlier source only when it
        is the same address book (`knowme.reimport`: same format, most records carry over); then each
        carried-over record keeps its row, id and person (decisions, merges, verdicts stay), the others
        are new people, and the earlier records that are gone leave. Otherwise it is a new source (under
        a name of its own when another source already has its file name). `prepare(name)` gives the
        records' rows as they read under a source name (`knowme.prepare.Preparer`): asked again should
        the source get another name than its own.

        Nothing an import cannot give back goes without being asked for: a replacement that would leave
        a person with a decision, note or draft without records raises `ReplaceRefused` unless `mode` is
        "replace", and a file the importer found `incomplete` (the problem, e.g. cut short) never
        replaces an earlier source. `mode` "new" stores the file as a source of its own, beside any other.
        """
        base = storable(source_name or path.name)
        problems = [storable(problem) for problem in problems]
        outcome = ImportOutcome(source=base, format=fmt, records=len(records), problems=list(problems))
        same = self.conn.execute("SELECT name FROM sources WHERE sha256=? AND format=? ORDER BY id",
                                 (sha256, fmt)).fetchone()
        if same:
            outcome.source = same[0]
            outcome.unchanged = True
            with self.transaction():  # the same bytes under another path: that file was imported too
                self._remember_path(path, same[0])
            return outcome
        if len(records) >= 20_000:
            self.conn.execute(f"PRAGMA cache_size={BIG_IMPORT_CACHE_KB}")
        try:
            with self.transaction(), bulk_writes(self, len(records)):  # a first big import: the index once
                return self._store_import(path, fmt, records, problems, sha256, base, prepare, outcome, mode,
                                          incomplete)
        finally:
            self.conn.execute(f"PRAGMA cache_size={CACHE_KB}")

    def _earlier_version(self, base: str, fmt: str, records: list[Record], prepared: Sequence[Prepared],
                         outcome: ImportOutcome) -> tuple[OldSource, dict[int, int]] | None:
        """The earlier source this file is a newer version of, with its carried-over records; None for a
        new address book (`outcome.namesake` then names the same-named source it is not)."""
        best: tuple[float, bool, OldSource, dict[int, int]] | None = None
        for sid, name, old_path in self.conn.execute("SELECT id, name, path FROM sources WHERE base=? AND "
                                                     "(format=? OR path=?) ORDER BY id",
                                                     (base, fmt, outcome.path)).fetchall():
            old = self._old_source(sid, name, old_path)
            claimed = _reimport().match_records(old, records, prepared)
            share = _reimport().carried_share(old, claimed)
            rank = (share, old_path == outcome.path)
            if best is None or rank > best[:2]:
                best = (*rank, old, claimed)
        if best is None:
            return None
        share, _, old, claimed = best
        if share >= _reimport().SAME_BOOK_SHARE:
            return old, claimed
        outcome.namesake = old.name
        outcome.carried = (len(claimed), len(old))
        return None

    def _old_source(self, sid: int, name: str, path: str) -> OldSource:
        reimport = _reimport()
        old = reimport.OldSource(sid, name, path, fetch_keys=self._keys_of_records, fetch_data=self._data_of_records)
        for rid, rkey, pid, uid, first, last, data in self.conn.execute(
                "SELECT id, rkey, person_id, uid, first, last, data FROM records WHERE source_id=? ORDER BY id", (sid,)):
            old.add_record(rid, rkey, pid, uid, first, last)
            old.digest[rid] = reimport.card_digest(data)
        return old

    def _data_of_records(self, rids: Sequence[int]) -> Iterator[tuple[int, str]]:
        for chunk in chunked(sorted(rids)):
            yield from self.conn.execute(f"SELECT id, data FROM records WHERE id IN ({','.join('?' * len(chunk))})",
                                         list(chunk))

    def _keys_of_records(self, rids: Sequence[int]) -> Iterator[tuple[int, str, str]]:
        for chunk in chunked(sorted(rids)):
            yield from self.conn.execute(f"SELECT record_id, kind, key FROM keys WHERE record_id IN "
                                         f"({','.join('?' * len(chunk))})", list(chunk))

    def _new_source_name(self, base: str, path: Path) -> str:
        """`base`, else `folder/base`, else `base (2)`, …: whichever no source has yet."""
        taken = {row[0] for row in self.conn.execute("SELECT name FROM sources")}
        tries = [base]
        parent = storable(Path(os.path.abspath(path)).parent.name)
        if parent:
            tries.append(f"{parent}/{base}")
        tries.extend(f"{base} ({n})" for n in range(2, len(taken) + 3))
        return next(name for name in tries if name not in taken)

    def _store_import(self, path: Path, fmt: str, records: list[Record], problems: list[str], sha256: str,
                      base: str, prepare: Callable[[str], Iterable[Prepared]], outcome: ImportOutcome,
                      mode: ReplaceMode = "auto", incomplete: str | None = None) -> ImportOutcome:
        conn = self.conn
        outcome.path = storable(str(path))
        earlier: tuple[OldSource, dict[int, int]] | None = None
        prepared: Iterable[Prepared] | None = None
        name = base
        # the same address book: of the same format, or the very file imported before read another way
        if mode != "new" and conn.execute("SELECT 1 FROM sources WHERE base=? AND (format=? OR path=?) LIMIT 1",
                                          (base, fmt, outcome.path)).fetchone():
            prepared = list(prepare(base))
            earlier = self._earlier_version(base, fmt, records, prepared, outcome)
            name = earlier[0].name if earlier else self._new_source_name(base, path)
        elif conn.execute("SELECT 1 FROM sources WHERE name=?", (base,)).fetchone():
            name = self._new_source_name(base, path)  # another format already holds this file name
        if name != base or prepared is None:  # the records' data names their source
            prepared = prepare(name)
        outcome.source = name
        claimed: dict[int, int] = {}
        old_people: set[int] = set()
        if earlier is not None:
            old, claimed = earlier
            source_id = old.id
            outcome.replaced = True
            gone = sorted(set(old.rkey) - set(claimed.values()))
            old_people = {old.person[rid] for rid in gone}  # they lost records: refreshed, or dropped when empty
            if incomplete:
                message, why = _incomplete_refusal(path, old, incomplete)
                raise ReplaceRefused(message, INCOMPLETE, why=why)
            outcome.dropped = self._dropped_decided(old_people, set(gone))
            if outcome.dropped and mode != "replace":
                message, why = _dropping_refusal(path, old, claimed, outcome.dropped)
                raise ReplaceRefused(message, DROPPING, [_decided_one(*person) for person in outcome.dropped], why)
            # excluded people stay suppressed even if their records vanish from this source
            _suppression().capture(self, old_people)
            conn.execute("DELETE FROM keys WHERE record_id IN (SELECT id FROM records WHERE source_id=?)",
                         (source_id,))
            conn.executemany("DELETE FROM records WHERE id=?", [(rid,) for rid in gone])
            conn.execute("UPDATE sources SET path=?, format=?, sha256=?, imported_at=?, records=?, problems=? "
                         "WHERE id=?", (outcome.path, fmt, sha256, now(), len(records), json.dumps(problems),
                                        source_id))
        else:
            source_id = conn.execute(
                "INSERT INTO sources(name, base, path, format, sha256, imported_at, records, problems) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, base, outcome.path, fmt, sha256, now(), len(records), json.dumps(problems))).lastrowid
        self._remember_path(path, name)
        first_new = self.next_id("people")
        self._write_records(source_id, name, records, prepared, claimed, earlier[0] if earlier else None, outcome)
        outcome.excluded_again = self._exclude_returning(source_id, first_new)
        outcome.excluded_again += _suppression().returning_by_name(self, source_id, name, first_new)
        again, outcome.held = _suppression().returning_alike(self, source_id, first_new)
        outcome.excluded_again += again
        self.refresh_people(old_people | set(outcome.touched))  # drops people whose every record vanished
        _suppression().capture(self, outcome.touched)  # an excluded person's newer card adds what it holds
        # after the capture: a namesake's card may come back holding what the excluded person's own newer
        # card brings in this same import
        outcome.asked_again = _suppression().set_aside_answers(self, outcome.changed_cards)
        return outcome

    def _remember_path(self, path: Path, source: str) -> None:
        """Note that the file or folder at `path` was imported (as `source`): never forgotten (`imported_paths`)."""
        self.conn.execute("INSERT OR REPLACE INTO imported_paths(path, source, at) VALUES (?, ?, ?)",
                          (storable(os.path.abspath(path)), source, now()))

    def imported_paths(self) -> list[tuple[str, str]]:
        """(source name, path) of every file or folder ever imported into this workspace, oldest first."""
        return [(source, path) for source, path in
                self.conn.execute("SELECT source, path FROM imported_paths ORDER BY at, path")]

    def _write_records(self, source_id: int, name: str, records: list[Record], prepared: Iterable[Prepared],
                       claimed: dict[int, int], old: OldSource | None, outcome: ImportOutcome) -> None:
        conn = self.conn
        next_person = self.next_id("people")
        next_record = self.next_id("records")
        record_rows: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        key_rows: list[tuple[int, str, str]] = []
        person_rows: list[tuple[Any, ...]] = []
        touched: set[int] = set()
        used = {old.rkey[rid] for rid in claimed.values()} if old is not None else set()
        seen_rkeys: dict[str, int] = {}
        columns = ("id", *SUMMARY_COLUMNS, "suggestion", "suggestion_reason")
        insert_person = f"INSERT INTO people({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

        def write() -> None:  # in slices, so the writing overlaps the preparing of later records
            conn.executemany("INSERT INTO records(id, source_id, idx, line, uid, rkey, person_id, first, last, "
                             "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", record_rows)
            conn.executemany("UPDATE records SET idx=?, line=?, uid=?, first=?, last=?, data=? WHERE id=?", updates)
            conn.executemany("INSERT INTO keys(record_id, kind, key) VALUES (?, ?, ?)", key_rows)
            conn.executemany(insert_person, person_rows)
            for rows in (record_rows, updates, key_rows, person_rows):
                rows.clear()

        for position, (record, prep) in enumerate(zip(records, prepared)):
            old_rid = claimed.get(position)
            if old_rid is not None and old is not None:  # the same card: its row, id, identity and person stay
                rid = old_rid
                if _reimport().card_digest(prep.data) != old.digest.get(rid):  # the card changed: its person's summary follows
                    touched.add(old.person[rid])
                    outcome.changed_cards.append(rid)
                outcome.kept += 1
                updates.append((record.index, record.line, record.uid, prep.first, prep.last, prep.data, rid))
            else:
                rkey = f"{name}|{prep.ident}"
                count = seen_rkeys.get(rkey, 0)
                candidate = rkey if count == 0 else f"{rkey}#{count + 1}"
                while candidate in used:  # two records with one identity in one file: keep both apart
                    count += 1
                    candidate = f"{rkey}#{count + 1}"
                seen_rkeys[rkey] = count + 1
                used.add(candidate)
                pid = next_person
                next_person += 1
                outcome.new_people += 1
                person_rows.append((pid, *prep.summary, prep.suggestion, prep.reason))
                rid = next_record
                next_record += 1
                record_rows.append((rid, source_id, record.index, record.line, record.uid, candidate, pid,
                                    prep.first, prep.last, prep.data))
            key_rows.extend((rid, kind, key) for kind, key in prep.keys)
            if len(record_rows) + len(updates) >= WRITE_SLICE:
                write()
        write()
        outcome.touched = sorted(touched)

    def _exclude_returning(self, source_id: int, first_new: int) -> list[tuple[int, str]]:
        """Exclude again the new people of this import (ids from `first_new`) who hold a card an exclusion
        not lifted names by its identity: the excluded person's source was forgotten, or the person
        dropped by a newer export, and the card is back. Their exclusion never stopped suppressing them;
        their decision now says so too, so no view offers them as someone to decide on (forgetting the
        source again takes them away). Returns (id, name) of each."""
        rows = self.conn.execute(
            "SELECT DISTINCT r.person_id, p.name FROM records r JOIN people p ON p.id = r.person_id "
            "JOIN suppressions s ON s.kind = 'record' AND s.key = r.rkey JOIN exclusions e ON e.id = s.exclusion_id "
            "WHERE r.source_id=? AND r.person_id >= ? AND e.lifted_at IS NULL AND p.decision != ? ORDER BY r.person_id",
            (source_id, first_new, Decision.EXCLUDE.value)).fetchall()
        self.conn.executemany("UPDATE people SET decision=?, decided_at=? WHERE id=?",
                              [(Decision.EXCLUDE.value, now(), pid) for pid, _ in rows])
        return [(pid, name or "") for pid, name in rows]

    def _dropped_decided(self, people: set[int], gone: set[int]) -> list[tuple[int, str, str]]:
        """Of `people`, those with a decision or anything the user wrote (note, outreach fields) whose
        every record is among the `gone` record ids: (id, name, decision). Asked before the records go."""
        decided: list[tuple[int, str, str]] = []
        for chunk in chunked(sorted(people)):
            decided.extend(self.conn.execute(
                f"SELECT p.id, p.name, p.decision FROM people p WHERE p.id IN ({marks(len(chunk))}) AND "
                f"(p.decision != ? OR p.note != '' OR p.how != '' OR p.context != '' OR p.why != '' "
                f"OR p.draft != '' OR p.sent_on IS NOT NULL OR p.accepted_on IS NOT NULL)",
                [*chunk, Decision.UNDECIDED.value]).fetchall())
        kept: set[int] = set()  # of them, the people with a record that stays (in another source, or carried over)
        for chunk in chunked([pid for pid, _, _ in decided]):
            kept.update(pid for pid, rid in self.conn.execute(
                f"SELECT person_id, id FROM records WHERE person_id IN ({marks(len(chunk))})", chunk)
                if rid not in gone)
        return [(pid, name or "", decision) for pid, name, decision in decided if pid not in kept]

    def next_id(self, table: str) -> int:
        """The next id of `people` or `records`: above every id ever given (deleted ones are never reused)."""
        row = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name=?", (table,)).fetchone()
        top = self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        return max(row[0] if row else 0, top or 0) + 1

    def blocked_keys(self) -> set[tuple[str, str]]:
        """Every (kind, key) that must never be exported: excluded people's now, and the active
        suppression list's (email keys in `normalize.mailbox_key` form)."""
        rows = self.conn.execute(
            "SELECT k.kind, k.key FROM keys k JOIN records r ON r.id = k.record_id JOIN people p "
            "ON p.id = r.person_id WHERE p.decision=? UNION SELECT s.kind, s.key FROM suppressions s "
            "JOIN exclusions e ON e.id = s.exclusion_id WHERE e.lifted_at IS NULL AND s.kind IN ('email', 'phone', "
            "'url')", (Decision.EXCLUDE.value,))
        return {(kind, key) for kind, key in rows}

    # ---- reading -----------------------------------------------------------------------------------

    def person(self, person_id: int) -> Person | None:
        people = self.people_by_id([person_id])
        return people.get(person_id)

    def people_by_id(self, ids: Iterable[int]) -> dict[int, Person]:
        """Full people (with all their records) for the given ids."""
        wanted = list(dict.fromkeys(ids))
        result: dict[int, Person] = {}
        for chunk in chunked(wanted):
            qs = marks(len(chunk))
            for row in self.conn.execute(f"SELECT {PERSON_FIELDS_SQL} FROM people WHERE id IN ({qs})", chunk):
                result[row[0]] = person_from_row(row)
            for rid, pid, data in self.conn.execute(f"SELECT id, person_id, data FROM records "
                                                    f"WHERE person_id IN ({qs}) ORDER BY id", chunk):
                person = result.get(pid)
                if person is not None:
                    person.records.append(Record.from_dict(from_json(data)))
                    person.record_ids.append(rid)
        return result

    def iter_people(self, decision: Decision | None = None, batch: int = 2000) -> Iterator[Person]:
        """Every person (optionally of one decision), in name order, read in batches."""
        sql = "SELECT id FROM people" + (" WHERE decision=?" if decision else "") + " ORDER BY sort_name, id"
        ids = [row[0] for row in self.conn.execute(sql, (decision.value,) if decision else ())]
        for chunk in chunked(ids, batch):
            people = self.people_by_id(chunk)
            for pid in chunk:
                if pid in people:
                    yield people[pid]

    def record_meta(self, person_id: int) -> list[dict[str, Any]]:
        """Provenance of every record of a person: source file, 1-based index, UID."""
        rows = self.conn.execute("SELECT s.name, r.idx, r.uid FROM records r JOIN sources s ON s.id = r.source_id "
                                 "WHERE r.person_id=? ORDER BY r.id", (person_id,))
        return [{"source": name, "index": idx, "uid": uid} for name, idx, uid in rows]

    def counts(self) -> dict[str, Any]:
        conn = self.conn
        decisions = {d.value: 0 for d in Decision}
        for decision, n in conn.execute("SELECT decision, count(*) FROM people GROUP BY decision"):
            decisions[decision] = n
        return {
            "records": conn.execute("SELECT count(*) FROM records").fetchone()[0],
            "people": conn.execute("SELECT count(*) FROM people").fetchone()[0],
            "decisions": decisions,
            "connected": conn.execute("SELECT count(*) FROM people WHERE connected=1").fetchone()[0],
            "pending_pairs": pending_pair_count(self),
        }

    # ---- writing people ----------------------------------------------------------------------------

    def refresh_people(self, ids: Iterable[int]) -> list[Person]:
        """Rebuild the derived columns of these people from their records (drops people left empty).

        Returns the people still there, as read (callers deriving more from them need not read twice).
        """
        ids = list(ids)
        if not ids:
            return []
        people = self.people_by_id(ids)
        updates = []
        alive = []
        for pid in ids:
            person = people.get(pid)
            if person is None:
                continue
            if not person.records:
                self.conn.execute("DELETE FROM people WHERE id=?", (pid,))
                continue
            updates.append((*summarise(person), pid))
            alive.append(person)
        if updates:
            sets = ", ".join(f"{col}=?" for col in SUMMARY_COLUMNS)
            self.conn.executemany(f"UPDATE people SET {sets} WHERE id=?", updates)
        return alive

    def update_person(self, person_id: int, **values: Any) -> None:
        bad = set(values) - EDITABLE
        if bad:
            raise ValueError(f"not editable: {sorted(bad)}")
        sets = ", ".join(f"{col}=?" for col in values)
        self.conn.execute(f"UPDATE people SET {sets} WHERE id=?", (*values.values(), person_id))

    def new_person(self, **values: Any) -> int:
        cols = ["decision", *[c for c in values if c != "decision"]]
        vals = [values.get("decision", Decision.UNDECIDED.value), *[values[c] for c in cols[1:]]]
        return self.conn.execute(f"INSERT INTO people({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                 vals).lastrowid

    def move_records(self, record_ids: Iterable[int], person_id: int) -> None:
        self.conn.executemany("UPDATE records SET person_id=? WHERE id=?", [(person_id, rid) for rid in record_ids])

    # ---- undo log ----------------------------------------------------------------------------------

    def snapshot(self, person_ids: Iterable[int] = (), record_ids: Iterable[int] = (),
                 verdicts: Iterable[tuple[str, str]] = (), pair_ids: Iterable[int] = ()) -> dict[str, Any]:
        """The rows an action may change, so it can be undone and redone exactly."""
        snap: dict[str, Any] = {"people": {}, "records": {}, "verdicts": {}, "pairs": {}}
        for pid in set(person_ids):
            row = self.conn.execute(f"SELECT {', '.join(PERSON_COLUMNS)} FROM people WHERE id=?", (pid,)).fetchone()
            snap["people"][str(pid)] = list(row) if row else None
        for rid in set(record_ids):
            row = self.conn.execute("SELECT person_id FROM records WHERE id=?", (rid,)).fetchone()
            snap["records"][str(rid)] = row[0] if row else None
        for a, b in set(verdicts):
            row = self.conn.execute("SELECT verdict, at FROM verdicts WHERE a=? AND b=?", (a, b)).fetchone()
            snap["verdicts"][f"{a}\t{b}"] = list(row) if row else None
        for pair_id in set(pair_ids):
            row = self.conn.execute("SELECT status FROM pairs WHERE id=?", (pair_id,)).fetchone()
            snap["pairs"][str(pair_id)] = row[0] if row else None
        return snap

    def restore(self, target: dict[str, Any], current: dict[str, Any], what: str = "undo") -> None:
        """Bring the rows an action changed from `current` (the state it left, or the state before it for a
        redo) back to `target`, touching only what differs between the two.

        Refuses (`UndoRefused`, nothing changed: the caller's transaction rolls back) when the workspace
        no longer is in `current`: a later import removed or replaced a record or person it would restore,
        or removed the records a person kept through the action (moving the action's records back would
        leave that person empty, and so delete them with what the user decided and wrote).
        """
        for snap in (target, current):  # an action logged before it was carried out may lack a part
            for part in ("people", "records", "verdicts", "pairs"):
                snap.setdefault(part, {})
        # an action that removed whole rows (forget) too: a person it kept may be gone since (a newer version
        # of their other book), and its records put back would belong to nobody
        problem = self._drift(current)
        if problem:
            raise UndoRefused(problem)
        with bulk_writes(self, len(target["people"])):  # undoing a dedupe brings back 1 person in 3
            self._write_back(target, current)

    def _write_back(self, target: dict[str, Any], current: dict[str, Any]) -> None:
        """`restore`'s writes, once it knows the workspace is in `current`."""
        conn = self.conn
        if target.get("rows"):  # whole rows an action removed (forget) or that its redo removes again
            _apply_rows(conn, target["rows"])
        cols = {name: i for i, name in enumerate(PERSON_COLUMNS)}
        editable = [name for name in PERSON_COLUMNS if name in EDITABLE]
        vanish: list[int] = []
        for key, row in target["people"].items():
            pid, had = int(key), current["people"].get(key)
            if row is None:
                if had is not None:
                    vanish.append(pid)
            elif had is None:
                conn.execute(f"INSERT INTO people({', '.join(PERSON_COLUMNS)}) "
                             f"VALUES ({', '.join('?' * len(PERSON_COLUMNS))})", row)
            else:
                changed = {name: row[cols[name]] for name in editable if row[cols[name]] != had[cols[name]]}
                if changed:
                    self.update_person(pid, **changed)
        moves = [(pid, int(rid)) for rid, pid in target["records"].items()
                 if pid is not None and current["records"].get(rid) != pid]
        conn.executemany("UPDATE records SET person_id=? WHERE id=?", moves)
        for key, row in target["verdicts"].items():
            if row == current["verdicts"].get(key):
                continue
            a, b = key.split("\t")
            conn.execute("DELETE FROM verdicts WHERE a=? AND b=?", (a, b))
            if row is not None:
                conn.execute("INSERT INTO verdicts(a, b, verdict, at) VALUES (?, ?, ?, ?)", (a, b, *row))
        conn.executemany("UPDATE pairs SET status=? WHERE id=?",
                         [(status, int(pair_id)) for pair_id, status in target["pairs"].items()
                          if status is not None and status != current["pairs"].get(pair_id)])
        asked_then, asked_now = target.get("asked"), current.get("asked")  # a dedupe's questions
        if asked_now and not asked_then:
            set_asked(self, asked_now, ask=False)
        elif asked_then and not asked_now:
            set_asked(self, asked_then, ask=True)
        for pid in vanish:
            if conn.execute("SELECT 1 FROM records WHERE person_id=? LIMIT 1", (pid,)).fetchone():
                raise UndoRefused(f"person {pid} holds records that came after it (a later import)")
            conn.execute("DELETE FROM people WHERE id=?", (pid,))
        kept = {int(pid) for pid, row in target["people"].items() if row is not None}
        losing = {current["records"][str(rid)] for _, rid in moves if current["records"].get(str(rid)) is not None}
        problem = self._left_empty(kept | losing)
        if problem:
            raise UndoRefused(problem)
        # the derived columns follow the records as they are now (a re-import may have come since); nobody is
        # left empty here, so this drops no one
        self.refresh_people(kept)

    def _left_empty(self, pids: Iterable[int]) -> str | None:
        """Which of these people the restore left without records (None when none), named for the refusal.

        A restore moves back only the records its action moved, so a person who kept others through the
        action loses them all when a later import removed those others: restoring would then delete that
        person with their decision, note and draft, which the action never did.
        """
        empty: list[tuple[int, str, str]] = []
        for chunk in chunked(sorted(pids)):
            empty += self.conn.execute(
                f"SELECT id, name, decision FROM people WHERE id IN ({marks(len(chunk))}) "
                "AND NOT EXISTS (SELECT 1 FROM records WHERE person_id = people.id)", list(chunk)).fetchall()
        if not empty:
            return None
        pid, name, decision = empty[0]
        more = f" and {plural(len(empty) - 1, 'other person')}" if len(empty) > 1 else ""
        return (f"person {pid}, {name or 'unnamed'} ({decision}){more}, would be left with no records: "
                "a later import removed the others they held")

    def _drift(self, expected: dict[str, Any]) -> str | None:
        """What differs between the workspace and a snapshot's people and records (None when nothing)."""
        conn = self.conn
        pids = [int(pid) for pid in expected["people"]]
        present: set[int] = set()
        for chunk in chunked(sorted(pids)):
            present.update(row[0] for row in conn.execute(
                f"SELECT id FROM people WHERE id IN ({marks(len(chunk))})", list(chunk)))
        for key, row in expected["people"].items():
            if (row is not None) != (int(key) in present):
                return f"person {key} {'is gone' if row is not None else 'is back'}"
        owners: dict[int, int] = {}
        rids = sorted(int(rid) for rid in expected["records"])
        for chunk in chunked(rids):
            owners.update(conn.execute(f"SELECT id, person_id FROM records WHERE id IN ({marks(len(chunk))})",
                                       list(chunk)).fetchall())
        for key, pid in expected["records"].items():
            if pid is not None and owners.get(int(key)) != pid:
                return f"record {key} {'is gone' if int(key) not in owners else 'belongs to someone else now'}"
        return None

    def log_action(self, action: str, summary: str, before: Snapshot, after: Snapshot) -> int:
        """Record an action (inside its transaction); a new action ends any redo history. The snapshots
        may come as their JSON text already (`json_bytes`)."""
        self.conn.execute("DELETE FROM log WHERE undone=1")
        self.conn.execute("DELETE FROM log_after WHERE id NOT IN (SELECT id FROM log)")
        at = now()
        # an id no action ever had: the suppression list names the actions that made and lifted each
        # exclusion, and an undone action's id given again made the new action's redo replay its lift
        log_id = self.conn.execute(
            "INSERT INTO log(id, at, action, summary, before, after) VALUES ((SELECT max(coalesce(max(id), 0), "
            "(SELECT coalesce(max(max(coalesce(log_id, 0), coalesce(lifted_log, 0))), 0) FROM exclusions)) + 1 "
            "FROM log), ?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT))",
            (at, action, summary, _log_json(before), _log_json(after))).lastrowid
        _logged_here.add((os.path.realpath(self.path), log_id, at, summary))
        return log_id

    def logged_here(self, log_id: int) -> bool:
        """Whether this process logged the action `log_id` (not another knowme on the same workspace)."""
        row = self.conn.execute("SELECT at, summary FROM log WHERE id=?", (log_id,)).fetchone()
        return row is not None and (os.path.realpath(self.path), log_id, *row) in _logged_here

    def log_after(self, log_id: int, after: Snapshot) -> None:
        """Fill in the after-snapshot of an action logged before it was carried out: a million-record
        dedupe logs its before-snapshot first, so the two large texts are never held together. It goes in
        a row of its own (`log_full` reads it as the action's): rewriting the log row rewrote the
        before-snapshot with it."""
        self.conn.execute("INSERT OR REPLACE INTO log_after(id, after) VALUES (?, CAST(? AS TEXT))",
                          (log_id, _log_json(after)))

    def undo(self) -> HistoryStep | None:
        """Undo the latest action; returns what it changed, or None when there is nothing to undo.

        Raises `UndoRefused` (changing nothing) when a later import removed what it would restore.
        """
        return self._step(undo=True)

    def redo(self) -> HistoryStep | None:
        """Redo the action undone last; None when there is nothing to redo (`UndoRefused` as for undo)."""
        return self._step(undo=False)

    def next_step(self, undo: bool = True) -> HistoryStep | None:
        """What `undo()` (or, with `undo=False`, `redo()`) would change now, without changing anything:
        a UI notes how those people are listed before, to update its counts after."""
        found = self._next_logged(undo)
        return None if found is None else HistoryStep.of(*found)

    def next_action(self, undo: bool = True) -> tuple[int, str, str] | None:
        """(log id, summary, time) of what the next undo (or redo) would take, without reading its snapshots."""
        order, flag = ("DESC", 0) if undo else ("ASC", 1)
        row = self.conn.execute(f"SELECT id, summary, at FROM log WHERE undone=? ORDER BY id {order} LIMIT 1",
                                (flag,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def next_step_size(self, undo: bool = True) -> int:
        """How many bytes of snapshots the next undo (or redo) restores, without reading them: a UI runs
        a large one (a dedupe's thousands of merges: seconds) off its own thread. 0 when there is none."""
        order, flag = ("DESC", 0) if undo else ("ASC", 1)
        row = self.conn.execute(f"SELECT length(before) + length(after) FROM log_full WHERE undone=? "
                                f"ORDER BY id {order} LIMIT 1", (flag,)).fetchone()
        return row[0] if row else 0

    def _next_logged(self, undo: bool) -> tuple[int, str, str, dict[str, Any], dict[str, Any]] | None:
        """(log id, action, summary, snapshot to restore, snapshot of now) of the next undo or redo."""
        order, flag = ("DESC", 0) if undo else ("ASC", 1)
        row = self.conn.execute(f"SELECT id, action, summary, before, after FROM log_full WHERE undone=? "
                                f"ORDER BY id {order} LIMIT 1", (flag,)).fetchone()
        if row is None:
            return None
        log_id, action, summary, before, after = row
        target, current = (before, after) if undo else (after, before)
        return log_id, action, summary, from_json(target), from_json(current)

    def _step(self, undo: bool) -> HistoryStep | None:
        with self.transaction() as conn:
            found = self._next_logged(undo)
            if found is None:
                return None
            step = HistoryStep.of(*found)
            log_id, _, summary, target, current = found
            try:
                self._around_history(log_id, target, current, undo)
            except UndoRefused as exc:
                verb = "undo" if undo else "redo"
                raise UndoRefused(f"cannot {verb} \"{summary}\": a later import or merge changed what it would "
                                  f"restore ({exc}); nothing was changed{self._stranded(log_id, undo)}") from None
            conn.execute("UPDATE log SET undone=? WHERE id=?", (1 if undo else 0, log_id))
            return step

    def _stranded(self, log_id: int, undo: bool) -> str:
        """The end of a redo's refusal: redo goes in order, so the actions undone after this one cannot
        be redone either, and the user should hear that rather than meet the same refusal for each."""
        if undo:
            return ""
        (later,) = self.conn.execute("SELECT count(*) FROM log WHERE undone=1 AND id>?", (log_id,)).fetchone()
        if not later:
            return ""
        return f", and {plural(later, 'undone action')} after it cannot be redone either"

    def _around_history(self, log_id: int, target: dict[str, Any], current: dict[str, Any], undo: bool) -> None:
        """Restore a snapshot for undo or redo, keeping the suppression list whole: what excluded people
        hold is captured before and after, and only the action's own exclusions are lifted or put back."""
        people = _suppression().snapshot_people(target)
        _suppression().capture(self, people)
        self.restore(target, current)
        (_suppression().after_undo if undo else _suppression().after_redo)(self, log_id)
        _suppression().capture(self, people)

    def check_sound(self) -> list[str]:
        """What is wrong with the workspace's identity, as lines (none when sound); see `knowme.store.soundness`."""
        from knowme.store.soundness import problems

        return problems(self.conn)


def _replacing(old: OldSource, claimed: dict[int, int]) -> str:
    return f"the earlier import {old.name} ({len(claimed)} of its {plural(len(old), 'record')} carry over)"


def _incomplete_refusal(path: Path, old: OldSource, incomplete: str) -> tuple[str, str]:
    """Why a file the importer found incomplete does not replace the earlier version it matches: the
    message and the reason alone."""
    why = (f"the file is incomplete ({incomplete}), and replacing the earlier import {old.name} with it would drop "
           "or overwrite whole cards")
    return (f"{path}: nothing was imported: {why}. Export it again and import the whole file, or keep both with "
            f"`knowme import {shlex.quote(str(path))} --as-new-source`"), why


def _decided_one(pid: int, name: str, decision: str) -> str:
    return f"{name or f'person {pid}'} ({decision})"


def _dropping_refusal(path: Path, old: OldSource, claimed: dict[int, int],
                      dropped: list[tuple[int, str, str]]) -> tuple[str, str]:
    """Why a replacement that would remove people the user decided on does not happen unless asked for: the
    message and the reason alone."""
    shown = "; ".join(_decided_one(*person) for person in dropped[:10])
    more = f" and {len(dropped) - 10} more" if len(dropped) > 10 else ""
    quoted = shlex.quote(str(path))
    why = (f"it would replace {_replacing(old, claimed)} and remove {plural(len(dropped), 'person')} you decided "
           f"on or wrote for: {shown}{more}")
    return (f"{path}: nothing was imported: {why}. If it is a newer export of that address book, let them go with "
            f"`knowme import {quoted} --replace` (their decisions and notes go too; exclusions stay on the "
            f"suppression list); if it is another address book, keep both with `knowme import {quoted} "
            "--as-new-source`"), why


def _reimport() -> ModuleType:
    """Which earlier source a file is a newer version of (`knowme.reimport`): imported on first use, as
    only imports need it and the review UI's start does not."""
    from knowme import reimport

    return reimport


def _suppression() -> ModuleType:
    """The suppression rules (`knowme.suppression`), which keep the suppression list whole on every
    import, undo and redo; imported on first use, as their name forms and nickname tables are a sixth
    of the review UI's start and its first screen needs none of them."""
    from knowme import suppression

    return suppression


def _note_status_sql(draft: str | None, names: str | None, limit: object) -> str:
    """SQL `note_status(draft, names, limit)`: how far a personalize person's note is (`knowme.notestatus`)."""
    return note_status_of_row(draft or "", names or "", limit)


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (a trigger's body keeps its semicolons)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    statements, pending = [], ""
    for part in "\n".join(lines).split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip())
    return statements


# Rows an action removed, put back in this order (the reverse when removed again).
_ROW_TABLES = ("sources", "records", "keys", "pairs")


def _apply_rows(conn: sqlite3.Connection, rows: dict[str, Any]) -> None:
    """Put back the whole rows of a snapshot's "insert", or remove those of its "delete" (by id).

    A row that cannot go back because a later import holds its place (the same source name or
    id) stops the undo with a one-line WorkspaceError, and a source that cannot go again because a later
    import gave it cards the action never removed stops the redo (`UndoRefused`); the transaction leaves
    nothing half-done.
    """
    for table in _ROW_TABLES:
        data = rows.get("insert", {}).get(table)
        if not data or not data["rows"]:
            continue
        columns = data["columns"]
        try:
            conn.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                             data["rows"])
        except sqlite3.IntegrityError as exc:
            raise WorkspaceError(f"cannot put back what was removed: {_holding_its_place(conn, table, data)}; "
                                 "`knowme forget` that import first, then undo") from exc
    for table in reversed(_ROW_TABLES):
        ids = rows.get("delete", {}).get(table)
        if not ids:
            continue
        if table == "keys":
            conn.executemany("DELETE FROM keys WHERE record_id=? AND kind=? AND key=?", ids)
        elif table == "sources" and conn.execute(
                f"SELECT 1 FROM records WHERE source_id IN ({marks(len(ids))}) LIMIT 1", ids).fetchone():
            # a newer version of the book imported since holds cards the action never removed
            raise UndoRefused("a later import added cards to its address book")
        else:
            conn.executemany(f"DELETE FROM {table} WHERE id=?", [(i,) for i in ids])


def _holding_its_place(conn: sqlite3.Connection, table: str, data: dict[str, Any]) -> str:
    """What a later import put where rows an undo puts back must go. Source ids are never given twice, so a
    source's place is only ever its name: its address book imported again (the same file, or the same
    content), or another file of that name, said as that."""
    columns = data["columns"]
    if table == "sources" and {"name", "path", "sha256"} <= set(columns):
        name, path, sha256 = (columns.index(column) for column in ("name", "path", "sha256"))
        for row in data["rows"]:
            taken = conn.execute("SELECT id, path, sha256 FROM sources WHERE name=?", (row[name],)).fetchone()
            if taken is None:
                continue
            if (taken[1], taken[2]) == (row[path], row[sha256]) or taken[2] == row[sha256]:
                return f"its address book was imported again since (source {taken[0]})"
            return f"another file named {row[name]} was imported since (source {taken[0]})"
    return {"records": "its cards were imported again since"}.get(table, "a later import holds its place")


def _make_private(path: Path) -> None:
    """Take away group and other access (0600 for a new file); never adds any, never touches a missing file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)
