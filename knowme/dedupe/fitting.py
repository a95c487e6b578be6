"""Weights that fit the book at hand: how often one person's two records agree on a field (m), learnt
without labels by expectation maximisation, as Fellegi-Sunter record linkage does.

How often two *different* people agree (u) is counted directly, from the shares of each value among
this workspace's people (`Stats.values`): cheap and robust. How often *one* person's two records agree
depends on the book: an old PIM export whose people moved agrees on streets less often than a phone's
book written last year. Candidate pairs whose names agree exactly are a mixture of the same person
twice and namesakes; EM splits the mixture, with u held fixed, and gives m for birthdays, streets,
postcodes and cities, and for emails and phones (both records give some: do they share one?). Too few
pairs to learn from, and the defaults stand.

The emails and phones are what splits the mixture best: two namesakes almost never share one, so a
pair that does is one person, and the pairs that give both and share none tell how often one person's
two cards differ. Without them, EM took every pair agreeing on a city for one person (on the
20,000-person sample book m for streets, postcodes and cities came out 0.99, 0.95 and 0.98 where the
truth is 0.62, 0.60 and 0.59; with them 0.72, 0.68 and 0.70, and 0.80 / 0.79 for emails and phones
against 0.78 / 0.77).

The odds of the fitted rule use m for the values (`knowme.dedupe.evidence`); m for emails and phones
weighs two cards that share none only in a question's chance (`knowme.dedupe.scoring._chance`), which
the group estimates add up: what to merge and what to ask stay on the fixed, cautious weights (with
the learnt ones, a phone book of name + number left 2% of its duplicates unasked). The guard rails
stay as they are.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from knowme.dedupe.blocking import PairList
from knowme.dedupe.matchitem import MatchItem

FIELDS = ("b", "s", "p", "c", "e", "t")  # full birthday, street and number, postcode, city, an email, a phone
KEY_FIELDS = ("e", "t")
KEY_U = 0.001  # two different people share an email or a phone (a household's): rare, and the key's own
# counts weigh a shared one (`knowme.dedupe.evidence`); only what one person's records do is learnt
# n, the country, is not learnt: in a book of one country it agrees for everyone and would only blur
# what EM learns of the other fields. e and t by default: people hold several addresses and numbers,
# and two cards of one person give other ones often (1 - m = 10 ** OTHER_EMAILS_ODDS, one in 1.4)
DEFAULT_M = {"b": 0.95, "s": 0.8, "p": 0.8, "c": 0.85, "n": 0.9, "e": 0.29, "t": 0.29}
M_RANGE = (0.5, 0.99)  # learnt m are held in this range: a book cannot make a field proof or noise ...
KEY_M_RANGE = (0.2, 0.99)  # ... an email or a phone may differ more often than not
LEAST_PAIRS = 200  # fewer name-agreeing pairs that give a field on both sides: keep its default
SAMPLE = 200_000  # candidate pairs looked at, at most (evenly spread over all of them)
ROUNDS = 30
_MIX = 2654435761  # spreads pair codes (i * n + j: alike in their low digits) before one in `step` is taken


def _pattern(a: MatchItem, b: MatchItem) -> tuple[int, ...]:
    """Per field: 1 agree, 0 disagree, -1 not given by both."""
    out = []
    for kind in FIELDS:
        if kind == "b":
            if a.birthday and b.birthday and a.birthday[0] and b.birthday[0]:
                out.append(int(a.birthday == b.birthday))
            else:
                out.append(-1)
            continue
        x, y = (a.streets, b.streets) if kind == "s" else (a.postcodes, b.postcodes) if kind == "p" else \
            (a.cities, b.cities) if kind == "c" else (a.emails, b.emails) if kind == "e" else (a.phones, b.phones)
        out.append(int(not set(x).isdisjoint(y)) if x and y else -1)
    return tuple(out)


def random_agreement(values: Counter[str], people: Counter[str]) -> dict[str, float]:
    """u per field: the chance two different people of this workspace agree on it (sum of squared shares).

    Summed with `math.fsum`, exactly: the values come in the order of a set of strings, which changes
    with each process's hash seed, and a plain sum in that order could differ in its last bits."""
    shares: dict[str, list[float]] = {kind: [] for kind in FIELDS if kind not in KEY_FIELDS}
    for key, count in values.items():
        kind = key[0]
        if kind in shares and people[kind]:
            shares[kind].append((count / people[kind]) ** 2)
    u = {kind: min(max(math.fsum(parts), 1e-6), 0.5) for kind, parts in shares.items()}
    u.update(dict.fromkeys(KEY_FIELDS, KEY_U))
    return u


def _sample(codes: Sequence[int], step: int) -> Iterable[int]:
    """About one pair in `step`, chosen by the pair itself (its code), not by where the blocking put it:
    blocking gives its pairs in no set order, and a sample by place moved the fitted weights whenever
    that order changed."""
    return codes if step == 1 else (code for code in codes if (code * _MIX >> 16) % step == 0)


def learn_m(items: Sequence[MatchItem], pairs: PairList, u: dict[str, float]) -> dict[str, float]:
    """m per field from the candidate pairs whose first name and surname agree exactly (see the module doc)."""
    patterns: Counter[tuple[int, ...]] = Counter()
    n = pairs.n
    step = max(1, len(pairs) // SAMPLE)
    for code in _sample(pairs.codes, step):
        i, j = divmod(code, n)
        a, b = items[i], items[j]
        if a.last and a.first and a.last == b.last and a.first == b.first and (
                a.birthday or a.streets or a.postcodes or a.cities or a.emails or a.phones):
            pattern = _pattern(a, b)
            if any(v >= 0 for v in pattern):
                patterns[pattern] += 1
    observed = {kind: sum(c for p, c in patterns.items() if p[f] >= 0) for f, kind in enumerate(FIELDS)}
    m = dict(DEFAULT_M)
    if not patterns:
        return m
    share = 0.5  # of the pairs that are one person
    for _ in range(ROUNDS):
        weight_sum = 0.0
        agree = dict.fromkeys(FIELDS, 0.0)
        given = dict.fromkeys(FIELDS, 0.0)
        for pattern, count in patterns.items():
            same, other = share, 1.0 - share
            for f, kind in enumerate(FIELDS):
                v = pattern[f]
                if v >= 0:
                    same *= m[kind] if v else 1.0 - m[kind]
                    other *= u[kind] if v else 1.0 - u[kind]
            w = same / (same + other) if same + other > 0 else 0.0
            weight_sum += w * count
            for f, kind in enumerate(FIELDS):
                if pattern[f] >= 0:
                    given[kind] += w * count
                    agree[kind] += w * count * pattern[f]
        total = sum(patterns.values())
        share = min(max(weight_sum / total, 0.01), 0.99)
        for kind in FIELDS:
            if observed[kind] >= LEAST_PAIRS and given[kind] > 0:
                low, high = KEY_M_RANGE if kind in KEY_FIELDS else M_RANGE
                m[kind] = min(max(agree[kind] / given[kind], low), high)
    return m


__all__ = ["DEFAULT_M", "FIELDS", "learn_m", "random_agreement"]
