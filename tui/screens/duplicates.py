"""Reviewing possible duplicates: the two people side by side, what differs, and why we think so.

The queue and the answers are the core's (`knowme.dedupe.run.pending_pairs` / `resolve_pair`,
`knowme.dedupe.merge.split_person`); this screen shows a pair and sends the user's verdict.
"""
from __future__ import annotations

import textwrap
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from knowme.tui.history import StepTaken, is_large, take_step, take_step_in_worker, unless_not_ours
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.typeahead import replay_held
from knowme.tui.widgets.columns import fit
from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Label, Static
from textual.worker import Worker, WorkerState

from knowme.dedupe.merge import split_person
from knowme.dedupe.pairgroups import PairGroup, evidence_shape, find_group, group_id, resolve_group
from knowme.dedupe.run import (AlreadyAnswered, PairChanged, PairView, pending_pairs, queue_after_answer,
                               resolve_pair)
from knowme.model import Person
from knowme.normalize import fold
from knowme.store.core import Store
from knowme.text import plural

if TYPE_CHECKING:
    from knowme.tui.app import KnowmeApp


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One line of the comparison: a field, each side's values, and whether the sides differ."""

    label: str
    left: list[str]
    right: list[str]

    @property
    def differs(self) -> bool:
        return {fold(v) for v in self.left} != {fold(v) for v in self.right}


def _addresses(person: Person) -> list[str]:
    seen: dict[str, None] = {}
    for record in person.records:
        for labeled in record.addresses:
            seen.setdefault(" ".join(labeled.value.split()), None)
    return list(seen)


def _names(person: Person) -> list[str]:
    seen: dict[str, None] = {}
    for record in person.records:
        if record.display_name:
            seen.setdefault(record.display_name, None)
    return list(seen)


def compare_rows(left: Person, right: Person, left_meta: list[dict], right_meta: list[dict]) -> list[FieldRow]:
    """The fields worth comparing, each with every value either side holds (nothing hidden)."""

    def sig(person: Person) -> list[str]:
        s = person.signals
        return [f"{s.sent} sent, {s.received} received, last {s.last}"] if (s.sent or s.received) else []

    def where(meta: list[dict]) -> list[str]:
        return [f"{m['source']} #{m['index']}" for m in meta]

    getters: list[tuple[str, Callable[[Person], list[str]]]] = [
        ("Name", _names),
        ("Emails", lambda p: p.emails),
        ("Phones", lambda p: p.phones),
        ("Company", lambda p: [r.org for r in p.records if r.org]),
        ("Title", lambda p: [r.title for r in p.records if r.title]),
        ("Addresses", _addresses),
        ("LinkedIn", lambda p: [p.linkedin_url] if p.linkedin_url else []),
        ("Birthday", lambda p: [r.birthday for r in p.records if r.birthday]),
        ("Groups", lambda p: p.categories),
        ("Mail", sig),
    ]
    rows = [FieldRow(label, list(dict.fromkeys(get(left))), list(dict.fromkeys(get(right))))
            for label, get in getters]
    rows = [row for row in rows if row.left or row.right]
    rows.append(FieldRow("Records", where(left_meta), where(right_meta)))
    return rows


def _heading(side: str, person: Person, width: int) -> str:
    """A person's column heading: how many records first (the name is on the first row below), cut
    with an ellipsis to the column."""
    return fit(f"{side} · {plural(len(person.records), 'record')} · {person.display_name or '(no name)'}",
               width).rstrip()


def _cell(values: list[str], others: list[str], differs: bool, width: int = 0) -> Text:
    """The values one side holds, a line each; a value wider than `width` wraps (a long URL is
    shown whole, never cut)."""
    if not values:
        return Text("—", style="dim")
    other = {fold(v) for v in others}
    text = Text()
    for n, value in enumerate(values):
        if n:
            text.append("\n")
        style = "bold yellow" if differs and fold(value) not in other else ""
        lines = _wrap(value, width) if width > 0 else [value]
        text.append("\n".join(lines), style=style)
    return text


def _wrap(value: str, width: int) -> list[str]:
    """`value` in lines of at most `width` cells: at spaces when it can, else anywhere (URLs)."""
    lines: list[str] = []
    for line in textwrap.wrap(value, width, break_long_words=True, break_on_hyphens=False) or [""]:
        while cell_len(line) > width:  # wide characters
            cut = len(set_cell_size(line, width).rstrip())
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


class DuplicatesScreen(ModalScreen["int | None"]):
    """One possible duplicate at a time: the two people side by side, the evidence, your answer.

    Values only one side holds are highlighted. Answers are saved at once and can be undone.

    | Key | Action |
    | :- | :- |
    | y | Same person: merge them |
    | n | Not the same: never ask again |
    | space / right | Skip for now |
    | left | Back to the previous pair |
    | Y / N | Every pair whose evidence reads like this one's: the same / not the same (asks first) |
    | ctrl+z | Undo the last answer |
    | escape | Back to the list |
    """

    #: keys typed right behind the d that opened it are dropped, said: each is an answer, and the pair it
    #: would answer was not shown yet when it was typed (`KnowmeApp.type_ahead`)
    TAKES_KEYS_TYPED_AHEAD = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "same", "Same person", id="pairs.same"),
        Binding("n", "different", "Not the same", id="pairs.different"),
        Binding("space,right", "skip", "Skip", id="pairs.skip"),
        Binding("left", "previous", "Previous", id="pairs.previous"),
        # listed in the help screen (?), not in the footer, which has no room for them
        Binding("Y", "group(True)", "Every pair like this one: the same person", id="pairs.group_same", show=False),
        Binding("N", "group(False)", "Every pair like this one: not the same", id="pairs.group_different",
                show=False),
        Binding("ctrl+z", "undo", "Undo", id="pairs.undo"),
        Binding("escape", "close", "Close", id="pairs.close"),
    ]

    def __init__(self, store: Store, person_id: int | None = None) -> None:
        super().__init__()
        self.store = store
        self.start_person = person_id
        self.position = 0
        self.pairs: list[PairView] = []
        self.last_merged: int | None = None
        self.answered = 0
        self.busy = READING  # what a worker of this screen is doing; answers wait
        self._held: deque[str] = deque()  # actions of keys typed while the queue shown was read again
        self._passing = False  # the next action is a held one, run now
        self._read_once = False  # the queue has been shown
        self._replaying = False
        self._shown_records: tuple[int, tuple[int, ...]] = (-1, ())  # the pair shown, and its people's records then
        self.shapes: dict[int, str] = {}  # each queued pair's shape of evidence (`evidence_shape`), by pair id
        self.alike: Counter[str] = Counter()  # how many queued pairs have each shape

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pairs-dialog"):
            yield Label("", classes="dialog-title", id="pair-title")
            yield DataTable(id="compare", cursor_type="none", show_header=True)
            yield Label("Why we think they may be the same", id="evidence-title")
            yield Static("", id="evidence")
            yield Static("", id="alike")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Same person (y)", variant="success", id="same", compact=True)
                yield Button("Not the same (n)", variant="error", id="different", compact=True)
                yield Button("Skip (space)", id="skip", compact=True)
                yield Button("Close (esc)", id="close", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._read_queue(self.start_person)

    def on_screen_resume(self) -> None:
        if self._held and not self.busy:  # held keys behind a question answered meanwhile
            self.call_later(self._replay_held)

    def _read_queue(self, person: int | None = None) -> None:
        """Read the queue and its shapes in a worker (at 100k records 70,000 pairs: over a second), then
        show it from `person`'s first pair, or from where the screen was."""
        self.busy = READING
        if not self.pairs:
            self.query_one("#pair-title", Label).update(self.busy)
        self.run_worker(partial(self._queue_in_worker, person), thread=True, exclusive=True, exit_on_error=False,
                        group="pairs-read")

    def _queue_in_worker(self, person: int | None) -> None:
        with Store.open(self.store.path) as reader:
            pairs = pending_pairs(reader)
        shapes = {pair.id: evidence_shape(pair.reasons) for pair in pairs}
        self.app.call_from_thread(self._queue_read, pairs, shapes, person)

    def _queue_read(self, pairs: list[PairView], shapes: dict[int, str], person: int | None) -> None:
        self.busy = ""
        self._read_once = True
        self.pairs, self.shapes = pairs, shapes
        self._count_shapes()
        if person is not None:
            self.position = next((n for n, p in enumerate(pairs) if person in (p.a_person, p.b_person)), 0)
        self._show()
        if self._held:
            self.call_later(self._replay_held)

    def hold(self, action: object, namespace: object) -> bool:
        """Keep a key's action for later while the queue shown is read again (after an undo, an answer
        given elsewhere), so it acts on the queue shown next, in the order typed: three ctrl+z in a row
        undid one answer and said "One moment" for the others. Before the first pair is shown a key is
        still refused, said (it would answer a pair never seen). Called for every action; True when held."""
        if self._passing:
            self._passing = False
            return False
        if namespace is not self or not isinstance(action, str) or self.app.screen is not self:
            return False
        if not (self._held or (self.busy == READING and self._read_once)):
            return False
        self._held.append(action)
        return True

    async def _replay_held(self) -> None:
        """Run the held actions in order while the queue shown stays read (one that reads it again leaves
        the rest for then)."""
        if self._replaying:
            return
        self._replaying = True
        try:
            await self._replay()
        finally:
            self._replaying = False

    async def _replay(self) -> None:
        while self._held and not self.busy and self.app.screen is self:  # else once the queue or the screen is back
            await replay_held(self, self._held.popleft(), self, self._held, "a question")

    def _still_busy(self) -> bool:
        """A worker of this screen is at work: say so (the key would otherwise seem lost) and wait."""
        if self.busy:
            self.notify(f"{self.busy} One moment.", timeout=2)
        return bool(self.busy)

    #: Rows of the comparison (its header, the names, one more field) an answer needs on screen
    SEEN_ROWS = 3

    def _unseen(self) -> bool:
        """The pair is not on screen (a terminal a few rows high leaves the comparison none): say so, and
        take no answer. y merged two people the user had not been shown."""
        compare = self.query_one("#compare", DataTable)
        if compare.size.height >= min(self.SEEN_ROWS, compare.virtual_size.height):
            return False
        self.notify("The terminal is too small to show this pair: make it taller to answer (nothing changed).",
                    severity="warning", timeout=6)
        return True

    def _count_shapes(self) -> None:
        self.alike = Counter(self.shapes[pair.id] for pair in self.pairs)

    @property
    def current(self) -> PairView | None:
        if not self.pairs:
            return None
        self.position %= len(self.pairs)
        return self.pairs[self.position]

    def _show(self) -> None:
        pair = self.current
        table = self.query_one("#compare", DataTable)
        table.clear(columns=True)
        if pair is None:
            self.query_one("#pair-title", Label).update("No possible duplicates left to review.")
            self.query_one("#evidence", Static).update("")
            for button in ("#same", "#different", "#skip"):
                self.query_one(button, Button).display = False  # nothing left to answer
            self.query_one("#evidence-title", Label).display = False
            self.query_one("#alike", Static).display = False
            self.query_one("#compare", DataTable).display = False
            self.query_one("#close", Button).focus()
            return
        people = self.store.people_by_id([pair.a_person, pair.b_person])
        if pair.a_person not in people or pair.b_person not in people:  # merged or forgotten elsewhere
            self.pairs.remove(pair)
            self._stale()
            return
        left, right = people[pair.a_person], people[pair.b_person]
        self._shown_records = (pair.id, (*left.record_ids, *right.record_ids))  # what an answer is about
        self.query_one("#pair-title", Label).update(
            f"Possible duplicate {self.position + 1} of {len(self.pairs)}   ·   score {pair.score:.2f}"
            + (f"   ·   answered {self.answered}" if self.answered else ""))
        side = self._side_width()
        table.add_column("", key="field", width=9)
        table.add_column(_heading("A", left, side), key="a", width=side)
        table.add_column(_heading("B", right, side), key="b", width=side)
        rows = compare_rows(left, right, self.store.record_meta(left.id), self.store.record_meta(right.id))
        for row in rows:
            label = Text(row.label, style="bold yellow" if row.differs and row.label != "Records" else "dim")
            differs = row.differs and row.label != "Records"
            a = _cell(row.left, row.right, differs, side)
            b = _cell(row.right, row.left, differs, side)
            height = max(len(a.plain.split("\n")), len(b.plain.split("\n")), 1)
            table.add_row(label, a, b, height=height)
        evidence = Text()
        for n, reason in enumerate(pair.reasons):
            if n:
                evidence.append("\n")
            evidence.append("• " + reason)
        self.query_one("#evidence", Static).update(evidence or Text("no evidence recorded", style="dim"))
        others = self.alike[self.shapes.get(pair.id, "")] - 1
        alike = self.query_one("#alike", Static)
        alike.display = others > 0
        alike.update(f"{plural(others, 'more pair', sep=True)} {'reads' if others == 1 else 'read'} like this one: "
                     "shift+Y answers all of them the same person, shift+N different people")

    def _side_width(self) -> int:
        """Each person's column: half of what the dialog leaves after the field names."""
        dialog = min(110, int(self.app.size.width * 0.9))
        return max(16, (dialog - 4 - 9 - 6) // 2)

    # ---- answers ---------------------------------------------------------------------------------

    def _answer(self, same: bool) -> None:
        pair = self.current
        if self._still_busy() or pair is None or self._unseen():
            return
        try:
            shown = self._shown_records[1] if self._shown_records[0] == pair.id else None
            merged = resolve_pair(self.store, pair.id, same, (pair.a_person, pair.b_person), shown)
        except (AlreadyAnswered, KeyError, PairChanged) as exc:  # from another window meanwhile
            self._stale(exc)
            return
        if merged is not None:
            self.last_merged = merged
        self.answered += 1
        self.pairs = queue_after_answer(self.pairs, pair, merged)
        self._count_shapes()
        self._show()
        self.notify("Merged: one person now." if same else "Kept apart: they will not be suggested again.",
                    timeout=2)

    def _stale(self, why: Exception | None = None) -> None:
        """The pair shown was answered, or its people merged, split or forgotten, by another command since the
        queue was read: nothing is changed, the user is told, and the queue is read again as it is now."""
        if isinstance(why, AlreadyAnswered):
            said = "That pair was already answered in another window"
        elif isinstance(why, PairChanged):
            said = "One of these two people was merged or split in another window since this pair was shown"
        elif isinstance(why, KeyError):
            said = "That pair's cards were removed in another window (their address book forgotten or replaced)"
        else:
            said = "The next pair's people were merged or removed in another window"
        self.notify(f"{said}; nothing was changed. Showing the queue as it is now.", severity="warning", timeout=6)
        self._read_queue()
        self.query_one("#pair-title", Label).update(READING)

    @on(Button.Pressed, "#same")
    def action_same(self) -> None:
        self._answer(True)

    @on(Button.Pressed, "#different")
    def action_different(self) -> None:
        self._answer(False)

    @on(Button.Pressed, "#skip")
    def action_skip(self) -> None:
        if self.pairs:
            self.position = (self.position + 1) % len(self.pairs)
            self._show()

    def action_previous(self) -> None:
        if self.pairs:
            self.position = (self.position - 1) % len(self.pairs)
            self._show()

    def action_group(self, same: bool) -> None:
        """Ask, then answer every pending pair with this pair's shape of evidence (one undoable action)."""
        pair = self.current
        if self._still_busy() or pair is None or self._unseen():
            return
        self.busy = "Reading the group…"
        self.run_worker(partial(self._group_in_worker, self.shapes[pair.id], same), thread=True, exclusive=True,
                        exit_on_error=False, group="pair-groups")

    def _group_in_worker(self, shape: str, same: bool) -> None:
        """The group of this shape, with the user's earlier answers of it, read off the UI thread."""
        with Store.open(self.store.path) as reader:
            group = find_group(reader, group_id(shape))
        self.app.call_from_thread(self._ask_group, group, same)

    def _ask_group(self, group: PairGroup, same: bool) -> None:
        self.busy = ""
        examples = "\n".join(f"  • {', '.join(p.reasons[:2])}" for p in group.examples())
        question = _group_question(group, same, examples)

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = ANSWERING_GROUP
                self.run_worker(lambda: self._resolve_group(group.id, same), thread=True, exclusive=True,
                                exit_on_error=False, group="pair-groups")

        self.app.push_screen(ConfirmScreen("Answer a whole group", question,
                                           yes="All the same" if same else "All different"), answered)

    def _resolve_group(self, key: str, same: bool) -> None:
        """In a worker thread, on a connection of its own: answer the group, then show the queue again on
        the UI thread. (On the UI's connection, a key pressed meanwhile joined the worker's transaction:
        it seemed saved while no other process saw it, and quitting before the group was done lost both.)"""
        self.app.writes_elsewhere += 1  # type: ignore[attr-defined]
        with Store.open(self.store.path) as writer:
            group = resolve_group(writer, key, same)
        self.app.call_from_thread(self._group_done, len(group.pairs) - group.held, same, group.held, group.held_why)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.group not in _FAILED:
            return
        self.busy = ""
        self.notify(f"{_FAILED[event.worker.group]}: {event.worker.error}", severity="error", timeout=6)
        if self._held:
            self.call_later(self._replay_held)

    def _group_done(self, count: int, same: bool, held: int = 0, why: str = "") -> None:
        self.busy = ""
        self.answered += 1
        self._read_queue()
        kept = f" {plural(held, 'pair')} left to ask one by one: {'it joins' if held == 1 else 'they join'} " \
               f"{why}." if held else ""
        self.notify(f"{count} pairs answered {'the same person' if same else 'not the same'}.{kept}", timeout=3)

    def action_undo(self) -> None:
        """Undo the last answer; a whole group's (thousands of merges) in a worker, as it was answered."""
        if not self._still_busy():
            unless_not_ours(self, self.store, True, self._undo)

    def _undo(self) -> None:
        if is_large(self.store, undo=True):
            take_step_in_worker(self, self.store.path, True, self._undone)
            return
        self._undone(take_step(self.store, undo=True))

    def _undone(self, taken: StepTaken) -> None:
        if taken.refused or taken.failed:
            self.notify(taken.trouble() or "", severity="warning", timeout=6)
            return
        self.notify(f"Undone: {taken.step.summary}" if taken.step else "Nothing to undo.", timeout=2)
        self.answered = max(0, self.answered - 1)
        self._read_queue()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Back to the list, once no answer is being written: closed while a group was answered, the
        list behind went on showing the people it merged away, with the old counts."""
        if self.busy == ANSWERING_GROUP:
            self.notify(f"{ANSWERING_GROUP} The dialog closes once it is done.", timeout=3)
            return
        self.dismiss(self.last_merged)


ANSWERING_GROUP = "Answering the group…"
READING = "Reading the possible duplicates…"

#: What the user is told when a worker of this screen fails, by the worker's group.
_FAILED = {"pair-groups": "Could not answer the group", "pairs-read": "Could not read the possible duplicates"}


def _group_question(group: PairGroup, same: bool, examples: str) -> str:
    """'6 pairs read: same name + same birthday. About 6 look like the same person. ...', for one pair too."""
    n, likely = len(group.pairs), group.likely_words()
    head = f"{plural(n, 'pair', sep=True)} {'reads' if n == 1 else 'read'}: {group.shape}.\n{likely[0].upper()}{likely[1:]}."
    different = "different people (never asked again)"
    if n == 1:
        ask = f"Answer it as {'the same person (they merge)' if same else different}?"
    else:
        head += " For example:"
        ask = f"Answer all {n:,} as {'the same person (each pair merges)' if same else different}?"
    return f"{head}\n{examples}\n\n{ask} ctrl+z undoes it."


def confirm_split(app: KnowmeApp, person_id: int) -> None:
    """Ask, then give each record of a person their own person again (one undoable action)."""
    person = app.store.person(person_id)
    if person is None:
        app.gone(person_id)
        return
    meta = app.store.record_meta(person_id)
    where = ", ".join(f"{m['source']} #{m['index']}" for m in meta)
    question = (f"Split {person.display_name or 'this person'} into {len(person.records)} people, one per record "
                f"({where})? Each keeps the decision and notes, and dedupe asks before joining them again. "
                "ctrl+z undoes it.")

    def answered(yes: bool | None) -> None:
        if yes:
            parts = split_person(app.store, person_id)
            app.changed(f"Split into {len(parts)} people.", parts, reload=True, focus=person_id)

    app.push_screen(ConfirmScreen("Split a merged person", question, yes="Split"), answered)
