"""A yes/no question as a modal screen that returns the answer with `dismiss`, and a screen that
says what is being done while a worker does it."""
from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, LoadingIndicator, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; enter/y answers yes, escape/n answers no.

    | Key | Action |
    | :- | :- |
    | y | Yes |
    | n / escape | No |
    """

    TAKES_KEYS_TYPED_AHEAD = False  # an answer typed before the question was shown is no answer

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
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
            yield Static(self.question)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.no_label} (n)", id="no", compact=True)
                yield Button(f"{self.yes_label} (y)", variant="primary", id="yes", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


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
