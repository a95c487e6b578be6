"""An email cell holding more than one clean address: every address in it is the person's.

An excluded person whose address sat in a messy cell (`a@x.com, b@y.com`, `[a@x.com]`, `work: a@x.com`,
a vCard `EMAIL:a@x.com;b@y.com`...) must keep that address out of the safe file, whoever else holds it;
a knows-me person's messy cell must reach the safe file as a clean address, never as the text around it.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers_triage import add, rec
from hypothesis import given
from hypothesis import strategies as st

from knowme import prepare
from knowme.addresses import addresses_in, email_values
from knowme.model import Person
from knowme.normalize import is_email, mailbox_key
from knowme.store.core import Store
from knowme.suppression import Identity, identity_of

ADDRESS = "bob.smith@acme.com"
MESSY = [
    f"{ADDRESS}, bob@home.net",
    f"bob@home.net; {ADDRESS}",
    f"{ADDRESS} (work)",
    f"{ADDRESS};",
    f"work: {ADDRESS}",
    f"[{ADDRESS}]",
    f"({ADDRESS})",
    f"mailto:{ADDRESS}?subject=hi",
    f"'{ADDRESS}'",
    f"Bob Smith <{ADDRESS}>, bob@home.net",
    f"bob@home.net {ADDRESS}",
]


def _csv(path: Path, first: str, last: str, email: str) -> Path:
    quoted = '"' + email.replace('"', '""') + '"'
    path.write_text(f"First Name,Last Name,E-mail Address\n{first},{last},{quoted}\n", encoding="utf-8")
    return path


def _vcf(path: Path, name: str, email_line: str) -> Path:
    path.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nN:{name.split()[1]};{name.split()[0]};;;\r\n"
                    f"{email_line}\r\nEND:VCARD\r\n", encoding="utf-8")
    return path


def _messy_books(tmp_path: Path) -> list[tuple[str, Path]]:
    books = [(cell, _csv(tmp_path / f"robert{n}.csv", "Robert", "Smith", cell)) for n, cell in enumerate(MESSY)]
    for n, line in enumerate([f"EMAIL:{ADDRESS};bob@home.net", f"EMAIL;PREF=1:bob@home.net, {ADDRESS}",
                              f"EMAIL;TYPE=INTERNET:<{ADDRESS}>;"]):
        books.append((line, _vcf(tmp_path / f"robert{n}.vcf", "Robert Smith", line)))
    return books


def _ids(knowme) -> dict[str, int]:
    return {p["name"]: p["id"] for p in knowme.json("list", "--json")}


@pytest.mark.parametrize("case", range(len(MESSY) + 3))
def test_an_excluded_address_in_a_messy_cell_never_reaches_the_safe_file(knowme, tmp_path: Path, case: int) -> None:
    """The reproduction: Robert (excluded) holds the address in a messy cell, Dana holds it cleanly."""
    cell, robert = _messy_books(tmp_path)[case]
    dana = _csv(tmp_path / "dana.csv", "Dana", "Hill", ADDRESS)
    assert knowme("import", robert).returncode == 0
    assert knowme("mark", _ids(knowme)["Robert Smith"], "--as", "exclude").returncode == 0
    assert knowme("import", dana).returncode == 0
    marked = knowme("mark", _ids(knowme)["Dana Hill"], "--as", "knows-me")
    assert marked.returncode != 0, cell
    assert ADDRESS in marked.stderr and "Robert Smith (excluded)" in marked.stderr
    exported = knowme("export", "safe", "-o", "-")
    assert ADDRESS not in exported.stdout, cell
    assert "Traceback" not in exported.stderr + marked.stderr


@pytest.mark.parametrize("case", range(len(MESSY) + 3))
def test_a_knows_me_person_sharing_an_address_later_excluded_blocks_the_export(knowme, tmp_path: Path,
                                                                                case: int) -> None:
    """The other order: Dana is knows-me first, then Robert's messy card is imported and excluded."""
    cell, robert = _messy_books(tmp_path)[case]
    assert knowme("import", _csv(tmp_path / "dana.csv", "Dana", "Hill", ADDRESS)).returncode == 0
    assert knowme("mark", _ids(knowme)["Dana Hill"], "--as", "knows-me").returncode == 0
    assert knowme("import", robert).returncode == 0
    assert knowme("mark", _ids(knowme)["Robert Smith"], "--as", "exclude").returncode == 0
    exported = knowme("export", "safe", "-o", "-")
    assert ADDRESS not in exported.stdout, cell
    assert exported.returncode != 0 and "Dana Hill" in exported.stderr, cell
    assert "Traceback" not in exported.stderr


@pytest.mark.parametrize("cell", [f"[{ADDRESS}]", f"({ADDRESS})", f"<{ADDRESS}>", f"{ADDRESS};", f"'{ADDRESS}'",
                                  f"mailto:{ADDRESS}?subject=hi", f"work: {ADDRESS}", f"{ADDRESS} (work)"])
def test_a_knows_me_persons_messy_cell_is_written_as_the_clean_address(knowme, tmp_path: Path, cell: str) -> None:
    assert knowme("import", _csv(tmp_path / "dana.csv", "Dana", "Hill", cell)).returncode == 0
    assert knowme("mark", _ids(knowme)["Dana Hill"], "--as", "knows-me").returncode == 0
    exported = knowme("export", "safe", "-o", "-")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines()[1] == f"Dana,Hill,{ADDRESS},,,,"


def test_two_addresses_in_one_cell_are_two_emails_with_the_cells_label(knowme, tmp_path: Path) -> None:
    book = _vcf(tmp_path / "robert.vcf", "Robert Smith", f"EMAIL;TYPE=WORK:{ADDRESS}, bob@home.net")
    assert knowme("import", book).returncode == 0
    [person] = knowme.json("list", "--json")
    assert person["emails"] == [ADDRESS, "bob@home.net"]
    with Store.open(knowme.db) as store:
        [record] = store.people_by_id([person["id"]])[person["id"]].records
    assert [(e.value, e.label) for e in record.emails] == [(ADDRESS, "work"), ("bob@home.net", "work")]
    assert ("email as written", f"{ADDRESS}, bob@home.net") in record.extras  # nothing the card said is lost


def test_clean_cells_and_cells_without_an_address_stay_as_written(store) -> None:
    cells = [ADDRESS, "Bob Smith <bob.smith@acme.com>", '"Smith, Bob" <bob.smith@acme.com>', "bob at acme",
             '"bob smith"@acme.com', "o'brien@x.ie"]
    add(store, [rec("Bob", "Smith", cells)])
    [person] = store.people_by_id([1]).values()
    assert [e.value for e in person.records[0].emails] == cells
    assert person.records[0].extras == []


def test_a_cell_stored_before_cells_were_split_still_suppresses_every_address_in_it() -> None:
    person = Person(1, records=[rec("Robert", "Smith", [f"bob@home.net, {ADDRESS}", f"work: {ADDRESS.upper()}",
                                                        "bob＠old.org", "[bob＠older.org], bob@oldest.org"])])
    assert set(identity_of(person, Identity()).emails) == {ADDRESS, "bob@home.net", "bob@old.org", "bob@older.org",
                                                           "bob@oldest.org"}


def test_the_safe_file_never_takes_text_around_an_address_for_one() -> None:
    for cell in MESSY:
        assert not is_email(cell), cell
    assert is_email(ADDRESS) and is_email("o'brien@x.ie")


# ---- the splitting itself ----------------------------------------------------------------------------------

locals_ = st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,10}[a-z0-9])?", fullmatch=True).filter(lambda s: ".." not in s)
domains = st.from_regex(r"[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}\.[a-z]{2,4}", fullmatch=True)
addresses = st.builds(lambda local, domain: f"{local}@{domain}", locals_, domains)
wrapped = st.sampled_from(["{}", "<{}>", "[{}]", "({})", "'{}'", "mailto:{}", "mailto:{}?subject=hi", "{} (work)",
                           "work: {}", "Jane Doe <{}>", '"Doe, Jane" <{}>', "{}.", "{}!"])
separators = st.sampled_from([", ", ",", "; ", ";", " ", " , ", "\t"])


@given(st.lists(st.tuples(addresses, wrapped), min_size=1, max_size=4), separators)
def test_any_list_of_addresses_in_a_cell_gives_exactly_those_mailboxes(items, sep: str) -> None:
    cell = sep.join(form.format(address) for address, form in items)
    expected = list(dict.fromkeys(mailbox_key(address) for address, _ in items))
    assert [mailbox_key(a) for a in addresses_in(cell)] == expected
    values = email_values(cell)
    assert [mailbox_key(v) for v in values] == expected
    assert email_values(", ".join(values)) == values  # splitting again changes nothing


@given(addresses)
def test_a_clean_address_is_its_own_cell(address: str) -> None:
    assert email_values(address) == [address] and addresses_in(address) == [address] and is_email(address)


def test_a_workspace_imported_before_cells_were_split_keeps_its_decisions_on_a_newer_export(
        knowme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Robert's cell was stored as written (as every import did before); a newer export of his book, read
    with the cell split, keeps him excluded, and both his addresses stay out of the safe file."""
    book = tmp_path / "contacts.csv"
    rows = f'Robert,Smith,"{ADDRESS}, bob@home.net"\nAnn,Lee,ann@lee.org\n'
    book.write_text("First Name,Last Name,E-mail Address\n" + rows, encoding="utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(prepare, "split_email_cells", lambda record: None)
        assert knowme("import", book).returncode == 0
    assert knowme("mark", _ids(knowme)["Robert Smith"], "--as", "exclude").returncode == 0
    book.write_text("First Name,Last Name,E-mail Address\n" + rows + "Cy,Chen,cy@chen.net\n", encoding="utf-8")
    assert knowme("import", book).returncode == 0
    people = {p["name"]: p for p in knowme.json("list", "--json")}
    assert people["Robert Smith"]["decision"] == "exclude"
    assert people["Robert Smith"]["emails"] == [ADDRESS, "bob@home.net"]
    for name, email in (("Dana Hill", ADDRESS), ("Dan Home", "bob@home.net")):
        assert knowme("import", _csv(tmp_path / f"{email}.csv", *name.split(), email)).returncode == 0
        assert knowme("mark", _ids(knowme)[name], "--as", "knows-me").returncode != 0
    exported = knowme("export", "safe", "-o", "-")
    assert ADDRESS not in exported.stdout and "bob@home.net" not in exported.stdout


def test_a_knows_me_card_giving_its_address_with_a_name_is_written_with_the_address(tmp_path: Path) -> None:
    """`EMAIL:Jane Doe <jane@doe.example>` stays as written in the record, and the safe file left it out:
    Jane, marked knows-me, counted as "no email" and was never uploaded. The address is written bare."""
    from knowme.cli.main import main

    book = tmp_path / "a.vcf"
    book.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nEMAIL:Jane Doe <jane@doe.example>\r\n"
                    "END:VCARD\r\n", encoding="utf-8")
    db, out = tmp_path / "w.db", tmp_path / "safe.csv"
    assert main(["--db", str(db), "import", str(book)]) == 0
    assert main(["--db", str(db), "mark", "1", "--as", "knows-me"]) == 0
    assert main(["--db", str(db), "export", "safe", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "jane@doe.example" in text and "<" not in text


def test_an_exclusion_recorded_from_a_cell_of_two_addresses_before_the_split_covers_both(tmp_path: Path) -> None:
    """An exclusion recorded before cells were split kept one entry for `bob@acme.example, bob@home.example`
    (a key no address has). Once Bob's cards left every book, a card giving either address cleanly was
    exported. The list reads each address of such an entry."""
    from knowme.cli.main import main
    from knowme.store.core import Store

    db, out = tmp_path / "w.db", tmp_path / "safe.csv"
    with Store.open(db) as store:
        add(store, [rec("Dana", "Hill", ["dana@hill.example"])])
        store.conn.execute("INSERT INTO exclusions(person_id, name, at) VALUES (NULL, 'Bob Smith', '2026-01-01')")
        eid = store.conn.execute("SELECT max(id) FROM exclusions").fetchone()[0]
        store.conn.execute("INSERT INTO suppressions(exclusion_id, kind, key, shown, at) VALUES (?, 'email', ?, ?, ?)",
                           (eid, "bob@acme.example, bob@home.example", "bob@acme.example, bob@home.example",
                            "2026-01-01"))
        store.conn.commit()
    other = tmp_path / "b.vcf"
    other.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kim;Lee;;;\r\nFN:Lee Kim\r\nEMAIL:lee@kim.example\r\n"
                     "EMAIL:bob@home.example\r\nEND:VCARD\r\n", encoding="utf-8")
    assert main(["--db", str(db), "import", str(other)]) == 0
    assert main(["--db", str(db), "mark", "Lee Kim", "--as", "knows-me"]) in (0, 1)
    main(["--db", str(db), "export", "safe", "-o", str(out)])
    assert not out.exists() or "bob@home.example" not in out.read_text(encoding="utf-8")


def test_opening_a_workspace_stored_before_cells_were_split_splits_them_once(
        knowme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A v8 workspace kept `bob.smith@acme.com, bob@home.net` as one email with no key: dedupe never
    matched either address, and a filter for bob@home.net did not find Robert. Opening it splits the cell
    as imports do now (the cell kept as written), gives both addresses their keys, and keeps the record's
    identity, his decision and everything else."""
    book = tmp_path / "contacts.csv"
    book.write_text("First Name,Last Name,E-mail Address\n"
                    f'Robert,Smith,"{ADDRESS}, bob@home.net"\nAnn,Lee,"ann@lee.org"\n', encoding="utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(prepare, "split_email_cells", lambda record: None)
        assert knowme("import", book).returncode == 0
    robert = _ids(knowme)["Robert Smith"]
    assert knowme("mark", robert, "--as", "exclude", "--note", "ex-boss").returncode == 0
    with Store.open(knowme.db) as store:
        before = dict(store.conn.execute("SELECT id, rkey FROM records"))
        assert not store.conn.execute("SELECT count(*) FROM keys k JOIN records r ON r.id = k.record_id "
                                      "WHERE r.first = 'robert' AND k.kind = 'email'").fetchone()[0]
        store.conn.execute("PRAGMA user_version=8")
    people = {p["name"]: p for p in knowme.json("list", "--json")}  # opens (and upgrades) the workspace
    bob = people["Robert Smith"]
    assert bob["decision"] == "exclude" and bob["note"] == "ex-boss"
    assert bob["emails"] == [ADDRESS, "bob@home.net"]
    with Store.open(knowme.db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 9
        assert dict(store.conn.execute("SELECT id, rkey FROM records")) == before
        keys = {key for (key,) in store.conn.execute(
            "SELECT k.key FROM keys k JOIN records r ON r.id = k.record_id WHERE r.person_id = ? AND kind = 'email'",
            (robert,))}
        assert keys == {mailbox_key(ADDRESS), mailbox_key("bob@home.net")}
        [data] = [d for (d,) in store.conn.execute("SELECT data FROM records WHERE person_id = ?", (robert,))]
        assert f"{ADDRESS}, bob@home.net" in data  # the cell as written, beside its two addresses
        assert store.conn.execute("SELECT count(*) FROM people WHERE search LIKE '%home%'").fetchone()[0] == 1
    # a newer card of Robert's giving only his home address is now a duplicate dedupe can see
    assert knowme("import", _csv(tmp_path / "phone.csv", "Robert", "Smith", "bob@home.net")).returncode == 0
    assert knowme("dedupe").returncode == 0
    roberts = [p for p in knowme.json("list", "--json") if p["name"] == "Robert Smith"]
    assert len(roberts) == 1 and roberts[0]["decision"] == "exclude" and len(roberts[0]["records"]) == 2
