"""The workspace files this process has open through SQLite, which it must never open by other means.

SQLite keeps a workspace safe between processes with POSIX advisory locks, and POSIX drops every
lock a process holds on a file as soon as the process closes *any* descriptor of that file. A plain
`open()` + `close()` of the workspace (or of its `-shm`) while a connection is open in the same
process, from a check, a fingerprint or an import's sniffing, silently unlocks that connection.
Another knowme then believes it is the last one on the workspace: on closing it checkpoints and
deletes the write-ahead log, and this process goes on writing into the deleted log. Its changes
vanish, and its next connections fail with "disk I/O error".

SQLite's own connections are safe among themselves (it defers closing a descriptor while another
connection of the process holds a lock on the file). Everything else asks `held_here` first and
leaves a held file alone. Files are known by device and inode, the identity locks attach to, so a
held workspace is recognised under any name or link, and a file since renamed over its path is not.
"""
from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

# The files SQLite keeps beside a workspace; opening them by other means drops locks too (`-shm`).
JOURNALS = ("-wal", "-shm", "-journal")

FileId = tuple[int, int]  # (st_dev, st_ino)

_held: Counter[FileId] = Counter()  # connections open on each file
_lock = threading.Lock()  # Stores are opened and closed from worker threads
# Releases not yet counted off `_held`. A Store dropped unclosed is released by the garbage collector,
# which runs wherever memory is asked for, also inside a `with _lock` of the same thread: waiting for
# the lock there would hang the process. A release only appends (atomic) and is counted off by the next
# holder of the lock, before it reads `_held`.
_released: list[FileId] = []


def _identity(path: str | os.PathLike[str]) -> FileId | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # missing, unreadable, or a name no file can have
        return None
    return info.st_dev, info.st_ino


def hold(path: str | os.PathLike[str]) -> FileId | None:
    """Note a connection now open on the workspace at `path`; give the result to `release` on closing it."""
    identity = _identity(path)
    if identity is not None:
        with _lock:
            _count_releases()
            _held[identity] += 1
    return identity


def release(identity: FileId | None) -> None:
    """The connection `hold` noted is closed (its locks went with it)."""
    if identity is None:
        return
    _released.append(identity)
    if _lock.acquire(blocking=False):  # else the lock's holder, or its next one, counts it
        try:
            _count_releases()
        finally:
            _lock.release()


def _count_releases() -> None:
    """Count the pending releases off `_held`; only with `_lock` held."""
    while _released:
        identity = _released.pop()
        _held[identity] -= 1
        if _held[identity] <= 0:
            del _held[identity]


def held_here(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is a workspace this process has open, or a journal file beside one."""
    identities = _identities(path)
    with _lock:
        _count_releases()
        return any(identity in _held for identity in identities)


@contextmanager
def unless_held(path: str | os.PathLike[str]) -> Iterator[bool]:
    """True when `path` may be opened and closed by plain file APIs in the block: no connection of this
    process is on it, and none is noted (`hold` waits) until the block ends, so a Store opened in
    another thread meanwhile takes its locks only after the block has closed its descriptor."""
    identities = _identities(path)
    with _lock:
        _count_releases()
        yield not any(identity in _held for identity in identities)


def _identities(path: str | os.PathLike[str]) -> list[FileId]:
    """The identity of `path` and, for a journal's name, of the workspace it lies beside."""
    name = os.fsdecode(path)
    names = [name] + [name[:-len(suffix)] for suffix in JOURNALS if name.endswith(suffix)]
    return [identity for identity in map(_identity, names) if identity is not None]
