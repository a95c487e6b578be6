"""Readers: workspace connections of their own for long reads in worker threads, which another thread
can stop (a newer keystroke supersedes a running filter), so the UI never holds a connection."""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from knowme.store.core import Store
from knowme.store.views import Vocabulary
from knowme.store.workspace import is_interrupted


class Interrupted(Exception):
    """A read was stopped by `Readers.interrupt()`: its answer is no longer wanted."""


@dataclass(frozen=True, eq=False)
class Reader:
    """One read's own connection, and the search index's words its readers share."""

    store: Store
    vocabulary: Vocabulary


class Readers:
    """The readers of one workspace: `with readers.read() as reader: ...` in a worker thread, and
    `readers.interrupt()` from any thread stops every read running now (the `with` block then raises
    `Interrupted`). They share what they learn of the search index's words."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vocabulary = Vocabulary()
        self._open: set[Reader] = set()
        self._lock = threading.Lock()

    @contextmanager
    def read(self, interruptible: bool = True) -> Iterator[Reader]:
        """A reader for one read (`interruptible=False`: one that `interrupt` leaves alone)."""
        reader = Reader(Store.open(self.path), self.vocabulary)
        if interruptible:
            with self._lock:
                self._open.add(reader)
        try:
            yield reader
        except sqlite3.Error as exc:
            if is_interrupted(exc):
                raise Interrupted(str(exc)) from exc
            raise
        finally:
            with self._lock:  # before closing: nobody interrupts a closed connection
                self._open.discard(reader)
            reader.store.close()

    def interrupt(self) -> None:
        """Stop every query running on a reader now."""
        with self._lock:
            for reader in self._open:
                reader.store.interrupt()
