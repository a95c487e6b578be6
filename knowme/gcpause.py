"""Bulk work with Python's cycle collector paused.

Import, dedupe and export build hundreds of thousands of long-lived, acyclic objects (records,
match items, rows). The collector rescans all of them again and again as they pile up: at 100k
records that was 40% of a dedupe and a fifth of an import. Reference counting still frees
everything they drop; the collector resumes when the last bulk step (of any thread) is done.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
