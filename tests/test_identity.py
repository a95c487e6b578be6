"""Identity that does not drift: the regressions of issue #13's identity half, through the CLI.

A newer export keeps every decision even when a card changed one field or the cards came in another
order; a namesake book is a new source; ids are never given twice; undo and redo act only on what
their action changed and refuse, in one line, when a later import removed it; a CSV whose notes
hold a pasted vCard is a CSV. Every test ends with the workspace sound (`Store.check_sound`).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from knowme import importers
from knowme.cli.main import main
from knowme.dedupe.run import pending_pairs, run_dedupe
from knowme.store.core import MIGRATIONS, SCHEMA_VERSION, Store


def vcards(path: Path, *cards: tuple[str, ...]) -> Path:
    """Write a vCard file of (given, family, email[, phone]) cards, no UIDs (phones rarely have them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for given, family, email, *phone in cards:
        lines += ["BEGIN:VCARD", "VERSION:3.0", f"N:{family};{given};;;", f"FN:{given} {family}".strip()]
        lines += [f"EMAIL:{email}"] if email else []
        lines += [f"TEL;TYPE=CELL:{phone[0]}"] if phone else []
        lines.append("END:VCARD")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def run(db: Path, *argv: object) -> int:
    return main(["--db", str(db), *map(str, argv)])


def status(db: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert run(db, "status", "--json") == 0
    return json.loads(capsys.readouterr().out)


def people(db: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert run(db, "list", "--json") == 0
    return json.loads(capsys.readouterr().out)


def sound(db: Path) -> None:
    with Store.open(db) as store:
        assert store.check_sound() == []


def test_a_newer_export_where_the_excluded_card_changed_only_its_email_keeps_the_exclusion(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    book = tmp_path / "phone" / "contacts.vcf"
    vcards(book, ("Jane", "Doe", "jane@oldmail.com"), ("Ann", "Lee", "ann@x.com"), ("Bo", "Berg", "bo@x.com"))
    assert run(db, "import", book) == 0
    assert run(db, "mark", "jane@oldmail.com", "--as", "exclude", "--note", "ex-boss") == 0
    vcards(book, ("Bo", "Berg", "bo@x.com"), ("Jane", "Doe", "jane.doe@newmail.com"), ("Ann", "Lee", "ann@x.com"))
    capsys.readouterr()
    assert run(db, "import", book) == 0
    assert "3 kept their person and decisions, 0 new" in capsys.readouterr().out
    data = status(db, capsys)
    assert data["decisions"] == {"knows-me": 0, "personalize": 0, "exclude": 1, "undecided": 2}
    assert data["people"] == 3
    [jane] = [p for p in people(db, capsys) if p["name"] == "Jane Doe"]
    assert jane["decision"] == "exclude" and jane["emails"] == ["jane.doe@newmail.com"]
    sound(db)


def test_a_different_book_with_the_same_file_name_is_a_new_source(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    phone = vcards(tmp_path / "phone" / "contacts.vcf", ("Jane", "Doe", "jane@x.com"), ("Ann", "Lee", "ann@x.com"),
                   ("Bo", "Berg", "bo@x.com"))
    work = vcards(tmp_path / "work" / "contacts.vcf", ("Cy", "Chen", "cy@corp.com"), ("Di", "Dahl", "di@corp.com"),
                  ("Ann", "Lee", "ann@x.com"))
    assert run(db, "import", phone) == 0
    assert run(db, "mark", "jane@x.com", "--as", "exclude") == 0
    assert run(db, "mark", "bo@x.com", "--as", "knows-me") == 0
    capsys.readouterr()
    assert run(db, "import", work) == 0
    out = capsys.readouterr().out
    assert ("work/contacts.vcf: a different address book from the earlier contacts.vcf (only 1 of its 3 records "
            "carry over), imported as a new source") in out
    data = status(db, capsys)
    assert [s["file"] for s in data["sources"]] == ["contacts.vcf", "work/contacts.vcf"]
    assert data["records"] == 6 and data["people"] == 6
    assert data["decisions"]["exclude"] == 1 and data["decisions"]["knows-me"] == 1
    # the newer version of the work book then finds the work book, not the phone book
    vcards(work, ("Di", "Dahl", "di@corp.com"), ("Cy", "Chen", "cy@corp.com"), ("Ann", "Lee", "ann@x.com"),
           ("Ed", "Eng", "ed@corp.com"))
    capsys.readouterr()
    assert run(db, "import", work) == 0
    assert "work/contacts.vcf: 4 records (vcard); replaced the earlier import: 3 kept" in capsys.readouterr().out
    assert status(db, capsys)["records"] == 7
    sound(db)


def test_a_newer_version_that_drops_a_decided_person_says_so(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    book = vcards(tmp_path / "contacts.vcf", ("Jane", "Doe", "jane@x.com"), ("Ann", "Lee", "ann@x.com"),
                  ("Bo", "Berg", "bo@x.com"), ("Di", "Dahl", "di@x.com"), ("Ed", "Eng", "ed@x.com"))
    assert run(db, "import", book) == 0
    assert run(db, "mark", "jane@x.com", "--as", "exclude") == 0
    assert run(db, "mark", "bo@x.com", "--as", "knows-me") == 0
    vcards(book, ("Ann", "Lee", "ann@x.com"), ("Cy", "Chen", "cy@x.com"), ("Di", "Dahl", "di@x.com"),
           ("Ed", "Eng", "ed@x.com"))
    capsys.readouterr()
    assert run(db, "import", book) == 1  # not without being told
    err = capsys.readouterr().err
    assert ("remove 2 people you decided on or wrote for: Jane Doe (exclude); Bo Berg (knows-me)") in err
    assert status(db, capsys)["records"] == 5
    assert run(db, "import", book, "--replace") == 0
    out = capsys.readouterr().out
    assert ("contacts.vcf: this version no longer holds 2 people you had decided on: Jane Doe (exclude, stays "
            "suppressed); Bo Berg (knows-me)") in out
    with Store.open(db) as store:
        assert ("email", "jane@x.com") in store.blocked_keys()
    sound(db)


def _merged_then_split_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """Jane is in two books (merged by dedupe), excluded, then split; Ann is knows-me."""
    db = tmp_path / "w.db"
    a = vcards(tmp_path / "a.vcf", ("Jane", "Doe", "jane@x.com", "+1 415 555 0101"), ("Ann", "Lee", "ann@x.com"),
               ("Bo", "Berg", "bo@x.com"))
    b = vcards(tmp_path / "b.vcf", ("Jane", "Doe", "jane@x.com", "+1 415 555 0101"), ("Cy", "Chen", "cy@x.com"))
    assert run(db, "import", a, b) == 0
    assert run(db, "dedupe") == 0
    assert run(db, "mark", "ann@x.com", "--as", "knows-me") == 0
    assert run(db, "mark", "jane@x.com", "--as", "exclude") == 0
    [jane] = [p for p in people(db, capsys) if p["name"] == "Jane Doe"]
    assert len(jane["records"]) == 2
    assert run(db, "split", jane["id"]) == 0
    return db, a


def test_undo_of_a_split_after_a_reimport_in_another_card_order_restores_exactly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, a = _merged_then_split_workspace(tmp_path, capsys)
    vcards(a, ("Bo", "Berg", "bo@x.com"), ("Ann", "Lee", "ann@x.com"), ("Jane", "Doe", "jane@x.com", "+1 415 555 0101"))
    assert run(db, "import", a) == 0
    capsys.readouterr()
    assert run(db, "undo") == 0
    assert "undid: split Jane Doe back into 2 people" in capsys.readouterr().out
    listed = people(db, capsys)
    [jane] = [p for p in listed if p["name"] == "Jane Doe"]
    [ann] = [p for p in listed if p["name"] == "Ann Lee"]
    assert jane["decision"] == "exclude" and sorted(r["source"] for r in jane["records"]) == ["a.vcf", "b.vcf"]
    assert ann["decision"] == "knows-me" and [r["source"] for r in ann["records"]] == ["a.vcf"]
    assert len(listed) == 4
    sound(db)


def test_undo_refuses_in_one_line_when_a_reimport_removed_what_it_would_restore(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, a = _merged_then_split_workspace(tmp_path, capsys)
    vcards(a, ("Bo", "Berg", "bo@x.com"), ("Ann", "Lee", "ann@x.com"))  # Jane's card left this book
    assert run(db, "import", a, "--replace") == 0
    before = people(db, capsys)
    capsys.readouterr()
    assert run(db, "undo") == 1
    err = capsys.readouterr().err
    assert err.startswith('knowme: cannot undo "split Jane Doe back into 2 people"') and err.count("\n") == 1
    assert "nothing was changed" in err
    assert people(db, capsys) == before
    sound(db)


def test_undo_never_touches_a_person_who_took_a_removed_persons_place(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    book = vcards(tmp_path / "contacts.vcf", ("Ann", "Lee", "ann@x.com"), ("Bo", "Berg", "bo@x.com"),
                  ("Zed", "Zorn", "zed@x.com"))
    assert run(db, "import", book) == 0
    assert run(db, "mark", "zed@x.com", "--as", "knows-me") == 0  # Zed has the highest id
    [zed] = [p["id"] for p in people(db, capsys) if p["name"] == "Zed Zorn"]
    vcards(book, ("Ann", "Lee", "ann@x.com"), ("Bo", "Berg", "bo@x.com"))  # Zed leaves the book
    assert run(db, "import", book, "--replace") == 0
    assert run(db, "import", vcards(tmp_path / "other.vcf", ("Nobody", "Marked", "nobody@x.com"))) == 0
    [newcomer] = [p["id"] for p in people(db, capsys) if p["name"] == "Nobody Marked"]
    assert newcomer > zed  # never Zed's id again
    capsys.readouterr()
    assert run(db, "undo") == 1
    assert f"person {zed} is gone" in capsys.readouterr().err
    assert status(db, capsys)["decisions"]["knows-me"] == 0
    sound(db)


def test_verdicts_merges_and_notes_survive_a_reordered_newer_export(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    a = vcards(tmp_path / "a.vcf", ("Robert", "Smith", "rob@acme.com"), ("Ann", "Lee", "ann@x.com"),
               ("Bob", "Smith", "bob@gmail.com"))
    b = vcards(tmp_path / "b.vcf", ("Ann", "Lee", "ann@x.com", "+1 415 555 0199"))
    assert run(db, "import", a, b) == 0
    assert run(db, "dedupe") == 0
    assert run(db, "mark", "ann@x.com", "--as", "personalize", "--note", "met at PyCon") == 0
    assert run(db, "mark", "rob@acme.com", "--not-same-as", "bob@gmail.com") == 0
    before = {p["name"]: (p["decision"], len(p["records"])) for p in people(db, capsys)}
    assert before["Ann Lee"] == ("personalize", 2)
    vcards(a, ("Bob", "Smith", "bob@gmail.com"), ("Ann", "Lee", "ann@x.com"), ("Robert", "Smith", "rob@acme.com"),
           ("New", "Person", "new@x.com"))
    assert run(db, "import", a) == 0
    assert run(db, "dedupe") == 0
    after = {p["name"]: (p["decision"], len(p["records"])) for p in people(db, capsys)}
    assert after == {**before, "New Person": ("undecided", 1)}
    with Store.open(db) as store:
        assert pending_pairs(store) == [] and run_dedupe(store).auto_merged == 0
        assert store.conn.execute("SELECT note FROM people WHERE name='Ann Lee'").fetchone()[0] == "met at PyCon"
    sound(db)


def test_the_same_bytes_under_another_name_change_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    book = vcards(tmp_path / "contacts.vcf", ("Ann", "Lee", "ann@x.com"))
    copy = tmp_path / "backup" / "contacts-copy.vcf"
    copy.parent.mkdir()
    copy.write_bytes(book.read_bytes())
    assert run(db, "import", book) == 0
    capsys.readouterr()
    assert run(db, "import", copy) == 0
    assert "contacts.vcf: unchanged since the last import" in capsys.readouterr().out
    assert status(db, capsys)["records"] == 1


def test_a_csv_whose_notes_hold_a_pasted_vcard_is_a_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text('First Name,Last Name,E-mail Address,Notes\r\n'
                    'Ann,Lee,ann@x.com,"her card:\nBEGIN:VCARD\nFN:Ann Lee\nEMAIL:ann@x.com\nEND:VCARD"\r\n'
                    'Bo,Berg,bo@x.com,\r\n', encoding="utf-8")
    assert importers.detect(path).name != "vcard"
    db = tmp_path / "w.db"
    assert run(db, "import", path) == 0
    listed = people(db, capsys)
    assert sorted(p["name"] for p in listed) == ["Ann Lee", "Bo Berg"]
    # a vCard file that opens with a short note above its cards is still a vCard
    note = tmp_path / "note.vcf"
    note.write_text("Exported from my old phone\r\nBEGIN:VCARD\r\nFN:Cy Chen\r\nEND:VCARD\r\n", encoding="utf-8")
    assert importers.detect(note).name == "vcard"


def test_a_version_2_workspace_moves_forward_and_never_gives_an_id_twice(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        conn.executescript(script)  # type: ignore[arg-type]
    conn.execute("INSERT INTO sources(id, name, path, format, sha256, imported_at, records, problems) "
                 "VALUES (1, 'a.vcf', 'a.vcf', 'vcard', 'x', '2024-01-01', 2, '[]')")
    for n in (1, 2):
        conn.execute("INSERT INTO people(id, decision, name, n_records) VALUES (?, ?, ?, 1)",
                     (n, "exclude" if n == 2 else "undecided", f"P{n}"))
        conn.execute("INSERT INTO records(id, source_id, idx, line, rkey, person_id, first, last, data) "
                     "VALUES (?, 1, ?, 1, ?, ?, '', '', '{}')", (n, n, f"a.vcf|row:{n}", n))
    conn.execute("PRAGMA user_version=2")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("SELECT id, decision FROM people ORDER BY id").fetchall() == \
            [(1, "undecided"), (2, "exclude")]
        assert store.conn.execute("SELECT base FROM sources").fetchone()[0] == "a.vcf"
        with store.transaction():
            store.conn.execute("DELETE FROM records WHERE id=2")
            store.conn.execute("DELETE FROM people WHERE id=2")
            assert store.new_person() == 3 and store.next_id("records") == 3


def test_a_card_added_above_housemates_sharing_an_address_takes_nobodys_decision(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ann and Bo share family@ (Ann's identity, and Bo's first address); a newer export adds Cy, who
    shares it too, at the top. Matched in file order, Cy took Ann's card and Ann took Bo's: Ann came out
    excluded with Bo's note, and lifting that emptied the suppression list until Bo's other address was
    exported. Each card keeps its own person; Cy is new."""
    db = tmp_path / "w.db"
    book = vcards(tmp_path / "v1" / "home.vcf", ("Ann", "Lee", "family@leehome.net"),
                  ("Bo", "Lee", "family@leehome.net"), ("Pat", "Kim", "pat@kim.org"))
    assert run(db, "import", book) == 0
    assert run(db, "mark", "1", "--as", "knows-me", "--note", "friend") == 0
    assert run(db, "mark", "2", "--as", "exclude", "--note", "ex-partner, never") == 0
    newer = vcards(tmp_path / "v2" / "home.vcf", ("Cy", "Lee", "family@leehome.net"),
                   ("Ann", "Lee", "family@leehome.net"), ("Bo", "Lee", "family@leehome.net"),
                   ("Pat", "Kim", "pat@kim.org"))
    assert run(db, "import", newer) == 0
    found = {p["name"]: (p["id"], p["decision"], p["note"]) for p in people(db, capsys)}
    assert found["Ann Lee"] == (1, "knows-me", "friend") and found["Bo Lee"] == (2, "exclude", "ex-partner, never")
    assert found["Cy Lee"][1:] == ("undecided", "")
    sound(db)


def test_a_namesake_added_above_two_john_smiths_takes_neither_ones_decision(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.db"
    book = vcards(tmp_path / "v1" / "js.vcf", ("John", "Smith", "", "+1 212 555 0001"),
                  ("John", "Smith", "", "+1 646 555 0002"))
    assert run(db, "import", book) == 0
    assert run(db, "mark", "2", "--as", "exclude", "--note", "the other John") == 0
    newer = vcards(tmp_path / "v2" / "js.vcf", ("John", "Smith", "", "+1 917 555 0003"),
                   ("John", "Smith", "", "+1 212 555 0001"), ("John", "Smith", "", "+1 646 555 0002"))
    assert run(db, "import", newer) == 0
    with Store.open(db) as store:
        by_phone = {phone: (pid, decision) for pid, decision, phone in store.conn.execute(
            "SELECT p.id, p.decision, k.key FROM people p JOIN records r ON r.person_id = p.id "
            "JOIN keys k ON k.record_id = r.id AND k.kind = 'phone'")}
    assert by_phone["+16465550002"] == (2, "exclude")
    assert by_phone["+12125550001"] == (1, "undecided") and by_phone["+19175550003"][1] == "undecided"
    sound(db)


def test_a_uid_given_twice_goes_with_the_card_that_shares_the_most(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Janet's new card carries Jane's UID (a sync bug) and comes first: Jane's draft stays Jane's."""
    db = tmp_path / "w.db"
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    jane = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nEMAIL:jane@example.com\r\nEND:VCARD\r\n"
    bob = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u2\r\nFN:Bob Stone\r\nN:Stone;Bob;;;\r\nEMAIL:bob@stone.org\r\nEND:VCARD\r\n"
    janet = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Janet Roe\r\nN:Roe;Janet;;;\r\nEMAIL:janet@roe.com\r\nEND:VCARD\r\n"
    (tmp_path / "v1" / "a.vcf").write_text(jane + bob, encoding="utf-8")
    (tmp_path / "v2" / "a.vcf").write_text(janet + jane + bob, encoding="utf-8")
    assert run(db, "import", tmp_path / "v1" / "a.vcf") == 0
    assert run(db, "mark", "1", "--as", "personalize", "--draft", "Hi Jane, it was good to see you in Lyon.") == 0
    assert run(db, "import", tmp_path / "v2" / "a.vcf") == 0
    found = {p["name"]: p for p in people(db, capsys)}
    assert found["Jane Doe"]["id"] == 1 and found["Jane Doe"]["decision"] == "personalize"
    assert found["Janet Roe"]["decision"] == "undecided" and found["Janet Roe"]["id"] != 1
    sound(db)
