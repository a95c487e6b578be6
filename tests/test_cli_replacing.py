"""An import never destroys what the user decided: a file the importer calls cut short (or whose
reading was cancelled) never replaces an earlier import, and a replacement that would remove people
with a decision, note or draft is refused unless asked for with --replace; --as-new-source keeps the
earlier import and adds the file beside it."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import Knowme


def card(name: str, email: str, uid: str = "", note: str = "") -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", *([f"UID:{uid}"] if uid else []), f"FN:{name}", f"EMAIL:{email}",
             *([f"NOTE:{note}"] if note else []), "END:VCARD"]
    return "\n".join(lines) + "\n"


FIVE = [("Alice Abbot", "alice@a.example"), ("Bruno Baker", "bruno@b.example"), ("Cara Cole", "cara@c.example"),
        ("Dirk Dane", "dirk@d.example"), ("Eve Egan", "eve@e.example")]


def people(knowme: Knowme) -> dict[str, dict]:
    return {p["name"]: p for p in knowme.json("list", "--json")}  # type: ignore[union-attr]


def workspace(knowme: Knowme) -> tuple[object, ...]:
    """Everything an import could change, to compare before and after a refusal."""
    listed = json.dumps(knowme.json("list", "--json"), sort_keys=True)
    status = knowme.json("status", "--json")
    return listed, json.dumps(status["sources"], sort_keys=True), status["suppression"]  # type: ignore[index]


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() and line.startswith("knowme:")]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def decided_five(knowme: Knowme, tmp_path: Path) -> Path:
    book = tmp_path / "contacts.vcf"
    book.write_text("".join(card(name, email, uid=f"u{n}", note=f"n{n}") for n, (name, email) in enumerate(FIVE, 1)))
    assert knowme("import", book).returncode == 0
    assert knowme("mark", "eve@e.example", "--as", "personalize", "--draft",
                  "Hi Eve, we met at the PyData meetup; I'd love to hear about your work.",
                  "--how", "event", "--context", "PyData").returncode == 0
    assert knowme("mark", "dirk@d.example", "--as", "knows-me", "--note", "old friend").returncode == 0
    return book


def test_a_cut_short_newer_export_never_replaces_the_earlier_import(knowme: Knowme, tmp_path: Path) -> None:
    book = decided_five(knowme, tmp_path)
    text = book.read_text()
    (tmp_path / "new").mkdir()
    cut = tmp_path / "new" / "contacts.vcf"
    cut.write_text(text[:text.index("FN:Dirk") + 6])  # ends "FN:Dir"
    before = workspace(knowme)
    p = knowme("import", cut)
    line = one_line(p.stderr)
    assert p.returncode == 1 and str(cut) in line and "cut short" in line and "nothing was imported" in line
    assert "--as-new-source" in line
    assert workspace(knowme) == before
    found = people(knowme)
    assert found["Eve Egan"]["decision"] == "personalize" and found["Dirk Dane"]["note"] == "old friend"
    assert found["Dirk Dane"]["emails"] == ["dirk@d.example"]
    # even when told to replace: the file itself says it is not the whole book
    p = knowme("import", cut, "--replace")
    assert p.returncode == 1 and "cut short" in one_line(p.stderr) and workspace(knowme) == before
    # asked for, it goes in beside the earlier import, which keeps everything
    p = knowme("import", cut, "--as-new-source")
    assert p.returncode == 0, p.stderr
    sources = knowme.json("status", "--json")["sources"]  # type: ignore[index]
    assert len(sources) == 2 and sources[0]["records"] == 5
    found = people(knowme)
    assert found["Eve Egan"]["decision"] == "personalize" and found["Dirk Dane"]["emails"] == ["dirk@d.example"]


def test_an_mbox_cut_off_inside_a_message_never_replaces_the_earlier_one(knowme: Knowme, tmp_path: Path) -> None:
    text = "".join(f"From {email} Mon Jan  {n} 10:00:00 2024\nFrom: {name} <{email}>\nTo: Me <me@home.example>\n"
                   f"Subject: hi {n}\nDate: Mon, {n} Jan 2024 10:00:00 +0000\nMessage-ID: <m{n}@x>\n\nhello\n\n"
                   for n, (name, email) in enumerate(FIVE, 1))
    box = tmp_path / "inbox.mbox"
    box.write_text(text)
    assert knowme("import", box, "--me", "me@home.example").returncode == 0
    assert knowme("mark", "eve@e.example", "--as", "knows-me", "--note", "friend").returncode == 0
    (tmp_path / "new").mkdir()
    cut = tmp_path / "new" / "inbox.mbox"
    cut.write_text(text[:text.index("Subject: hi 4")])  # ends inside Dirk's message: Eve's is past the cut
    before = workspace(knowme)
    p = knowme("import", cut, "--me", "me@home.example")
    line = one_line(p.stderr)
    assert p.returncode == 1 and "ends in the middle of a message" in line and "nothing was imported" in line
    assert workspace(knowme) == before and people(knowme)["Eve Egan"]["note"] == "friend"


def test_the_whole_newer_export_still_replaces_and_keeps_decisions(knowme: Knowme, tmp_path: Path) -> None:
    book = decided_five(knowme, tmp_path)
    (tmp_path / "new").mkdir()
    newer = tmp_path / "new" / "contacts.vcf"
    newer.write_text(book.read_text().replace("n1", "n1 changed") + card("Finn Fox", "finn@f.example", uid="u6"))
    p = knowme("import", newer)
    assert p.returncode == 0 and "replaced the earlier import: 5 kept" in p.stdout, p.stderr
    assert people(knowme)["Eve Egan"]["decision"] == "personalize"


def two_books(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "phone").mkdir()
    (tmp_path / "work").mkdir()
    phone, work = tmp_path / "phone" / "contacts.vcf", tmp_path / "work" / "contacts.vcf"
    phone.write_text("".join(card(n, e) for n, e in FIVE[:4]))
    work.write_text("".join(card(n, e) for n, e in [*FIVE[:2], ("Emil Ernst", "emil@e.example")]))
    return phone, work


def test_a_namesake_book_that_would_remove_decided_people_is_refused(knowme: Knowme, tmp_path: Path) -> None:
    phone, work = two_books(tmp_path)
    assert knowme("import", phone).returncode == 0
    assert knowme("mark", "dirk@d.example", "--as", "exclude").returncode == 0
    assert knowme("mark", "cara@c.example", "--as", "knows-me", "--note", "cara from phone").returncode == 0
    before = workspace(knowme)
    p = knowme("import", work)
    line = one_line(p.stderr)
    assert p.returncode == 1 and str(work) in line and "nothing was imported" in line
    assert "Cara Cole (knows-me)" in line and "Dirk Dane (exclude)" in line
    assert "--replace" in line and "--as-new-source" in line
    assert workspace(knowme) == before
    # another address book: beside the first, which keeps everything
    p = knowme("import", work, "--as-new-source")
    assert p.returncode == 0 and "work/contacts.vcf" in p.stdout, p.stderr
    found = people(knowme)
    assert found["Cara Cole"]["decision"] == "knows-me" and found["Cara Cole"]["note"] == "cara from phone"
    assert found["Dirk Dane"]["decision"] == "exclude" and "Emil Ernst" in found


def test_replace_lets_a_newer_export_remove_decided_people_and_says_so(knowme: Knowme, tmp_path: Path) -> None:
    phone, work = two_books(tmp_path)
    assert knowme("import", phone).returncode == 0
    assert knowme("mark", "cara@c.example", "--as", "knows-me", "--note", "cara from phone").returncode == 0
    p = knowme("import", work, "--replace")
    assert p.returncode == 0 and "replaced the earlier import" in p.stdout, p.stderr
    assert "no longer holds 1 person you had decided on: Cara Cole (knows-me)" in p.stdout
    assert "Cara Cole" not in people(knowme)


def test_an_older_export_imported_after_a_newer_one_is_refused(knowme: Knowme, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    newer, older = tmp_path / "contacts.vcf", tmp_path / "old" / "contacts.vcf"
    newer.write_text("".join(card(n, e, uid=f"u{k}") for k, (n, e) in enumerate(FIVE)))
    older.write_text("".join(card(n, e, uid=f"u{k}") for k, (n, e) in enumerate(FIVE[:3])))
    assert knowme("import", newer).returncode == 0
    assert knowme("mark", "eve@e.example", "--as", "personalize", "--draft", "Hi Eve, good to see you at PyData."
                  ).returncode == 0
    before = workspace(knowme)
    p = knowme("import", older)
    assert p.returncode == 1 and "Eve Egan (personalize)" in one_line(p.stderr)
    assert workspace(knowme) == before


def test_undecided_people_still_leave_with_a_newer_export(knowme: Knowme, tmp_path: Path) -> None:
    phone, work = two_books(tmp_path)
    assert knowme("import", phone).returncode == 0
    p = knowme("import", work)
    assert p.returncode == 0 and "replaced the earlier import" in p.stdout, p.stderr
    assert sorted(people(knowme)) == ["Alice Abbot", "Bruno Baker", "Emil Ernst"]


def test_replace_and_as_new_source_do_not_go_together(knowme: Knowme, tmp_path: Path) -> None:
    phone, _ = two_books(tmp_path)
    assert knowme("import", phone, "--replace", "--as-new-source").returncode == 2


def test_a_read_cancelled_midway_never_replaces_the_earlier_import(tmp_path: Path) -> None:
    """The review UI's cancel stops a long read: the cards read so far must not stand for the book."""
    from knowme.importers import ImportOptions
    from knowme.importing import import_path
    from knowme.store.core import Store

    book = tmp_path / "contacts.vcf"
    book.write_text("".join(card(f"Person {n}", f"p{n}@x.example", uid=f"u{n}") for n in range(4500)))
    with Store.open(tmp_path / "w.db") as store:
        assert import_path(store, book).ok
        book.write_text(book.read_text() + card("Newcomer", "new@x.example"))  # a newer export
        calls = []
        cancel_late = ImportOptions(cancelled=lambda: bool(calls.append(1)) or len(calls) > 1)  # after 2,000 cards
        report = import_path(store, book, options=cancel_late)
        assert not report.ok and "import cancelled" in (report.error or "") and "nothing was imported" in report.error
        assert store.counts()["records"] == 4500
        report = import_path(store, book)  # read whole, it replaces as before
        assert report.ok and report.outcome is not None and report.outcome.replaced
        assert store.counts()["records"] == 4501


def test_review_takes_the_same_choice_and_asks_for_the_files_it_applies_to(knowme: Knowme, tmp_path: Path) -> None:
    decided_five(knowme, tmp_path)
    p = knowme("review", "--replace")
    assert p.returncode == 1 and "give the FILEs to import" in one_line(p.stderr)
    assert "--as-new-source" in knowme("review", "--help").stdout
