"""Writes that cannot hurt: what an export may replace, what an import may read.

An export never replaces the workspace, its journal or a file imported into it (by path, by another
path to it, by a hard link); another existing file only with --force; never a link, FIFO or device.
`-o -` is standard output. Inputs that are links, FIFOs or devices are refused, and a FIFO inside an
import folder is skipped with a problem line instead of hanging the import.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, Knowme

from knowme.exports import ExportError, export_safe
from knowme.store.core import Store

BOOK = SAMPLE / "iphone.vcf"


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


@pytest.fixture
def workspace(tmp_path: Path) -> Knowme:
    """A workspace with one imported copy of a sample book (its path is `tmp_path/in/book.vcf`)."""
    book = tmp_path / "in" / "book.vcf"
    book.parent.mkdir()
    book.write_bytes(BOOK.read_bytes())
    knowme = Knowme(tmp_path / "w.db")
    assert knowme("import", book).returncode == 0
    listed = knowme.json("list", "--json")
    with_mail = [str(p["id"]) for p in listed if p["emails"]][:5]  # type: ignore[index,union-attr]
    assert knowme("mark", *with_mail, "--as", "knows-me").returncode == 0
    return knowme


def test_an_export_never_replaces_the_workspace_or_its_journal(workspace: Knowme, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = workspace.db
    for name in ("w.db", "w.db-wal", "w.db-shm", "w.db-journal"):
        target = tmp_path / name
        before = target.read_bytes() if target.exists() else None
        for force in ((), ("--force",)):
            p = workspace("export", "safe", "-o", target, *force)
            line = one_line(p.stderr)
            assert p.returncode == 1 and "workspace" in line and "choose another file" in line, line
        assert (target.read_bytes() if target.exists() else None) == before
    # the same file reached another way: relative, through a linked folder, a hard link
    os.symlink(tmp_path, tmp_path / "via")
    os.link(db, tmp_path / "hard.db")
    for target in (f"{tmp_path}/./w.db", tmp_path / "via" / "w.db", tmp_path / "hard.db"):
        assert workspace("export", "safe", "-o", target, "--force").returncode == 1, target
    from knowme.cli.main import main

    monkeypatch.chdir(tmp_path)  # a relative path, and --db relative too
    assert main(["--db", "w.db", "export", "safe", "-o", "w.db", "--force"]) == 1
    assert main(["--db", "./w.db", "export", "safe", "-o", "via/w.db-wal", "--force"]) == 1
    assert workspace("status").returncode == 0  # still a sound workspace


def test_an_export_never_replaces_a_file_imported_into_the_workspace(workspace: Knowme, tmp_path: Path) -> None:
    book = tmp_path / "in" / "book.vcf"
    before = book.read_bytes()
    os.link(book, tmp_path / "same-file.vcf")
    for target in (book, tmp_path / "same-file.vcf"):
        p = workspace("export", "safe", "-o", target, "--force", "--format", "vcard")
        line = one_line(p.stderr)
        assert p.returncode == 1 and "imported into the workspace" in line and "book.vcf" in line, line
    assert book.read_bytes() == before


def test_an_export_never_writes_inside_an_imported_folder(tmp_path: Path) -> None:
    folder = tmp_path / "vdir"
    folder.mkdir()
    (folder / "a.vcf").write_bytes(BOOK.read_bytes())
    knowme = Knowme(tmp_path / "w.db")
    assert knowme("import", folder).returncode == 0
    p = knowme("export", "outreach", "-o", folder / "queue.md")
    assert p.returncode == 1 and "inside a folder that was imported" in one_line(p.stderr)
    assert sorted(p.name for p in folder.iterdir()) == ["a.vcf"]


def test_an_existing_file_is_replaced_only_with_force(workspace: Knowme, tmp_path: Path) -> None:
    out = tmp_path / "safe.csv"
    out.write_text("last time's file")
    out.chmod(0o644)
    for kind in ("safe", "outreach"):
        p = workspace("export", kind, "-o", out)
        line = one_line(p.stderr)
        assert p.returncode == 1 and "exists; pass --force to replace it" in line
        assert out.read_text() == "last time's file"
    p = workspace("export", "safe", "-o", out, "--force")
    assert p.returncode == 0 and out.read_text().startswith("First Name")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if "knowme-tmp" in p.name] == []


def test_links_fifos_and_devices_are_refused_as_outputs(workspace: Knowme, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "link.csv").symlink_to(victim)
    os.mkfifo(tmp_path / "pipe.csv")
    for target, kind in ((tmp_path / "link.csv", "symbolic link"), (tmp_path / "pipe.csv", "FIFO"),
                         (Path("/dev/null"), "device"), (tmp_path, "folder")):
        for force in ((), ("--force",)):
            p = workspace("export", "safe", "-o", target, *force)
            line = one_line(p.stderr)
            assert p.returncode == 1 and kind in line, (target, line)
    assert victim.read_text() == "precious" and (tmp_path / "link.csv").is_symlink()
    assert stat.S_ISFIFO((tmp_path / "pipe.csv").lstat().st_mode)


def test_dash_writes_the_export_to_standard_output(workspace: Knowme, tmp_path: Path) -> None:
    p = workspace("export", "safe", "-o", "-")
    assert p.returncode == 0 and p.stdout.startswith("First Name,Last Name,E-mail Address")
    assert "wrote standard output" in p.stderr and "written:" in p.stderr  # the summary is not in the data
    assert not (ROOT / "-").exists() and not (tmp_path / "-").exists()
    p = workspace("export", "outreach", "-o", "-", "--format", "json")
    assert p.returncode == 0 and p.stdout.lstrip().startswith("{")
    p = workspace("export", "safe", "-o", "-", "--format", "vcard", "--json")
    assert p.returncode == 0 and p.stdout.startswith("BEGIN:VCARD") and '"file": "-"' in p.stderr


def test_the_python_api_refuses_the_same(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.db") as store:
        with pytest.raises(ExportError, match="is the workspace"):
            export_safe(store, store.path, force=True)
        (tmp_path / "s.csv").write_text("x")
        with pytest.raises(ExportError, match="exists"):
            export_safe(store, tmp_path / "s.csv")
        export_safe(store, tmp_path / "s.csv", force=True)


# ---- inputs ----------------------------------------------------------------------------------------


def _import_in_new_process(db: Path, *paths: Path) -> subprocess.CompletedProcess:
    """A real `knowme import` with a time limit: an import that hangs on a FIFO fails instead of blocking."""
    return subprocess.run([sys.executable, "-m", "knowme.cli", "--db", str(db), "import", *map(str, paths)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={k: v for k, v in os.environ.items() if k != "KNOWME_DB"})


def test_links_fifos_and_devices_are_refused_as_inputs(tmp_path: Path) -> None:
    (tmp_path / "link.vcf").symlink_to(BOOK)
    os.mkfifo(tmp_path / "pipe.vcf")
    knowme = Knowme(tmp_path / "w.db")
    for path, kind in ((tmp_path / "link.vcf", "symbolic link"), (tmp_path / "pipe.vcf", "FIFO"),
                       (Path("/dev/zero"), "device")):
        p = _import_in_new_process(knowme.db, path)
        assert p.returncode == 1 and kind in one_line(p.stderr), p.stderr
    p = knowme("import", tmp_path / "link.vcf")
    assert str(BOOK) in p.stderr  # says which file to import instead


@pytest.mark.parametrize("folder_kind", ["vdir", "mail"])
def test_a_fifo_in_an_import_folder_is_skipped_with_a_message(tmp_path: Path, folder_kind: str) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    if folder_kind == "vdir":
        (folder / "a.vcf").write_bytes(BOOK.read_bytes())
        os.mkfifo(folder / "b.vcf")
    else:
        (folder / "sent.mbox").write_bytes((SAMPLE / "sent.mbox").read_bytes())
        os.mkfifo(folder / "message.eml")
    p = _import_in_new_process(tmp_path / "w.db", folder)
    assert p.returncode == 0, p.stderr
    skipped = [line for line in p.stderr.splitlines() if "FIFO" in line]
    assert len(skipped) == 1 and "skipped" in skipped[0], p.stderr
    assert "records" in p.stdout


def test_an_export_never_replaces_an_earlier_imported_version(workspace: Knowme, tmp_path: Path) -> None:
    """A newer export of the same book imported from another path replaces the source; the file imported
    before is still the user's address book, and an export never writes over it (even with --force)."""
    book = tmp_path / "in" / "book.vcf"
    newer = tmp_path / "v2" / "book.vcf"
    newer.parent.mkdir()
    newer.write_bytes(book.read_bytes().replace(b"END:VCARD", b"NOTE:updated\r\nEND:VCARD", 1))
    p = workspace("import", newer)
    assert p.returncode == 0 and "replaced the earlier import" in p.stdout, p.stdout + p.stderr
    before = book.read_bytes()
    for target in (book, newer):
        p = workspace("export", "safe", "-o", target, "--force", "--format", "vcard")
        line = one_line(p.stderr)
        assert p.returncode == 1 and "imported into the workspace" in line, line
    assert book.read_bytes() == before
    status = workspace.json("status", "--json")
    assert [s["path"] for s in status["sources"]] == [str(newer)]  # type: ignore[index]
    # forgetting the source does not make its files fair game either (its undo brings it back)
    assert workspace("forget", "book.vcf").returncode == 0
    assert workspace("export", "safe", "-o", book, "--force").returncode == 1
    assert book.read_bytes() == before


def test_an_older_workspace_protects_the_files_its_sources_came_from(workspace: Knowme, tmp_path: Path) -> None:
    """A workspace written before v8 knew only each source's current path: the upgrade remembers those."""
    with Store.open(workspace.db) as store:
        store.conn.executescript("DROP TABLE imported_paths")
        store.conn.execute("PRAGMA user_version=7")
    book = tmp_path / "in" / "book.vcf"
    before = book.read_bytes()
    p = workspace("export", "safe", "-o", book, "--force")
    assert p.returncode == 1 and "imported into the workspace" in one_line(p.stderr)
    newer = tmp_path / "v2" / "book.vcf"
    newer.parent.mkdir()
    newer.write_bytes(before.replace(b"END:VCARD", b"NOTE:updated\r\nEND:VCARD", 1))
    assert "replaced the earlier import" in workspace("import", newer).stdout
    assert workspace("export", "safe", "-o", book, "--force").returncode == 1
    assert book.read_bytes() == before
