"""When work may go to forked worker processes, and how many.

Forking shares the parent's memory copy-on-write, so workers start at once with everything the
parent holds. It is used only where the platform has it and only from a process's main thread
(the review UI runs long work in worker threads, where forking is unsafe); elsewhere the same
work runs in-process, with the same result.
"""
from __future__ import annotations

import os
import threading


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
