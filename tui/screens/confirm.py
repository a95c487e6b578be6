"""A yes/no question as a modal screen that returns the answer with `dismiss`, and a screen that
says what is being done while a worker does it."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.errors import NoWidget
from textual.geometry import Region, Size
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button, Footer, Label, LoadingIndicator, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; enter/y answers yes, escape/n answers no.

    A question taller than the terminal scrolls (↑↓, under 24 rows with fewer gaps, under 16 without a
    border), and takes no answer (y, n, enter, a click) until every row of it has been on screen: the
    user is told to scroll through it or make the terminal taller. Escape still leaves it, as no, which
    changes nothing.

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
        with VerticalScroll(classes="dialog", id="confirm"):
            yield Label(self.title_text, classes="dialog-title")
            yield ReadText(self.question, id="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.no_label} (n)", id="no", compact=True)
                yield Button(f"{self.yes_label} (y)", variant="primary", id="yes", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # opened on the question's start, not scrolled down to the button (at 40x12 the question to let
        # a file replace its earlier import never fitted and did not scroll: y was refused for good)
        self.query_one("#yes", Button).focus(scroll_visible=False)
        fit_to_rows(self, self.app.size.height)
        self.reading = ReadThrough(self.query_one("#confirm"), self.query_one("#question", ReadText))

    def on_resize(self, event: events.Resize) -> None:
        fit_to_rows(self, event.size.height)

    def action_answer(self, yes: bool) -> None:
        if not self._unseen():
            self.dismiss(yes)

    def action_leave(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def _unseen(self) -> bool:
        """The question has not been read through (a terminal a few rows high cut it, leaving the title
        and the buttons): say so, and take no answer. y lifted an exclusion the user had not been shown."""
        return too_small_to_show(self, [self.query_one("#question", ReadText)], "this question", "answer",
                                 read=self.reading)


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
    """The rows of some texts in a scrolling dialog that the user has had on screen since they last
    changed: a text taller than a small terminal is read by scrolling through it, and a key that acts
    on it waits until every row was shown (the import dialog's refusal never fitted at 40x12, so n
    stayed refused however far the user scrolled).

    Rows are counted as they are painted (`ReadText` reports each), never from a scroll offset just set:
    a key pressed in the same frame as a jump to the end counted rows no frame had drawn. Only a scroll
    heading for rows less than a screenful on counts (a row or a page at a time, however fast the keys
    repeat): a jump (end, home) sweeps past the middle unread."""

    def __init__(self, scroller: Widget, *texts: ReadText) -> None:
        self.scroller = scroller
        self.rows: dict[Widget, set[int]] = {}
        self.sizes: dict[Widget, Size] = {}
        for text in texts:
            text.reading = self

    def forget(self) -> None:
        """The texts changed: nothing of them has been read."""
        self.rows.clear()

    def painted(self, text: ReadText, crop: Region) -> None:
        """Note the rows of `text` in `crop` (its part being painted) as read, if in full width."""
        scroller = self.scroller
        if abs(scroller.scroll_target_y - scroller.scroll_y) >= scroller.scrollable_content_region.height:
            return  # a jump on its way past rows it does not stop at
        size = text.outer_size
        if self.sizes.get(text) != size:  # wrapped afresh: its rows are other rows now
            self.sizes[text] = size
            self.rows.pop(text, None)
        if crop.width >= size.width:
            self.rows.setdefault(text, set()).update(range(crop.y, crop.bottom))

    def read(self, text: Widget) -> bool:
        height = text.outer_size.height
        return height > 0 and self.sizes.get(text) == text.outer_size and \
            self.rows.get(text, set()) >= set(range(height))


class ReadText(Label):
    """A text a `ReadThrough` counts the rows of, as they are painted."""

    reading: ReadThrough | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.reading is not None:
            self.reading.painted(self, crop)
        return super().render_lines(crop)


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
