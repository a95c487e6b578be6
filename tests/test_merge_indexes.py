"""A dedupe of many merges drops people's indexes and builds them once afterwards: the list must
come out as fast and in the same order as before, after the merge, its undo, and a merge that failed."""
from __future__ import annotations

from pathlib import Path

import pytest

from knowme import views
from knowme.dedupe import merge
from knowme.dedupe.run import run_dedupe
from knowme.importing import import_paths
from knowme.store import searchindex
from knowme.store.core import Store
from knowme.views import ListQuery
from tests.test_views_filter import _check_index_matches_people, _searches, _triggers

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _indexes(store: Store) -> set[tuple[str, str]]:
    return set(store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='people'"))


def _listed_in_order(store: Store) -> list[int]:
    return list(views.person_ids(store, ListQuery(view="all")))


def _sorted_by_scan(store: Store) -> list[int]:
    return [pid for pid, in store.conn.execute("SELECT id FROM people NOT INDEXED ORDER BY sort_name, id")]


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample is small: have it take the path of a large dedupe."""
    monkeypatch.setattr(searchindex, "worth_rebuilding", lambda store, changes: True)


def test_a_bulk_merge_gives_people_their_indexes_back(tmp_path: Path, forced: None) -> None:
    with Store.open(tmp_path / "w.db") as store:
        import_paths(store, [SAMPLE / "google_contacts.csv", SAMPLE / "iphone.vcf"])
        indexes = _indexes(store)
        assert len(indexes) >= 3
        assert run_dedupe(store).auto_merged
        assert _indexes(store) == indexes
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert _listed_in_order(store) == _sorted_by_scan(store)
        store.undo()
        assert _indexes(store) == indexes
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_bulk_merge_that_fails_leaves_people_their_indexes_and_the_search_index_as_they_were(
        tmp_path: Path, forced: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(store: Store, moves) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(merge, "fold_people", failing)
    with Store.open(tmp_path / "w.db") as store:
        import_paths(store, [SAMPLE / "google_contacts.csv", SAMPLE / "iphone.vcf"])
        indexes, listed = _indexes(store), _listed_in_order(store)
        triggers, searches = _triggers(store), _searches(store)
        with pytest.raises(OSError):
            run_dedupe(store)
        assert _indexes(store) == indexes and _listed_in_order(store) == listed
        assert _triggers(store) == triggers and _searches(store) == searches
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        _check_index_matches_people(store)
        import_paths(store, [SAMPLE / "Connections.csv"])  # the search index's triggers still work
        _check_index_matches_people(store)
