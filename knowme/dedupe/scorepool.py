"""Dedupe's work on every core when that is safe: the statistics, the exact keys' pairs and the weak
records' lookups beside the blocking, and the scoring.

Both are pure Python and CPU-bound; with a fork the worker processes share the match items
copy-on-write. The statistics (a few megabytes) come back whole; scoring workers send back only the
pairs that are not `different` (about a third). Forking is used only from the main thread of a
process on a platform that has it (the review UI runs dedupe in a worker thread, where forking is
unsafe): elsewhere the same work runs in-process. Results are identical either way (their order is
not part of them).
"""
from __future__ import annotations

import functools
import multiprocessing
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from knowme.dedupe.blocking import PairList, beside_pairs, key_pairs, lookup_pairs
from knowme.dedupe.matching import MatchItem, Stats, compute_stats
from knowme.dedupe.scoring import DIFFERENT_OUTCOME, SURE, UNASKED, score_pair
from knowme.forking import can_fork, fork_pool, stop_pool, worker_count
from knowme.runtime import inherited, shared_with_workers
from knowme.store.core import to_json

PARALLEL_MIN_PAIRS = 20_000
BESIDE_MIN_ITEMS = 20_000  # fewer records: the work beside the blocking takes less time than a fork costs
_CHUNKS_PER_WORKER = 8


Worded = tuple[str, float, bool, float, str]  # (outcome, points, conflict, score, reasons as JSON text)


@dataclass(slots=True)
class Verdicts:
    """A share's pairs scored sure or maybe: their codes, what each was found (in the same order), and
    the codes of the sure ones. As columns, not a tuple per pair: the parent takes in millions of them
    while the workers score (its CPU competes with theirs for the two cores), and `dict.update(zip(codes,
    worded))` does in one call what a loop over (code, outcome, ...) tuples did one at a time (300,000
    pairs: 0.15 s against 0.26 s)."""

    codes: array[int] = field(default_factory=lambda: array("q"))
    worded: list[Worded] = field(default_factory=list)
    sure: array[int] = field(default_factory=lambda: array("q"))

# Each share of pairs is scored in pair-code order, whatever order it came in: the records are then
# read in the order they lie in memory, a third faster per pair at a million records than at random.


def _score_codes(codes: Sequence[int]) -> Verdicts:
    items: Sequence[MatchItem] = inherited("items")
    stats: Stats = inherited("stats")
    n = inherited("pairs").n
    out = Verdicts()
    kept, worded, sure = out.codes.append, out.worded.append, out.sure.append
    for code in sorted(codes):
        i, j = divmod(code, n)
        ev = score_pair(items[i], items[j], stats, kept_only=True)
        if ev.outcome not in (DIFFERENT_OUTCOME, UNASKED):
            kept(code)
            worded((ev.outcome, ev.points, ev.conflict, ev.score, to_json(ev.reasons)))
            if ev.outcome == SURE:
                sure(code)
    return out


def _score_range(bounds: tuple[int, int]) -> Verdicts:
    return _score_codes(inherited("pairs").codes[bounds[0]:bounds[1]])


def _score_share(share: int) -> Verdicts:
    return _score_codes(inherited("shares")[share])


def score_all(items: Sequence[MatchItem], stats: Stats, pairs: PairList,
              progress: Callable[[int, int], None] | None = None) -> Iterator[Verdicts]:
    """The `Verdicts` of every pair scored sure or maybe, share by share, in no set order, as each share
    is scored: a million records keep millions, and the caller keeps them its own way while each share's
    lists go (one list of them all beside the caller's kept about 90 MB more after scoring the million-record
    scale books).

    The reasons are worded here, on every core, as compact text: most pairs kept end up merged or
    queued, and wording them again later cost a second pass over millions of pairs.

    On workers, each share of the pairs is those whose first record bears one of a few surnames
    (`_by_surname`): the caches of name comparisons and name odds fill in one worker for a name, not in
    each. Ranges of pairs at random made each worker work out most names again: 15% more CPU.
    """
    with shared_with_workers(items=items, stats=stats, pairs=pairs):
        if not can_fork() or len(pairs) < PARALLEL_MIN_PAIRS:
            yield from _run_here(_score_range, len(pairs), progress)
            return
        workers = worker_count()
        shares = _by_surname(items, pairs, workers * _CHUNKS_PER_WORKER)
        # the largest first: the last shares, taken while the other worker ends its own, are the smallest
        order = sorted(range(len(shares)), key=lambda k: -len(shares[k]))
        with shared_with_workers(shares=shares):
            pool = fork_pool(workers)
        finished = False
        try:
            done = 0
            for k, part in zip(order, pool.imap(_score_share, order)):
                yield part
                del part
                done += len(shares[k])
                if progress:
                    progress(done, len(pairs))
            finished = True
        finally:
            stop_pool(pool, finished)


def _by_surname(items: Sequence[MatchItem], pairs: PairList, count: int) -> list[array[int]]:
    """The pairs in `count` shares by the surname of each pair's first record (else its first name or
    address): one name's pairs in one share."""
    bucket = [hash(item.last or item.first or item.alias) % count for item in items]
    shares = [array("q") for _ in range(count)]
    add = [share.append for share in shares]
    n = pairs.n
    for code in pairs.codes:
        add[bucket[code // n]](code)
    return shares


def _run_here(work: Callable[[tuple[int, int]], Verdicts], total: int,
              progress: Callable[[int, int], None] | None) -> Iterator[Verdicts]:
    """The same work in this process, in twenty steps (each reported)."""
    step = max(1, total // 20)
    for start in range(0, total, step):
        yield work((start, min(start + step, total)))
        if progress:
            progress(min(start + step, total), total)


_HERE, _THERE = 1, 2  # who took the weak records' lookups: this process, or the statistics worker


def _claim(lookups: Any, side: int) -> bool:
    """Take the weak records' lookups for `side` unless the other side has taken them already."""
    with lookups.get_lock():
        if lookups.value:
            return False
        lookups.value = side
        return True


def _inherited_beside(_: object) -> tuple[Stats, array[int]]:
    items = inherited("items")
    stats = compute_stats(items, inherited("verdicts"), inherited("keys"))
    found = key_pairs(items, stats)
    stats.drop_holders()
    if _claim(inherited("lookups"), _THERE):
        found.update(lookup_pairs(items, stats))
    stats.keys, stats.domain = Counter(), Counter()  # the parent holds them: two thirds of what would travel
    return stats, array("q", found)


def _with_keys(result: tuple[Stats, array[int]], keys: Stats) -> tuple[Stats, array[int]]:
    """A worker's statistics with the key counts the parent holds put back."""
    result[0].keys, result[0].domain = keys.keys, keys.domain
    return result


def _beside(items: Sequence[MatchItem], verdicts: dict[tuple[str, str], str],
            keys: Stats) -> tuple[Stats, array[int]]:
    stats = compute_stats(items, verdicts, keys)
    found = beside_pairs(items, stats)
    stats.drop_holders()
    return stats, found


@contextmanager
def beside_blocking(items: Sequence[MatchItem], verdicts: dict[tuple[str, str], str],
                    keys: Stats) -> Iterator[Callable[[], tuple[Stats, array[int]]]]:
    """Start the work dedupe can do beside the blocking on another core: the statistics
    (`compute_stats`, from the `key_stats` the blocking uses) and the pairs the blocking leaves to
    another core (`beside_pairs`: the exact keys' and the weak records' lookups). Yields the function
    that returns both, waiting for the worker if it has not finished. The weak records' lookups go to
    whichever side is free first: at 100k records the statistics outlast the parent's own blocking
    (1.7 s against 1.45 s), so the parent takes them (the blocking 2.15-2.51 s against 2.25-3.80 s, in
    turns; 13 MB more); at a million the worker reaches them first, as before."""
    if not can_fork() or len(items) < BESIDE_MIN_ITEMS:
        yield functools.cache(lambda: _beside(items, verdicts, keys))  # worked out here, once, when first asked
        return
    context = multiprocessing.get_context("fork")
    lookups = context.Value("b", 0)
    with shared_with_workers(items=items, verdicts=verdicts, keys=keys, lookups=lookups):
        pool = fork_pool(1)  # forks here, with the items published
    waiting = None
    try:
        waiting = pool.apply_async(_inherited_beside, (None,))

        @functools.cache
        def later() -> tuple[Stats, array[int]]:
            # first asked once this process has blocked: if the worker is still on the statistics, the
            # weak records' lookups are done here (at 100k records the parent waited 1.3 s for them)
            found = lookup_pairs(items, keys) if _claim(lookups, _HERE) else ()
            stats, codes = _with_keys(waiting.get(), keys)
            codes.extend(found)
            return stats, codes
        yield later
    finally:
        stop_pool(pool, waiting is not None and waiting.ready())  # its one task done: the worker leaves by itself
