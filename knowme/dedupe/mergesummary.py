"""The summaries and suggestions of many merged people, worked out on every core.

After a dedupe merges hundreds of thousands of people, each kept person's summary columns and
suggestion must be worked out again from all its records: at a million records that was 40 s in
one process. The records do not change in a merge, only which person holds them, so forked
workers read each group's records from the last committed state of the workspace (their own
read-only connection, beside the parent's open transaction) while the parent moves the records;
the parent then writes what they send back. Same values as `Store.refresh_people` and
`refresh_suggestions` on the merged person (the tests compare the two).

A dedupe forks the workers before it loads its records (`forked`): they copy a small process. One
builds half the match items while the parent builds the other half; later they take the groups the
moment the clusters are known, so they work while the parent chooses and writes the review queue, and
one reads the undo snapshot of the state before the merge (the committed state too; `read`).
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from knowme.forking import can_fork, fork_pool, stop_pool, worker_count
from knowme.runtime import inherited, shared_with_workers
from knowme.store import merging
from knowme.store.core import Store, summarise
from knowme.store.sql import chunked

PARALLEL_MIN_GROUPS = 5_000  # fewer merges are refreshed in-process (forking costs more than it saves)
_CHUNK = 2_000  # merged groups per task a worker takes

Groups = Sequence[tuple[int, Sequence[int]]]
T = TypeVar("T")


def _summarise_chunk(groups: Groups) -> list[tuple[Any, ...]]:
    """(summary columns..., suggestion, reason, kept id) of each group's merged person."""
    from knowme.suggest import suggestion_for

    keep_of = {pid: keep for keep, others in groups for pid in (keep, *others)}
    with merging.read_only(inherited("path")) as reader:
        people = merging.light_people(reader, [keep for keep, _ in groups])
        records = merging.records_with_data(reader, keep_of)
    for rid, pid, record in records:
        person = people.get(keep_of[pid])
        if person is not None:
            person.records.append(record)
            person.record_ids.append(rid)
    out = []
    for keep, _ in groups:
        person = people.get(keep)
        if person is None or not person.records:
            continue
        suggestion, reason = suggestion_for(person, inherited("rules"), inherited("mail"))
        out.append((*summarise(person), suggestion.value if suggestion else None, reason, keep))
    return out


def _read_committed(work: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    function, args = work
    with merging.read_only(inherited("path")) as reader:
        return function(reader, *args)


def _claim(claims: Any, top: bool) -> int | None:
    """The next part of a `split` for the worker (`top`, from the last part down) or for the parent
    (from the first part up); None when the two have met."""
    with claims.get_lock():
        if claims[0] >= claims[1]:
            return None
        if top:
            claims[1] -= 1
            return int(claims[1])
        claims[0] += 1
        return int(claims[0] - 1)


def _parts_from_top(work: tuple[Callable[..., Any], Callable[[], None] | None]) -> list[tuple[int, Any]]:
    function, done = work
    out = []
    try:
        with merging.read_only(inherited("path")) as reader:
            while (part := _claim(inherited("claims"), top=True)) is not None:
                out.append((part, function(reader, part)))
    finally:
        if done:
            done()
    return out


class MergedSummaries:
    """Workers that work out merged people (`submit` the groups: kept id, merged-away ids) on other
    cores; iterate for batches of rows for `write`. `None` from `start` and `forked` when the work is
    better done in-process (few merges, no fork, a workspace in memory)."""

    def __init__(self, pool: Any, claims: Any = None) -> None:
        self._pool = pool
        self._claims = claims  # the next part from the bottom and the end of the parts left (`split`)
        self._chunks: Iterator[list[tuple[Any, ...]]] = iter(())

    @classmethod
    def start(cls, store: Store, groups: Groups) -> MergedSummaries | None:
        summaries = cls._fork(store, len(groups))
        if summaries:
            summaries.submit(groups)
        return summaries

    @classmethod
    @contextmanager
    def forked(cls, store: Store, most_groups: int) -> Iterator[MergedSummaries | None]:
        """Workers forked now, for a merge of at most `most_groups` groups later; stopped at the end."""
        summaries = cls._fork(store, most_groups)
        try:
            yield summaries
        except BaseException:
            if summaries:
                summaries.close()
            raise
        if summaries:
            summaries.close(finished=True)  # every result taken (a task still running is waited for)

    @classmethod
    def _fork(cls, store: Store, most_groups: int) -> MergedSummaries | None:
        if most_groups < PARALLEL_MIN_GROUPS or not can_fork() or not Path(store.path).is_file():
            return None
        from knowme.suggest import MailThresholds, stored_rules

        context = multiprocessing.get_context("fork")
        claims = context.Array("q", 2)
        with shared_with_workers(path=store.path, rules=stored_rules(store), mail=MailThresholds.of(store),
                                 claims=claims):
            pool = fork_pool(worker_count())
        return cls(pool, claims)

    def submit(self, groups: Groups) -> None:
        """Start working out the merged people of these groups (from the committed state)."""
        self._chunks = self._pool.imap_unordered(_summarise_chunk, chunked(groups, _CHUNK))

    def read(self, function: Callable[..., T], *args: Any) -> Callable[[], T]:
        """Start `function(store, *args)` on a worker, the store a read-only view of the committed
        workspace (a module-level function: it travels by name); returns the function that waits for
        its result."""
        return self._pool.apply_async(_read_committed, ((function, args),)).get

    def split(self, function: Callable[[Store, int], T], parts: int,
              done: Callable[[], None] | None = None) -> tuple[Callable[[], int | None],
                                                                  Callable[[], list[tuple[int, T]]]]:
        """Share parts 0 .. parts - 1 of some work with a worker, which takes them from the last down
        (`function(store, part)`, the store a read-only view of the committed workspace, then `done()`;
        module-level functions: they travel by name) while this process takes them from the first up,
        until they meet: neither waits for the other longer than a part takes, however uneven the parts. Returns the function that gives this
        process its next part (None when none is left), and the one that waits for the worker's
        (part, result) pairs."""
        self._claims[0], self._claims[1] = 0, parts
        waiting = self._pool.apply_async(_parts_from_top, ((function, done),))
        return lambda: _claim(self._claims, top=False), waiting.get

    def write(self, store: Store) -> set[int]:
        """Write every merged person's summary and suggestion as the workers send them; the ids written."""
        done: set[int] = set()
        finished = False
        try:
            for rows in self._chunks:
                merging.write_summaries(store, rows)
                done.update(row[-1] for row in rows)
            finished = True
        finally:
            self.close(finished)
        return done

    def close(self, finished: bool = False) -> None:
        """Stop the workers (done after `write`; call it when the merge fails before). `finished`: every
        result was taken, so they leave by themselves (`stop_pool`); a second call does nothing."""
        pool, self._pool = self._pool, None
        if pool is not None:
            stop_pool(pool, finished)
