"""Per-record work of an import, on every core when it pays.

For each parsed record (its email cells first split into one email per address,
`knowme.addresses`): its matching keys, folded name, identity within its source, compact
JSON, the summary columns of the one-record person it may become, and that person's suggestion.
This is pure CPU work (about half of a 100k-record import). Large sources are prepared by forked
workers that read the records copy-on-write and send back small tuples in order, while the parent
stores the ones already done (`PreparedStream`). Forking happens only from a process's main thread
on a platform that has it (the review UI imports in a worker thread, where forking is unsafe);
elsewhere the same work runs in-process first, with identical results in the same order.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from knowme.addresses import split_email_cells
from knowme.forking import can_fork, fork_pool, stop_pool, worker_count
from knowme.model import Person, Record
from knowme.normalize import name_key, record_keys, split_phone_cells
from knowme.runtime import frozen_for_fork, inherited, shared_with_workers
from knowme.store.core import record_json, summarise, summarise_record
from knowme.store.rows import Prepared

PARALLEL_MIN_RECORDS = 20_000

Suggester = Callable[[Person], tuple[str | None, str]]


def _identity(record: Record, keys: Any, full_name: str) -> str:
    """A record's identity within its source: UID, LinkedIn URL, email, name, phone, else its row."""
    if record.uid:
        return "uid:" + record.uid.strip()
    if keys.urls:
        return "url:" + keys.urls[0]
    if keys.emails:
        return "email:" + keys.emails[0]
    if full_name:
        return "name:" + full_name
    if keys.phones:
        return "phone:" + keys.phones[0]
    return "row:" + str(record.index)


def prepare_one(record: Record, region: str, suggester: Suggester | None) -> Prepared:
    keys = record_keys(record, region)
    nk = name_key(record)
    suggestion, reason = suggester(Person(0, records=[record])) if suggester is not None else (None, "")
    summary = summarise_record(record) if record.signal is None else summarise(Person(0, records=[record]))
    return Prepared(_identity(record, keys, nk.full), tuple(keys.items()), nk.first, nk.last, record_json(record),
                    summary, suggestion, reason)


def _prepare_range(bounds: tuple[int, int]) -> list[tuple[Any, ...]]:
    records: Sequence[Record] = inherited("records")
    region, suggester = inherited("region"), inherited("suggester")
    return [tuple(prepare_one(records[i], region, suggester)) for i in range(*bounds)]


class PreparedStream:
    """Prepared records, in order, as forked workers finish them, so the caller can store the
    first while the rest are still being prepared. Iterate once; `close()` stops the workers
    (iterating to the end does too)."""

    CHUNK = 2000

    def __init__(self, records: Sequence[Record], region: str, suggester: Suggester | None) -> None:
        workers = worker_count()
        bounds = [(start, min(start + self.CHUNK, len(records))) for start in range(0, len(records), self.CHUNK)]
        with shared_with_workers(records=records, region=region, suggester=suggester), frozen_for_fork():
            self._pool: Any = fork_pool(workers)  # the workers fork here (multiprocessing loaded only now)
        self._chunks = self._pool.imap(_prepare_range, bounds, chunksize=1)

    def __iter__(self) -> Iterator[Prepared]:
        finished = False
        try:
            for chunk in self._chunks:
                yield from map(Prepared._make, chunk)
            finished = True
        finally:
            self.close(finished)

    def close(self, finished: bool = False) -> None:
        """Stop the workers (`finished`: every chunk was taken, they leave by themselves)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            stop_pool(pool, finished)


def prepare_records(records: Sequence[Record], region: str, source: str,
                    suggester: Suggester | None = None) -> list[Prepared] | PreparedStream:
    """Prepare every record of one source (setting `record.source`), in order.

    Large sources on a machine that can fork come back as a `PreparedStream` (close it when not
    iterated to the end); the rest as a list, prepared in this process.
    """
    for record in records:
        record.source = source
    if len(records) < PARALLEL_MIN_RECORDS or not can_fork():
        return [prepare_one(record, region, suggester) for record in records]
    return PreparedStream(records, region, suggester)


class Preparer:
    """The records of one file, prepared under whichever source name the store settles on.

    The store asks (`preparer(name)`) once, or twice when the file turns out to need another name
    than its own (the records' data names their source); a stream it no longer reads is stopped.
    Use as a context manager, so the last stream's workers end with the import.
    """

    def __init__(self, records: Sequence[Record], region: str, suggester: Suggester | None = None) -> None:
        for record in records:  # once, whichever importer read them: one email per address, one phone per
            split_email_cells(record)  # number a cell holds
            split_phone_cells(record)
        self.records, self.region, self.suggester = records, region, suggester
        self._current: list[Prepared] | PreparedStream | None = None

    def __call__(self, source: str) -> list[Prepared] | PreparedStream:
        self.close()
        self._current = prepare_records(self.records, self.region, source, self.suggester)
        return self._current

    def close(self) -> None:
        if isinstance(self._current, PreparedStream):
            self._current.close()
        self._current = None

    def __enter__(self) -> Preparer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
