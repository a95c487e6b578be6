"""Work too large for the UI thread, done in a worker behind a screen that says so and holds the keys.

Accepting every suggestion of a big book or undoing a dedupe takes seconds; done on the UI thread it
would freeze the screen. The work runs on a connection of its own while `BusyScreen` holds every
key: nothing can be decided on a list that is about to change under it.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from textual.app import App
from textual.screen import Screen

from knowme.store.core import Store
from knowme.tui.screens.confirm import BusyScreen

T = TypeVar("T")


def run_busy(screen: Screen, path: Path, title: str, doing: str, work: Callable[[Store], T],
             done: Callable[[T | None], None]) -> None:
    """Run `work` on a connection of its own to the workspace at `path`, in a worker of `screen`
    (which reports its failures), behind `BusyScreen`; `done` gets its result on the UI thread once
    the busy screen is gone, or None when it failed."""
    app = screen.app
    app.push_screen(BusyScreen(title, doing))
    screen.run_worker(partial(_in_worker, app, path, work, done), thread=True, exclusive=True, group="busy",
                      exit_on_error=False)


def _in_worker(app: App, path: Path, work: Callable[[Store], T], done: Callable[[T | None], None]) -> None:
    result = None
    app.writes_elsewhere += 1  # type: ignore[attr-defined]
    try:
        with Store.open(path) as store:
            result = work(store)
    finally:  # failed or not, the keys come back
        app.call_from_thread(_finish, app, result, done)


def _finish(app: App, result: T | None, done: Callable[[T | None], None]) -> None:
    if isinstance(app.screen, BusyScreen):
        app.pop_screen()
    done(result)
