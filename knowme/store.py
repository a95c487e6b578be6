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
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from knowme.model import SCALAR_FIELDS, Decision, Person, Record
from knowme.normalize import fold
from knowme.prepare import Prepared, prepare_records
from knowme.workspace import NoWorkspace, WorkspaceError, check_existing, describe_error, is_busy

BUSY_TIMEOUT_S = 5.0
WRITE_SLICE = 2000  # records an import writes at a time
CACHE_KB = -65536  # SQLite's page cache: 64 MB at most
BIG_IMPORT_CACHE_KB = -262144  # while storing a large source: its index pages stay in memory, never spilled twice
PAGE_SIZE = 16384  # new workspaces: a quarter of the system calls of 4096 for big imports


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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

# v4: a full-text index over the folded `search` column, so a filter finds people by the start of any
# word of their name, emails, company or title in milliseconds at a million people. Triggers keep it
# in step with every write to `people` (imports, merges, undo); the rebuild fills it once. And an
# index for the Undecided view, which leaves out people already connected.
_SCHEMA_V4_SEARCH_INDEX = """
CREATE VIRTUAL TABLE people_fts USING fts5(search, content='people', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_fts(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER people_fts_update AFTER UPDATE OF search ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO people_fts(rowid, search) VALUES (new.id, new.search);
END;
INSERT INTO people_fts(people_fts) VALUES ('rebuild');
-- "to decide" is undecided and not yet connected: that view and its counts read this index alone
CREATE INDEX people_triage ON people(connected, decision, sort_name);
CREATE INDEX people_suggested ON people(connected, decision, sort_name) WHERE suggestion IS NOT NULL;
"""

MIGRATIONS: list[str] = [_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3_SUPPRESSION_LIST, _SCHEMA_V4_SEARCH_INDEX]
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
    removed: int = 0  # records of the earlier version that are gone
    touched: list[int] = field(default_factory=list, repr=False)  # earlier people that got records


SEARCH_MAX = 4096  # characters of the folded name, emails, company and title a filter searches

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
    last, first = person.last_name, person.first_name
    emails = person.emails
    sig = person.signals
    return _summary(name, first, last, emails, person.org, person.title, person.connected,
                    ", ".join(person.sources), len(person.records),
                    (sig.sent, sig.received, sig.two_way_threads, sig.last))


def summarise_record(record: Record) -> tuple[Any, ...]:
    """`summarise` of the one-record person a record becomes on import, without building the person.

    The same rules as the `Person` properties for one record (tests compare the two on every
    sample record); it runs once per imported record, so it skips their generality.
    """
    name = record.display_name
    given, family = record.given.strip(), record.family.strip()
    comma = "," in name
    if given:
        first = given.split(" ")[0]
    elif comma:
        first = name.split(",", 1)[1].strip().split(" ")[0]
    else:
        first = name.split(" ")[0] if name and "@" not in name else ""
    if family:
        last = family
    elif comma:
        last = name.split(",", 1)[0].strip()
    else:
        parts = name.split(" ")
        last = parts[-1] if len(parts) > 1 and "@" not in name else ""
    emails: dict[str, None] = {}
    for labeled in record.emails:
        value = labeled.value.strip().removeprefix("mailto:").strip("<> ").lower()
        if "@" in value:
            emails.setdefault(value, None)
    return _summary(name, first, last, list(emails), record.org.strip(), record.title.strip(),
                    record.connected_on is not None, record.source, 1, None)


def _summary(name: str, first: str, last: str, emails: list[str], org: str, title: str, connected: bool,
             sources: str, n_records: int, mail: tuple[int, int, int, str | None] | None) -> tuple[Any, ...]:
    sort_name = fold(f"{last} {first}" if last else name) or "~"
    # unique per person: not worth caching; capped, as a 100 MB name in a broken CSV would otherwise
    # be held whole by the full-text index's tokenizer (nobody types past the first few words)
    search = fold.__wrapped__(" ".join((name, *emails, org, title)))[:SEARCH_MAX]
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


def to_json(value: Any) -> str:
    """Compact JSON text, with orjson (ten times json's speed on the bulk paths: records, the undo
    log, the review queue)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except (orjson.JSONEncodeError, UnicodeDecodeError):  # a lone surrogate: json writes it escaped
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def from_json(text: str) -> Any:
    """JSON text back to values (orjson; json for the rare text orjson refuses, an escaped lone surrogate)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


_LIST_FIELDS = ("emails", "phones", "addresses", "urls")


class Store:
    """An open workspace. Use `Store.open(path)`; close with `close()` or as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

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
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise WorkspaceError(describe_error(path, exc)) from exc
        except WorkspaceError:
            conn.close()
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
        tmp = path.parent / f".{path.name[:100]}.knowme-new-{os.getpid()}-{secrets.token_hex(6)}"
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
        try:
            conn = sqlite3.connect(tmp, timeout=busy_timeout, isolation_level=None)
            try:
                conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
                conn.execute("PRAGMA journal_mode=WAL")
                cls(tmp, conn)._migrate()
            finally:
                conn.close()  # the last connection: its log is checkpointed into the file and removed
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
        with self.transaction():
            # another process may have migrated it since we looked: look again under the write lock
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self.conn.execute(statement)
            if 0 < version < SCHEMA_VERSION:
                self._suppress_excluded_people()
            if version < SCHEMA_VERSION:
                self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _suppress_excluded_people(self) -> None:
        """On upgrade to the suppression list: everyone excluded so far gets their entries."""
        from knowme import suppression

        suppression.capture(self)

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
                     region: str = "US", source_name: str | None = None,
                     prepared: Iterable[Prepared] | None = None) -> ImportOutcome:
        """Store one parsed file as a source, in one transaction.

        The same bytes again change nothing. A newer version of a source with the same name replaces
        its records; each new record whose identity (UID, LinkedIn URL, email, name) or any exact key
        matches an earlier record joins that record's person, so decisions and merges carry over.
        """
        name = source_name or path.name
        outcome = ImportOutcome(source=name, format=fmt, records=len(records), problems=list(problems))
        existing = self.conn.execute("SELECT id, sha256 FROM sources WHERE name=?", (name,)).fetchone()
        if existing and existing[1] == sha256:
            outcome.unchanged = True
            return outcome
        if len(records) >= 20_000:
            self.conn.execute(f"PRAGMA cache_size={BIG_IMPORT_CACHE_KB}")
        try:
            return self._store_import(path, fmt, records, problems, sha256, region, name, prepared, existing, outcome)
        finally:
            self.conn.execute(f"PRAGMA cache_size={CACHE_KB}")

    def _store_import(self, path: Path, fmt: str, records: list[Record], problems: list[str], sha256: str,
                      region: str, name: str, prepared: Iterable[Prepared] | None, existing: Any,
                      outcome: ImportOutcome) -> ImportOutcome:
        from knowme import suppression

        with self.transaction() as conn:
            old_by_rkey: dict[str, int] = {}
            old_by_key: dict[tuple[str, str], set[int]] = {}
            old_people: set[int] = set()
            if existing:
                outcome.replaced = True
                source_id = existing[0]
                for rid, rkey, pid in conn.execute("SELECT id, rkey, person_id FROM records WHERE source_id=?",
                                                   (source_id,)):
                    old_by_rkey.setdefault(rkey, pid)
                    old_people.add(pid)
                for kind, key, pid in conn.execute(
                        "SELECT k.kind, k.key, r.person_id FROM keys k JOIN records r ON r.id = k.record_id "
                        "WHERE r.source_id=?", (source_id,)):
                    old_by_key.setdefault((kind, key), set()).add(pid)
                # excluded people stay suppressed even if their records vanish from this source
                suppression.capture(self, old_people)
                outcome.removed = conn.execute("SELECT count(*) FROM records WHERE source_id=?",
                                               (source_id,)).fetchone()[0]
                conn.execute("DELETE FROM keys WHERE record_id IN (SELECT id FROM records WHERE source_id=?)",
                             (source_id,))
                conn.execute("DELETE FROM records WHERE source_id=?", (source_id,))
                conn.execute("UPDATE sources SET path=?, format=?, sha256=?, imported_at=?, records=?, problems=? "
                             "WHERE id=?", (str(path), fmt, sha256, now(), len(records), json.dumps(problems),
                                            source_id))
            else:
                source_id = conn.execute(
                    "INSERT INTO sources(name, path, format, sha256, imported_at, records, problems) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (name, str(path), fmt, sha256, now(), len(records), json.dumps(problems))).lastrowid
            next_person = (conn.execute("SELECT max(id) FROM people").fetchone()[0] or 0) + 1
            next_record = (conn.execute("SELECT max(id) FROM records").fetchone()[0] or 0) + 1
            record_rows: list[tuple[Any, ...]] = []
            key_rows: list[tuple[int, str, str]] = []
            person_rows: list[tuple[Any, ...]] = []
            new_people = 0
            touched: set[int] = set()
            seen_rkeys: dict[str, int] = {}
            if prepared is None:
                prepared = prepare_records(records, region, name)
            columns = ("id", *SUMMARY_COLUMNS, "suggestion", "suggestion_reason")
            insert_person = f"INSERT INTO people({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

            def write() -> None:  # in slices, so the writing overlaps the preparing of later records
                conn.executemany("INSERT INTO records(id, source_id, idx, line, uid, rkey, person_id, first, last, "
                                 "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", record_rows)
                conn.executemany("INSERT INTO keys(record_id, kind, key) VALUES (?, ?, ?)", key_rows)
                conn.executemany(insert_person, person_rows)
                record_rows.clear()
                key_rows.clear()
                person_rows.clear()

            for record, prep in zip(records, prepared):
                rkey = f"{name}|{prep.ident}"
                if rkey in seen_rkeys:  # two records with one identity in one file: keep both apart
                    seen_rkeys[rkey] += 1
                    rkey = f"{rkey}#{seen_rkeys[rkey]}"
                else:
                    seen_rkeys[rkey] = 1
                pid = old_by_rkey.get(rkey)
                if pid is None and old_by_key:
                    candidates = set().union(*(old_by_key.get(item, set()) for item in prep.keys))
                    if len(candidates) == 1:
                        pid = next(iter(candidates))
                if pid is None:
                    pid = next_person
                    next_person += 1
                    new_people += 1
                    person_rows.append((pid, *prep.summary, prep.suggestion, prep.reason))
                else:
                    outcome.kept += 1
                    touched.add(pid)
                rid = next_record
                next_record += 1
                record_rows.append((rid, source_id, record.index, record.line, record.uid, rkey, pid, prep.first,
                                    prep.last, prep.data))
                key_rows.extend((rid, kind, key) for kind, key in prep.keys)
                if len(record_rows) == WRITE_SLICE:
                    write()
            write()
            outcome.new_people = new_people
            outcome.touched = sorted(touched)
            self.refresh_people(old_people | touched)  # drops people whose every record vanished
            suppression.capture(self, touched)  # an excluded person's newer card adds what it holds
        return outcome

    def blocked_keys(self) -> set[tuple[str, str]]:
        """Every (kind, key) that must never be exported: excluded people's now, and the active
        suppression list's (email keys in `normalize.mailbox_key` form)."""
        rows = self.conn.execute(
            "SELECT k.kind, k.key FROM keys k JOIN records r ON r.id = k.record_id JOIN people p "
            "ON p.id = r.person_id WHERE p.decision='exclude' UNION SELECT s.kind, s.key FROM suppressions s "
            "JOIN exclusions e ON e.id = s.exclusion_id WHERE e.lifted_at IS NULL AND s.kind IN ('email', 'phone', "
            "'url')")
        return {(kind, key) for kind, key in rows}

    # ---- reading -----------------------------------------------------------------------------------

    def person(self, person_id: int) -> Person | None:
        people = self.people_by_id([person_id])
        return people.get(person_id)

    def people_by_id(self, ids: Iterable[int]) -> dict[int, Person]:
        """Full people (with all their records) for the given ids."""
        wanted = list(dict.fromkeys(ids))
        result: dict[int, Person] = {}
        for chunk_start in range(0, len(wanted), 500):
            chunk = wanted[chunk_start:chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT {PERSON_FIELDS_SQL} FROM people WHERE id IN ({marks})", chunk):
                result[row[0]] = person_from_row(row)
            for rid, pid, data in self.conn.execute(f"SELECT id, person_id, data FROM records "
                                                    f"WHERE person_id IN ({marks}) ORDER BY id", chunk):
                person = result.get(pid)
                if person is not None:
                    person.records.append(Record.from_dict(from_json(data)))
                    person.record_ids.append(rid)
        return result

    def iter_people(self, decision: Decision | None = None, batch: int = 2000) -> Iterator[Person]:
        """Every person (optionally of one decision), in name order, read in batches."""
        sql = "SELECT id FROM people" + (" WHERE decision=?" if decision else "") + " ORDER BY sort_name, id"
        ids = [row[0] for row in self.conn.execute(sql, (decision.value,) if decision else ())]
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            people = self.people_by_id(chunk)
            for pid in chunk:
                if pid in people:
                    yield people[pid]

    def person_ids_for_record(self, source: str, index: int) -> int | None:
        row = self.conn.execute("SELECT r.person_id FROM records r JOIN sources s ON s.id = r.source_id "
                                "WHERE s.name=? AND r.idx=?", (source, index)).fetchone()
        return row[0] if row else None

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
            "pending_pairs": self.pending_pair_count(),
        }

    def pending_pair_count(self) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM pairs p JOIN records a ON a.id = p.a JOIN records b ON b.id = p.b "
            "WHERE p.status='pending' AND a.person_id != b.person_id").fetchone()[0]

    def pending_pairs_of(self, person_id: int, other_id: int | None = None) -> list[int]:
        """Ids of the pending pairs between this person and another (any other, or `other_id`).

        Starts from the person's records and the pair indexes on both ends, never from the whole queue.
        """
        match = "o.person_id != r.person_id" if other_id is None else "o.person_id = ?"
        params: tuple[int, ...] = (person_id,) if other_id is None else (person_id, other_id)
        rows = self.conn.execute(
            f"SELECT q.id FROM records r JOIN pairs q ON q.a = r.id JOIN records o ON o.id = q.b "
            f"WHERE r.person_id=? AND q.status='pending' AND {match} UNION "
            f"SELECT q.id FROM records r JOIN pairs q ON q.b = r.id JOIN records o ON o.id = q.a "
            f"WHERE r.person_id=? AND q.status='pending' AND {match}", params * 2)
        return sorted(row[0] for row in rows)

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

    def restore(self, snap: dict[str, Any]) -> None:
        if snap.get("rows"):  # whole rows an action removed (forget) or that its redo removes again
            _apply_rows(self.conn, snap["rows"])
        for pid, row in snap["people"].items():
            self.conn.execute("DELETE FROM people WHERE id=?", (int(pid),))
            if row is not None:
                self.conn.execute(f"INSERT INTO people({', '.join(PERSON_COLUMNS)}) "
                                  f"VALUES ({', '.join('?' * len(PERSON_COLUMNS))})", row)
        for rid, pid in snap["records"].items():
            if pid is not None:
                self.conn.execute("UPDATE records SET person_id=? WHERE id=?", (pid, int(rid)))
        for key, row in snap["verdicts"].items():
            a, b = key.split("\t")
            self.conn.execute("DELETE FROM verdicts WHERE a=? AND b=?", (a, b))
            if row is not None:
                self.conn.execute("INSERT INTO verdicts(a, b, verdict, at) VALUES (?, ?, ?, ?)", (a, b, *row))
        for pair_id, status in snap["pairs"].items():
            if status is not None:
                self.conn.execute("UPDATE pairs SET status=? WHERE id=?", (status, int(pair_id)))
        # the derived columns follow the records as they are now (a re-import may have come since)
        alive = [int(pid) for pid, row in snap["people"].items() if row is not None]
        self.refresh_people(alive)

    def log_action(self, action: str, summary: str, before: dict[str, Any] | str, after: dict[str, Any] | str) -> int:
        """Record an action (inside its transaction); a new action ends any redo history. The snapshots
        may come as their JSON text already."""
        self.conn.execute("DELETE FROM log WHERE undone=1")
        texts = [snap if isinstance(snap, str) else to_json(snap) for snap in (before, after)]
        return self.conn.execute("INSERT INTO log(at, action, summary, before, after) VALUES (?, ?, ?, ?, ?)",
                                 (now(), action, summary, *texts)).lastrowid

    def log_after(self, log_id: int, after: dict[str, Any] | str) -> None:
        """Fill in the after-snapshot of an action logged before it was carried out: a million-record
        dedupe logs its before-snapshot first, so the two large texts are never held together."""
        self.conn.execute("UPDATE log SET after=? WHERE id=?", (after if isinstance(after, str) else to_json(after),
                                                                log_id))

    def undo(self) -> str | None:
        """Undo the latest action; returns its summary, or None when there is nothing to undo."""
        with self.transaction() as conn:
            row = conn.execute("SELECT id, summary, before FROM log WHERE undone=0 ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                return None
            snap = from_json(row[2])
            self._around_history(row[0], snap, undo=True)
            conn.execute("UPDATE log SET undone=1 WHERE id=?", (row[0],))
            return row[1]

    def redo(self) -> str | None:
        """Redo the action undone last; None when there is nothing to redo."""
        with self.transaction() as conn:
            row = conn.execute("SELECT id, summary, after FROM log WHERE undone=1 ORDER BY id ASC LIMIT 1").fetchone()
            if row is None:
                return None
            snap = from_json(row[2])
            self._around_history(row[0], snap, undo=False)
            conn.execute("UPDATE log SET undone=0 WHERE id=?", (row[0],))
            return row[1]

    def _around_history(self, log_id: int, snap: dict[str, Any], undo: bool) -> None:
        """Restore a snapshot for undo or redo, keeping the suppression list whole: what excluded people
        hold is captured before and after, and only the action's own exclusions are lifted or put back."""
        from knowme import suppression

        people = suppression.snapshot_people(snap)
        suppression.capture(self, people)
        self.restore(snap)
        (suppression.after_undo if undo else suppression.after_redo)(self, log_id)
        suppression.capture(self, people)


def _note_status_sql(draft: str | None, names: str | None, limit: object) -> str:
    """SQL `note_status(draft, names, limit)`: how far a personalize person's note is (see knowme.outreach)."""
    from knowme.outreach import note_status_of_row  # the outreach rules live there; imported on first use

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
    id) stops the undo with a one-line WorkspaceError; the transaction leaves nothing half-done.
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
            raise WorkspaceError(f"cannot put back what was removed: a later import holds its place ({table}: "
                                 f"{exc}); forget or undo that import first") from exc
    for table in reversed(_ROW_TABLES):
        ids = rows.get("delete", {}).get(table)
        if not ids:
            continue
        if table == "keys":
            conn.executemany("DELETE FROM keys WHERE record_id=? AND kind=? AND key=?", ids)
        else:
            conn.executemany(f"DELETE FROM {table} WHERE id=?", [(i,) for i in ids])


def _make_private(path: Path) -> None:
    """Take away group and other access (0600 for a new file); never adds any, never touches a missing file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)
