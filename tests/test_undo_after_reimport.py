"""Undo and redo after a newer export removed part of what they would restore, through the CLI.

A merge keeps one person for the cards of two; a newer export may then remove the card that person had
of their own, and leave them holding only the card the merge brought. Undoing the merge would move that
card back and leave the kept person with none, which deleted them with their decision, note and draft,
and redo then refused because they were gone. Undo and redo refuse instead, in one line, and change
nothing; a redo that refuses says that the actions undone after it wait behind it.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import Knowme

from knowme.store.core import Store

NOTE = "Acme colleague"
DRAFT = "Hi Maria, we worked together at Acme; would love to reconnect."
# what "nothing was changed" compares: every table an undo or redo writes
TABLES = ("people", "records", "pairs", "verdicts", "log", "exclusions", "suppressions")


def vcards(path: Path, *cards: tuple[str, str, str]) -> Path:
    """A vCard file of (full name, email, company) cards."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, email, org in cards:
        lines += ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", f"EMAIL:{email}"] + ([f"ORG:{org}"] if org else [])
        lines.append("END:VCARD")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}"), key=repr) for table in TABLES}
    finally:
        conn.close()


def person_of(knowme: Knowme, email: str) -> dict:
    [person] = [p for p in knowme.json("list", "--json") if email in p["emails"]]  # type: ignore[union-attr]
    return person


def written(db: Path, person_id: int) -> tuple[str, str, str]:
    with Store.open(db) as store:
        person = store.person(person_id)
        assert person is not None, f"person {person_id} is gone"
        return person.decision.value, person.note, person.draft


def sound(db: Path) -> None:
    with Store.open(db) as store:
        assert store.check_sound() == []


def refused(knowme: Knowme, verb: str, summary: str) -> str:
    """Run undo or redo, which must refuse in one line and change nothing; returns the line."""
    before = rows(knowme.db)
    proc = knowme(verb)
    assert proc.returncode == 1, proc
    assert proc.stderr.startswith(f'knowme: cannot {verb} "{summary}": ') and proc.stderr.count("\n") == 1
    assert "nothing was changed" in proc.stderr
    assert rows(knowme.db) == before
    return proc.stderr


def two_books(knowme: Knowme, tmp_path: Path) -> tuple[int, int]:
    """Maria and Tom in b1.vcf, Maria and Thomas in b2.vcf, imported; returns b1's Maria and Tom."""
    b1 = vcards(tmp_path / "b1.vcf", ("Maria Garcia", "maria@one.com", "Acme"), ("Tom Baker", "tom@baker.com", ""))
    b2 = vcards(tmp_path / "b2.vcf", ("Maria Garcia", "mgarcia@two.com", "Beta"),
                ("Thomas Baker", "tb@other.com", ""))
    assert knowme("import", b1, b2).returncode == 0
    return person_of(knowme, "maria@one.com")["id"], person_of(knowme, "tom@baker.com")["id"]


def merge_marias(knowme: Knowme, maria: int) -> None:
    """Dedupe asks about the two Marias; answering "same" keeps b1's person for both cards."""
    assert knowme("dedupe").returncode == 0
    [pair] = [p for p in knowme.json("pairs", "--json")  # type: ignore[union-attr]
              if {p["a"]["name"], p["b"]["name"]} == {"Maria Garcia"}]
    assert knowme("resolve", pair["id"], "same").returncode == 0
    assert person_of(knowme, "mgarcia@two.com")["id"] == maria


def mark_personalize(knowme: Knowme, person: int) -> None:
    assert knowme("mark", person, "--as", "personalize", "--note", NOTE, "--draft", DRAFT).returncode == 0


def drop_marias_first_card(knowme: Knowme, tmp_path: Path) -> None:
    """A newer export of b1.vcf without Maria's card: not refused when her person keeps her b2.vcf card."""
    newer = vcards(tmp_path / "new" / "b1.vcf", ("Tom Baker", "tom@baker.com", ""), ("Una Vale", "una@vale.com", ""))
    proc = knowme("import", newer)
    assert proc.returncode == 0 and "replaced the earlier import" in proc.stdout, proc


def test_undoing_a_merge_whose_kept_persons_own_card_left_refuses_and_keeps_what_was_written(
        knowme: Knowme, tmp_path: Path) -> None:
    maria, _ = two_books(knowme, tmp_path)
    mark_personalize(knowme, maria)
    merge_marias(knowme, maria)
    drop_marias_first_card(knowme, tmp_path)
    line = refused(knowme, "undo", "Maria Garcia and Maria Garcia: the same person, merged")
    assert f"person {maria}, Maria Garcia (personalize), would be left with no records" in line
    assert written(knowme.db, maria) == ("personalize", NOTE, DRAFT)
    assert knowme("redo").stdout == "nothing to redo\n"
    sound(knowme.db)


def test_undoing_a_dedupe_whose_kept_persons_own_card_left_refuses_and_keeps_what_was_written(
        knowme: Knowme, tmp_path: Path) -> None:
    a = vcards(tmp_path / "a.vcf", ("Jane Doe", "jane@example.com", ""), ("Bob Stone", "bob@stone.org", ""),
               ("Carl Weiss", "carl@weiss.de", ""))
    g = tmp_path / "g.csv"
    g.write_text("Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value\r\n"
                 "Jane Doe,Jane,Doe,Home,jane@example.com\r\nEve Adams,Eve,Adams,Home,eve@adams.net\r\n",
                 encoding="utf-8")
    assert knowme("import", a, g).returncode == 0
    jane = min(p["id"] for p in knowme.json("list", "--json") if p["name"] == "Jane Doe")  # type: ignore[union-attr]
    mark_personalize(knowme, jane)
    assert knowme("dedupe").returncode == 0
    assert len(person_of(knowme, "jane@example.com")["records"]) == 2  # merged into her a.vcf person
    newer = vcards(tmp_path / "v3" / "a.vcf", ("Bob Stone", "bob@stone.org", ""), ("Carl Weiss", "carl@weiss.de", ""))
    assert knowme("import", newer).returncode == 0
    line = refused(knowme, "undo", "dedupe: merged 2 people into 1")
    assert f"person {jane}, Jane Doe (personalize), would be left with no records" in line
    assert written(knowme.db, jane) == ("personalize", NOTE, DRAFT)
    sound(knowme.db)


def test_undos_stop_at_the_merge_and_the_later_actions_redo(knowme: Knowme, tmp_path: Path) -> None:
    """The merge first, then a mark with a draft and an exclusion: undoing all three after the newer
    export undoes the two marks and stops at the merge, and both marks redo (they were stranded behind a
    redo of the merge that could never succeed)."""
    maria, tom = two_books(knowme, tmp_path)
    merge_marias(knowme, maria)
    mark_personalize(knowme, maria)
    assert knowme("mark", tom, "--as", "exclude").returncode == 0
    drop_marias_first_card(knowme, tmp_path)
    assert knowme("undo").returncode == 0
    assert knowme("undo").returncode == 0
    assert written(knowme.db, maria)[0] == "undecided"
    refused(knowme, "undo", "Maria Garcia and Maria Garcia: the same person, merged")
    assert knowme("redo").returncode == 0
    assert knowme("redo").returncode == 0
    assert written(knowme.db, maria) == ("personalize", NOTE, DRAFT)
    assert written(knowme.db, tom)[0] == "exclude"
    sound(knowme.db)


def test_a_refused_redo_says_the_actions_undone_after_it_wait_behind_it(knowme: Knowme, tmp_path: Path) -> None:
    maria, tom = two_books(knowme, tmp_path)  # no merge: Maria's person holds only her b1.vcf card
    mark_personalize(knowme, maria)
    assert knowme("mark", tom, "--as", "exclude").returncode == 0
    assert knowme("undo").returncode == 0
    assert knowme("undo").returncode == 0
    drop_marias_first_card(knowme, tmp_path)  # Maria is undecided now: her person goes with her card
    line = refused(knowme, "redo", "marked Maria Garcia personalize (draft)")
    assert f"person {maria} is gone" in line and "1 undone action after it cannot be redone either" in line
    sound(knowme.db)
