"""Sources are manageable: --map alone reads a CSV, a changed mapping or format re-imports,
`knowme sources` lists them, `knowme forget` removes one as one undoable action, and
`knowme doctor` explains how a file would be read without importing it."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import SAMPLE, Knowme

ODD = "Person,Reach,Digits\nAna Silva,ana@example.org,+351 912 345 678\nBob Jones,bob@example.net,\n"


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    path = tmp_path / "odd.csv"
    path.write_text(ODD)
    return path


def people(knowme: Knowme) -> list[dict]:
    return knowme.json("list", "--json")  # type: ignore[return-value]


# ---- --map -----------------------------------------------------------------------------------------


def test_map_alone_reads_a_csv_and_an_unknown_layout_says_how(knowme: Knowme, odd: Path) -> None:
    p = knowme("import", odd)
    line = one_line(p.stderr)
    assert p.returncode == 1 and "--map name=COLUMN" in line and "knowme doctor" in line
    p = knowme("import", odd, "--map", "name=Person", "--map", "email=Reach")
    assert p.returncode == 0 and "odd.csv: 2 records (csv)" in p.stdout, p.stderr
    assert sorted(q["name"] for q in people(knowme)) == ["Ana Silva", "Bob Jones"]
    p = knowme("import", SAMPLE / "iphone.vcf", "--map", "name=Person")
    assert p.returncode == 1 and "--map names CSV columns" in one_line(p.stderr)


def test_a_corrected_map_reimports_and_keeps_decisions(knowme: Knowme, odd: Path) -> None:
    assert knowme("import", odd, "--map", "name=Person", "--map", "email=Reach").returncode == 0
    ana = next(q for q in people(knowme) if q["name"] == "Ana Silva")
    assert ana["phones"] == []
    assert knowme("mark", ana["id"], "--as", "knows-me").returncode == 0
    p = knowme("import", odd, "--map", "name=Person", "--map", "email=Reach")
    assert "unchanged since the last import" in p.stdout  # the same file read the same way
    p = knowme("import", odd, "--map", "name=Person", "--map", "email=Reach", "--map", "phone=Digits")
    assert p.returncode == 0 and "replaced the earlier import: 2 kept their person and decisions" in p.stdout
    ana = next(q for q in people(knowme) if q["name"] == "Ana Silva")
    assert ana["decision"] == "knows-me" and ana["phones"]
    assert len(people(knowme)) == 2


def test_another_format_reimports_instead_of_unchanged(knowme: Knowme) -> None:
    book = SAMPLE / "google_contacts.csv"
    assert knowme("import", book).returncode == 0
    assert "unchanged" in knowme("import", book).stdout
    p = knowme("import", book, "--format", "csv")
    assert p.returncode == 0 and "replaced the earlier import" in p.stdout and "(csv)" in p.stdout
    assert "unchanged" in knowme("import", book, "--format", "csv").stdout
    p = knowme("import", book)  # detected again: read as Google's once more
    assert "replaced the earlier import" in p.stdout and "(google)" in p.stdout


# ---- sources and forget ------------------------------------------------------------------------------


def test_sources_lists_file_path_format_records_people_problems_and_when(knowme: Knowme) -> None:
    assert knowme("import", SAMPLE / "iphone.vcf", SAMPLE / "google_contacts.csv").returncode == 0
    listed = knowme.json("sources", "--json")
    assert [s["file"] for s in listed] == ["iphone.vcf", "google_contacts.csv"]  # type: ignore[union-attr]
    for source in listed:  # type: ignore[union-attr]
        assert set(source) == {"id", "file", "path", "format", "records", "people", "problems", "imported_at"}
        assert Path(source["path"]).name == source["file"] and source["records"] >= source["people"] > 0
    text = knowme("sources").stdout
    assert "iphone.vcf  (vcard): 136 records, 136 people; imported" in text and str(SAMPLE) in text


def test_no_sources_yet(knowme: Knowme) -> None:
    knowme.init()
    assert "no sources yet" in knowme("sources").stdout
    assert knowme.json("sources", "--json") == []
    p = knowme("forget", "x.vcf")
    assert p.returncode == 1 and "no sources" in one_line(p.stderr)


def test_forget_removes_a_source_as_one_undoable_action(knowme: Knowme, tmp_path: Path) -> None:
    books = [SAMPLE / "iphone.vcf", SAMPLE / "android.vcf", SAMPLE / "google_contacts.csv"]
    assert knowme("import", *books).returncode == 0
    assert knowme("dedupe").returncode == 0
    everyone = people(knowme)
    only_android = [q for q in everyone if {r["source"] for r in q["records"]} == {"android.vcf"}]
    shared = [q for q in everyone if "android.vcf" in {r["source"] for r in q["records"]}
              and len({r["source"] for r in q["records"]}) > 1]
    assert only_android and shared
    assert knowme("mark", shared[0]["id"], "--as", "knows-me").returncode == 0
    before = people(knowme)
    status_before = knowme.json("status", "--json")

    p = knowme("forget", "android.vcf")
    assert p.returncode == 0, p.stderr
    assert (f"{len(only_android)} people removed; {len(shared)} people keep their records from other sources"
            in p.stdout), p.stdout
    after = {q["id"]: q for q in people(knowme)}
    assert not any(q["id"] in after for q in only_android)
    kept = after[shared[0]["id"]]
    assert kept["decision"] == "knows-me" and "android.vcf" not in {r["source"] for r in kept["records"]}
    assert [s["file"] for s in knowme.json("sources", "--json")] == ["iphone.vcf", "google_contacts.csv"]

    assert knowme("undo").stdout.startswith("undid: forgot source android.vcf")
    assert people(knowme) == before and knowme.json("status", "--json") == status_before
    assert knowme("redo").returncode == 0 and {q["id"] for q in people(knowme)} == set(after)
    assert knowme("undo").returncode == 0 and people(knowme) == before
    # by path and by number too
    assert knowme("forget", SAMPLE / "android.vcf").returncode == 0
    assert knowme("undo").returncode == 0
    assert knowme("forget", "2").returncode == 0


def test_forget_keeps_an_excluded_person_suppressed(knowme: Knowme, tmp_path: Path) -> None:
    first = tmp_path / "first.vcf"
    first.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ex Boss\r\nEMAIL:boss@oldcorp.example\r\nEND:VCARD\r\n")
    later = tmp_path / "later.vcf"
    later.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:New Contact\r\nEMAIL:boss@oldcorp.example\r\nEND:VCARD\r\n"
                     "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Silva\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n")
    assert knowme("import", first).returncode == 0
    assert knowme("mark", "boss@oldcorp.example", "--as", "exclude").returncode == 0
    assert knowme("forget", "first.vcf").returncode == 0
    assert knowme("import", later).returncode == 0
    p = knowme("mark", "boss@oldcorp.example", "--as", "knows-me")  # still on the suppression list
    # (another name on his address: his exclusion is not this card's to lift, so only --not-same-as is offered)
    assert p.returncode == 1 and "Ex Boss (excluded, in no address book any more)" in one_line(p.stderr)
    assert knowme("mark", "ana@example.org", "--as", "knows-me").returncode == 0
    out = tmp_path / "safe.csv"
    knowme("export", "safe", "-o", out)  # written without the address, or refused: never with it
    assert not out.exists() or "boss@oldcorp.example" not in out.read_text()
    assert knowme("undo").returncode == 0  # the mark
    p = knowme("undo")  # the forget: put back, or refused while the later import holds its place
    assert p.returncode == 0 or "was imported again since" in one_line(p.stderr)
    assert knowme("mark", "ana@example.org", "--as", "knows-me").returncode == 0
    knowme("export", "safe", "-o", out, "--force")
    assert not out.exists() or "boss@oldcorp.example" not in out.read_text()


def test_undoing_a_forget_after_the_file_came_back_says_why_not(knowme: Knowme) -> None:
    book = SAMPLE / "iphone.vcf"
    assert knowme("import", book).returncode == 0
    assert knowme("forget", "iphone.vcf").returncode == 0
    assert knowme("import", book).returncode == 0
    p = knowme("undo")
    assert p.returncode == 1 and "its address book was imported again since (source 2); `knowme forget` that import " \
        "first, then undo" in one_line(p.stderr)
    assert "UNIQUE" not in p.stderr  # (the database's own words reached the user)
    assert knowme.json("status", "--json")["records"] == 136  # type: ignore[index]



def test_redoing_a_forget_after_a_newer_version_of_the_book_says_why_not(knowme: Knowme, tmp_path: Path) -> None:
    """Forget a book, undo that, import a newer version of it (one card more), redo the forget: the redo
    said "workspace w.db: FOREIGN KEY constraint failed", the database's words (the new card holds the
    source's place). It is refused in the words every other refused redo uses, and nothing changes."""
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{1};{0};;;\r\nFN:{0} {1}\r\nEMAIL:{0}@x.io\r\nEND:VCARD\r\n"
    book = tmp_path / "a.vcf"
    book.write_text(card.format("ann", "Lee") + card.format("bo", "Berg"), newline="")
    assert knowme("import", book).returncode == 0
    assert knowme("forget", "a.vcf").returncode == 0
    assert knowme("undo").returncode == 0
    book.write_text(card.format("ann", "Lee") + card.format("bo", "Berg") + card.format("cy", "Chen"), newline="")
    assert knowme("import", book).returncode == 0
    p = knowme("redo")
    line = one_line(p.stderr)
    assert p.returncode == 1 and line.startswith('knowme: cannot redo "forgot source a.vcf": a later import'), line
    assert "FOREIGN KEY" not in line and "nothing was changed" in line
    assert knowme.json("status", "--json")["records"] == 3  # type: ignore[index]


def test_undoing_a_forget_after_its_kept_person_left_says_why_not(knowme: Knowme, tmp_path: Path) -> None:
    """Ann's cards in a.vcf and b.vcf are one person; a.vcf forgotten, she keeps her b.vcf card; a newer
    b.vcf without her takes her away. Undoing the forget put her a.vcf card back in no person at all: the
    card was in the workspace (status counted it) but in no list, and the workspace unsound. The undo is
    refused, and nothing changes."""
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{1};{0};;;\r\nFN:{0} {1}\r\nEMAIL:{0}@x.io\r\nEND:VCARD\r\n"
    (tmp_path / "a.vcf").write_text(card.format("ann", "Lee") + card.format("bo", "Berg"), newline="")
    (tmp_path / "b.vcf").write_text(card.format("ann", "Lee") + card.format("cy", "Chen") + card.format("di", "Dahl"),
                                    newline="")
    assert knowme("import", tmp_path / "a.vcf", tmp_path / "b.vcf").returncode == 0
    assert knowme("dedupe").returncode == 0 and len(people(knowme)) == 4
    assert knowme("mark", "ann@x.io", "--as", "knows-me").returncode == 0
    assert knowme("forget", "a.vcf").returncode == 0
    (tmp_path / "b.vcf").write_text(card.format("cy", "Chen") + card.format("di", "Dahl"), newline="")
    assert knowme("import", tmp_path / "b.vcf", "--replace").returncode == 0
    p = knowme("undo")
    line = one_line(p.stderr)
    assert p.returncode == 1 and line.startswith('knowme: cannot undo "forgot source a.vcf"'), line
    status = knowme.json("status", "--json")
    assert status["records"] == 2 and [s["file"] for s in status["sources"]] == ["b.vcf"]  # type: ignore[index]

def test_forget_an_unknown_source_names_the_known_ones(knowme: Knowme) -> None:
    assert knowme("import", SAMPLE / "iphone.vcf").returncode == 0
    p = knowme("forget", "phone.vcf")
    assert p.returncode == 1 and "iphone.vcf" in one_line(p.stderr) and "knowme sources" in p.stderr


# ---- doctor ------------------------------------------------------------------------------------------


def test_doctor_explains_a_csv_without_a_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOWME_DB", str(tmp_path / "never.db"))
    knowme = Knowme(tmp_path / "nor-this.db")
    p = knowme("doctor", SAMPLE / "google_contacts.csv")
    assert p.returncode == 0, p.stderr
    text = p.stdout
    assert "format: google (Google Contacts CSV), detected; how sure each format is, 0-100: google 90" in text
    assert "encoding: utf-8; delimiter: comma; header on line 1" in text
    assert "First Name" in text and "-> given" in text and "kept as it is (extra field)" in text
    assert "records: 178" in text and "nothing was imported" in text
    assert sorted(tmp_path.iterdir()) == []  # no workspace made, neither --db's nor KNOWME_DB's


def test_doctor_on_an_unknown_layout_shows_the_header_and_the_fix(knowme: Knowme, odd: Path) -> None:
    p = knowme("doctor", odd)
    assert p.returncode == 1
    assert "not importable" in p.stdout and "its first row: Person, Reach, Digits" in p.stdout
    assert "--map name=COLUMN" in p.stdout
    p = knowme("doctor", odd, "--map", "name=Person", "--map", "email=Reach")
    assert p.returncode == 0 and "detected because of --map" in p.stdout
    assert "Person" in p.stdout and "-> formatted_name" in p.stdout and "-> email" in p.stdout
    assert "`knowme import" in p.stdout and "--map name=Person --map email=Reach` would import it" in p.stdout
    assert not knowme.db.exists()


def test_doctor_json_and_problems(knowme: Knowme, tmp_path: Path) -> None:
    bad = tmp_path / "bad.vcf"
    bad.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n"
                   "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n")
    facts = knowme.json("doctor", bad, "--json")
    assert facts["format"] == "vcard" and facts["records"] >= 1 and facts["readable"] is True  # type: ignore[index]
    assert facts["detection"][0] == {"format": "vcard", "score": 90}  # type: ignore[index]
    p = knowme("doctor", tmp_path / "missing.csv")
    assert p.returncode == 1 and "no such file" in one_line(p.stderr)
    os.mkfifo(tmp_path / "pipe.csv")
    p = knowme("doctor", tmp_path / "pipe.csv")
    assert p.returncode == 1 and "FIFO" in one_line(p.stderr)


@pytest.mark.parametrize(("name", "data", "said"), [
    ("ascii.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n", "encoding: ascii"),
    ("declared.vcf", b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=WINDOWS-1251:\xcf\xe5\xf2\xf0\xee\xe2;\xc8\xe2\r\n"
                     b"END:VCARD\r\n", "encoding: cp1251 (declared)"),
    ("raw.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:J\xfcrgen M\xfcller\r\nEND:VCARD\r\n",
     "encoding: cp1252 (detected)"),
    ("wide.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Jürgen\nEND:VCARD\n".encode("utf-16"),
     "encoding: utf-8; file laid out as utf-16"),
    ("in.mbox", b"From a@x.example Mon Mar  4 10:00:00 2024\nFrom: J\xfcrgen <j@x.example>\nTo: me@x.example\n"
                b"Date: Mon, 04 Mar 2024 10:00:00 +0100\n\nbody\n\nFrom a@x.example Mon Mar  4 10:00:00 2024\n"
                b"From: Ann <a@x.example>\nTo: me@x.example\nDate: Mon, 04 Mar 2024 10:00:00 +0100\n\nbody\n",
     "encoding: headers: ascii in 1 message, latin-1 (8-bit, not UTF-8) in 1 message"),
    ("one.eml", "From: Jürgen <j@x.example>\nTo: me@x.example\nDate: Mon, 04 Mar 2024 10:00:00 +0100\n\nhi\n".encode(),
     "encoding: utf-8 headers"),
])
def test_doctor_names_the_encoding_of_vcards_and_mail(knowme: Knowme, tmp_path: Path, name: str, data: bytes,
                                                      said: str) -> None:
    """Only a CSV said how it was decoded; a vCard or mailbox of mojibake left the user guessing why."""
    path = tmp_path / name
    path.write_bytes(data)
    p = knowme("doctor", path)
    assert p.returncode == 0, p.stderr
    assert said in p.stdout.splitlines()[2], p.stdout
    facts = knowme.json("doctor", path, "--json")
    assert facts["reading"]["encoding"].startswith(said.removeprefix("encoding: "))  # type: ignore[index]


def test_status_and_dedupe_count_in_the_right_number(knowme: Knowme, tmp_path: Path) -> None:
    book = tmp_path / "two.vcf"
    book.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Silva\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Silva\r\nORG:Acme\r\nEND:VCARD\r\n")
    assert knowme("import", book).returncode == 0
    status = knowme("status").stdout
    assert "2 records from 1 source, 2 people" in status
    data = json.loads(knowme("dedupe", "--json").stdout)
    text = knowme("status").stdout
    pending = data["queued"] if "queued" in data else None
    if pending == 1:
        assert "1 possible duplicate to review" in text
        assert knowme("pairs").stderr.startswith("1 pair;")
