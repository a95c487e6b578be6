"""A yes/no question as a modal screen that returns the answer with `dismiss`, and a screen that
says what is being done while a worker does it."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.errors import NoWidget
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Label, LoadingIndicator, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; enter/y answers yes, escape/n answers no.

    A question the terminal is too small to show in full takes no answer (y, n, enter, a click): the
    user is told to make it taller. Escape still leaves it, as no, which changes nothing.

    | Key | Action |
    | :- | :- |
    | y | Yes |
    | n | No |
    | escape | Leave (no) |
    """

    TAKES_KEYS_TYPED_AHEAD = False  # an answer typed before the question was shown is no answer

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "leave", "Leave", show=False, id="confirm.leave"),
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.question, id="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.no_label} (n)", id="no", compact=True)
                yield Button(f"{self.yes_label} (y)", variant="primary", id="yes", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_answer(self, yes: bool) -> None:
        if not self._unseen():
            self.dismiss(yes)

    def action_leave(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def _unseen(self) -> bool:
        """The question is not on screen in full (a terminal a few rows high cut it, leaving the title
        and the buttons): say so, and take no answer. y lifted an exclusion the user had not been shown."""
        return too_small_to_show(self, [self.query_one("#question", Static)], "this question", "answer")


def shown_in_full(screen: Screen[Any], widget: Widget) -> bool:
    """Whether the whole of `widget` is on the screen now: laid out, not cut by a small terminal or
    scrolled out of its dialog."""
    try:
        geometry = screen.find_widget(widget)
    except NoWidget:  # not laid out at all (hidden, or no room): nothing of it is shown
        return False
    shown = geometry.region.intersection(geometry.clip)
    return widget.outer_size.height > 0 and shown.size == widget.outer_size


def too_small_to_show(screen: Screen[Any], parts: Iterable[Widget], what: str, act: str,
                      read: ReadThrough | None = None) -> bool:
    """Whether any of `parts` (what an answer acts on, and the button that gives it) is not on screen in
    full (or, with `read`, was not read through: every row of it on screen at some time, scrolled to):
    then says so and the caller acts on nothing. A dialog cut by a terminal a few rows high showed its
    title and footer, and its key acted on what the user was never shown."""
    if all(read.read(part) if read is not None else shown_in_full(screen, part) for part in parts):
        return False
    how = "scroll through it (↑↓) or make the terminal taller" if read is not None else "make it taller"
    screen.notify(f"The terminal is too small to show {what}: {how} to {act}, or esc to leave it "
                  "(nothing changed).", severity="warning", timeout=6)
    return True


class ReadThrough:
    """The rows of some widgets in a scrolling dialog that the user has had on screen since they last
    changed: a text taller than a small terminal is read by scrolling through it, and a key that acts
    on it waits until every row was shown (the import dialog's refusal never fitted at 40x12, so n
    stayed refused however far the user scrolled). Worked out from the scroll offset as it is set, not
    from the last frame painted."""

    def __init__(self, scroller: Widget, *widgets: Widget) -> None:
        self.scroller = scroller
        self.widgets = widgets
        self.rows: dict[Widget, set[int]] = {}
        self.sizes: dict[Widget, tuple[int, int]] = {}

    def forget(self) -> None:
        """The widgets' text changed: nothing of it has been read."""
        self.rows.clear()

    def look(self, screen: Screen[Any]) -> None:
        """Note the rows of each widget in the scroller's view now (in full width) as read."""
        try:
            geometry = screen.find_widget(self.scroller)
        except NoWidget:
            return
        # the view: the scroller's content area, less what a terminal too small cuts off it
        view = self.scroller.scrollable_content_region.intersection(geometry.region.intersection(geometry.clip))
        for widget in self.widgets:
            if not widget.display:
                continue
            place = widget.virtual_region  # in the scroller's content, before its scroll
            size = (place.width, place.height)
            if self.sizes.get(widget) != size:  # wrapped afresh: its rows are other rows now
                self.sizes[widget] = size
                self.rows.pop(widget, None)
            if place.width > view.width:
                continue
            top = self.scroller.scrollable_content_region.y + place.y - round(self.scroller.scroll_y)
            shown = range(max(top, view.y) - top, min(top + place.height, view.bottom) - top)
            self.rows.setdefault(widget, set()).update(shown)

    def read(self, widget: Widget) -> bool:
        height = self.sizes.get(widget, (0, 0))[1]
        return height > 0 and self.rows.get(widget, set()) >= set(range(height))


#: A dialog in a terminal fewer rows high than this is compact (fewer gaps, what a key acts on first); under
#: `BORDERLESS_BELOW` rows it has no border either.
COMPACT_BELOW, BORDERLESS_BELOW = 24, 16


def fit_to_rows(screen: Screen[Any], height: int) -> bool:
    """Set the compact classes of a dialog's screen for a terminal `height` rows high; whether compact."""
    screen.set_class(height < COMPACT_BELOW, "-compact-dialog")
    screen.set_class(height < BORDERLESS_BELOW, "-borderless")
    return height < COMPACT_BELOW


class BusyScreen(ModalScreen[None]):
    """Says what is being done while a worker does it, and holds every key until it is done (the
    caller dismisses it): nothing can be decided on a list that is about to change under it."""

    def __init__(self, title: str, doing: str) -> None:
        super().__init__()
        self.title_text = title
        self.doing = doing

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="busy"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.doing)
            yield LoadingIndicator()

    def on_key(self, event: events.Key) -> None:
        event.stop()  # no key reaches the screen below while the work runs
