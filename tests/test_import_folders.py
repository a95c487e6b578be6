"""Importing a folder: nothing in it is passed over in silence.

A folder that is one address book of one kind (a vdir, a Maildir) is one source; any other file in it
that knowme reads is imported on its own, as if named on the command line (so importing the folder again,
or the file, finds that source and its decisions); the files that are no address book are named, one
line, and the rest imports. Hidden files are left out; links and FIFOs are never read, and are named.
"""
from __future__ import annotations

import mailbox
import os
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import SAMPLE, Knowme

GOOGLE = ("First Name,Last Name,E-mail 1 - Type,E-mail 1 - Value\r\n"
          "Grace,Hopper,* Work,grace@navy.example\r\nAlan,Turing,,alan@bletchley.example\r\n")
CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nN:{last};{first};;;\r\nEMAIL:{email}\r\nEND:VCARD\r\n"


def card(first: str, last: str) -> str:
    return CARD.format(name=f"{first} {last}", first=first, last=last, email=f"{first.lower()}@example.org")


def sources(knowme: Knowme) -> dict[str, tuple[str, int]]:
    status = knowme.json("status", "--json")
    return {s["file"]: (s["format"], s["records"]) for s in status["sources"]}  # type: ignore[index]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """The tester's folder: two vCard files, a Google Contacts CSV, a binary file, and a .DS_Store."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.vcf").write_text(card("Ada", "Lovelace"), newline="")
    (folder / "t.vcf").write_text(card("Tim", "Berners") + card("Kay", "Sparck"), newline="")
    (folder / "g.csv").write_text(GOOGLE, newline="")
    (folder / "photo.bin").write_bytes(bytes(range(256)) * 4)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00")
    return folder


def test_a_mixed_folder_imports_every_address_book_in_it_and_names_the_rest(mixed: Path, tmp_path: Path) -> None:
    knowme = Knowme(tmp_path / "w.db")
    p = knowme("import", mixed)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["mixed: 3 records (vcard)", "g.csv: 2 records (google)"]
    assert p.stderr.splitlines() == [f"{mixed / 'photo.bin'}: skipped: not an address book (no vCard, known CSV "
                                     "header or mail found)"]  # one line; .DS_Store is nobody's address book
    assert sources(knowme) == {"mixed": ("vcard", 3), "g.csv": ("google", 2)}
    # importing the folder again finds both sources: nothing new, the decision on the CSV's person stays
    assert knowme("mark", "grace@navy.example", "--as", "knows-me").returncode == 0
    p = knowme("import", mixed)
    assert p.returncode == 0 and p.stdout.splitlines() == [
        "mixed: unchanged since the last import (3 records)", "g.csv: unchanged since the last import (2 records)"]
    # and the CSV named on its own is the same source too
    p = knowme("import", mixed / "g.csv", mixed)
    assert p.returncode == 0 and "unchanged" in p.stdout.splitlines()[0]
    assert sources(knowme) == {"mixed": ("vcard", 3), "g.csv": ("google", 2)}
    # a newer CSV replaces its source (decision kept); the vCard folder beside it is unchanged
    (mixed / "g.csv").write_text(GOOGLE + "Katherine,Johnson,,kj@nasa.example\r\n", newline="")
    p = knowme("import", mixed)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0] == "mixed: unchanged since the last import (3 records)"
    assert "g.csv: 3 records (google); replaced the earlier import" in p.stdout
    listed = knowme.json("list", "--json")
    assert [x["decision"] for x in listed if x["emails"] == ["grace@navy.example"]] == ["knows-me"]  # type: ignore
    assert knowme.json("status", "--json")["records"] == 6  # type: ignore[index]


def test_mail_beside_vcards_is_imported_as_its_own_source(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "a.vcf").write_text(card("Ada", "Lovelace"), newline="")
    (folder / "sent.mbox").write_bytes((SAMPLE / "sent.mbox").read_bytes())
    knowme = Knowme(tmp_path / "w.db")
    p = knowme("import", folder)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    found = sources(knowme)
    assert found["export"] == ("vcard", 1) and found["sent.mbox"][0] == "mbox" and found["sent.mbox"][1] > 0


def test_a_folder_of_csv_files_imports_each(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    (folder / "older").mkdir(parents=True)
    (folder / "google.csv").write_text(GOOGLE, newline="")
    (folder / "older" / "Connections.csv").write_bytes((SAMPLE / "Connections.csv").read_bytes())
    knowme = Knowme(tmp_path / "w.db")
    p = knowme("import", folder)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert sources(knowme)["google.csv"] == ("google", 2)
    assert sources(knowme)["Connections.csv"][0] == "linkedin"
    assert knowme("import", folder, folder).stdout.count("unchanged") == 4  # a folder given twice: nothing new


def test_a_folder_with_no_address_book_is_refused_naming_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    knowme = Knowme(tmp_path / "w.db")
    p = knowme("import", folder)
    assert p.returncode == 1 and not knowme.db.exists()
    assert p.stderr.splitlines() == [f"knowme: {folder}: not an address book (no vCard, known CSV header or mail "
                                     "found in its 1 file: cat.jpg)"]


def test_an_unreadable_csv_in_a_folder_is_an_error_and_the_rest_imports(tmp_path: Path) -> None:
    """A file named as an address book (.csv) that cannot be read is refused as on the command line."""
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "a.vcf").write_text(card("Ada", "Lovelace"), newline="")
    (folder / "odd.csv").write_text("Who,Reach\r\nAda,somewhere\r\n", newline="")
    knowme = Knowme(tmp_path / "w.db")
    p = knowme("import", folder)
    assert p.returncode == 1 and p.stdout.splitlines() == ["book: 1 record (vcard)"]
    assert len(p.stderr.splitlines()) == 1 and f"{folder / 'odd.csv'}: not an address book" in p.stderr
    assert "--map" in p.stderr


def test_a_maildir_stays_one_source_and_a_card_in_it_is_imported_too(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    box = mailbox.Maildir(str(root))
    for n, sender in enumerate(("ann@x.example", "bob@y.example")):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, "me@example.org", f"hello {n}"
        msg["Date"], msg["Message-ID"] = "Mon, 1 Jan 2024 10:00:00 +0000", f"<m{n}@x.example>"
        box.add(msg)
    (root / "contacts.vcf").write_text(card("Ada", "Lovelace"), newline="")
    (root / "dovecot-uidlist").write_text("3 V1 N1\n")  # the mail store's own: not worth a line
    knowme = Knowme(tmp_path / "w.db")
    p = knowme("import", root, "--me", "me@example.org")
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert sources(knowme) == {"Maildir": ("mbox", 2), "contacts.vcf": ("vcard", 1)}
    # nested in a folder of cards, a Maildir is one source of its own, not one per message
    outer = tmp_path / "outer"
    outer.mkdir()
    (outer / "b.vcf").write_text(card("Bea", "Stone"), newline="")
    os.rename(root, outer / "Maildir")
    other = Knowme(tmp_path / "w2.db")
    p = other("import", outer, "--me", "me@example.org")
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert sources(other) == {"outer": ("vcard", 1), "Maildir": ("mbox", 2), "contacts.vcf": ("vcard", 1)}


def test_links_and_fifos_in_a_folder_are_named_never_read(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "a.vcf").write_text(card("Ada", "Lovelace"), newline="")
    elsewhere = tmp_path / "secret.csv"
    elsewhere.write_text(GOOGLE, newline="")
    (folder / "link.csv").symlink_to(elsewhere)
    os.mkfifo(folder / "pipe")
    knowme = Knowme(tmp_path / "w.db")
    p = knowme("import", folder)
    assert p.returncode == 0, p.stderr
    lines = p.stderr.splitlines()
    assert len(lines) == 2 and "link.csv: skipped: is a symbolic link" in lines[0], lines
    assert "pipe: skipped: is a FIFO" in lines[1]
    assert sources(knowme) == {"book": ("vcard", 1)}


def test_an_explicit_format_reads_the_folder_as_that_and_names_the_rest(mixed: Path, tmp_path: Path) -> None:
    knowme = Knowme(tmp_path / "w.db")
    p = knowme("import", mixed, "--format", "vcard")
    assert p.returncode == 0 and p.stdout.splitlines() == ["mixed: 3 records (vcard)"]
    assert sorted(line.split(": skipped")[0] for line in p.stderr.splitlines()) == [
        str(mixed / "g.csv"), str(mixed / "photo.bin")]
    assert "--format vcard" in p.stderr


def test_the_workspace_inside_the_folder_is_not_named_as_skipped(mixed: Path) -> None:
    knowme = Knowme(mixed / "w.db")
    assert knowme("import", mixed).returncode == 0
    p = knowme("import", mixed)
    assert p.returncode == 0 and "w.db" not in p.stderr and p.stderr.count("skipped") == 1, p.stderr
