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
import time
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


def fork_pool(workers: int) -> Any:
    """A pool of `workers` forked worker processes that die with this process: killed by `kill -9` or
    the kernel's out-of-memory killer, it left its workers behind, each asleep for ever on the task
    queue (whose write end they hold themselves), with its copy of the parent's memory."""
    import multiprocessing

    return multiprocessing.get_context("fork").Pool(workers, initializer=_die_with_parent, initargs=(os.getpid(),))


def _die_with_parent(parent: int) -> None:
    """In a worker: ask the kernel (Linux) for SIGKILL when the parent dies; gone already, leave now."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the worker ends when its task queue does, as before
        return
    if os.getppid() != parent:  # the parent died between the fork and the request
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h

STOP_WAIT = 5.0  # seconds `Pool.terminate` may take before the workers are killed; and for them to be gone then


def stop_pool(pool: Any, finished: bool) -> None:
    """End a worker pool; its workers are gone when this returns. `finished` (every result taken): the
    workers are told there is no more work and leave by themselves. Otherwise (an error, ctrl+c,
    SIGTERM), or when a stop interrupts that wait, they are terminated, and killed if that has not
    ended within `STOP_WAIT`.

    `Pool.terminate` can wait for ever, and killing the workers does not always end the wait. It stops
    the pool's reader of results before it stops the workers, so a worker that then begins sending a
    result (a chunk of 2,000 prepared cards is far more than the pipe holds) fills the pipe and waits,
    holding the pipe's write lock, and `terminate` waits for that lock to send its own "stop" (seen on
    a loaded machine: the pool's threads in `SimpleQueue.put`, the workers long killed, the lock never
    given back). A worker killed half-way through a message, or while it waits for work under the
    task queue's read lock, leaves the same kind of wait (`finished=True` avoids the last one). So once
    the workers are killed and gone, the pool's (daemon) threads are left where they wait: the command
    that stopped the pool exits and they end with it. A stop waits at most about twice `STOP_WAIT`."""
    if finished:
        try:
            pool.close()
            pool.join()
            return
        except BaseException:  # ctrl+c or SIGTERM while the workers were leaving: end them as below
            _end_workers(pool)
            raise
    _end_workers(pool)


def _end_workers(pool: Any) -> None:
    stopper = threading.Thread(target=pool.terminate, name="stopping workers", daemon=True)
    stopper.start()
    try:
        stopper.join(STOP_WAIT)
    finally:  # also when a second stop interrupts the wait: the workers must not outlive the command
        if stopper.is_alive():
            workers = [process for process in getattr(pool, "_pool", ()) if process.pid is not None]
            for process in workers:
                if process.exitcode is None:  # not yet waited for: its pid is still its own
                    try:
                        os.kill(process.pid, signal.SIGKILL)
                    except ProcessLookupError:  # gone meanwhile
                        pass
            _wait_until_gone(workers, STOP_WAIT)
            stopper.join(STOP_WAIT / 10)  # usually the kill lets it finish; if not, it is left waiting


def _wait_until_gone(workers: list[Any], timeout: float) -> None:
    from multiprocessing.connection import wait

    deadline = time.monotonic() + timeout
    waiting = [process.sentinel for process in workers]
    while waiting and (left := deadline - time.monotonic()) > 0:
        gone = wait(waiting, left)  # a sentinel is ready once its process has ended
        waiting = [sentinel for sentinel in waiting if sentinel not in gone]
