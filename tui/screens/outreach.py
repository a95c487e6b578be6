"""The outreach editor: how we know each other, why connect, and the note, linted as you type.

Templates and drafts come from `knowme.outreach`, the findings from `knowme.lint.lint_note`,
and saving is `knowme.triage.set_outreach` (one undoable action).
"""
from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from knowme.tui.screens.confirm import ConfirmScreen, too_small_to_show
from knowme.tui.widgets.inturn import FieldInput, NoteArea
from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea
from textual.widgets.text_area import Selection

from knowme import prefs
from knowme.lint import LintReport, placeholders
from knowme.model import Person
from knowme.notestatus import NOTE_FIX, NOTE_LABELS, note_status
from knowme.outreach import (HOW_CHOICES, TEMPLATES, WHY_CHOICES, draft_for, lint_person_note, note_fields,
                             template_for)
from knowme.store.core import Store
from knowme.triage import EditConflict, TriageError, set_outreach

FIELD_WORDS = {"how": "how you know each other", "context": "context", "why": "why connect", "draft": "note"}


def counter_text(report: LintReport) -> Text:
    """`187/300 · free accounts: 200`, red over the limit, yellow over the free-account limit."""
    style = "bold red" if report.length > report.limit else (
        "bold yellow" if report.length > report.free_limit else "bold green")
    text = Text(f"{report.length}/{report.limit}", style=style)
    text.append(f"  ·  free accounts: {report.free_limit}", style="dim")
    return text


def findings_text(report: LintReport) -> Text:
    """The linter's findings, errors first; a calm line when there are none."""
    if not report.findings:
        return Text("✓ No problems found: personal, fits, says how and why.", style="green")
    text = Text()
    for n, finding in enumerate(sorted(report.findings, key=lambda f: f.level != "error")):
        if n:
            text.append("\n")
        mark, style = ("✗", "red") if finding.level == "error" else ("!", "yellow")
        text.append(f"{mark} {finding.code}: ", style=f"bold {style}")
        text.append(finding.message)
    return text


class DraftArea(NoteArea):
    """The note: tab selects the next unfilled placeholder to type over, then moves on to Save."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_placeholder", "Next placeholder", show=False, priority=True),
    ]

    def select_placeholder(self, after: int = 0) -> bool:
        """Select the first placeholder at or after text index `after`, else the first one not already
        selected (wrapping round); False when there is none to go to."""
        document = self.document
        selected = tuple(sorted((document.get_index_from_location(self.selection.start),  # type: ignore[attr-defined]
                                 document.get_index_from_location(self.selection.end))))  # type: ignore[attr-defined]
        found = [span for span in placeholders(self.text) if span != selected]
        if not found:
            return False
        start, end = next((span for span in found if span[0] >= after), found[0])
        self.selection = Selection(document.get_location_from_index(start),  # type: ignore[attr-defined]
                                   document.get_location_from_index(end))  # type: ignore[attr-defined]
        return True

    def action_next_placeholder(self) -> None:
        end = self.document.get_index_from_location(self.selection.end)  # type: ignore[attr-defined]
        if not self.select_placeholder(end):
            self.screen.query_one("#save", Button).focus()


class OutreachScreen(ModalScreen["str | None"]):
    """Write the personal note for one personalize person.

    | Key | Action |
    | :- | :- |
    | ctrl+s | Save (one undoable action) |
    | ctrl+t | Fill the draft from the chosen template; the first blank is selected to type over |
    | tab | Next field; in the note, the next blank ({context}, {why}), then Save |
    | escape | Close without saving |

    Returns (dismiss) what to tell the user after saving, or None when closed without saving.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="outreach.save"),
        Binding("ctrl+t", "fill", "Fill from template", priority=True, id="outreach.fill"),
        Binding("escape", "cancel", "Cancel", id="outreach.cancel"),
    ]

    def __init__(self, store: Store, person_id: int) -> None:
        super().__init__()
        self.store = store
        self.person_id = person_id
        person = store.person(person_id)
        if person is None:
            raise LookupError(f"person {person_id} is gone")
        self.person: Person = person
        self.limit = int(prefs.get(store, "note-limit"))
        #: the fields as last read from the workspace: a save writes only what changed here since, and
        #: never over what another window saved meanwhile without asking (`set_outreach(since=...)`)
        self.since = note_fields(person)
        self.over: list[str] = []  # fields saved over another window's, once the user said so

    def compose(self) -> ComposeResult:
        person = self.person
        why_choice = person.why if person.why in WHY_CHOICES else Select.NULL
        why_free = "" if person.why in WHY_CHOICES else person.why
        with VerticalScroll(classes="dialog", id="outreach-dialog"):
            yield Label(f"Personal note for {person.display_name or '(no name)'}", classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label("How we know each other", classes="field-label")
                yield Select([(label, key) for key, label in HOW_CHOICES.items()], id="how",
                             value=person.how if person.how in HOW_CHOICES else Select.NULL,
                             prompt="choose…", compact=True)
            with Horizontal(classes="field"):
                yield Label("Context", classes="field-label")
                yield FieldInput(person.context, placeholder="which company, event, school or mutual contact",
                            id="context", compact=True)
            with Horizontal(classes="field"):
                yield Label("Why connect", classes="field-label")
                yield Select([(label, key) for key, label in WHY_CHOICES.items()], id="why", value=why_choice,
                             prompt="choose… (or type below)", compact=True)
            with Horizontal(classes="field"):
                yield Label("", classes="field-label")
                yield FieldInput(why_free, placeholder="…or in your own words", id="why-text", compact=True)
            with Horizontal(classes="field"):
                yield Label("Template", classes="field-label")
                yield Select([(name, name) for name in TEMPLATES], id="template", value=template_for(person),
                             allow_blank=False, compact=True)
                yield Button("Fill draft (ctrl+t)", id="fill", compact=True)
            yield DraftArea(person.draft, id="draft", soft_wrap=True, show_line_numbers=False, compact=True)
            with Horizontal(id="counter-row"):
                yield Static("", id="counter")
            yield Static("", id="findings")
            yield Static("", id="elsewhere")  # what another window saved meanwhile, once the user chose to see it
            with Horizontal(classes="dialog-buttons"):
                cancel = Button("Cancel (esc)", id="cancel", compact=True)
                cancel.can_focus = False  # esc cancels; tab then space never throws the note away
                yield cancel
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#elsewhere", Static).display = False
        self._lint()
        # shown once laid out, with the linter's findings below it: in a terminal a few rows high the focus's
        # own scroll, worked out before, opened the dialog on the findings, the note out of sight, and what
        # was typed went in unseen
        first = self.query_one("#draft", TextArea) if self.person.draft else self.query_one("#how", Select)
        first.focus(scroll_visible=False)
        self.app.steady(self)  # type: ignore[attr-defined]
        self.call_after_refresh(self._show_focused)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_focused)

    def _show_focused(self) -> None:
        if self.focused is not None:
            self.focused.scroll_visible(animate=False, immediate=True)

    # ---- what the fields say ---------------------------------------------------------------------

    def fields(self) -> dict[str, str]:
        """how/context/why/draft as the form holds them now."""
        how = self.query_one("#how", Select).value
        why_choice = self.query_one("#why", Select).value
        why_text = self.query_one("#why-text", Input).value.strip()
        return {
            "how": how if isinstance(how, str) else "",
            "context": self.query_one("#context", Input).value.strip(),
            "why": why_text or (why_choice if isinstance(why_choice, str) else ""),
            "draft": self.query_one("#draft", TextArea).text,
        }

    def _lint(self) -> LintReport:
        report = lint_person_note(self.person, self.query_one("#draft", TextArea).text, limit=self.limit)
        self.query_one("#counter", Static).update(counter_text(report))
        self.query_one("#findings", Static).update(findings_text(report))
        return report

    @on(TextArea.Changed, "#draft")
    def _draft_changed(self) -> None:
        self._lint()

    @on(Select.Changed, "#how")
    def _how_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value in TEMPLATES:
            self.query_one("#template", Select).value = template_for(replace(self.person, how=event.value))

    # ---- actions ---------------------------------------------------------------------------------

    @on(Button.Pressed, "#fill")
    def action_fill(self) -> None:
        """Write a draft from the template with what is known; unknown parts stay as {placeholders},
        the first one selected so typing replaces it (else the cursor waits at the end)."""
        values = self.fields()
        person = replace(self.person, how=values["how"], context=values["context"], why=values["why"])
        template = self.query_one("#template", Select).value
        draft = draft_for(person, template if isinstance(template, str) else None)
        area = self.query_one("#draft", DraftArea)
        area.text = draft
        area.focus()
        if not area.select_placeholder():
            area.move_cursor(area.document.end)
        self._lint()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save (a note that fails the linter too: nothing typed is lost), saying plainly how the note stands.
        What another window saved meanwhile is kept: a field changed only there stays as it is there, and
        one changed in both is saved over only once the user has seen both (`_clash`).

        Not while the note is cut from view: at 20x8 the editor opened on the draft scrolled out of sight
        under the linter's findings, and ctrl+s saved what was typed there unseen."""
        if too_small_to_show(self, [self.query_one("#draft")], "the note", "save it"):
            return
        fields = self.fields()
        now = self.store.person(self.person_id)
        there = [k for k, v in (note_fields(now) if now else self.since).items() if v != self.since[k]]
        try:
            set_outreach(self.store, self.person_id, since=self.since, **fields)
        except EditConflict as exc:
            self._clash(exc)
            return
        except TriageError as exc:
            self.notify(str(exc), severity="error")
            return
        person = self.store.person(self.person_id) or self.person
        report = lint_person_note(person, person.draft, limit=self.limit)
        name = person.display_name or "this person"
        status = note_status(report)
        if status == NOTE_FIX:
            codes = ", ".join(f.code for f in report.errors)
            said = (f"Saved the note for {name}, but it cannot be sent yet ({codes}): "
                    "it is listed under Notes to fix (9).")
        elif not (person.draft or "").strip():
            said = f"Saved for {name}; the note is still to write (Notes to fix, 9)."
        else:
            said = f"Saved the note for {name}: {NOTE_LABELS[status]}."
        kept = [FIELD_WORDS[k] for k in there if fields[k] == self.since[k]]
        if kept:
            said += f" Kept the {' and '.join(kept)} changed in another window meanwhile."
        if self.over:
            said += f" Saved over the {' and '.join(self.over)} from another window (ctrl+z brings it back)."
        self.dismiss(said)

    def _clash(self, conflict: EditConflict) -> None:
        """Another window saved the same field to something else since this editor read it: show both and
        ask. Saving mine puts theirs in the undo history (ctrl+z brings it back); keeping on editing shows
        theirs under the note, and the next ctrl+s saves what the editor then holds."""
        name = self.person.display_name or "this person"
        theirs = "\n\n".join(f"[b]Saved there, {FIELD_WORDS[k]}:[/b]\n{escape(v) or '(empty)'}"
                              for k, v in conflict.theirs.items())
        mine = "\n\n".join(f"[b]Here, {FIELD_WORDS[k]}:[/b]\n{escape(v) or '(empty)'}"
                             for k, v in conflict.mine.items())
        question = (f"{escape(name)}'s note was changed in another window since you opened it.\n\n{theirs}\n\n{mine}"
                    "\n\nSave yours over theirs? (ctrl+z in the list brings theirs back.) Keep editing shows theirs "
                    "under your note.")
        now = self.store.person(self.person_id)
        seen = note_fields(now) if now is not None else self.since

        def answered(overwrite: bool | None) -> None:
            self.since = seen  # theirs has been seen: the next save is over it, unless it changes again
            self.over = [FIELD_WORDS[k] for k in conflict.theirs]
            if overwrite:
                self.action_save()
                return
            shown = "\n".join(f"[b]Saved in another window, {FIELD_WORDS[k]}:[/b] {escape(v) or '(empty)'}"
                               for k, v in conflict.theirs.items())
            elsewhere = self.query_one("#elsewhere", Static)
            elsewhere.update(shown + "\n[dim]ctrl+s saves what you see above over it.[/dim]")
            elsewhere.display = True

        self.app.push_screen(ConfirmScreen("Changed in another window", question, yes="Save mine",
                                           no="Keep editing"), answered)

    def unsaved(self) -> bool:
        """Whether the form holds something the workspace does not (typed and not saved yet)."""
        return self.fields() != self.since

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without saving; what was typed is thrown away only once the user says so."""
        if not self.unsaved():
            self.dismiss(None)
            return
        name = self.person.display_name or "this person"

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard the changes?", f"The note for {name} has changes that are not "
                                           "saved. Discard them? (ctrl+s saves them instead.)", yes="Discard",
                                           no="Keep editing"), answered)
