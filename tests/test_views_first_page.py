"""A filter's first page of one- or two-letter words, found by walking the list in its order instead of
ranking everyone who matches: it must be exactly the start of the ranked list, whatever the names, the
view and the order, or a user sees rows jump when the whole list lands a moment later."""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowme import views
from knowme.importing import store_records
from knowme.model import Labeled, Record
from knowme.store import views as q
from knowme.store.core import SORT_MAX, Store, searchable, summarise_record
from knowme.views import SORTS, VIEWS, ListQuery


def _first_page_and_list(store: Store, query: ListQuery, limit: int) -> tuple[list[int], list[int]]:
    page = views.list_people(store, query, limit=limit, modes=views.MATCH_MODES[:1]).ids
    whole = views.list_people(store, query, modes=views.MATCH_MODES[:1]).ids
    return list(page), list(whole[:limit])


def _short_words(store: Store) -> list[str]:
    """Every first letter and first two letters of a word the people have, and a few nobody has."""
    words = {w for (text,) in store.conn.execute("SELECT search FROM people") for w in text.split()}
    return sorted({w[:1] for w in words} | {w[:2] for w in words} | {"zq", "x"})


def test_the_first_page_is_the_start_of_the_ranked_list_in_every_view_and_order(sample: Store) -> None:
    walked = 0
    for text in _short_words(sample) + ["g a", "j s", "m k"]:
        words = views.filter_words(text)
        for view in VIEWS:
            for sort in SORTS:
                for limit in (1, 7):
                    page, start = _first_page_and_list(sample, ListQuery(view.key, sort.key, text), limit)
                    assert page == start, (text, view.key, sort.key, limit)
                walked += q.first_page_of_word_starts(sample, view.key, sort.key, words, 7) is not None
    assert walked > 100  # the walk itself ran, not only the ranked query it falls back to


def test_a_walk_that_runs_out_of_budget_falls_back_to_the_ranked_list(sample: Store, monkeypatch) -> None:
    monkeypatch.setattr(q, "WALK_BUDGET", 0)
    monkeypatch.setattr(q, "_WALK_TICK", 1)
    assert q.first_page_of_word_starts(sample, "all", "name", ["s"], 5) is None
    page, start = _first_page_and_list(sample, ListQuery("all", "name", "s"), 5)
    assert page == start and len(page) == 5


def test_an_interrupt_from_another_thread_is_not_taken_for_the_budget(sample: Store, monkeypatch) -> None:
    """A newer keystroke interrupts a read: that must stop it, not send it on to the ranked query."""
    real = q._ids
    monkeypatch.setattr(q, "WALK_BUDGET", 10**12)

    def slow_walk(store: Store, sql: str, params) -> object:
        if not sql.startswith("SELECT id FROM people WHERE"):
            return real(store, sql, params)
        threading.Timer(0.05, store.interrupt).start()  # while the walk runs
        return real(store, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
                           "SELECT x FROM n WHERE x < 0 LIMIT 1", [])

    monkeypatch.setattr(q, "_ids", slow_walk)
    with pytest.raises(sqlite3.OperationalError, match="interrupt"):
        q.first_page_of_word_starts(sample, "all", "name", ["s"], 5)


_LETTERS = "abcdeèéklmnoøsșwz'-"
_part = st.text(alphabet=_LETTERS + "Aß王小", min_size=1, max_size=7)


@st.composite
def _record(draw: st.DrawFn) -> Record:
    """A card whose display name may say something else than its name fields (a nickname, another
    script, a typo), as real cards do: the list ranks by the name fields, the index reads the rest."""
    given, family = draw(_part), draw(st.one_of(st.just(""), _part))
    shown = draw(st.one_of(st.just(""), st.builds(" ".join, st.lists(_part, min_size=1, max_size=3))))
    email = draw(st.one_of(st.just(""), st.builds("{}@{}.com".format, _part.filter(str.isalnum),
                                                    st.sampled_from(["acme", "smith", "kw"]))))
    return Record(formatted_name=shown, given=given, family=family,
                  emails=[Labeled(email, "home")] if email else [])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(_record(), min_size=1, max_size=25), typed=st.sampled_from(
    ["a", "e", "k", "s", "w", "z", "o", "sm", "ka", "ko", "er", "王", "王小", "a s", "k w", "ss"]))
def test_a_first_page_matches_the_list_on_any_names(tmp_path: Path, records: list[Record], typed: str) -> None:
    name = hashlib.sha256(repr(records).encode()).hexdigest()[:12]
    with Store.open(tmp_path / f"{name}.db") as store:
        if not store.conn.execute("SELECT 1 FROM people LIMIT 1").fetchone():
            for number, record in enumerate(records, start=1):
                record.index = number
            store_records(store, Path("cards.vcf"), "vcard", records, [], name, source_name="cards.vcf")
        for limit in (1, 3):
            for view in ("all", "undecided"):
                page, start = _first_page_and_list(store, ListQuery(view, "name", typed), limit)
                assert page == start, (typed, view, limit)


@settings(max_examples=200)
@given(_record())
def test_every_word_a_person_is_sorted_by_is_one_the_index_finds(record: Record) -> None:
    summary = summarise_record(record)
    sort_name, search = summary[1], summary[-1]
    assert len(sort_name) <= SORT_MAX
    assert all(word in search.split() for word in sort_name.split() if word[0].isalnum())


def test_a_huge_name_field_is_sorted_by_its_start_and_still_found(tmp_path: Path) -> None:
    record = Record(index=1, given="Ann", family="Zed" + "x" * 5000 + " Tail")
    sort_name, search = summarise_record(record)[1], summarise_record(record)[-1]
    assert sort_name.startswith("zed") and len(sort_name) == SORT_MAX
    assert searchable(sort_name, search) == search


def test_an_older_workspace_has_its_sort_words_put_in_the_index_on_open(tmp_path: Path) -> None:
    """A workspace written before v6 may list a person ranked by a name the index does not hold (a
    card shown as "Bob Stone" with the given name Robert): on open, the missing words are added."""
    path = tmp_path / "w.db"
    record = Record(index=1, formatted_name="Bob Stone", given="Robert", family="Stone")
    with Store.open(path) as store:
        store_records(store, Path("a.vcf"), "vcard", [record], [], "h", source_name="a.vcf")
        store.conn.execute("UPDATE people SET search='bob stone'")  # as v5 wrote it
        store.conn.executescript("DROP VIEW log_full; DROP TABLE log_after; DROP TABLE imported_paths")  # nor the later tables (v7, v8)
        store.conn.execute("PRAGMA user_version=5")
    with Store.open(path) as store:
        assert store.conn.execute("SELECT search FROM people").fetchone()[0] == "robert bob stone"
        assert views.person_ids(store, ListQuery("all", "name", "rob"))
        store.conn.execute("INSERT INTO people_fts(people_fts) VALUES ('integrity-check')")
