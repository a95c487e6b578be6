"""A filter word inside other words ("mit" in Schmitt) is found through the search index's vocabulary,
not a scan of every person: the same people as the scan, names first, and a vocabulary that follows
imports."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from tui_helpers import store_records

from knowme import views
from knowme.model import Labeled, Record
from knowme.store.core import Store
from knowme.store.reader import Interrupted, Readers
from knowme.store.views import Vocabulary
from knowme.views import ListQuery

INSIDE = [views.MATCH_CONTAINS]


def _searches(store: Store) -> dict[int, str]:
    return dict(store.conn.execute("SELECT id, search FROM people"))


def _record(n: int, given: str, family: str, email: str, org: str = "") -> Record:
    return Record(source="book.vcf", index=n, given=given, family=family, formatted_name=f"{given} {family}",
                  org=org, emails=[Labeled(email, "work")])


@pytest.fixture
def book(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "w.db")
    store_records(store, "book.vcf", [
        _record(1, "Carl", "Kumar", "carl@goldsmith.example"),  # "mit" inside an email only
        _record(2, "Zed", "Smithers", "zed@example.org"),  # inside the name, after Schmitt by name
        _record(3, "Anna", "Schmitt", "anna@example.org"),
        _record(4, "Dora", "Lee", "dora@example.org", org="Committee"),  # inside the company
        _record(5, "Sean", "O'Brien", "sean@example.org"),
    ])
    yield store
    store.close()


def _names(store: Store, ids) -> list[str]:
    rows = views.rows(store, ids)
    return [rows[pid].name for pid in ids]


def test_mit_finds_schmitt_and_names_rank_ahead_of_other_fields(book: Store) -> None:
    listing = views.list_people(book, ListQuery(view="all", text="mit"))
    assert listing.match == views.MATCH_CONTAINS  # nobody's words start with "mit"
    names = _names(book, listing.ids)
    assert names[:2] == ["Anna Schmitt", "Zed Smithers"]  # in the name, by name
    assert set(names[2:]) == {"Carl Kumar", "Dora Lee"}
    rows = views.rows(book, listing.ids)
    matched = {rows[pid].name: views.matched_fields(rows[pid], "mit", listing.match) for pid in listing.ids}
    assert matched == {"Anna Schmitt": ["name"], "Zed Smithers": ["name"], "Carl Kumar": ["email"],
                       "Dora Lee": ["company"]}


def test_a_word_with_an_apostrophe_is_found_inside_words(book: Store) -> None:
    listing = views.list_people(book, ListQuery(view="all", text="o'bri"))
    assert _names(book, listing.ids) == ["Sean O'Brien"]
    inside = views.list_people(book, ListQuery(view="all", text="'brie"), modes=INSIDE)
    assert _names(book, inside.ids) == ["Sean O'Brien"]


def test_words_inside_nobody_list_nobody(book: Store) -> None:
    assert not views.list_people(book, ListQuery(view="all", text="xqzw"), modes=INSIDE).ids
    assert not views.list_people(book, ListQuery(view="all", text="mit xqzw"), modes=INSIDE).ids


def test_inside_word_matches_are_the_people_a_scan_finds(sample: Store) -> None:
    searches = _searches(sample)
    words = sorted({w for s in searches.values() for w in s.split() if len(w) > 4})
    # the middle of every 7th word, a few pairs of them, and parts with an apostrophe or hyphen
    typed = [w[1:-1] for w in words[::7]] + [f"{a[1:4]} {b[2:5]}" for a, b in zip(words[::41], words[5::41])]
    typed += [w[1:] for w in words if re.search(r"\w['-]\w", w)]
    assert len(typed) > 50
    vocabulary = Vocabulary()
    for text in typed:
        parts = views.filter_words(text)
        expected = {pid for pid, search in searches.items() if all(part in search for part in parts)}
        listing = views.list_people(sample, ListQuery(view="all", text=text), modes=INSIDE, vocabulary=vocabulary)
        assert set(listing.ids) == expected and len(listing.ids) == len(expected), text


def test_the_index_words_are_the_folded_words_split_at_apostrophes_and_hyphens(sample: Store) -> None:
    sample.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5vocab(main, people_fts, row)")
    indexed = {term for (term,) in sample.conn.execute("SELECT term FROM temp.words")}
    folded = {part for search in _searches(sample).values() for part in re.split(r"[\W_]+", search) if part}
    assert indexed == folded


def test_a_kept_vocabulary_follows_imports(book: Store) -> None:
    vocabulary = Vocabulary()
    assert not views.list_people(book, ListQuery(view="all", text="ammit"), modes=INSIDE, vocabulary=vocabulary).ids
    store_records(book, "later.vcf", [_record(1, "Eve", "Hammitt", "eve@example.org")])
    listing = views.list_people(book, ListQuery(view="all", text="ammit"), modes=INSIDE, vocabulary=vocabulary)
    assert _names(book, listing.ids) == ["Eve Hammitt"]


def test_a_read_interrupted_from_another_thread_says_so(book: Store) -> None:
    readers = Readers(book.path)
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    with pytest.raises(Interrupted):
        with readers.read() as reader:
            threading.Timer(0.2, readers.interrupt).start()
            reader.store.conn.execute(endless).fetchone()
    with readers.read() as reader:  # a new read runs as usual
        assert views.list_people(reader.store, ListQuery(view="all", text="mit")).ids
