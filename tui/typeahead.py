"""Keys typed ahead of a screen that was still reading its list, replayed once it has: the part the review's
list and the duplicates dialog share."""
from __future__ import annotations

from collections import deque
from typing import Any

from textual.screen import Screen

from knowme.text import plural


async def replay_held(screen: Screen, action: str, namespace: Any, held: deque, opened: str) -> bool:
    """Run one held action as if typed now (the screen's `_passing` lets it through its own holding).
    When it opened a dialog (`opened`: "a dialog", "a question") the keys still held were meant for the
    screen behind it: they are dropped, and the user told. Returns whether they were."""
    screen._passing = True  # type: ignore[attr-defined]
    try:
        await screen.app.run_action(action, namespace)
    finally:
        screen._passing = False  # type: ignore[attr-defined]
    if screen.app.screen is screen or not held:
        return False
    left = len(held)
    held.clear()
    screen.notify(f"{plural(left, 'key')} typed ahead not applied: {opened} opened before them.",
                  severity="warning", timeout=5)
    return True
