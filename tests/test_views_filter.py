"""The list filter on the sample address books: word starts first (from the full-text index), name
matches ahead of the rest, looser matches only when nothing matches so, and the index in step with
every change to the people."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowme import views
from knowme.dedupe.run import run_dedupe
from knowme.importing import import_paths
from knowme.normalize import fold
from knowme.store import searchindex
from knowme.store.core import Store
from knowme.views import SORTS, VIEWS, ListQuery

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _searches(store: Store) -> dict[int, str]:
    return dict(store.conn.execute("SELECT id, search FROM people"))


def _names(store: Store, ids) -> list[str]:
    rows = views.rows(store, ids)
    return [rows[pid].name for pid in ids]


def test_acme_lists_exactly_the_people_with_a_word_starting_acme(sample: Store) -> None:
    listing = views.list_people(sample, ListQuery(view="all", text="acme"))
    expected = {pid for pid, search in _searches(sample).items() if any(w.startswith("acme") for w in search.split())}
    assert listing.match == views.MATCH_WORDS
    assert set(listing.ids) == expected and len(listing.ids) == len(expected)
    loose = sample.conn.execute("SELECT count(*) FROM people WHERE search LIKE '%a%c%m%e%'").fetchone()[0]
    assert len(expected) < loose / 3  # the old letters-in-order filter listed several times as many


def test_name_matches_come_first_then_other_fields(sample: Store) -> None:
    listing = views.list_people(sample, ListQuery(view="all", text="jones"))
    rows = views.rows(sample, listing.ids)
    in_name = [any(w.startswith("jones") for w in fold(rows[pid].name).split()) for pid in listing.ids]
    assert in_name[0] and True in in_name and False in in_name
    first_other = in_name.index(False)
    assert not any(in_name[first_other:]), "a name match listed after a match in another field"
    other = rows[listing.ids[first_other]]
    assert views.matched_fields(other, "jones") and "name" not in views.matched_fields(other, "jones")
    assert views.matched_fields(rows[listing.ids[0]], "jones")[0] == "name"


def test_exact_words_rank_ahead_of_word_starts(sample: Store) -> None:
    listing = views.list_people(sample, ListQuery(view="all", text="chris"))  # Chris before Christina
    sort_names = dict(sample.conn.execute("SELECT id, sort_name FROM people"))  # last and first name, folded
    exact = [("chris" in sort_names[pid].split()) for pid in listing.ids]
    assert exact[0] and False in exact
    assert not any(exact[exact.index(False):])


def test_wang_does_not_list_people_with_scattered_letters(sample: Store) -> None:
    listing = views.list_people(sample, ListQuery(view="all", text="wang"))  # nobody is called Wang here
    assert "Marta Kowalska" not in _names(sample, listing.ids)
    for pid in listing.ids:  # the loosest mode still starts at the start of a word
        assert any(w.startswith("w") for w in _searches(sample)[pid].split())


def test_looser_modes_only_when_nothing_matches_and_they_say_so(sample: Store) -> None:
    inside = views.list_people(sample, ListQuery(view="all", text="xample"))  # inside "example"
    assert inside.match == views.MATCH_CONTAINS and inside.ids
    letters = views.list_people(sample, ListQuery(view="all", text="gdnlln"))  # Gordon Allen, letters in order
    assert letters.match == views.MATCH_LETTERS and "Gordon Allen" in _names(sample, letters.ids)
    row = views.rows(sample, letters.ids[:1])[letters.ids[0]]
    assert views.matched_fields(row, "gdnlln", letters.match) == ["letters in order"]
    nobody = views.list_people(sample, ListQuery(view="all", text="zzqqxx"))
    assert not nobody.ids


def test_several_words_must_all_match_in_any_field(sample: Store) -> None:
    listing = views.list_people(sample, ListQuery(view="all", text="gordon acme"))
    assert listing.ids and listing.match == views.MATCH_WORDS
    for pid in listing.ids:
        words = _searches(sample)[pid].split()
        assert any(w.startswith("gordon") for w in words) and any(w.startswith("acme") for w in words)


def test_the_index_follows_imports_merges_undo_and_replacements(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.db") as store:
        import_paths(store, [SAMPLE / "google_contacts.csv", SAMPLE / "iphone.vcf"])
        run_dedupe(store)  # merges delete people
        store.undo()  # and undo brings them back
        store.conn.execute("INSERT INTO people_fts(people_fts) VALUES ('integrity-check')")
        for word in ("acme", "gordon", "example"):
            listed = set(views.person_ids(store, ListQuery(view="all", text=word)))
            expected = {pid for pid, s in _searches(store).items() if any(w.startswith(word) for w in s.split())}
            assert listed == expected, word


def test_an_older_workspace_gets_the_index_on_open(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with Store.open(path) as store:
        import_paths(store, [SAMPLE / "google_contacts.csv"])
        store.conn.execute("DROP TABLE people_fts")
        for trigger in ("insert", "delete", "update"):
            store.conn.execute(f"DROP TRIGGER people_fts_{trigger}")
        store.conn.execute("DROP INDEX people_triage")
        store.conn.execute("DROP INDEX people_suggested")
        store.conn.executescript("DROP VIEW log_full; DROP TABLE log_after; DROP TABLE imported_paths")  # nor the later tables (v7, v8)
        store.conn.execute("PRAGMA user_version=4")  # before the search index (v5)
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 5
        assert views.person_ids(store, ListQuery(view="all", text="acme"))



def _triggers(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}


def _check_index_matches_people(store: Store) -> None:
    store.conn.execute("INSERT INTO people_fts(people_fts) VALUES ('integrity-check')")
    for word in ("acme", "gordon", "example"):
        listed = set(views.person_ids(store, ListQuery(view="all", text=word)))
        expected = {pid for pid, s in _searches(store).items() if any(w.startswith(word) for w in s.split())}
        assert listed == expected, word


def test_a_bulk_merge_rebuilds_the_index_once_and_keeps_it_in_step(tmp_path: Path, monkeypatch) -> None:
    """A dedupe of many merges rebuilds the index instead of updating it row by row (here forced on
    the small sample): the merged-away people are gone from it, and its triggers are back for what
    comes after (undo, another import)."""
    monkeypatch.setattr(searchindex, "worth_rebuilding", lambda store, changes: True)
    with Store.open(tmp_path / "w.db") as store:
        import_paths(store, [SAMPLE / "google_contacts.csv", SAMPLE / "iphone.vcf"])
        triggers = _triggers(store)
        before = store.conn.execute("SELECT count(*) FROM people").fetchone()[0]
        assert run_dedupe(store).auto_merged
        assert store.conn.execute("SELECT count(*) FROM people").fetchone()[0] < before
        assert _triggers(store) == triggers
        _check_index_matches_people(store)
        store.undo()
        _check_index_matches_people(store)
        import_paths(store, [SAMPLE / "Connections.csv"])
        _check_index_matches_people(store)


def test_letters_in_order_lists_the_people_a_scan_finds(sample: Store) -> None:
    """The index narrows the letters-in-order search to people with a word starting with each first letter:
    it finds exactly whom a check of every person finds, accents, apostrophes and emails included."""
    searches = _searches(sample)
    words = sorted({w for s in searches.values() for w in s.split() if len(w) > 3})
    typed = [w[0] + w[2] + w[-1] for w in words[::9]] + [f"{a[0]}{a[-1]} {b[0]}{b[2]}" for a, b in
                                                          zip(words[::53], words[7::53])]
    typed += ["'b", "-x", "jsmth", "zoe"]  # a first character the index does not start words with: a scan
    assert len(typed) > 50
    for text in typed:
        parts = views.filter_words(text)
        patterns = [re.compile(r"(?:^| )" + ".*".join(map(re.escape, part)), re.S) for part in parts]
        expected = {pid for pid, search in searches.items() if all(p.search(search) for p in patterns)}
        found = views.list_people(sample, ListQuery(view="all", text=text), modes=[views.MATCH_LETTERS]).ids
        assert set(found) == expected and len(found) == len(expected), text


def test_a_big_view_in_an_order_no_index_gives_is_scanned_and_lists_the_same_people(
        sample: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Looking up each person of the Undecided view for their company took 4-6 s at a million people;
    a scan of the table reads the same people in the same order in a tenth of that."""
    from knowme.store import views as q

    looked_up = {(v.key, s.key): list(q.view_ids(sample, v.key, s.key)) for v in VIEWS for s in SORTS}
    monkeypatch.setattr(q, "SCAN_FROM", 1)
    for (view, sort), ids in looked_up.items():
        assert list(q.view_ids(sample, view, sort)) == ids, (view, sort)
        assert list(q.view_ids(sample, view, sort, 3, 5)) == ids[3:8], (view, sort)
    assert q._view_source(sample, "undecided", "company") == "people NOT INDEXED"
    assert q._view_source(sample, "undecided", "name") == "people"  # the name order comes from the index
    monkeypatch.setattr(q, "SCAN_FROM", 10**9)
    assert q._view_source(sample, "undecided", "company") == "people"


def test_a_window_around_a_person_is_that_stretch_of_the_list_in_every_view(sample: Store) -> None:
    """Reopening the list on a person late in the alphabet counted everyone ahead of them (two seconds
    at a million people, before the first screen); the window is now read from the person's name:
    it must be exactly the stretch of the whole list around them, or the next by name when the view
    no longer holds them."""
    from bisect import bisect_left

    from knowme.store import views as q

    key = dict(sample.conn.execute("SELECT id, sort_name FROM people"))
    everyone = sorted(key)
    seeked = 0
    for view in VIEWS:
        whole = list(q.view_ids(sample, view.key, "name"))
        keys = [(key[pid], pid) for pid in whole]
        for person in everyone[::7]:
            found = q.window_by_name(sample, view.key, person, 3, 8)
            if found is None:
                continue
            seeked += 1
            window, row = found
            at = bisect_left(keys, (key[person], person))
            start = max(0, at - 3)
            assert list(window) == whole[start:at + max(1, 8 - (at - start))], (view.key, person)
            if at < len(whole):  # the person, or the next by name when the view no longer holds them
                assert window[row] == whole[at], (view.key, person)
    assert seeked > 100
    assert q.window_by_name(sample, "connected", everyone[0], 3, 8) is None  # no index gives its name order
    assert q.window_by_name(sample, "all", -1, 3, 8) is None  # gone
