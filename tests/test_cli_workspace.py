"""The workspace a command runs on: made only on purpose, checked before anything touches it.

Only `import`, `review FILE...` and `demo` make a workspace; anything at --db that is not a
knowme workspace (another program's database, a text file, a folder, a damaged or read-only
workspace) is refused in one line, exit 1, without a byte, its mode or a side file changed.
"""
from __future__ import annotations

import ast
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, Knowme

from knowme.cli.main import build_parser
from knowme.store import DatabaseError, is_busy, is_interrupted
from knowme.store.core import Store
from knowme.store.workspace import (
    SQLITE_BUSY,
    SQLITE_CORRUPT,
    SQLITE_NOTADB,
    SQLITE_READONLY,
    describe_error,
    error_code,
)

BOOK = SAMPLE / "iphone.vcf"
# Every command that needs a workspace, with arguments that would work on one.
NEEDS_ONE = [("status",), ("list",), ("settings",), ("set", "note-limit", "200"), ("undo",), ("redo",),
             ("dedupe",), ("pairs",), ("sources",), ("suggest",), ("mark", "1", "--as", "knows-me"),
             ("split", "1"), ("resolve", "1", "same"), ("forget", "iphone.vcf"), ("export", "safe", "-o", "{out}"),
             ("export", "outreach", "-o", "{out}"), ("review",)]


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file in a folder: bytes, mode and modification time (what "untouched" means)."""
    return {p.name: (p.read_bytes() if p.is_file() else b"", p.lstat().st_mode, p.lstat().st_mtime_ns)
            for p in folder.iterdir()}


# ---- made on purpose --------------------------------------------------------------------------------


def test_a_typo_in_db_is_an_error_not_an_empty_export(tmp_path: Path) -> None:
    """`knowme --db w1.sqlte export safe -o out.csv` used to exit 0 with an empty file."""
    knowme = Knowme(tmp_path / "w1.sqlte")
    p = knowme("export", "safe", "-o", tmp_path / "out.csv")
    line = one_line(p.stderr)
    assert p.returncode == 1 and "no workspace at" in line and "w1.sqlte" in line and "knowme import FILE" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", NEEDS_ONE, ids=[" ".join(a) for a in NEEDS_ONE])
def test_no_command_but_import_review_files_and_demo_makes_a_workspace(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = tmp_path / "not" / "yet" / "w.db"
    p = Knowme(db)(*(a.format(out=tmp_path / "out.csv") for a in args))
    assert p.returncode == 1 and "no workspace at" in one_line(p.stderr)
    assert list(tmp_path.iterdir()) == []  # not even the folders leading to it


def test_import_makes_the_workspace_and_its_folders_private(tmp_path: Path) -> None:
    db = tmp_path / "new" / "folder" / "w.db"
    assert Knowme(db)("import", BOOK).returncode == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert not [p for p in db.parent.iterdir() if "knowme-new" in p.name]  # made under a temporary name


def test_an_empty_file_becomes_the_workspace_an_import_makes(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    db.touch()
    assert Knowme(db)("import", BOOK).returncode == 0
    assert Knowme(db)("status").returncode == 0


def test_review_without_files_needs_a_workspace_and_with_files_makes_one() -> None:
    parser = build_parser()
    from knowme.cli.main import creates_workspace

    assert not creates_workspace(parser.parse_args(["review"]))
    assert creates_workspace(parser.parse_args(["review", "a.vcf"]))
    assert creates_workspace(parser.parse_args(["import", "a.vcf"]))
    assert not creates_workspace(parser.parse_args(["settings"]))


def test_db_is_taken_after_the_command_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "w.db"
    nowhere = Knowme(tmp_path / "elsewhere.db")  # its --db before the command, overridden after it
    assert nowhere("import", BOOK, "--db", db).returncode == 0
    assert not (tmp_path / "elsewhere.db").exists()
    p = nowhere("status", "--json", "--db", db)
    assert p.returncode == 0 and '"records": 136' in p.stdout
    p = nowhere("export", "safe", "-o", tmp_path / "s.csv", "--db", db)
    assert p.returncode == 0, p.stderr
    p = nowhere("export", "--db", db, "outreach", "-o", tmp_path / "q.md")
    assert p.returncode == 0, p.stderr
    assert nowhere("set", "note-limit", "200", "--db", db).returncode == 0
    p = nowhere("lint", "Hi Ana, great to meet you at the Lisbon data meetup. " * 5, "--db", db)
    assert p.returncode == 1 and "too-long" in p.stdout  # the limit of --db's workspace
    # KNOWME_DB when no --db is given at all
    from knowme.cli.main import main

    monkeypatch.setenv("KNOWME_DB", str(db))
    assert main(["status", "--json"]) == 0
    monkeypatch.setenv("KNOWME_DB", str(tmp_path / "typo.db"))
    assert main(["status"]) == 1 and not (tmp_path / "typo.db").exists()


# ---- not a workspace: refused untouched ------------------------------------------------------------


def _other_programs_db(path: Path, wal: bool) -> Path:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places(url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    path.chmod(0o644)
    return path


# An empty file (or empty SQLite file) becomes the workspace an import makes: nothing of anyone's is in it.
NOT_A_WORKSPACE = [(kind, command) for kind in ("sqlite", "sqlite-wal", "text", "empty", "empty-sqlite", "folder")
                   for command in (("status",), ("import", str(BOOK)), ("export", "safe", "-o", "-"))
                   if not (kind.startswith("empty") and command[0] == "import")]


@pytest.mark.parametrize(("kind", "command"), NOT_A_WORKSPACE, ids=[f"{k}-{c[0]}" for k, c in NOT_A_WORKSPACE])
def test_a_db_that_is_not_a_workspace_is_refused_untouched(tmp_path: Path, kind: str,
                                                           command: tuple[str, ...]) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    target = folder / "places.sqlite"
    if kind.startswith("sqlite"):
        _other_programs_db(target, wal=kind == "sqlite-wal")
    elif kind == "text":
        target.write_text("my shopping list\n")
        target.chmod(0o644)
    elif kind == "empty":
        target.touch(mode=0o644)
    elif kind == "empty-sqlite":
        sqlite3.connect(target).close()
    else:
        target.mkdir()
    before = snapshot(folder)
    p = Knowme(target)(*command)
    line = one_line(p.stderr)
    assert p.returncode == 1 and "not a knowme workspace" in line, line
    assert snapshot(folder) == before  # same bytes, same mode, same time, no -wal or -shm beside it


def test_a_read_only_workspace_is_a_one_line_error_and_stays_read_only(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    knowme = Knowme(db)
    assert knowme("import", BOOK).returncode == 0
    db.chmod(0o400)
    try:
        for args in (("status",), ("mark", "1", "--as", "knows-me"), ("import", SAMPLE / "android.vcf")):
            p = knowme(*args)
            assert p.returncode == 1 and "read-only" in one_line(p.stderr)
            assert stat.S_IMODE(db.stat().st_mode) == 0o400
    finally:
        db.chmod(0o600)


def _damaged(tmp_path: Path, how: str) -> Path:
    db = tmp_path / "w.db"
    assert Knowme(db)("import", BOOK).returncode == 0
    data = bytearray(db.read_bytes())
    if how == "cut":
        data = data[: len(data) // 2]
    else:  # pages in the middle overwritten
        data[len(data) // 3: len(data) // 3 + 20000] = b"\xa5" * 20000
    db.write_bytes(bytes(data))
    return db


@pytest.mark.parametrize("how", ["cut", "overwritten"])
def test_a_damaged_workspace_is_refused_by_every_command(tmp_path: Path, how: str) -> None:
    db = _damaged(tmp_path, how)
    knowme = Knowme(db)
    before = db.read_bytes()
    for args in [*NEEDS_ONE[:-1], ("import", str(SAMPLE / "android.vcf"))]:
        p = knowme(*(a.format(out=tmp_path / "out.csv") for a in args))
        line = one_line(p.stderr)
        assert p.returncode == 1 and "damaged" in line, (args, line)
    assert db.read_bytes() == before and not (tmp_path / "out.csv").exists()


def test_sqlite_errors_are_told_apart_by_their_code(tmp_path: Path) -> None:
    def error(code: int) -> sqlite3.Error:
        exc = sqlite3.OperationalError("some message that says nothing")
        exc.sqlite_errorcode = code  # type: ignore[attr-defined]
        return exc

    path = tmp_path / "w.db"
    assert "busy" in describe_error(path, error(SQLITE_BUSY))
    assert "damaged" in describe_error(path, error(SQLITE_CORRUPT))
    assert "not a knowme workspace" in describe_error(path, error(SQLITE_NOTADB))
    assert "read-only" in describe_error(path, error(SQLITE_READONLY))
    assert error_code(error(SQLITE_CORRUPT | (1 << 8))) == SQLITE_CORRUPT  # an extended code
    with pytest.raises(sqlite3.DatabaseError) as info:
        sqlite3.connect(tmp_path).execute("SELECT 1")
    assert error_code(info.value) is not None  # Python 3.11 gives every sqlite3 error its code


# ---- inputs that cannot be read, numbers too large ------------------------------------------------------


def test_an_id_too_large_for_an_integer_is_one_line(knowme: Knowme) -> None:
    assert knowme("import", BOOK).returncode == 0
    for args in (("split", "99999999999999999999"), ("resolve", "99999999999999999999", "same"),
                 ("mark", "99999999999999999999", "--as", "exclude"), ("mark", "1", "--priority", "9" * 30)):
        p = knowme(*args)
        assert p.returncode == 1 and one_line(p.stderr).startswith("knowme: "), args


def test_a_file_that_vanishes_mid_import_is_one_line_and_changes_nothing(knowme: Knowme, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from knowme import importing

    assert knowme("import", BOOK).returncode == 0
    book = tmp_path / "android.vcf"
    book.write_bytes((SAMPLE / "android.vcf").read_bytes())
    real = importing.fingerprint

    def vanish(path: Path, files: list[Path] | None = None) -> str:
        path.unlink()
        return real(path, files)

    monkeypatch.setattr(importing, "fingerprint", vanish)
    p = knowme("import", book)
    assert p.returncode == 1 and "cannot read it" in one_line(p.stderr) and "android.vcf" in p.stderr
    assert '"records": 136' in knowme("status", "--json").stdout


def test_a_file_the_system_will_not_let_us_read_is_one_line(knowme: Knowme, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """As a permission error looks to knowme (root may read anything, so it is simulated here)."""
    from knowme import importers

    def refuse(path: object) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(importers, "open_regular", refuse)
    p = knowme("import", BOOK)
    line = one_line(p.stderr)
    assert p.returncode == 1 and "iphone.vcf: cannot read it: Permission denied" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_is_one_line(knowme: Knowme, tmp_path: Path) -> None:
    book = tmp_path / "locked.vcf"
    book.write_bytes(BOOK.read_bytes())
    book.chmod(0)
    p = knowme("import", book)
    assert p.returncode == 1 and "locked.vcf" in one_line(p.stderr)


def test_the_command_in_a_new_process_says_the_same(tmp_path: Path) -> None:
    """The real command (not main() in this process): one line, exit 1, nothing made."""
    proc = subprocess.run([sys.executable, "-m", "knowme.cli", "settings", "--db", str(tmp_path / "x" / "w.db")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={k: v for k, v in os.environ.items() if k != "KNOWME_DB"})
    assert proc.returncode == 1 and "no workspace at" in one_line(proc.stderr)
    assert list(tmp_path.iterdir()) == []


def test_store_open_refuses_to_create_when_told(tmp_path: Path) -> None:
    from knowme.store.workspace import NoWorkspace

    with pytest.raises(NoWorkspace):
        Store.open(tmp_path / "w.db", create=False)
    assert list(tmp_path.iterdir()) == []
    Store.open(tmp_path / "w.db").close()
    Store.open(tmp_path / "w.db", create=False).close()


def test_an_interrupted_query_is_told_by_its_code_not_its_message(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "w.db")
    conn.set_progress_handler(lambda: 1, 1000)  # what `interrupt()` from another thread does, at once
    with pytest.raises(DatabaseError) as info:
        conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")
    assert is_interrupted(info.value) and not is_busy(info.value)
    assert not is_interrupted(sqlite3.OperationalError("interrupted"))  # the words alone say nothing


def test_the_cli_catches_the_storage_errors_without_sqlite3() -> None:
    tree = ast.parse((ROOT / "knowme" / "cli" / "main.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "sqlite3" not in imported
