"""The bulk scoring's shortcut (`score_pair(..., kept_only=True)`: pairs of different names, left
unworded) keeps exactly what the full scoring keeps: the same pairs sure or maybe, with the same
outcome, points, score and reasons, so dedupe merges and asks the same with it. Checked pair by pair on crowds built to put each thing the
full scoring reads on its edge: common and rare names, nicknames and typos, keys shared and not,
firms, their mail domains and notes naming them, birthdays, streets, postcodes, cities and countries."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowme.dedupe.fitting import learn_m
from knowme.dedupe.matching import candidate_pairs, compute_stats, score_pair
from knowme.dedupe.scoring import DIFFERENT_OUTCOME, NOT_KEPT, UNASKED
from test_matching import item

_NAMES = [("John", "Smith")] * 6 + [("Maria", "Garcia")] * 4 + [
    ("Jon", "Smith"), ("Johnny", "Smith"), ("John", "Smtih"), ("Smith", "John"), ("J", "Smith"),
    ("Maria", "Garcia Lopez"), ("Mary", "Garcia"), ("Ottoline", "Quarrington"), ("Ottoline", "Quarington"),
    ("Wei", "Wang"), ("王伟", ""), ("", "")]
_FEW = [("Hannah", "Whitlock"), ("Tobias", "Ferreira"), ("Ingrid", "Mallory"), ("Ingrid", "Malory"),
        ("Toby", "Ferreira")]  # a few bearers each in a source: odds of one person near the question's
_ADDRESSES = ["", "", "12 Harbour Road, Leith, EH6 6AB", "3 Elm Street, Springfield", "Leeds", "Bath, BA1 1AA",
              "1 High Street, Leeds LS1 1AA, UK", "12 Harbour Road, Edinburgh", "York"]
_ORGS = ["", "", "Acme", "Acme Corp", "Other Co", "Quarrington Partners"]


def _card(rng: random.Random, n: int):
    first, last = rng.choice(_NAMES) if rng.random() < 0.6 else rng.choice(_FEW) if rng.random() < 0.5 else \
        (rng.choice(["Uma", "Ravi", "Hedda"]), f"Zellweger{n // 3}")  # a name a card or two more bear
    org = rng.choice(_ORGS)
    emails = rng.choice([(), (), (f"p{n}@gmail.com",), (f"q{n}@gmail.com",), (f"r{n}@yahoo.com",), (f"p{n}@acme.example",), ("home@smith.example",),
                         (f"{first.lower() or 'x'}.{last.lower() or 'y'}@acmecorp.com",), (f"p{n}@web.de",),
                         ("info@acme.example",)])
    phones = rng.choice([(), (), (f"+4420794600{n % 100:02d}",), ("+14155550101",), (f"+4930{n:07d}",)])
    written = rng.choice([()] * 6 + [("07700 900123",), ("(720) 555-0144",)])
    urls = rng.choice([()] * 8 + [(f"linkedin.com/in/p{n}",), ("linkedin.com/in/johnsmith",)])
    return item(first, last, emails=emails, phones=phones, written_phones=written, urls=urls,
                source=rng.randint(1, 4), org=org, title=rng.choice(["", "", "engineer", "director"]),
                birthday=rng.choice(["", "", "", "1980-01-02", "1975-06-30", "--01-02", f"19{50 + n % 40}-03-04"]),
                addresses=(rng.choice(_ADDRESSES),) if rng.random() < 0.7 else (),
                note=rng.choice([""] * 8 + ["worked together at Acme Corp", "met at a conference"]),
                middle=rng.choice([""] * 8 + ["R", "T"]), suffix=rng.choice([""] * 9 + ["Jr"]),
                connected=rng.random() < 0.1)


def _same_kept(a, b, stats) -> bool:
    """Whether the shortcut was taken; fails the test if it changes what the full scoring keeps."""
    full, quick = score_pair(a, b, stats), score_pair(a, b, stats, kept_only=True)
    if quick is NOT_KEPT:
        assert full.outcome in (DIFFERENT_OUTCOME, UNASKED), (a.display, b.display, full.outcome, full.reasons)
        return True
    assert (quick.outcome, quick.points, quick.score, quick.conflict, quick.reasons) == \
        (full.outcome, full.points, full.score, full.conflict, full.reasons)
    return False


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bulk_scorings_shortcut_keeps_exactly_what_the_full_scoring_keeps(seed: int) -> None:
    rng = random.Random(seed)
    crowd = [_card(rng, n) for n in range(1200)]
    stats = compute_stats(crowd)
    pairs = candidate_pairs(crowd, stats)
    if seed != 1:  # as dedupe does: how often one person's two records agree, learnt from the book
        stats.m = learn_m(crowd, pairs, stats.u)
    outcomes = [score_pair(crowd[i], crowd[j], stats).outcome for i, j in pairs]
    taken = sum(_same_kept(crowd[i], crowd[j], stats) for i, j in pairs)
    assert {"sure", "maybe", "unasked", "different"} <= set(outcomes)  # the crowd reaches every outcome
    assert taken >= 300  # the shortcut is taken (a third of a million-record book's pairs)


_CARD = st.fixed_dictionaries({
    "first": st.sampled_from(["John", "Jon", "Johnny", "Smith", "Ottoline"]),
    "last": st.sampled_from(["Smith", "Smtih", "John", "Quarrington"]),
    "emails": st.sampled_from([(), ("a@gmail.com",), ("b@gmail.com",), ("j@acme.example",), ("k@acme.example",)]),
    "phones": st.sampled_from([(), ("+14155550101",), ("+14155550199",)]),
    "birthday": st.sampled_from(["", "1980-01-02", "1980-02-01", "--01-02"]),
    "org": st.sampled_from(["", "Acme", "Other Co"]),
    "addresses": st.sampled_from([(), ("12 Harbour Road, Leith, EH6 6AB",), ("3 Elm Street, Springfield",),
                                  ("Leeds",), ("York",)]),
    "note": st.sampled_from(["", "worked together at Acme"]),
    "source": st.integers(1, 3),
})
# John Smith is common here, Ottoline Quarrington is not
_BOOK = [item("John", "Smith", addresses=(city,), source=1) for city in ("Leeds", "York", "Bath") * 10] + \
    [item("Ottoline", "Quarrington", source=2)]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_CARD, _CARD)
def test_the_bulk_scorings_shortcut_agrees_with_the_full_scoring_on_any_two_cards(one: dict, other: dict) -> None:
    a, b = item(**one), item(**other)
    _same_kept(a, b, compute_stats([a, b, *_BOOK]))
