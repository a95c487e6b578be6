"""Is this file a knowme workspace? Checked before SQLite may write a byte to it.

`--db` can name anything: a typo, another program's SQLite file, a text file, a folder. SQLite
itself would happily turn an empty file into a database, add `-wal`/`-shm` files beside another
program's database or rewrite its journal mode, so the file is first looked at without being
changed: its header is read, and a SQLite file is opened `immutable` (no lock, no side files)
when no write-ahead log is beside it, read-only otherwise (then the side files already exist).
Only a file that holds knowme's tables, or an empty one a command may create, goes on to
`Store.open`'s read-write connection.

SQLite errors are told apart by `sqlite_errorcode` (the primary code in its low byte), never by
message text.
"""
from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from sqlite3 import (
    SQLITE_BUSY,
    SQLITE_CANTOPEN,
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_INTERRUPT,
    SQLITE_IOERR,
    SQLITE_LOCKED,
    SQLITE_NOTADB,
    SQLITE_PERM,
    SQLITE_READONLY,
)

from knowme.filekinds import mode_kind
from knowme.heldfiles import unless_held

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every knowme workspace has had since schema 1 (later migrations only add).
KNOWME_TABLES = frozenset({"settings", "sources", "people", "records", "keys", "log"})
# `PRAGMA quick_check` reads every page: done for workspaces up to this size on every command,
# above it only the cheap checks (header, size against the page count, the schema) run.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024



#: What the storage raises when SQLite fails: callers outside the storage package catch this name (and tell
#: the cases apart with `error_code`, `is_busy`, `is_interrupted`, `describe_error`), never sqlite3's.
DatabaseError = sqlite3.Error


class WorkspaceError(Exception):
    """A workspace problem the user can act on (missing, busy, unreadable, damaged, newer schema)."""


class NoWorkspace(WorkspaceError):
    """No workspace at the path, and the command may not create one."""


def error_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of an sqlite3 exception (None when it has none)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(exc: BaseException) -> bool:
    return error_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def is_interrupted(exc: BaseException) -> bool:
    """A query stopped by `interrupt()` on its connection (a newer one replaced it): not a failure."""
    return error_code(exc) == SQLITE_INTERRUPT


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def describe_error(path: Path, exc: sqlite3.Error) -> str:
    """One line for the user about an SQLite error on the workspace at `path`."""
    code = error_code(exc)
    exc = one_line(exc)  # type: ignore[assignment]
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return f"workspace {path} is busy: another knowme is writing to it; try again when it has finished"
    if code == SQLITE_NOTADB:
        return f"{path} is not a knowme workspace (not a SQLite database); choose another with --db"
    if code == SQLITE_CORRUPT:
        return f"workspace {path} is damaged ({exc}); restore it from a backup or import into a new one"
    if code in (SQLITE_READONLY, SQLITE_PERM):
        return f"workspace {path} is read-only ({exc}); make it and its folder writable to use it"
    if code == SQLITE_CANTOPEN:
        return f"cannot open workspace {path} or its journal beside it ({exc}): is its folder writable?"
    if code == SQLITE_FULL:
        return f"workspace {path}: the disk is full ({exc}); nothing of this command was saved"
    if code == SQLITE_IOERR:
        return f"workspace {path}: a read or write failed ({exc}); nothing of this command was saved"
    return f"workspace {path}: {exc}"


def check_existing(path: Path, create: bool, schema_version: int) -> bool:
    """Whether a workspace (or an empty file that may become one) is at `path`; False when nothing is.

    Raises WorkspaceError, without having changed the file, when `path` holds something else:
    a folder, a device, a file that is not SQLite, another program's database, a damaged or
    read-only workspace, one written by a newer knowme. A workspace this process has open already
    is not read again: it was checked then, and closing a second descriptor of it would drop the
    locks of the open connection (`knowme.heldfiles`).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise WorkspaceError(f"cannot open workspace {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise WorkspaceError(f"{path} is {mode_kind(info.st_mode)}, not a knowme workspace; choose another with --db")
    try:
        with unless_held(path) as may_read:
            if not may_read:  # open in this process: checked when first opened (see knowme.heldfiles)
                return _writable(path, info)
            with open(path, "rb") as fh:
                header = fh.read(100)
    except OSError as exc:
        raise WorkspaceError(f"cannot read workspace {path}: {exc.strerror or exc}") from exc
    if not header:
        if create:
            return True  # an empty file: becomes the new workspace
        raise WorkspaceError(f"{path} is an empty file, not a knowme workspace; `knowme import FILE` "
                             "makes a workspace of it")
    if not header.startswith(SQLITE_HEADER):
        raise WorkspaceError(f"{path} is not a knowme workspace (not a SQLite database); choose another with --db")
    if len(header) < 100:
        raise WorkspaceError(f"workspace {path} is damaged (cut short at {len(header)} bytes)")
    version, tables = _read_schema(path, header, info.st_size)
    if not tables and version == 0:
        if create:
            return True  # an empty SQLite database (nothing of anyone's in it)
        raise WorkspaceError(f"{path} is an empty SQLite database, not a knowme workspace; `knowme import FILE` "
                             "makes a workspace of it")
    if not KNOWME_TABLES <= tables:
        raise WorkspaceError(f"{path} is another program's SQLite database, not a knowme workspace; "
                             "choose another with --db")
    if version > schema_version:
        raise WorkspaceError(f"{path} was written by a newer knowme (schema {version}); upgrade knowme")
    return _writable(path, info)


def _writable(path: Path, info: os.stat_result) -> bool:
    if not info.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):  # the mode bit: root may write anyway
        raise WorkspaceError(f"workspace {path} is read-only; make it writable (chmod u+w) to use it")
    return True


def _wal_beside(path: Path) -> bool:
    return os.path.exists(f"{path}-wal")


def _reader(path: Path) -> sqlite3.Connection:
    """A connection that cannot change `path` or create files beside it.

    Without a write-ahead log beside it the file is the whole database, and `immutable=1` reads
    it with no locks and no side files; with one (a knowme running, or one that crashed), a
    read-only connection also reads the log, whose side files exist already.
    """
    mode = "mode=ro" if _wal_beside(path) else "immutable=1"
    uri = f"file:{_uri_path(Path(path).absolute())}?{mode}"
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


def _uri_path(path: Path) -> str:
    """A path as SQLite's URI filename wants it: %, ? and # escaped (the rest is taken as written)."""
    return str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def _read_schema(path: Path, header: bytes, size: int) -> tuple[int, set[str]]:
    """(user_version, table names) of a SQLite file, read without changing it."""
    if not _wal_beside(path):
        # the header's page count is valid when its change counter matches "version-valid-for"
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        if pages and header[24:28] == header[92:96] and size < pages * page_size:
            raise WorkspaceError(f"workspace {path} is damaged: cut short ({size} bytes of {pages * page_size})")
    try:
        conn = _reader(path)
    except sqlite3.Error as exc:
        raise WorkspaceError(describe_error(path, exc)) from exc
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(describe_error(path, exc)) from exc
    finally:
        conn.close()
    return version, tables


#: a workspace holding people numbered up to this many or more is told of its upgrade before it starts ...
UPGRADE_NOTICE_PEOPLE = 100_000
#: ... when it is older than this schema, whose upgrade sorts every merged person again (later ones are quick)
SLOW_UPGRADE_BELOW = 13


def upgrade_notice(path: Path, schema_version: int) -> str | None:
    """A line to say before opening a large workspace written by an older knowme: its upgrade may take a
    minute, once (a million records' merged people are sorted again by schema 13), and a silent command
    looks hung. None for a new, current or small workspace, or one that cannot be read (opening it says why)."""
    try:
        if not path.is_file() or path.stat().st_size < 100:  # none yet, or no database: opening it says why
            return None
        conn = _reader(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if not 0 < version < min(schema_version, SLOW_UPGRADE_BELOW):
                return None
            people = conn.execute("SELECT max(id) FROM people").fetchone()[0] or 0
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return None
    if people < UPGRADE_NOTICE_PEOPLE:
        return None
    return f"upgrading workspace {path} to this version of knowme (once; a large workspace takes a minute or two)"


def check_integrity(path: Path) -> None:
    """WorkspaceError when SQLite's quick check finds damage (workspaces up to QUICK_CHECK_MAX_BYTES).

    Run before every command, so a damaged workspace is refused by all of them rather than
    by the ones that happen to read the damaged pages (and written further by the others).
    """
    try:
        size = os.path.getsize(path)
    except OSError:
        return  # not there: opening it says why
    if size > QUICK_CHECK_MAX_BYTES:
        return
    try:
        conn = _reader(path)
        try:
            rows = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            return  # a writer holds it: its own commands will wait or say so
        raise WorkspaceError(describe_error(path, exc)) from exc
    if rows != ["ok"]:
        raise WorkspaceError(f"workspace {path} is damaged ({one_line(rows[0])}); restore it from a backup or import "
                             "into a new one")
