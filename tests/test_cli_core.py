"""The command line as a user runs it: import, status, list, mark, undo, and bad input."""
from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.conftest import CORPUS, CORPUS_MISSING, Knowme

VCF = """BEGIN:VCARD\r
VERSION:3.0\r
N:Lima;Ana;;;\r
FN:Ana Lima\r
EMAIL;TYPE=HOME:ana@example.com\r
TEL;TYPE=CELL:(415) 555-0134\r
X-FAVOURITE-TEA:oolong\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
N:Stone;Bob;;;\r
FN:Bob Stone\r
EMAIL:bob@example.com\r
UID:bob-1\r
END:VCARD\r
"""


@pytest.fixture
def vcf(tmp_path: Path) -> Path:
    path = tmp_path / "phone.vcf"
    path.write_text(VCF, encoding="utf-8", newline="")
    return path


def test_import_then_status_and_list(knowme: Knowme, vcf: Path) -> None:
    proc = knowme("import", vcf)
    assert proc.returncode == 0, proc.stderr
    assert "phone.vcf: 2 records (vcard)" in proc.stdout
    status = knowme.json("status", "--json")
    assert status["records"] == 2 and status["people"] == 2
    assert status["sources"][0] == {**status["sources"][0], "file": "phone.vcf", "format": "vcard", "records": 2,
                                    "problems": 0}
    assert status["decisions"] == {"knows-me": 0, "personalize": 0, "exclude": 0, "undecided": 2}
    people = knowme.json("list", "--json")
    ana = next(p for p in people if p["name"] == "Ana Lima")
    assert ana["emails"] == ["ana@example.com"] and ana["phones"] == ["(415) 555-0134"]
    assert ana["records"] == [{"source": "phone.vcf", "index": 1, "uid": None}]
    assert ana["signals"] == {"sent": 0, "received": 0, "two_way_threads": 0, "last": None}
    assert ana["decision"] == "undecided" and ana["connected"] is False
    bob = next(p for p in people if p["name"] == "Bob Stone")
    assert bob["records"] == [{"source": "phone.vcf", "index": 2, "uid": "bob-1"}]
    assert stat.S_IMODE(knowme.db.stat().st_mode) == 0o600


def test_reimport_is_a_no_op(knowme: Knowme, vcf: Path) -> None:
    knowme("import", vcf)
    proc = knowme("import", vcf)
    assert proc.returncode == 0 and "unchanged" in proc.stdout
    assert knowme.json("status", "--json")["records"] == 2


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
                                     b'{"contacts": [1, 2]}', b"just some words\nand more\n"])
def test_not_an_address_book_is_one_line_and_changes_nothing(knowme: Knowme, vcf: Path, tmp_path: Path,
                                                             content: bytes) -> None:
    knowme("import", vcf)
    before = knowme("status", "--json").stdout
    junk = tmp_path / "junk.vcf"
    junk.write_bytes(content)
    proc = knowme("import", junk)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "junk.vcf" in lines[0] and "Traceback" not in proc.stderr
    assert knowme("status", "--json").stdout == before


def test_good_files_import_even_when_one_is_bad(knowme: Knowme, vcf: Path, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("nothing here\n")
    proc = knowme("import", junk, vcf)
    assert proc.returncode == 1 and "notes.txt" in proc.stderr
    assert knowme.json("status", "--json")["records"] == 2


def test_missing_file(knowme: Knowme, tmp_path: Path) -> None:
    proc = knowme("import", tmp_path / "nope.vcf")
    assert proc.returncode == 1 and "nope.vcf" in proc.stderr and "Traceback" not in proc.stderr


def test_mark_by_email_name_and_id_then_undo(knowme: Knowme, vcf: Path) -> None:
    knowme("import", vcf)
    assert knowme("mark", "ANA@example.com", "--as", "exclude").returncode == 0
    assert knowme("mark", "Bob Stone", "--as", "knows-me", "--note", "climbing").returncode == 0
    status = knowme.json("status", "--json")
    assert status["decisions"]["exclude"] == 1 and status["decisions"]["knows-me"] == 1
    bob = next(p for p in knowme.json("list", "--json") if p["name"] == "Bob Stone")
    assert bob["note"] == "climbing"
    assert knowme("undo").returncode == 0
    assert knowme.json("status", "--json")["decisions"]["knows-me"] == 0
    listed = knowme.json("list", "--decision", "exclude", "--json")
    assert [p["name"] for p in listed] == ["Ana Lima"]
    refused = knowme("mark", str(listed[0]["id"]), "--as", "undecided")  # un-excluding is said out loud
    assert refused.returncode == 1 and "Ana Lima is excluded" in refused.stderr and "--unexclude" in refused.stderr
    assert knowme("mark", str(listed[0]["id"]), "--as", "undecided", "--unexclude").returncode == 0
    assert knowme.json("status", "--json")["decisions"]["undecided"] == 2


def test_unknown_and_ambiguous_queries(knowme: Knowme, vcf: Path, tmp_path: Path) -> None:
    knowme("import", vcf)
    proc = knowme("mark", "nobody@nowhere.invalid", "--as", "knows-me")
    assert proc.returncode == 1 and "nobody" in proc.stderr and "Traceback" not in proc.stderr
    twin = tmp_path / "twin.vcf"
    twin.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana.lima@work.example\r\nEND:VCARD\r\n")
    knowme("import", twin)
    proc = knowme("mark", "Ana Lima", "--as", "knows-me")
    assert proc.returncode == 1 and "matches 2 people" in proc.stderr


def test_bad_usage_exits_2(knowme: Knowme) -> None:
    assert knowme("mark", "x", "--as", "maybe").returncode == 2
    assert knowme("frobnicate").returncode == 2


def test_damaged_workspace_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    db.write_bytes(b"this is not sqlite" * 100)
    proc = Knowme(db)("status")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not CORPUS.exists(), reason=CORPUS_MISSING)
def test_contract_files_import(knowme: Knowme) -> None:
    files = [CORPUS / "vcf" / "ezvcard" / "John_Doe_IPHONE.vcf", CORPUS / "csv" / "google-old" / "google.csv",
             CORPUS / "csv" / "linkedin" / "tombarr-Connections.redacted.csv"]
    proc = knowme("import", *files)
    assert proc.returncode == 0, proc.stderr
    people = knowme.json("list", "--json")
    assert any(p["connected"] for p in people)
    assert json.dumps(people)  # serialisable


def test_a_mistyped_path_makes_no_workspace(knowme: Knowme, vcf: Path) -> None:
    """Nothing to import, nothing made: an empty workspace would be left behind at the default place."""
    proc = knowme("import", "contcts.vcf")
    assert proc.returncode == 1 and proc.stderr == "knowme: contcts.vcf: no such file or folder\n"
    assert not knowme.db.exists()
    assert knowme("review", "a.vcf", "b.csv").stderr.splitlines() == [
        "knowme: a.vcf: no such file or folder", "knowme: b.csv: no such file or folder"]
    assert not knowme.db.exists()
    proc = knowme("import", "contcts.vcf", vcf)  # one file there: it is imported, the other named
    assert proc.returncode == 1 and "contcts.vcf: no such file or folder" in proc.stderr
    assert knowme.json("status", "--json")["records"] == 2


def test_files_that_are_no_address_book_make_no_workspace(knowme: Knowme, tmp_path: Path, vcf: Path) -> None:
    """A stray text file or an empty folder is refused with the import's own words, one line each,
    before a workspace is made for nothing; a folder holding a vCard is imported."""
    notes, empty = tmp_path / "notes.txt", tmp_path / "photos"
    notes.write_text("call Anna back\n")
    empty.mkdir()
    proc = knowme("import", notes, empty)
    assert proc.returncode == 1 and not knowme.db.exists()
    assert proc.stderr.splitlines() == [
        (f"knowme: {notes}: not an address book (no vCard, known CSV header or mail found); if it is a CSV, "
         "say which column holds what: --map name=COLUMN --map email=COLUMN (`knowme doctor FILE` shows how it "
         "reads)"),
        f"knowme: {empty}: not an address book (no vCard, known CSV header or mail found)"]
    assert "not an address book" in knowme("review", notes).stderr and not knowme.db.exists()
    book = tmp_path / "book"
    book.mkdir()
    (book / "phone.vcf").write_bytes(vcf.read_bytes())
    assert knowme("import", book).returncode == 0
    assert knowme.json("status", "--json")["records"] == 2


@pytest.mark.parametrize(("signal_name", "how", "status"), [("SIGINT", "interrupted", 130),
                                                             ("SIGTERM", "stopped (SIGTERM)", 143),
                                                             ("SIGHUP", "stopped (SIGHUP)", 129)])
def test_a_stop_while_the_command_starts_is_one_line_not_a_traceback(signal_name: str, how: str,
                                                                      status: int) -> None:
    """ctrl+c, `kill` or a closed terminal during the imports, before `main` runs (a cold disk or a
    loaded machine makes them take a while): Python answered ctrl+c with a traceback through whichever
    import it was in, and SIGTERM or SIGHUP with no word at all."""
    import subprocess
    import sys

    code = ("import knowme.cli.main, os, signal, time\n"
            f"os.kill(os.getpid(), signal.{signal_name})\n"
            "time.sleep(30)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == status
    assert done.stderr == f"knowme: {how} while starting; nothing half-done was saved (nothing had begun)\n"


@pytest.mark.parametrize(("signal_name", "status"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_kill_while_the_arguments_are_read_is_one_line(signal_name: str, status: int) -> None:
    """`kill` or a closed terminal once `main` runs but before the command does (reading the arguments
    imports every command's module: most of a second on a loaded machine): the command died without a
    word (a stop one second into `knowme import` met it about 1 run in 40 there)."""
    import subprocess
    import sys

    code = ("import knowme.cli.main as cli_main, os, signal, sys, time\n"
            "def parser(argv=None):\n"
            f"    os.kill(os.getpid(), signal.{signal_name})\n"
            "    time.sleep(30)\n"
            "cli_main.build_parser = parser\n"
            "sys.exit(cli_main.main(['status']))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (
        status, f"knowme: stopped ({signal_name}) while starting; nothing half-done was saved (nothing had begun)\n")


def test_ctrl_c_while_the_arguments_are_read_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    import knowme.cli.main as cli_main

    def interrupted(argv: object = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main, "build_parser", interrupted)
    assert cli_main.main(["status"]) == 130
    assert capsys.readouterr().err == "knowme: interrupted while starting; nothing half-done was saved (nothing had begun)\n"


EVIL = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Evil\x1b[2K\x1b[1AName\r\nN:Name;Evil;;;\r\n"
        "EMAIL:evil@example.com\r\nEND:VCARD\r\n")


def test_control_characters_in_names_are_shown_not_obeyed_by_the_terminal(knowme: Knowme, tmp_path: Path) -> None:
    """A card whose name is a terminal sequence erased the lines printed before it (a refusal among
    them) and a carriage return wrote over its own line: on a terminal, and always on stderr, they
    show as ^[ and ^M; a file or pipe on stdout keeps the bytes."""
    import os
    import pty
    import subprocess
    import sys

    path = tmp_path / "evil.vcf"
    path.write_text(EVIL, encoding="utf-8", newline="")
    assert knowme("import", path).returncode == 0
    piped = knowme("list")
    assert "\x1b[2K" in piped.stdout  # (a pipe: the data as it is)
    assert knowme("mark", "evil@example.com", "--as", "exclude").returncode == 0
    refused = knowme("mark", "evil@example.com", "--as", "knows-me")  # "Evil... is excluded; ..."
    assert "\x1b" not in refused.stderr and "^[[2K" in refused.stderr
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "knowme.cli", "--db", str(knowme.db), "list"], stdout=child,
                            stderr=subprocess.PIPE, env={k: v for k, v in os.environ.items() if k != "KNOWME_DB"})
    os.close(child)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert proc.wait(timeout=60) == 0
    text = shown.decode("utf-8")
    assert "\x1b" not in text and "Evil^[[2K^[[1AName " in text
