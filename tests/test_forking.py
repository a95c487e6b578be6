"""Worker processes never outlive the command that forked them, however it ends."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from knowme.forking import can_fork

_POOL_THEN_WAIT = """
import os, signal, sys, time
from knowme.forking import fork_pool
pool = fork_pool(2)
pool.map(abs, range(4))  # both workers up and idle, one waiting for work under the task queue's lock
first = [p.pid for p in pool._pool]
for pid in first:  # killed outright (a crash, the out-of-memory killer): the lock dies held
    os.kill(pid, signal.SIGKILL)
while len([p for p in pool._pool if p.pid not in first and p.is_alive()]) < 2:
    time.sleep(0.05)  # the pool forks two new workers, who wait for that lock
print(" ".join(str(p.pid) for p in pool._pool), flush=True)
time.sleep(60)
"""

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone, only not yet waited for
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux") or not can_fork(), reason="Linux, two cores")
def test_workers_die_with_a_command_killed_outright() -> None:
    """`kill -9` or the out-of-memory killer ends the command at once. Workers waiting for the task
    queue's lock, which a worker killed with them held, stayed behind, asleep for ever with their copy
    of the command's memory (a crash test's import left one, found half an hour later)."""
    proc = subprocess.Popen([sys.executable, "-c", _POOL_THEN_WAIT], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []
