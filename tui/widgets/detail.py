"""The detail pane: everything known about the highlighted person, and where each value came from.

The content is a list of blocks (a heading, or a field with its values) laid out into lines for
the pane's width and drawn line by line like the contact list: moving from person to person
never re-lays-out the screen, and costs one small text layout.
"""
from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from knowme.tui.widgets.columns import DECISION_LABELS
from knowme.tui.widgets.lines import set_virtual_size
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from knowme.model import Decision, Person, Record
from knowme.notelimit import DEFAULT_LIMIT
from knowme.notestatus import NOTE_CHECK, NOTE_FIX, NOTE_LABELS, NOTE_READY, note_status
from knowme.text import plural

DECISION_STYLES = {
    Decision.KNOWS_ME: "bold green",
    Decision.PERSONALIZE: "bold yellow",
    Decision.EXCLUDE: "bold red",
    Decision.UNDECIDED: "dim",
}
LABEL_WIDTH = 10


@dataclass(slots=True)
class Block:
    """A line of its own (`text`), or a field: a dim label and values wrapped beside it."""

    text: Text | None = None
    label: str = ""
    values: list[tuple[str, str]] = field(default_factory=list)  # (value, style)
    indent: int = 0
    space_before: bool = False


def _labeled(value: str, label: str) -> str:
    return f"{value}  ({label})" if label else value


def record_fields(record: Record) -> list[tuple[str, str]]:
    """Every value one record holds, as (field, value), extras included: nothing is hidden."""
    rows: list[tuple[str, str]] = []
    for name, value in (("name", record.formatted_name), ("prefix", record.prefix), ("given", record.given),
                        ("middle", record.middle), ("family", record.family), ("suffix", record.suffix),
                        ("nickname", record.nickname), ("phonetic", record.phonetic), ("company", record.org),
                        ("dept", record.department), ("title", record.title)):
        if value:
            rows.append((name, value))
    for name, values in (("email", record.emails), ("phone", record.phones), ("address", record.addresses),
                         ("url", record.urls)):
        rows.extend((name, _labeled(" ".join(v.value.split()), v.label)) for v in values)
    if record.birthday:
        rows.append(("birthday", record.birthday))
    if record.categories:
        rows.append(("groups", ", ".join(record.categories)))
    if record.note:
        rows.append(("note", record.note))
    if record.connected_on is not None:
        rows.append(("connected", record.connected_on or "yes"))
    if record.signal is not None:
        sig = record.signal
        span = f", {sig.first or '?'} – {sig.last or '?'}" if (sig.first or sig.last) else ""
        mail = f"{sig.sent} sent, {sig.received} received, {sig.two_way_threads} two-way threads{span}"
        rows.append(("mail", mail))
    rows.extend((name.lower(), value) for name, value in record.extras)
    return rows


def note_check_blocks(person: Person, note_limit: int) -> list[Block]:
    """What the linter says about a personalize person's note: a status line, then each error."""
    if not person.draft.strip():
        return [Block(label="check", values=[("note needed: o writes it", "yellow")])]
    from knowme.outreach import lint_person_note  # the linter loads with the first note shown, not at start

    report = lint_person_note(person, limit=note_limit)
    status = note_status(report)
    style = {NOTE_FIX: "bold red", NOTE_CHECK: "yellow", NOTE_READY: "green"}.get(status, "")
    line = f"{NOTE_LABELS[status]}  {report.length}/{report.limit} · {report.summary()}"
    blocks = [Block(label="check", values=[(line, style)])]
    blocks.extend(Block(label="", values=[(f"✗ {f.message}", "red")]) for f in report.errors)
    return blocks


def person_blocks(person: Person, meta: list[dict[str, Any]], pending_pairs: int = 0,
                  note_limit: int = DEFAULT_LIMIT) -> list[Block]:
    """What the pane says about one person: summary, outreach fields, then every record."""
    blocks: list[Block] = []
    title = Text(person.display_name or "(no name)", style="bold")
    word = DECISION_LABELS[person.decision.value] if person.decision != Decision.UNDECIDED else "undecided"
    title.append("  ")
    title.append(f" {word} ", style=f"reverse {DECISION_STYLES[person.decision]}")
    if person.connected:
        title.append("  ✓ connected", style="cyan")
    blocks.append(Block(text=title))
    if person.connected and person.decision == Decision.UNDECIDED:
        blocks.append(Block(text=Text("Already a connection: nothing to decide, in neither export.",
                                      style="dim italic")))
    if person.suggestion and person.decision == Decision.UNDECIDED and not person.connected:
        line = Text("Suggested: ", style="italic")
        line.append(DECISION_LABELS.get(person.suggestion, person.suggestion), style="bold italic")
        if person.suggestion_reason:
            line.append(f" — {person.suggestion_reason}", style="italic")
        line.append("   (a accepts)", style="dim")
        blocks.append(Block(text=line))
    summary = [Block(label="emails", values=[(e, "") for e in person.emails]),
               Block(label="phones", values=[(p, "") for p in person.phones])]
    work = " · ".join(p for p in (person.title, person.org) if p)
    if work:
        summary.append(Block(label="work", values=[(work, "")]))
    sig = person.signals
    if sig.sent or sig.received:
        summary.append(Block(label="mail", values=[(
            f"{sig.sent} sent, {sig.received} received, {plural(sig.two_way_threads, 'two-way thread')}"
            + (f"; last {sig.last}" if sig.last else ""), "")]))
    if pending_pairs:
        summary.append(Block(label="duplicates", values=[(f"{plural(pending_pairs, 'possible duplicate')} to review (d)",
                                                          "yellow")]))
    summary = [b for b in summary if b.values]
    if summary:
        summary[0].space_before = True
    blocks.extend(summary)

    outreach = [Block(label=label, values=[(value, "")]) for label, value in (
        ("how", person.how), ("context", person.context), ("why", person.why), ("note", person.note),
        ("draft", person.draft)) if value]
    if person.decision == Decision.PERSONALIZE:
        heading = Text("Outreach", style="bold")
        heading.append("   o edits how we know each other, why, and the note", style="dim")
        blocks.append(Block(text=heading, space_before=True))
        blocks.extend(outreach or [Block(text=Text("not written yet", style="dim italic"))])
        if not (person.sent_on or person.connected):
            blocks.extend(note_check_blocks(person, note_limit))
    elif outreach:
        outreach[0].space_before = True
        blocks.extend(outreach)

    blocks.append(Block(text=Text(f"Records ({len(person.records)})", style="bold"), space_before=True))
    for n, (record, where) in enumerate(zip(person.records, meta)):
        origin = Text(f"{where['source']} #{where['index']}", style="bold cyan")
        if where.get("uid"):
            origin.append(f"  UID {where['uid']}", style="dim")
        blocks.append(Block(text=origin, space_before=n > 0))
        blocks.extend(Block(label=name, values=[(value, "")], indent=2) for name, value in record_fields(record))
    return blocks


def layout(blocks: Iterable[Block], width: int) -> list[Text]:
    """The blocks as lines of at most `width` cells, values wrapped beside their label."""
    lines: list[Text] = []
    for block in blocks:
        if block.space_before and lines:
            lines.append(Text())
        if block.text is not None:
            text = block.text.copy()
            text.truncate(width, overflow="ellipsis")
            lines.append(text)
            continue
        pad = " " * block.indent
        room = max(8, width - block.indent - LABEL_WIDTH - 1)
        first = True
        for value, style in block.values:
            for chunk in (textwrap.wrap(value, room, break_long_words=True, replace_whitespace=True) or [""]):
                line = Text(pad)
                line.append((block.label if first else "").ljust(LABEL_WIDTH)[:LABEL_WIDTH] + " ", style="dim")
                line.append(chunk, style=style)
                lines.append(line)
                first = False
    return lines


class DetailPane(ScrollView, can_focus=True):
    """Every value of every record merged into the highlighted person, with its source and card/row."""

    DEFAULT_CSS = """
    DetailPane { background: $surface; overflow-x: hidden; overflow-y: scroll; scrollbar-size-vertical: 1;
                 padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blocks: list[Block] = []
        self._lines: list[Strip] = []
        self._lines_width = -1

    def show_person(self, person: Person, meta: list[dict[str, Any]], pending_pairs: int = 0,
                    note_limit: int = DEFAULT_LIMIT) -> None:
        self.show(person_blocks(person, meta, pending_pairs, note_limit))

    def show_nobody(self, text: str = "Nobody selected.") -> None:
        self.show([Block(text=Text(text, style="dim"))])

    def show(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self._lines_width = -1
        self.scroll_to(0, 0, animate=False)
        self._render_content()
        self.refresh()

    def plain_text(self, width: int = 100) -> str:
        """What the pane shows, as plain text (for tests and screen readers)."""
        return "\n".join(line.plain.rstrip() for line in layout(self.blocks, width))

    def _render_content(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 2 or width == self._lines_width:
            return
        console = self.app.console
        base = self.rich_style
        strips = []
        for text in layout(self.blocks, width):
            segments = [Segment(seg.text, base + seg.style if seg.style else base)
                        for seg in text.render(console) if seg.text]
            strips.append(Strip(segments).adjust_cell_length(width, base))
        self._lines = strips
        self._lines_width = width
        set_virtual_size(self, Size(width, len(strips)))

    def on_resize(self, event: events.Resize) -> None:
        self._render_content()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines_width = -1
        if self.is_mounted:
            self._render_content()

    def render_line(self, y: int) -> Strip:
        self._render_content()
        index = int(self.scroll_y) + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)


