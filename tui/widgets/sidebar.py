"""The sidebar: the views with their live counts, and how far triage has come."""
from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from knowme.views import VIEWS, View

SHORT_LABELS = {"duplicates": "Duplicates"}


def _prompt(number: int, view: View, count: int | None) -> Table:
    grid = Table.grid(expand=True, padding=(0, 0))
    grid.add_column(no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    label = Text.assemble((f"{number} ", "dim"), SHORT_LABELS.get(view.key, view.label))
    grid.add_row(label, "" if count is None else f"{count:,}")
    return grid


class Sidebar(Vertical):
    """The views of the workspace (Undecided, Knows me, ... All), each with its count.

    Choosing a view (enter or click, or its digit key anywhere) posts `Sidebar.ViewChosen`.
    """

    DEFAULT_CSS = """
    Sidebar {
        width: 24;
        & > OptionList { height: 1fr; border: none; padding: 0; background: $panel; }
        & > #progress-label { padding: 0 1; color: $text-muted; background: $panel; width: 1fr; }
        & > ProgressBar { padding: 0 1; background: $panel; width: 1fr; }
        & > ProgressBar Bar { width: 1fr; }
    }
    """

    @dataclass
    class ViewChosen(Message):
        sidebar: Sidebar
        view: str

        @property
        def control(self) -> Sidebar:
            return self.sidebar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: dict[str, int] = {}
        self.current = "undecided"

    def compose(self) -> ComposeResult:
        options = [Option(_prompt(n, view, None), id=view.key) for n, view in enumerate(VIEWS, start=1)]
        yield OptionList(*options, id="views")
        yield Label("", id="progress-label")
        yield ProgressBar(total=1, show_eta=False, show_percentage=True, id="progress")

    def on_mount(self) -> None:
        views = self.query_one(OptionList)
        views.can_focus = False
        self.show_view(self.current)

    def show_view(self, view: str) -> None:
        """Highlight the view being listed (without posting ViewChosen)."""
        self.current = view
        options = self.query_one(OptionList)
        index = next(n for n, v in enumerate(VIEWS) if v.key == view)
        options.highlighted = index

    def update_counts(self, counts: dict[str, int]) -> None:
        """Show fresh counts (from `knowme.views.view_counts`)."""
        self.counts = counts
        options = self.query_one(OptionList)
        for n, view in enumerate(VIEWS, start=1):
            options.replace_option_prompt(view.key, _prompt(n, view, counts.get(view.key, 0)))
        total = counts.get("all", 0)
        decided = total - counts.get("undecided", 0)
        self.query_one("#progress-label", Label).update(f"Decided {decided:,} of {total:,}", layout=False)
        self.query_one(ProgressBar).update(total=max(total, 1), progress=decided)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.ViewChosen(self, event.option.id))
