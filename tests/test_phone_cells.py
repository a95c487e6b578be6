"""A phone cell holding two numbers (`555 201 0000 / 555 201 0009`) is two phones of the person.

Read as one, the cell was keyed as no number at all: dedupe never met the second number on another
card, `mark 555-201-0009` found nobody, and a filter for it found nothing. Each number is now a phone
of its own, with the cell's label, and the cell is kept word for word beside them.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowme import prepare
from knowme.model import Labeled, Record
from knowme.normalize import numbers_in, phone_key, split_phone_cells
from knowme.store.core import Store

CELL = "555 201 0000 / 555 201 0009"


def _book(path: Path, rows: str) -> Path:
    path.write_text("First Name,Last Name,Mobile Phone,E-mail Address\n" + rows, encoding="utf-8")
    return path


def _people(knowme) -> dict[str, dict]:
    return {p["name"]: p for p in knowme.json("list", "--json")}


def test_each_number_of_a_two_number_cell_finds_and_merges_the_person(knowme, tmp_path: Path) -> None:
    knowme("import", _book(tmp_path / "a.csv", f"Robert,Smith,{CELL},bob@acme.com\nAnn,Lee,,ann@lee.org\n"))
    robert = _people(knowme)["Robert Smith"]
    assert robert["phones"] == ["555 201 0000", "555 201 0009"]
    found = knowme("mark", "(555) 201-0009", "--as", "exclude")
    assert found.returncode == 0, found.stderr
    assert _people(knowme)["Robert Smith"]["decision"] == "exclude"
    # a phone's card of Robert giving only his second number: a duplicate dedupe sees
    assert knowme("import", _book(tmp_path / "phone.csv", "Robert,Smith,+1 555-201-0009,\n")).returncode == 0
    assert knowme("dedupe").returncode == 0
    roberts = [p for p in knowme.json("list", "--json") if p["name"] == "Robert Smith"]
    assert len(roberts) == 1 and roberts[0]["decision"] == "exclude" and len(roberts[0]["records"]) == 2


def test_the_cell_is_kept_word_for_word_beside_its_numbers(knowme, tmp_path: Path) -> None:
    knowme("import", _book(tmp_path / "a.csv", f"Ann,Lee,{CELL},ann@lee.org\n"))
    with Store.open(knowme.db) as store:
        [data] = [d for (d,) in store.conn.execute("SELECT data FROM records")]
    assert json.loads(data)["extras"] == [["phone as written", CELL]]
    assert _people(knowme)["Ann Lee"]["phones"] == ["555 201 0000", "555 201 0009"]


@pytest.mark.parametrize("cell", [
    "+1 (555) 201-0000", "555 201 0000 ext. 214", "+1 555 201 0000;ext=214", "030/1234567", "030 / 1234567",
    "+44 20 7946 0958", "0049 / 30 1234567", "tel:+1-555-201-0000", "555-201-0000 (mobile)",
])
def test_a_cell_of_one_number_stays_one_phone(cell: str) -> None:
    record = Record(phones=[Labeled(cell, "work")])
    split_phone_cells(record)
    assert record.phones == [Labeled(cell, "work")] and not record.extras


@pytest.mark.parametrize("separator", [" / ", " | ", "|", " or ", " oder ", " ou ", "; "])
def test_two_numbers_under_any_separator_are_two_phones_with_the_cells_label(separator: str) -> None:
    record = Record(phones=[Labeled(f"+1 555 201 0000{separator}+1 555 201 0009", "cell")])
    split_phone_cells(record)
    assert record.phones == [Labeled("+1 555 201 0000", "cell"), Labeled("+1 555 201 0009", "cell")]


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.integers(2_012_000_000, 9_899_999_999), min_size=1, max_size=3),
       st.sampled_from([" / ", " | ", " or ", "; "]))
def test_any_list_of_numbers_in_a_cell_gives_exactly_those_numbers(numbers: list[int], separator: str) -> None:
    written = [f"+1 {str(n)[:3]} {str(n)[3:6]} {str(n)[6:]}" for n in numbers]
    parts = numbers_in(separator.join(written))
    assert [phone_key(part) for part in parts] == [phone_key(w) for w in written]


def test_opening_a_workspace_stored_before_phone_cells_were_split_splits_them_once(
        knowme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A v9 workspace kept Robert's two numbers as one phone with no key. Opening it splits the cell as
    imports do now, gives both numbers their keys, and keeps his identity, decision and note."""
    with monkeypatch.context() as patched:
        patched.setattr(prepare, "split_phone_cells", lambda record: None)
        knowme("import", _book(tmp_path / "a.csv", f"Robert,Smith,{CELL},bob@acme.com\nAnn,Lee,,ann@lee.org\n"))
    assert knowme("mark", "bob@acme.com", "--as", "exclude", "--note", "ex-boss").returncode == 0
    with Store.open(knowme.db) as store:
        before = dict(store.conn.execute("SELECT id, rkey FROM records"))
        assert not store.conn.execute("SELECT count(*) FROM keys WHERE kind = 'phone'").fetchone()[0]
        store.conn.execute("PRAGMA user_version=9")
    robert = _people(knowme)["Robert Smith"]  # opens (and upgrades) the workspace
    assert robert["decision"] == "exclude" and robert["note"] == "ex-boss"
    assert robert["phones"] == ["555 201 0000", "555 201 0009"]
    with Store.open(knowme.db) as store:
        assert dict(store.conn.execute("SELECT id, rkey FROM records")) == before
        keys = {key for (key,) in store.conn.execute("SELECT key FROM keys WHERE kind = 'phone'")}
        assert keys == {"+15552010000", "+15552010009"}
        # the exclusion's list holds both numbers: a card giving the second one alone is refused
        assert store.conn.execute("SELECT count(*) FROM suppressions WHERE kind = 'phone' "
                                  "AND key = '+15552010009'").fetchone()[0] == 1
    knowme("import", _book(tmp_path / "b.csv", "Dana,Hill,555.201.0009,dana@hill.example\n"))
    assert knowme("mark", "dana@hill.example", "--as", "knows-me").returncode == 1
