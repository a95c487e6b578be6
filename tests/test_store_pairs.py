"""The storage package's review queue (`knowme.store.pairs`) and merge rows (`knowme.store.merging`)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from knowme.dedupe.merge import merge_people
from knowme.dedupe.run import pending_pairs
from knowme.importing import store_records
from knowme.model import Record
from knowme.store import merging, pairs
from knowme.store.core import Store


def _people(store: Store, *names: str) -> list[tuple[int, int]]:
    """One card per name, each its own person: (person id, record id) in the order given."""
    records = [Record(index=i, given=name, family="Lee", formatted_name=f"{name} Lee") for i, name in enumerate(names)]
    store_records(store, Path("book.vcf"), "vcard", records, [], "book", "US")
    found = {p.display_name.split()[0]: (p.id, p.record_ids[0]) for p in store.iter_people()}
    return [found[name] for name in names]


def test_two_pairs_between_the_same_two_people_are_two_pairs_but_one_question(store: Store) -> None:
    """After a merge, pairs queued between records of different people can join the same two people:
    the status line counts pairs, the review (and the dedupe report) asks once per two people."""
    (ann, ann_card), (bo, bo_card), (cy, cy_card) = _people(store, "Ann", "Bo", "Cy")
    with store.transaction():
        pairs.add_pairs(store, [(ann_card, bo_card, 0.4, '["same phone"]'), (bo_card, cy_card, 0.3, '["same city"]')])
    assert (pairs.pending_pair_count(store), pairs.pending_question_count(store)) == (2, 2)
    merge_people(store, ann, [cy])
    assert pairs.pending_pair_count(store) == 2
    assert pairs.pending_question_count(store) == 1 == len(pending_pairs(store))
    both = pairs.pending_pairs_between(store, ann, bo)
    assert len(both) == 2 and pairs.pending_pairs_involving(store, bo) == both
    assert pairs.pending_pairs_between(store, bo, ann) == both


def test_a_pair_inside_one_person_or_answered_is_no_longer_pending(store: Store) -> None:
    (ann, ann_card), (bo, bo_card), (cy, cy_card) = _people(store, "Ann", "Bo", "Cy")
    with store.transaction():
        pairs.add_pairs(store, [(ann_card, bo_card, 0.4, '["same phone"]'), (bo_card, cy_card, 0.3, '["same city"]')])
    (first,) = pairs.pending_pairs_between(store, ann, bo)
    with store.transaction():
        pairs.set_pair_status(store, [first], "different")
    assert pairs.pending_pairs_involving(store, ann) == [] and pairs.pending_pair_count(store) == 1
    assert list(pairs.answered_pairs(store)) == [("different", ["same phone"])]
    merge_people(store, bo, [cy])
    assert (pairs.pending_pair_count(store), pairs.pending_question_count(store)) == (0, 0)
    assert pairs.pending_pairs_involving(store, bo) == []


def test_forked_workers_read_the_last_committed_state_and_cannot_write(store: Store) -> None:
    (ann, ann_card), (bo, bo_card) = _people(store, "Ann", "Bo")
    with store.transaction():
        merging.fold_people(store, [(ann, bo)])  # not committed yet
        with merging.read_only(store.path) as reader:
            assert merging.records_of(reader, [ann, bo]) == {ann: [ann_card], bo: [bo_card]}
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                merging.fold_people(reader, [(bo, ann)])
    assert merging.records_of(store, [ann, bo]) == {ann: [ann_card, bo_card], bo: []}


def test_records_of_many_people_come_in_record_order_whatever_order_the_people_are_asked_in(store: Store) -> None:
    """A merged person's records are summarised in record order, also when its group spans two of the
    chunks the ids are sent in."""
    people = _people(store, *(f"N{i:04d}" for i in range(1200)))
    asked = [pid for pid, _ in reversed(people)]
    rows = merging.records_with_data(store, asked)
    assert [rid for rid, _, _ in rows] == sorted(rid for _, rid in people)
    assert {pid for _, pid, _ in rows} == set(asked)


def test_a_large_dedupe_reads_a_workspace_whose_name_holds_uri_characters(tmp_path: Path) -> None:
    """The forked workers open the workspace by a URI: `#`, `?` and `%` in its path are escaped, so they
    read this workspace, not a file named by the part before the `#` (that failed with "no such table")."""
    folder = tmp_path / "books #2"
    folder.mkdir()
    with Store.open(folder / "mine 100%?.db") as store:
        _people(store, "Ann", "Bo")
        with merging.read_only(store.path) as reader:
            assert merging.people_count(reader) == 2


def test_status_says_how_many_questions_the_review_asks(tmp_path: Path) -> None:
    """Two queued pairs that a merge left between the same two people are one question: the status
    line says 1, as `knowme pairs` and the duplicates dialog do; the JSON keeps both figures."""
    from tests.conftest import Knowme

    knowme = Knowme(tmp_path / "w.db")
    with Store.open(knowme.db) as store:
        (ann, ann_card), (_, bo_card), (cy, cy_card) = _people(store, "Ann", "Bo", "Cy")
        with store.transaction():
            pairs.add_pairs(store, [(ann_card, bo_card, 0.4, '["same phone"]'),
                                    (bo_card, cy_card, 0.3, '["same city"]')])
        merge_people(store, ann, [cy])
    assert "1 possible duplicate to review" in knowme("status").stdout
    status = knowme.json("status", "--json")
    assert (status["pending_pairs"], status["pending_questions"]) == (2, 1)
    assert knowme("pairs").stdout.count("same phone") + knowme("pairs").stdout.count("same city") == 1
