"""A merged person is listed by the name shown: the list's order follows the names it shows, after a
merge, a re-merge, an undo, a redo and a split (a person merged from cards of different names was
shown by one card's name and sorted by another's: "Carol Bakerson" among the C's)."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from knowme.dedupe.merge import merge_people, split_person
from knowme.store.core import Store
from knowme.views import ListQuery, person_ids
from tests.helpers_triage import add, rec


def card(given: str, family: str, *lines: str) -> str:
    return "\r\n".join(("BEGIN:VCARD", "VERSION:3.0", f"FN:{given} {family}", f"N:{family};{given};;;", *lines,
                        "END:VCARD", ""))


def read_in_order(names: list[str]) -> bool:
    """Whether names written "Given Family" read in alphabetical order, surname first."""
    keys = [(name.split()[-1].casefold(), name.split()[0].casefold()) for name in names]
    return keys == sorted(keys)


def listed(knowme) -> list[str]:
    return [person["name"] for person in knowme.json("list", "--json")]


def test_a_person_merged_from_cards_of_two_names_is_listed_where_the_name_shown_sorts(knowme,
                                                                                       tmp_path: Path) -> None:
    """Carol Chen's card and her card under her married name (the fuller name, shown) are one person:
    `knowme list` put "Carol Bakerson" between Bird and Cole (sorted by Chen, the first card's)."""
    shared = ("EMAIL:carol@x.com", "TEL:+1 415 555 0101")
    (tmp_path / "phone.vcf").write_text(card("Carol", "Chen", *shared), encoding="utf-8")
    (tmp_path / "google.vcf").write_text("".join((card("Carol", "Bakerson", *shared), card("Amy", "Adams"),
                                                  card("Bert", "Bird"), card("Cara", "Cole"))), encoding="utf-8")
    assert knowme("import", tmp_path / "phone.vcf", tmp_path / "google.vcf").returncode == 0
    assert knowme("dedupe").returncode == 0
    pair = knowme.json("pairs", "--json")[0]["id"]
    assert knowme("resolve", pair, "same").returncode == 0
    assert listed(knowme) == ["Amy Adams", "Carol Bakerson", "Bert Bird", "Cara Cole"]
    assert knowme("undo").returncode == 0
    assert listed(knowme) == ["Amy Adams", "Carol Bakerson", "Bert Bird", "Carol Chen", "Cara Cole"]
    assert knowme("redo").returncode == 0
    assert listed(knowme) == ["Amy Adams", "Carol Bakerson", "Bert Bird", "Cara Cole"]
    merged = next(p["id"] for p in knowme.json("list", "--json") if len(p["records"]) == 2)
    assert knowme("split", merged).returncode == 0
    assert listed(knowme) == ["Amy Adams", "Carol Bakerson", "Bert Bird", "Carol Chen", "Cara Cole"]
    assert knowme("dedupe").returncode == 0  # a split asks again: answered the same, a re-merge
    again = knowme.json("pairs", "--json")[0]["id"]
    assert knowme("resolve", again, "same").returncode == 0
    assert listed(knowme) == ["Amy Adams", "Carol Bakerson", "Bert Bird", "Cara Cole"]
    with Store.open(knowme.db) as store:  # and a filter still finds her by the card's name not shown
        found = list(person_ids(store, ListQuery(view="all", text="chen")))
        assert [store.conn.execute("SELECT name FROM people WHERE id=?", (pid,)).fetchone()[0] for pid in found] == [
            "Carol Bakerson"]

FIRST = ("Al", "Bo", "Cy", "Di", "Ed")
LAST = ("Ames", "Bond", "Cruz", "Dunn", "Eck")


@settings(deadline=None, max_examples=40)
@given(names=st.lists(st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)), min_size=2, max_size=8),
       steps=st.lists(st.tuples(st.sampled_from(("merge", "split", "undo")), st.integers(0, 7), st.integers(0, 7)),
                      max_size=6))
def test_the_list_reads_in_order_after_any_merges_splits_and_undos(tmp_path_factory, names, steps) -> None:
    """Whatever cards are merged, re-merged, split or undone, the rows `knowme list` and the review
    UI's views return read in alphabetical order by the names they show."""
    with Store.open(tmp_path_factory.mktemp("names") / "w.db") as store:
        add(store, [rec(g, f, (f"{g}.{f}.{n}@x.example",), fn=f"{g} {f}") for n, (g, f) in enumerate(names)])
        for action, a, b in steps:
            people = [pid for (pid,) in store.conn.execute("SELECT id FROM people ORDER BY id")]
            if action == "merge" and len(people) > 1:
                merge_people(store, people[a % len(people)], [people[b % len(people)]])
            elif action == "split":
                split_person(store, people[a % len(people)])
            elif action == "undo":
                store.undo()
            shown = dict(store.conn.execute("SELECT id, name FROM people"))
            for view in ("all", "undecided"):
                order = [shown[pid] for pid in person_ids(store, ListQuery(view=view))]
                assert read_in_order(order), (view, order)


def test_a_workspace_merged_before_is_listed_by_the_names_shown_once_opened(knowme, tmp_path: Path) -> None:
    """A workspace written before (schema 12) keeps the sort name its merges wrote, the first card's
    surname: opened now, its merged people are sorted again by the name shown."""
    (tmp_path / "a.vcf").write_text("".join((card("Carol", "Chen", "EMAIL:carol@x.com"), card("Amy", "Adams"),
                                             card("Bert", "Bird"), card("Cara", "Cole"),
                                             card("Carol", "Bakerson", "EMAIL:carol@x.com"))), encoding="utf-8")
    assert knowme("import", tmp_path / "a.vcf").returncode == 0
    with Store.open(knowme.db) as store:
        carol = store.conn.execute("SELECT id FROM people WHERE name='Carol Chen'").fetchone()[0]
        other = store.conn.execute("SELECT id FROM people WHERE name='Carol Bakerson'").fetchone()[0]
        merge_people(store, carol, [other])
        store.conn.execute("UPDATE people SET sort_name='chen carol' WHERE id=?", (carol,))  # as schema 12 wrote it
        store.conn.execute("PRAGMA user_version=12")
    assert listed(knowme) == ["Amy Adams", "Carol Bakerson", "Bert Bird", "Cara Cole"]


def test_an_upgrade_of_many_merged_people_builds_the_indexes_once_and_lists_them_the_same(
        tmp_path: Path, monkeypatch) -> None:
    """A large workspace's merged people are sorted again with the search index and people's indexes
    built once after them (as a dedupe writes its merges): the same order, the filter finds each card's
    name, and the indexes are back."""
    from knowme.store import searchindex
    from knowme.views import ListQuery, person_ids

    monkeypatch.setattr(searchindex, "worth_rebuilding", lambda store, changes: True)
    db = tmp_path / "w.db"
    with Store.open(db) as store:
        add(store, [rec("Carol", "Chen", ["carol@x.com"]), rec("Amy", "Adams", ["amy@x.com"]),
                    rec("Bert", "Bird", ["bert@x.com"]), rec("Carol", "Bakerson", ["carol@y.com"])])
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        merge_people(store, ids["Carol Chen"], [ids["Carol Bakerson"]])
        indexes = set(store.conn.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name='people'"))
        with store.transaction():
            store.conn.execute("UPDATE people SET sort_name='chen carol' WHERE id=?", (ids["Carol Chen"],))
            store.conn.execute("PRAGMA user_version=12")
    with Store.open(db) as store:
        names = dict(store.conn.execute("SELECT id, name FROM people"))
        assert [names[pid] for pid in person_ids(store, ListQuery(view="all"))] == \
            ["Amy Adams", "Carol Bakerson", "Bert Bird"]
        assert set(store.conn.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name='people'")) == indexes
        assert [names[pid] for pid in person_ids(store, ListQuery(view="all", text="chen"))] == ["Carol Bakerson"]
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_large_workspace_of_an_older_knowme_is_told_of_its_upgrade_before_it_starts(knowme, tmp_path: Path) -> None:
    """An upgrade of a million records takes most of a minute once: the command says so first, rather
    than look hung; a small or current workspace opens without a word."""
    (tmp_path / "a.vcf").write_text(card("Amy", "Adams") + card("Bert", "Bird"), encoding="utf-8")
    assert knowme("import", tmp_path / "a.vcf").returncode == 0
    assert "upgrading" not in knowme("status").stderr
    with Store.open(knowme.db) as store, store.transaction():
        store.conn.execute("PRAGMA user_version=12")
    assert "upgrading" not in knowme("status").stderr  # small: a moment
    with Store.open(knowme.db) as store, store.transaction():
        store.conn.execute("UPDATE people SET id=250000 WHERE id=(SELECT max(id) FROM people)")
        store.conn.execute("PRAGMA user_version=12")
    done = knowme("status")
    assert done.returncode == 0
    assert done.stderr.startswith(f"knowme: upgrading workspace {knowme.db} to this version of knowme (once;")
    assert "upgrading" not in knowme("status").stderr  # once
    with Store.open(knowme.db) as store, store.transaction():
        store.conn.execute("PRAGMA user_version=13")
    assert "upgrading" not in knowme("status").stderr  # the upgrades after 13 are quick: nothing to say
