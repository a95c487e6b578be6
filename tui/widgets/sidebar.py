"""The sidebar: the views with their live counts, and how far triage has come."""
from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from knowme.views import VIEWS, View, progress

SHORT_LABELS = {"duplicates": "Duplicates"}


def progress_text(decided: int, total: int, width: int) -> str:
    """`Decided 1,234 of 2,374`, in two lines when one does not fit `width` cells (the sidebar is 18 to
    23 wide: the line was cut to "Decided 12 of 1,5…" at 80 columns once ten people were decided)."""
    line = f"Decided {decided:,} of {total:,}"
    return line if len(line) <= width or width <= 0 else f"Decided {decided:,}\nof {total:,}"


def _prompt(number: int, view: View, count: int | None, width: int) -> Content:
    """`1 Undecided       1,234`: the digit that opens the view, its name, its count on the right."""
    label = SHORT_LABELS.get(view.key, view.label)
    figure = "" if count is None else f"{count:,}"
    gap = max(1, width - len(label) - len(figure) - 2)
    return Content.assemble((f"{number % 10} ", "dim"), label, " " * gap, figure)


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
        self._shown: dict[str, tuple[int, int]] = {}

    def compose(self) -> ComposeResult:
        return []  # the parts come after the first paint (`_mount_parts`): the list's names come first

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_parts)

    def _mount_parts(self) -> None:
        options = OptionList(*(Option(_prompt(n, view, None, 20), id=view.key) for n, view in enumerate(VIEWS, start=1)),
                             id="views")
        options.can_focus = False
        self.mount_all([options, Label("", id="progress-label"),
                        ProgressBar(total=1, show_eta=False, show_percentage=True, id="progress")])
        self.show_view(self.current)
        self.call_after_refresh(self._show_counts)  # once the list has its width

    def _show_counts(self) -> None:
        if self.counts:
            self.update_counts(self.counts)

    def _parts(self) -> OptionList | None:
        """The views list, once mounted."""
        found = self.query(OptionList)
        return found.first() if found else None

    def show_view(self, view: str) -> None:
        """Highlight the view being listed (without posting ViewChosen)."""
        self.current = view
        options = self._parts()
        if options is not None:
            options.highlighted = next(n for n, v in enumerate(VIEWS) if v.key == view)

    def update_counts(self, counts: dict[str, int]) -> None:
        """Show fresh counts (from `knowme.views.view_counts`); only changed lines are redrawn."""
        self.counts = dict(counts)
        options = self._parts()
        if options is None:
            return  # shown once the parts are mounted
        width = options.scrollable_content_region.width or self.styles.width.cells or 20  # type: ignore[union-attr]
        for n, view in enumerate(VIEWS, start=1):
            count = counts.get(view.key, 0)
            if self._shown.get(view.key) != (count, width):
                options.replace_option_prompt(view.key, _prompt(n, view, count, width))
                self._shown[view.key] = (count, width)
        decided, total = progress(counts)
        label = self.query_one("#progress-label", Label)
        text = progress_text(decided, total, label.content_region.width or width - 2)
        label.update(text, layout=text.count("\n") != str(label.content).count("\n"))  # one line or two
        self.query_one(ProgressBar).update(total=max(total, 1), progress=decided)

    def on_resize(self, event: events.Resize) -> None:
        if self.counts:
            self.update_counts(self.counts)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.ViewChosen(self, event.option.id))
