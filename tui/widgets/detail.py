"""The detail pane: everything known about the highlighted person, and where each value came from."""
from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from knowme.model import Decision, Person, Record
from tui.text import plain_text
from tui.widgets.contact_list import DECISION_LABELS, set_virtual_size

DECISION_STYLES = {
    Decision.KNOWS_ME: "bold green",
    Decision.PERSONALIZE: "bold yellow",
    Decision.EXCLUDE: "bold red",
    Decision.UNDECIDED: "dim",
}


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True, min_width=9)
    grid.add_column(overflow="fold")
    return grid


def _labeled(value: str, label: str) -> Text:
    text = Text(value)
    if label:
        text.append(f"  {label}", style="dim italic")
    return text


def record_rows(record: Record) -> list[tuple[str, RenderableType]]:
    """Every value one record holds, as (field, value) rows, extras included: nothing is hidden."""
    rows: list[tuple[str, RenderableType]] = []
    for field, value in (("name", record.formatted_name), ("prefix", record.prefix), ("given", record.given),
                         ("middle", record.middle), ("family", record.family), ("suffix", record.suffix),
                         ("nickname", record.nickname), ("phonetic", record.phonetic), ("company", record.org),
                         ("dept", record.department), ("title", record.title)):
        if value:
            rows.append((field, Text(value)))
    for field, values in (("email", record.emails), ("phone", record.phones), ("address", record.addresses),
                          ("url", record.urls)):
        for labeled in values:
            rows.append((field, _labeled(labeled.value, labeled.label)))
    if record.birthday:
        rows.append(("birthday", Text(record.birthday)))
    if record.categories:
        rows.append(("groups", Text(", ".join(record.categories))))
    if record.note:
        rows.append(("note", Text(record.note)))
    if record.connected_on is not None:
        rows.append(("connected", Text(record.connected_on or "yes")))
    if record.signal is not None:
        sig = record.signal
        span = f", {sig.first or '?'} – {sig.last or '?'}" if (sig.first or sig.last) else ""
        rows.append(("mail", Text(f"{sig.sent} sent, {sig.received} received, {sig.two_way_threads} two-way "
                                  f"threads{span}")))
    for name, value in record.extras:
        rows.append((name.lower()[:18], Text(value)))
    return rows


def person_details(person: Person, meta: list[dict[str, Any]], pending_pairs: int = 0) -> RenderableType:
    """The detail pane's content for one person: summary, outreach fields, then every record."""
    parts: list[RenderableType] = []
    title = Text(person.display_name or "(no name)", style="bold")
    title.append("  ")
    title.append(f" {DECISION_LABELS[person.decision.value] if person.decision != Decision.UNDECIDED else 'undecided'} ",
                 style=f"reverse {DECISION_STYLES[person.decision]}")
    if person.connected:
        title.append("  connected", style="cyan")
    parts.append(title)
    if person.suggestion and person.suggestion != person.decision.value:
        line = Text("Suggested: ", style="italic")
        line.append(DECISION_LABELS.get(person.suggestion, person.suggestion), style="bold italic")
        if person.suggestion_reason:
            line.append(f" — {person.suggestion_reason}", style="italic")
        line.append("   (a accepts)", style="dim")
        parts.append(line)
    summary = _grid()
    if person.emails:
        summary.add_row("emails", "\n".join(person.emails))
    if person.phones:
        summary.add_row("phones", "\n".join(person.phones))
    work = " · ".join(p for p in (person.title, person.org) if p)
    if work:
        summary.add_row("work", work)
    sig = person.signals
    if sig.sent or sig.received:
        summary.add_row("mail", f"{sig.sent} sent, {sig.received} received, {sig.two_way_threads} two-way threads"
                        + (f"; last {sig.last}" if sig.last else ""))
    if pending_pairs:
        summary.add_row("duplicates", Text(f"{pending_pairs} possible duplicate(s) to review (d)", style="yellow"))
    parts.append(Padding(summary, (1, 0, 0, 0)))

    outreach = _grid()
    for label, value in (("how", person.how), ("context", person.context), ("why", person.why),
                         ("note", person.note), ("draft", person.draft)):
        if value:
            outreach.add_row(label, value)
    if person.decision == Decision.PERSONALIZE:
        heading = Text("Outreach", style="bold")
        heading.append("   o edits how we know each other, why, and the note", style="dim")
        parts.append(Padding(heading, (1, 0, 0, 0)))
        if outreach.row_count:
            parts.append(outreach)
        else:
            parts.append(Text("not written yet", style="dim italic"))
    elif outreach.row_count:
        parts.append(Padding(outreach, (1, 0, 0, 0)))

    heading = Text(f"Records ({len(person.records)})", style="bold")
    parts.append(Padding(heading, (1, 0, 0, 0)))
    for record, where in zip(person.records, meta):
        origin = Text(f"{where['source']} #{where['index']}", style="bold cyan")
        if where.get("uid"):
            origin.append(f"  UID {where['uid']}", style="dim")
        grid = _grid()
        for field, value in record_rows(record):
            grid.add_row(field, value)
        parts.append(origin)
        parts.append(Padding(grid, (0, 0, 1, 2)))
    return Group(*parts)


class DetailPane(ScrollView, can_focus=True):
    """Every value of every record merged into the highlighted person, with its source and card/row.

    The content is rendered once per person into lines, and drawn line by line like the contact
    list, so moving from person to person never re-lays-out the screen.
    """

    DEFAULT_CSS = """
    DetailPane { background: $surface; overflow-x: hidden; overflow-y: scroll; scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.renderable: RenderableType = ""
        self._lines: list[Strip] = []
        self._lines_width = -1

    def show(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._lines_width = -1
        self.scroll_to(0, 0, animate=False)
        self._render_content()
        self.refresh()

    def show_nobody(self, text: str = "Nobody selected.") -> None:
        self.show(Text(text, style="dim"))

    def _render_content(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 2 or width == self._lines_width:
            return
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        lines = console.render_lines(Padding(self.renderable, (0, 1)), options, style=self.rich_style, pad=True)
        self._lines = [Strip(line, width) for line in lines]
        self._lines_width = width
        set_virtual_size(self, Size(width, len(self._lines)))

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
        width = self.scrollable_content_region.width
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(width, self.rich_style)

    def plain_text(self, width: int = 100) -> str:
        """What the pane shows, as plain text (for tests and screen readers)."""
        return plain_text(self.renderable, width)
