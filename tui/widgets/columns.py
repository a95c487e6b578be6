"""The contact list's columns: which fit a width, and what each shows for a person."""
from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from knowme.model import Decision
from knowme.notestatus import NOTE_LABELS
from knowme.views import PersonRow

DECISION_LABELS = {
    Decision.KNOWS_ME.value: "knows me",
    Decision.PERSONALIZE.value: "personalize",
    Decision.EXCLUDE.value: "exclude",
    Decision.UNDECIDED.value: "·",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: it is dropped first when `priority` is low, and grows to `ideal` (or more if `flex`)."""

    key: str
    header: str
    min: int
    ideal: int
    priority: int
    flex: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("mark", "", 1, 1, 100),
    Column("name", "Name", 14, 24, 99, flex=True),
    Column("email", "Email", 14, 30, 80, flex=True),
    Column("company", "Work", 12, 30, 75, flex=True),
    Column("sources", "Sources", 8, 22, 30),
    Column("mail", "Mail", 14, 14, 40),
    Column("decision", "Decision", 11, 11, 90),
    Column("note", "Note", 11, 11, 85),  # personalize people: is their note written and sendable
    Column("suggestion", "Suggests", 11, 13, 78),
    Column("matched", "Matched in", 15, 16, 78),  # instead of Suggests while a filter is typed
)
#: The decision as the key that gives it (k, p, x; · undecided), where its words do not fit: a list too
#: narrow for them dropped the decision, and the row showed none at all
DECISION_KEY = Column("decision-key", "", 1, 1, 100)
DECISION_KEYS = {Decision.KNOWS_ME: "k", Decision.PERSONALIZE: "p", Decision.EXCLUDE: "x", Decision.UNDECIDED: "·"}

#: How wide the flexible columns get before the others grow to their ideal: a name and an address
#: people can tell apart ("Gordon Allen" twice, at two companies) before a column of counts.
COMFORT = {"name": 20, "email": 22, "company": 18}


def layout_columns(width: int, hidden: frozenset[str] = frozenset()) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells (one space between each), with their widths.

    Columns are dropped lowest priority first until the rest fit at their minimum; then the
    name, email and work columns grow to a comfortable width, every column to its ideal, and the
    flexible ones share what is left.
    """
    kept = [c for c in COLUMNS if c.key not in hidden]
    while kept and sum(c.min for c in kept) + len(kept) - 1 > width:
        # the name and the decision are never dropped: the decision shrinks to its key, the name to what is left
        lowest = min((c for c in kept if c.key != "name"), key=lambda c: c.priority, default=None)
        if lowest is None or lowest.priority >= DECISION_KEY.priority:
            break
        if lowest.key == "decision":
            kept[kept.index(lowest)] = DECISION_KEY
        else:
            kept.remove(lowest)
    # then columns of less use than the name, email and work make room for those to be readable
    lesser = min(c.priority for c in COLUMNS if c.key in COMFORT)
    while sum(max(c.min, COMFORT.get(c.key, 0)) for c in kept) + len(kept) - 1 > width:
        droppable = [c for c in kept if c.priority < lesser]
        if not droppable:
            break
        kept.remove(min(droppable, key=lambda c: c.priority))
    widths = {c.key: c.min for c in kept}
    spare = width - sum(widths.values()) - (len(kept) - 1)
    if spare < 0 and "name" in widths:
        widths["name"] = max(1, widths["name"] + spare)
        spare = 0
    for column in sorted(kept, key=lambda c: -c.priority):
        grow = max(0, min(spare, COMFORT.get(column.key, column.min) - widths[column.key]))
        widths[column.key] += grow
        spare -= grow
    for column in sorted(kept, key=lambda c: -c.priority):
        grow = min(spare, column.ideal - widths[column.key])
        widths[column.key] += grow
        spare -= grow
    flexible = [c for c in kept if c.flex]
    for n, column in enumerate(flexible):
        share = spare // (len(flexible) - n)
        widths[column.key] += share
        spare -= share
    if kept and spare > 0:
        widths[kept[-1].key] += spare
    return [(c, widths[c.key]) for c in kept]


def fit(text: str, width: int) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` cells."""
    if width <= 0:
        return ""
    text = text.replace("\n", " ")
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def cell_text(row: PersonRow, key: str, selected: bool) -> str:
    """What a column shows for one person (the store's summary columns, formatted)."""
    if key == "mark":
        return "●" if selected else ("✓" if row.connected else " ")
    if key == "name":
        return row.name or "(no name)"
    if key == "email":
        return row.email
    if key == "company":
        return " · ".join(part for part in (row.org, row.title) if part)
    if key == "sources":
        return row.sources
    if key == "mail":
        if not row.has_mail:
            return ""
        total = row.sent + row.received
        year = f" · {row.last_mail[:4]}" if row.last_mail else ""
        return f"{total} mail{'s' * (total != 1)}{year}"  # e.g. "13 mails · 2021": how many, how recent
    if key == "decision-key":
        return DECISION_KEYS[row.decision]
    if key == "decision":
        if row.connected and row.decision == Decision.UNDECIDED:
            return "connected"
        return DECISION_LABELS[row.decision.value]
    if key == "suggestion":  # a suggestion is for someone still to decide, never a second opinion
        if row.suggestion and row.decision == Decision.UNDECIDED and not row.connected:
            return "→ " + DECISION_LABELS.get(row.suggestion, row.suggestion)
        return ""
    if key == "note":
        return NOTE_LABELS.get(row.note, "")
    if key == "matched":
        return ""  # the list fills it in: it depends on the filter
    raise KeyError(key)
