"""When work may go to forked worker processes, and how many.

Forking shares the parent's memory copy-on-write, so workers start at once with everything the
parent holds. It is used only where the platform has it and only from a process's main thread
(the review UI runs long work in worker threads, where forking is unsafe); elsewhere the same
work runs in-process, with the same result.
"""
from __future__ import annotations

import os
import signal
import threading
from typing import Any


def can_fork() -> bool:
    import multiprocessing  # here: not worth importing for a review UI that never forks

    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread() and worker_count() > 1)


def worker_count() -> int:
    """The cores this process may run on (at most 8)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


STOP_WAIT = 5.0  # seconds `Pool.terminate` may take before the workers it still waits for are killed


def stop_pool(pool: Any, finished: bool) -> None:
    """End a worker pool and wait for its workers. `finished` (every result taken): the workers are
    told there is no more work and leave by themselves. Otherwise (an error, ctrl+c) they are
    terminated, and any still alive after `STOP_WAIT` killed.

    `Pool.terminate` could wait for ever for a worker that outlived the SIGTERM it sends: it takes the
    task queue's read lock and empties the queue, swallowing the "no more work" a waiting worker was
    about to read, then joins that worker, blocked on the lock (about one import of 20,000 cards in
    twenty on a loaded machine, after its work was done: CI stalled on it; and a ctrl+c during a large
    import once in a while). Why the worker survives the SIGTERM was not found; the kill ends it."""
    if finished:
        pool.close()
        pool.join()
        return
    stopper = threading.Thread(target=pool.terminate, name="stopping workers", daemon=True)
    stopper.start()
    stopper.join(STOP_WAIT)
    if stopper.is_alive():
        for process in list(getattr(pool, "_pool", ())):  # the pool's worker processes
            try:
                os.kill(process.pid, signal.SIGKILL)
            except (ProcessLookupError, TypeError):  # gone already (or never started)
                pass
        stopper.join()
