"""The help screen: every key of every screen, read from the screens' own bindings."""
from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

INTRO = (
    "Decide, person by person, who may get a canned invitation (knows me), who deserves a personal note "
    "(personalize), and who must never be invited or uploaded (exclude). Every decision is saved at once; "
    "ctrl+z undoes it. When done, e exports the safe-to-sync file and the outreach queue."
)


def _sections(app_type: type) -> list[tuple[str, list[Binding]]]:
    """Every screen's keys; the app's own come from the running app's class (the app opens this screen)."""
    from knowme.tui.screens.duplicates import DuplicatesScreen
    from knowme.tui.screens.export import ExportScreen, LookalikeList
    from knowme.tui.screens.imports import FilePickerScreen, ImportScreen
    from knowme.tui.screens.main import MainScreen
    from knowme.tui.screens.outreach import OutreachScreen
    from knowme.tui.screens.overview import OverviewScreen
    from knowme.tui.widgets.contact_list import ContactList
    from knowme.tui.widgets.filter import FilterInput

    def of(*owners: type) -> list[Binding]:
        return [b for owner in owners for b in Binding.make_bindings(owner.BINDINGS)]  # type: ignore[attr-defined]

    return [
        ("Review (main screen)", of(MainScreen, ContactList, app_type)),
        ("Filter box", of(FilterInput)),
        ("Possible duplicates (d)", of(DuplicatesScreen)),
        ("Personal note (o)", of(OutreachScreen)),
        ("Export (e)", of(ExportScreen, LookalikeList)),
        ("Import (i)", of(FilePickerScreen, ImportScreen)),
        ("Overview (v)", of(OverviewScreen)),
    ]


def keys_table(bindings: list[Binding], key_display: Callable[[Binding], str]) -> Table:
    """One row per action: its keys (bindings of one action are grouped) and what it does."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True, min_width=12)
    table.add_column()
    grouped: dict[str, list[Binding]] = {}
    for binding in bindings:
        grouped.setdefault(binding.action, []).append(binding)
    rows: dict[str, list[str]] = {}  # keys -> what they do (two screens' esc is one row)
    for same in grouped.values():
        keys = " / ".join(dict.fromkeys(b.key_display or key_display(b) for b in same))
        what = same[0].tooltip or same[0].description  # the longer wording when there is one
        if what not in rows.setdefault(keys, []):
            rows[keys].append(what)
    for keys, whats in rows.items():
        table.add_row(keys, "; ".join(whats))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key, by screen. ctrl+p (the command palette) finds any action by name.

    | Key | Action |
    | :- | :- |
    | escape / ? / q | Close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def content(self) -> Group:
        """Every key by screen, as one renderable."""
        parts: list[Text | Table] = []
        for title, bindings in _sections(type(self.app)):
            parts.append(Text(f"\n{title}", style="bold"))
            parts.append(keys_table(bindings, self.app.get_key_display))
        parts.append(Text("\nctrl+p opens the command palette: type any action's name.", style="dim"))
        return Group(*parts)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help-dialog"):
            yield Label("knowme review — keys", classes="dialog-title")
            yield Static(Text(INTRO, style="italic"), id="help-intro")
            yield Static(self.content(), id="help-keys")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
