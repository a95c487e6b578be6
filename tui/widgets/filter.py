"""The filter box above the contact list."""
from __future__ import annotations

from typing import ClassVar

from knowme.tui.widgets.contact_list import ContactList
from textual.binding import Binding, BindingType
from textual.widgets import Input


class FilterInput(Input):
    """The `/` filter: the list follows as you type; enter or down returns to the list, esc clears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "done", "To the list", show=False, id="filter.down"),
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
    ]

    def action_done(self) -> None:
        self.screen.query_one(ContactList).focus()

    def action_clear(self) -> None:
        self.value = ""
        self.screen.query_one(ContactList).focus()
