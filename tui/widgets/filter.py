"""The filter box above the contact list."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from knowme.tui.widgets.contact_list import ContactList
from textual import events
from textual.actions import parse as parse_action
from textual.binding import Binding, BindingType
from textual.widgets import Input


class FilterInput(Input):
    """The `/` filter: the list follows as you type; enter or down returns to the list, esc clears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "done", "To the list", show=False, id="filter.down"),
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
    ]

    async def _on_key(self, event: events.Key) -> None:
        """Letters are typed in by the screen (`MainScreen.on_key`), which sees every key in the order
        typed: the input's own typing put in a letter typed right after enter (which the screen
        handles) before the screen had taken the focus back to the list."""
        self._restart_blink()
        event.prevent_default()  # not Input's typing: the key goes on to the screen

    def action_done(self) -> None:
        self.screen.query_one(ContactList).focus()

    def action_clear(self) -> None:
        self.value = ""
        self.screen.query_one(ContactList).focus()

    def editing_action(self, key: str) -> Callable[[], object] | None:
        """The box's own editing action bound to `key` (home, end, the arrows, delete), for the screen to
        run as it handles the key, in the order typed; None for any other key. Textual ran it once the key
        had gone up to the app, after the letters typed right behind it were typed in: "/", "ab", Home,
        "x" in one burst filtered on "abx", not "xab"."""
        for binding in self._bindings.key_to_bindings.get(key, ()):
            if binding.priority:  # run by the app before the key reached the box
                continue
            _, name, params = parse_action(binding.action)
            method = getattr(self, f"action_{name}", None)
            if method is None or inspect.iscoroutinefunction(method) or name in ("submit", "done", "clear"):
                continue
            return partial(method, *params)
        return None
