"""One owner of process-wide state: the collector is paused for bulk work and restored after it, and the big
caches an import or a dedupe fills are emptied when that work ends (a review session does not keep them)."""
from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
from conftest import SAMPLE
from knowme.importers.vcard import parse_bytes

from knowme import runtime
from knowme.dedupe.run import run_dedupe
from knowme.importing import import_path
from knowme.normalize import mailbox_key
from knowme.store.core import Store


def test_an_import_and_a_dedupe_leave_no_cached_values_behind(store: Store) -> None:
    with runtime.bulk_work():  # an enclosing piece of work: the caches stay while it runs
        assert import_path(store, SAMPLE / "iphone.vcf").ok
        run_dedupe(store)
        assert runtime.cached_entries() > 100
    assert runtime.cached_entries() == 0
    assert import_path(store, SAMPLE / "google_contacts.csv").ok  # on its own, the import ends its own work
    assert runtime.cached_entries() == 0
    assert mailbox_key("Ana@Example.com") == "ana@example.com"  # the caches still work afterwards


def test_the_collector_is_paused_during_bulk_work_and_back_after() -> None:
    assert gc.isenabled()
    with runtime.bulk_work():
        assert not gc.isenabled()
        parse_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEND:VCARD\r\n", "a.vcf")  # pauses inside
        assert not gc.isenabled()  # an importer's own pause ending does not restart it under the import
    assert gc.isenabled()


def test_bulk_work_in_two_threads_resumes_the_collector_when_the_last_ends() -> None:
    started, release = threading.Event(), threading.Event()

    def other() -> None:
        with runtime.bulk_work():
            started.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    started.wait(10)
    with runtime.bulk_work():
        mailbox_key("someone@example.org")
    assert not gc.isenabled() and runtime.cached_entries() > 0  # the other thread's work still runs
    release.set()
    thread.join(10)
    assert gc.isenabled() and runtime.cached_entries() == 0


def test_forked_workers_see_what_was_shared_only_while_it_is(tmp_path: Path) -> None:
    with runtime.shared_with_workers(book=tmp_path):
        assert runtime.inherited("book") == tmp_path
    with pytest.raises(KeyError):  # it does not outlive the work it was shared for
        runtime.inherited("book")


def _deaf_to_sigterm() -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _sleep_long(_: int) -> None:
    import time

    time.sleep(120)


def test_a_pool_stopped_on_an_error_ends_even_when_a_worker_outlives_its_sigterm(monkeypatch) -> None:
    """ctrl+c in a large import stops its worker pool: `Pool.terminate` waited for ever for a worker that
    outlived the SIGTERM it sends (seen in about one import in twenty on a loaded machine); now such a
    worker is killed after a few seconds and the command ends."""
    import multiprocessing
    import threading

    from knowme import forking

    if not hasattr(__import__("os"), "fork"):
        pytest.skip("needs fork")
    monkeypatch.setattr(forking, "STOP_WAIT", 1.0)
    pool = multiprocessing.get_context("fork").Pool(1, initializer=_deaf_to_sigterm)
    pool.map_async(_sleep_long, [0])
    stopping = threading.Thread(target=forking.stop_pool, args=(pool, False), daemon=True)
    stopping.start()
    stopping.join(30)
    assert not stopping.is_alive(), "the pool's stop waited for a worker deaf to SIGTERM"


def _stuck_sending_its_result(_: int) -> None:
    """A worker part-way through sending a result into a full result pipe: it holds the pipe's write
    lock and waits for a reader. (`Pool.terminate` stops the pool's reader of results before it stops
    the workers, so a worker that began sending a chunk of 2,000 prepared cards then waits for ever.)"""
    import os
    import struct
    import sys
    import time

    frame = sys._getframe(1)
    while "outqueue" not in frame.f_locals:  # the pool's own loop in the worker, which sends results
        frame = frame.f_back
    outqueue = frame.f_locals["outqueue"]
    outqueue._wlock.acquire()
    os.write(outqueue._writer.fileno(), struct.pack("!i", 1 << 20) + b"x" * 1000)
    time.sleep(120)


def test_a_pool_stopped_on_an_error_ends_even_when_a_worker_is_stuck_sending_its_result(monkeypatch) -> None:
    """SIGTERM during a large import: `Pool.terminate` waited for ever to send its own "stop" into the
    result pipe, whose write lock a worker held while it waited to send a big result nobody would read
    any more; killing the workers after 5 s did not give the lock back (seen on a loaded machine: the
    main process waiting in `stop_pool`, the pool's threads in `SimpleQueue.put`, its workers dead, the
    import's stderr never closed). Now the stop ends within a few seconds all the same, every worker
    process gone."""
    import multiprocessing
    import os
    import threading
    import time

    from knowme import forking

    if not hasattr(os, "fork"):
        pytest.skip("needs fork")
    monkeypatch.setattr(forking, "STOP_WAIT", 1.0)
    pool = multiprocessing.get_context("fork").Pool(1)
    pool.apply_async(_stuck_sending_its_result, (0,))
    time.sleep(0.5)  # the worker holds the lock
    workers = list(pool._pool)
    stopping = threading.Thread(target=forking.stop_pool, args=(pool, False), daemon=True)
    started = time.monotonic()
    stopping.start()
    stopping.join(15)
    assert not stopping.is_alive(), "the pool's stop waited for ever for a worker stuck sending its result"
    assert time.monotonic() - started < 5
    assert all(not worker.is_alive() for worker in workers)
