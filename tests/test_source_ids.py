"""Source ids are never given twice, as person and record ids are not: a forget of the newest source freed its
number, the next import of another book took it, and the forget's undo was refused as if "its address book was
imported again since" (and `knowme sources`, `forget 2` named the other book by the forgotten one's number)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from knowme.store.core import Store


def _book(path: Path, name: str, email: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\nEND:VCARD\r\n", encoding="utf-8")
    return path


def _sources(knowme) -> dict[int, str]:
    return {s["id"]: s["file"] for s in knowme.json("sources", "--json")}


def test_a_forgotten_books_number_is_never_given_to_another_and_its_forget_undoes(knowme, tmp_path: Path) -> None:
    a, b = _book(tmp_path / "a.vcf", "Al One", "al@a.example"), _book(tmp_path / "b.vcf", "Bo Two", "bo@b.example")
    assert knowme("import", a, b).returncode == 0
    assert knowme("forget", "b.vcf").returncode == 0
    assert knowme("import", _book(tmp_path / "c.vcf", "Cy Three", "cy@c.example")).returncode == 0
    assert _sources(knowme) == {1: "a.vcf", 3: "c.vcf"}
    undo = knowme("undo")
    assert undo.returncode == 0, undo.stderr
    assert _sources(knowme) == {1: "a.vcf", 2: "b.vcf", 3: "c.vcf"}
    assert sorted(p["name"] for p in knowme.json("list", "--json")) == ["Al One", "Bo Two", "Cy Three"]


def test_an_undo_refused_by_another_file_of_the_same_name_says_so(knowme, tmp_path: Path) -> None:
    """Another book saved under the forgotten one's file name holds its name: the refusal names that file and
    its number, and changes nothing."""
    assert knowme("import", _book(tmp_path / "a.vcf", "Al One", "al@a.example"),
                  _book(tmp_path / "b.vcf", "Bo Two", "bo@b.example")).returncode == 0
    assert knowme("forget", "b.vcf").returncode == 0
    assert knowme("import", _book(tmp_path / "other" / "b.vcf", "Di Four", "di@d.example")).returncode == 0
    undo = knowme("undo")
    assert undo.returncode == 1
    assert undo.stderr.strip().splitlines() == [
        "knowme: cannot put back what was removed: another file named b.vcf was imported since (source 3); "
        "`knowme forget` that import first, then undo"]
    assert _sources(knowme) == {1: "a.vcf", 3: "b.vcf"}


def test_a_workspace_upgraded_after_a_forget_never_gives_the_forgotten_number_again(knowme, tmp_path: Path) -> None:
    """A workspace of the version before: the newest source forgotten, its number free. The upgrade starts the
    numbers above it, so the next book gets another and the forget still undoes."""
    assert knowme("import", _book(tmp_path / "a.vcf", "Al One", "al@a.example"),
                  _book(tmp_path / "b.vcf", "Bo Two", "bo@b.example")).returncode == 0
    assert knowme("forget", "b.vcf").returncode == 0
    with Store.open(knowme.db) as store:  # as version 10 made it: ids given again
        conn = store.conn
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("BEGIN IMMEDIATE")
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name='sources'").fetchone()[0]
        conn.execute(re.sub(r'^CREATE TABLE "?sources"?', "CREATE TABLE sources_v10", sql.replace("AUTOINCREMENT", "")))
        conn.execute("INSERT INTO sources_v10 SELECT * FROM sources")
        conn.execute("DROP TABLE sources")
        conn.execute("ALTER TABLE sources_v10 RENAME TO sources")
        conn.execute("CREATE INDEX sources_base ON sources(base, format)")
        conn.execute("DELETE FROM sqlite_sequence WHERE name='sources'")
        conn.execute("PRAGMA user_version=11")  # before v12 gave sources their own numbers
        conn.execute("COMMIT")
    with Store.open(knowme.db) as store:
        assert "AUTOINCREMENT" in store.conn.execute("SELECT sql FROM sqlite_master WHERE name='sources'").fetchone()[0]
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert knowme("import", _book(tmp_path / "c.vcf", "Cy Three", "cy@c.example")).returncode == 0
    assert _sources(knowme) == {1: "a.vcf", 3: "c.vcf"}
    assert knowme("undo").returncode == 0
    assert json.loads(knowme("status", "--json").stdout)["records"] == 3
