"""Process-wide state, owned here and nowhere else: the cycle collector, what forked workers inherit,
and the big caches bulk work fills.

- **The collector.** Import, dedupe and export build hundreds of thousands of long-lived, acyclic
  objects (records, match items, rows). The collector rescans all of them again and again as they pile
  up: at 100k records that was 40% of a dedupe and a fifth of an import. `bulk_work()` pauses it
  (reference counting still frees everything dropped) until the last bulk work of any thread ends.
  `freeze_heap()` keeps what exists now out of its full passes for good (the review UI, once its first
  screen is up), `frozen_for_fork()` only while worker processes fork (so they do not copy every page
  the collector would touch).
- **What forked workers inherit.** `shared_with_workers(**values)` publishes values for the length of
  a pool's work; the workers (forked, so copy-on-write) read them with `inherited(name)`.
- **The big caches.** Normalising and comparing names, addresses and phones is cached per distinct
  value, up to 500k entries a cache. `big_cache(maxsize)` is `functools.lru_cache` for them, and
  `register_cache(d)` takes a cache kept in a dict. When the outermost bulk work ends,
  `work_done()` empties them all: a review session does not hold an import's values for hours.
"""
from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_lock = threading.Lock()
_depth = 0  # bulk work running now, in any thread
_was_enabled = False
_caches: list[Any] = []  # lru caches and dicts, emptied by work_done()
_inherited: dict[str, Any] = {}


# ---- the collector and the caches ------------------------------------------------------------------

@contextmanager
def bulk_work() -> Iterator[None]:
    """An import, a dedupe, an export: the collector paused while any runs, the big caches emptied when
    the last one ends (nested and concurrent bulk work count as one)."""
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
            if _depth == 0:
                work_done()
                if _was_enabled:
                    gc.enable()


def work_done() -> None:
    """Empty every registered cache: the work that filled them is over."""
    for cache in _caches:
        if hasattr(cache, "cache_clear"):
            cache.cache_clear()
        else:
            cache.clear()


def register_cache(cache: dict[Any, Any]) -> None:
    """Have `work_done()` empty a cache kept in a dict."""
    _caches.append(cache)


def big_cache(maxsize: int) -> Callable[[F], F]:
    """`functools.lru_cache(maxsize)`, emptied by `work_done()`."""
    def wrap(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _caches.append(cached)
        return cached  # type: ignore[return-value]
    return wrap


def cached_entries() -> int:
    """How many values the registered caches hold now (what a session keeps between bulk work)."""
    return sum(cache.cache_info().currsize if hasattr(cache, "cache_info") else len(cache) for cache in _caches)


def freeze_heap() -> None:
    """Keep every object alive now out of the collector's passes from here on (they live as long as
    the process: a UI's screens and widgets)."""
    gc.freeze()


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Fork workers inside: the collector leaves the parent's objects alone meanwhile, so the children
    share their pages instead of copying every one it would touch."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# ---- what forked workers inherit -------------------------------------------------------------------

@contextmanager
def shared_with_workers(**values: Any) -> Iterator[None]:
    """Publish `values` to the worker processes forked inside (and to the same work run in-process)."""
    _inherited.update(values)
    try:
        yield
    finally:
        for name in values:
            _inherited.pop(name, None)


def inherited(name: str) -> Any:
    """A value published by `shared_with_workers` (read in a forked worker, or in-process)."""
    return _inherited[name]
