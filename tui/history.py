"""Undo and redo from any screen: a small step at once, a large one in a worker behind a busy screen.

A decision's undo restores under a kilobyte and is done on the UI thread, in the blink it takes; a
dedupe's or a group answer's restores megabytes (seconds at 100k records), which would freeze the
screen: it runs in a worker (`knowme.tui.busy`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual.screen import Screen

from knowme.store.core import HistoryStep, Store, UndoRefused
from knowme.tui.busy import run_busy
from knowme.tui.screens.confirm import ConfirmScreen

#: An undo or redo restoring more snapshot than this runs in a worker (a decision's is under a kilobyte;
#: a dedupe of 33,000 merges at 100k records restores megabytes, for seconds)
BIG_STEP_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class StepTaken:
    """How an undo or redo went: the step taken, or why none was."""

    undo: bool
    step: HistoryStep | None = None
    refused: str = ""  # the store's reason for not undoing (a later import depends on it, ...)
    failed: bool = False  # the worker stopped with an error (reported as every worker's is)

    def trouble(self) -> str | None:
        """What to tell the user when no step was taken; None when one was."""
        if self.failed:
            return f"Could not {'undo' if self.undo else 'redo'}: nothing changed."
        if self.refused:
            return self.refused
        if self.step is None:
            return "Nothing to undo." if self.undo else "Nothing to redo."
        return None


def is_large(store: Store, undo: bool) -> bool:
    """Whether the next undo (or redo) is too large for the UI thread."""
    return store.next_step_size(undo) > BIG_STEP_BYTES


def take_step(store: Store, undo: bool) -> StepTaken:
    """Undo or redo the next action on `store`, here and now."""
    try:
        return StepTaken(undo, store.undo() if undo else store.redo())
    except UndoRefused as exc:
        return StepTaken(undo, refused=str(exc))


def take_step_in_worker(screen: Screen, path: Path, undo: bool, done: Callable[[StepTaken], None]) -> None:
    """Undo or redo in a worker of `screen` behind the busy screen; `done` is called on the UI thread
    after the busy screen is gone, whether the step was taken, refused or failed."""
    run_busy(screen, path, "Undoing" if undo else "Redoing",
             "Putting back what the last action changed…" if undo else "Doing the undone action again…",
             partial(take_step, undo=undo), lambda taken: done(taken or StepTaken(undo, failed=True)))


def unless_not_ours(screen: Screen, store: Store, undo: bool, go: Callable[[], None]) -> None:
    """Call `go` (the undo or redo) at once when the action it takes was made in this review; else ask
    first. The log is the workspace's: ctrl+z here would otherwise undo, unseen, an exclusion just made
    by `knowme mark` in another terminal, or an action of an earlier session."""
    coming = store.next_action(undo)
    if coming is None or store.logged_here(coming[0]):
        go()
        return
    _, summary, at = coming
    verb = "Undo" if undo else "Redo"

    def answered(yes: bool | None) -> None:
        if not yes:
            screen.notify("Nothing changed.", timeout=2)
        elif store.next_action(undo) != coming:  # another knowme acted meanwhile: ask about that one
            screen.notify(f"The workspace changed meanwhile: press {'ctrl+z' if undo else 'ctrl+y'} again.",
                          severity="warning", timeout=5)
        else:
            go()

    when = at.replace("T", " ").replace("+00:00", " UTC")
    screen.app.push_screen(ConfirmScreen(
        f"{verb} an action made elsewhere?",
        f"The {'latest action' if undo else 'action undone last'} was not made in this review: "
        f"“{summary}” ({when}), by a command in another terminal, another review or an earlier session.\n\n"
        f"{verb} it?", yes=f"{verb} it", no="Leave it"), answered)
