"""The contact list: a virtual list of people that draws only the rows on screen.

Textual's DataTable measures every cell of every row as rows are added, which takes seconds
for 100,000 people. This list instead holds the ordered person ids of the current view (one
`knowme.views.person_ids` query, run in a thread worker), and `render_line` reads the rows it
needs from the store in small windows, kept in an LRU cache along with the rendered strips.
A list shows its first FIRST_PAGE people as soon as they are known, then the whole list.
"""
from __future__ import annotations

import asyncio
import textwrap
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from knowme.tui.widgets.columns import DECISION_LABELS, Column, cell_text, fit, layout_columns
from knowme.tui.widgets.lines import set_virtual_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from knowme import views
from knowme.model import Decision
from knowme.store.core import Store
from knowme.store.reader import Interrupted, Reader, Readers
from knowme.views import ListQuery, PersonRow

SEARCHING = "searching"  # match mode while the loose modes of a filter are still being read
#: People a filter shows first, before the whole list is read and counted: two screens and more.
FIRST_PAGE = 200
WINDOW_BEFORE = 40
WINDOW_AFTER = 120


class ContactList(ScrollView, can_focus=True):
    """People of one view, filtered and sorted, drawn one visible line at a time.

    | Key | Action |
    | :- | :- |
    | up / down | Previous / next person |
    | pageup / pagedown | One screen up / down |
    | home / end | First / last person |
    | space | Select or unselect the person (decision keys then apply to the selection) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page-down"),
        Binding("home", "first", "First", show=False, id="list.first"),
        Binding("end", "last", "Last", show=False, id="list.last"),
        Binding("space", "toggle_select", "Select", show=False, id="list.select"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "contact-list--header",
        "contact-list--cursor",
        "contact-list--selected",
        "contact-list--dim",
        "contact-list--knows-me",
        "contact-list--personalize",
        "contact-list--exclude",
        "contact-list--undecided",
        "contact-list--suggestion",
        "contact-list--connected",
    }

    DEFAULT_CSS = """
    ContactList {
        overflow-x: hidden;
        overflow-y: scroll;
        background: $surface;
        & > .contact-list--header { text-style: bold; color: $text-muted; background: $panel; }
        & > .contact-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .contact-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
        & > .contact-list--selected { background: $accent 30%; }
        & > .contact-list--dim { color: $text-muted; }
        & > .contact-list--knows-me { color: $text-success; }
        & > .contact-list--personalize { color: $text-warning; }
        & > .contact-list--exclude { color: $text-error; }
        & > .contact-list--undecided { color: $text-muted; }
        & > .contact-list--suggestion { color: $text-accent; text-style: italic; }
        & > .contact-list--connected { color: $text-secondary; }
    }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another person (None when the list is empty)."""

        contact_list: ContactList
        person_id: int | None
        index: int

        @property
        def control(self) -> ContactList:
            return self.contact_list

    @dataclass
    class SelectionChanged(Message):
        """Space selected or unselected someone; `count` people are selected now."""

        contact_list: ContactList
        count: int
        person_id: int
        selected: bool

        @property
        def control(self) -> ContactList:
            return self.contact_list

    @dataclass
    class Loaded(Message):
        """A view, sort or filter finished loading."""

        contact_list: ContactList
        query: ListQuery
        count: int

        @property
        def control(self) -> ContactList:
            return self.contact_list

    @dataclass
    class _IdsReady(Message):
        token: int
        query: ListQuery
        ids: array[int]
        focus_person: int | None
        fallback: int
        keep_row: bool = False
        changes: int = 0
        moves: int = 0  # the user's cursor moves when it was asked for (`_moves`)
        match: str = ""
        first_page: bool = False  # the first FIRST_PAGE people only: the whole list follows

    def __init__(self, store: Store, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.query_spec = ListQuery()  # what the list shows
        self.requested = ListQuery()  # what it was last asked to show (the same once loaded)
        self.ids: array[int] = array("q")
        self.cursor = 0
        self.selected: set[int] = set()
        self._rows: LRUCache[int, PersonRow] = LRUCache(4096)
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._columns: list[tuple[Column, int]] = []
        self._columns_key: tuple[int, frozenset[str]] = (-1, frozenset())
        self._token = 0
        self._readers = Readers(store.path)
        self._idle = asyncio.Event()
        self._idle.set()
        self._shown = asyncio.Event()
        self._shown.set()
        self._reading: Worker[None] | None = None  # the latest read of a whole list
        self._page_token: int | None = None  # the load whose first page is on screen, its whole list to come
        self._words_wanted = False  # see prepare_filter
        self.empty_message = "Nobody here. Try another view (1-9, 0) or clear the filter (esc)."
        self._last_highlight: tuple[int | None, int] | None = None
        self._changes = 0  # bumped whenever rows change here, so a load read before is read again
        self._moves = 0  # bumped whenever the user moves the cursor (a click, a key), so a load keeps their choice
        self._versions: dict[int, int] = {}  # bumped per person when their row changed
        self.match_mode = ""  # how the filter matched the listed people (knowme.views.MATCH_MODES)

    # ---- public API -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.ids)

    @property
    def current_id(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    @property
    def current_row(self) -> PersonRow | None:
        return self.row_at(self.cursor)

    @property
    def moves(self) -> int:
        """How many times the user has moved the cursor (a key, a click): not a load's moves."""
        return self._moves

    @property
    def is_loading(self) -> bool:
        return not self._idle.is_set()

    async def wait_loaded(self) -> None:
        """Return once the latest load has been applied (for tests and the benchmark)."""
        await self._idle.wait()

    async def wait_shown(self) -> None:
        """Return once the latest load shows its people: its first page, or all of them (for tests and the
        benchmark)."""
        await self._shown.wait()

    def target_ids(self) -> list[int]:
        """Who a decision applies to: the selection if any, else the person under the cursor."""
        if self.selected:
            return sorted(self.selected)
        current = self.current_id
        return [] if current is None else [current]

    def load(self, query: ListQuery, focus_person: int | None = None, fallback: int | None = None,
             ids: array[int] | None = None, keep_row: bool = False) -> None:
        """Show `query`: read its ids in a worker (unless given), keep the cursor on `focus_person`.

        `keep_row` keeps the cursor on the same screen line, on the person it is on when the list
        arrives (when a first window is replaced by the whole list, nothing on screen moves, and a click
        made meanwhile is not undone).
        """
        self._token += 1
        self.requested = query
        self._idle.clear()
        self._shown.clear()
        if fallback is None:
            fallback = self.cursor
        self._readers.interrupt()
        if ids is not None:
            self._apply(self._IdsReady(self._token, query, ids, focus_person, fallback, keep_row, self._changes,
                                       self._moves))
        else:
            self._reading = self._read_ids(self._IdsReady(self._token, query, array("q"), focus_person, fallback,
                                                          keep_row, self._changes, self._moves))

    def load_after_refresh(self, query: ListQuery, **options: object) -> None:
        """`load` once the screen has been drawn (the list counts as loading until then)."""
        self._idle.clear()
        self.requested = query
        self.call_after_refresh(self.load, query, **options)

    def reload(self, focus_person: int | None = None) -> None:
        """Read the current view again (after an undo, an import, a merge): the store is the truth."""
        self._rows.clear()
        self._strips.clear()
        self.load(self.query_spec, focus_person if focus_person is not None else self.current_id)

    def forget(self, person_ids: Iterable[int]) -> None:
        """Drop cached rows of people that changed, so they are read again when drawn."""
        for pid in person_ids:
            self._rows.discard(pid)
            self._versions[pid] = self._versions.get(pid, 0) + 1  # their cached strips are stale
        self._changes += 1
        self.refresh()

    def drop(self, person_ids: Iterable[int]) -> None:
        """Take people out of the list (they no longer belong to the view), keeping the cursor's place."""
        gone = set(person_ids)
        if not gone:
            return
        self._changes += 1
        if len(gone) < 64:
            positions = sorted(p for p in (_index(self.ids, pid) for pid in gone) if p is not None)
            before_cursor = sum(1 for p in positions if p < self.cursor)
            for position in reversed(positions):
                del self.ids[position]
        else:
            before_cursor = sum(1 for pid in self.ids[:self.cursor] if pid in gone)
            self.ids = array("q", (pid for pid in self.ids if pid not in gone))
        self.selected -= gone
        self.cursor = max(0, min(self.cursor - before_cursor, len(self.ids) - 1))
        self._resize()
        self._scroll_to_cursor()
        self.refresh()
        self._post_highlight(force=True)

    def index_of(self, person_id: int) -> int | None:
        return _index(self.ids, person_id)

    def move_to(self, index: int, force_message: bool = False) -> None:
        """Put the cursor on row `index` (clamped), scroll it into view and say who is highlighted."""
        if not self.ids:
            self.cursor = 0
            self._post_highlight(force=force_message)
            self.refresh()
            return
        index = max(0, min(index, len(self.ids) - 1))
        old = self.cursor
        self.cursor = index
        self._scroll_to_cursor()
        self._refresh_row(old)
        self._refresh_row(index)
        self._post_highlight(force=force_message)

    def toggle_selected(self, person_id: int) -> None:
        if person_id in self.selected:
            self.selected.discard(person_id)
        else:
            self.selected.add(person_id)
        index = self.index_of(person_id)
        if index is not None:
            self._refresh_row(index)

    def clear_selection(self) -> None:
        if self.selected:
            self.selected.clear()
            self.refresh()

    def row_at(self, index: int) -> PersonRow | None:
        """The row at a list position, reading a window around it from the store when not cached."""
        if not 0 <= index < len(self.ids):
            return None
        pid = self.ids[index]
        row = self._rows.get(pid)
        if row is None:
            start = max(0, index - WINDOW_BEFORE)
            window = [p for p in self.ids[start:index + WINDOW_AFTER] if p not in self._rows]
            for found_id, found in views.rows(self.store, window).items():
                self._rows[found_id] = found
            row = self._rows.get(pid)
        return row

    # ---- loading ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="contact-list", exit_on_error=False)
    def _read_ids(self, request: _IdsReady) -> None:
        """Read the ids of a view in a thread, on its own connection (interrupted by a newer load)."""
        worker = get_current_worker()
        try:
            with self._readers.read() as reader:
                self._read_listing(reader, request)
        except Interrupted:
            return
        if not worker.is_cancelled:
            self.post_message(request)

    def _read_listing(self, reader: Reader, request: _IdsReady) -> None:
        """Fill `request` with its query's people: word starts at once, the looser modes only when none."""
        if not views.filter_words(request.query.text):
            request.ids = self._read_paged(reader, request, ()).ids
            return
        listing = self._read_paged(reader, request, views.MATCH_MODES[:1])
        if not listing.ids:
            # nobody's words start so: say it at once, then look inside words (the next keystroke
            # interrupts that)
            self.post_message(replace(request, ids=array("q"), match=SEARCHING))
            listing = self._read_paged(reader, request, views.LOOSE_MODES)
        request.ids, request.match = listing.ids, listing.match

    def _read_paged(self, reader: Reader, request: _IdsReady, modes: Sequence[str]) -> views.Listing:
        """The people of the first of `modes` that lists anyone, its first page posted as soon as it is
        known when more may follow: a one-letter filter lists up to 700,000 people of a million and
        the All view a million, and reading them all takes a second more than the first 200."""
        page = views.list_people(reader.store, request.query, limit=FIRST_PAGE, modes=modes,
                                 vocabulary=reader.vocabulary)
        if len(page.ids) < FIRST_PAGE:
            return page
        self.post_message(replace(request, ids=page.ids, match=page.match, first_page=True))
        return views.list_people(reader.store, request.query, modes=[page.match], vocabulary=reader.vocabulary)

    def prepare_filter(self) -> None:
        """Read the search index's words ahead of a filter, for its inside-word matches (a second at a
        million people, while the user types the next letters), once the first filtered people are
        shown: read alongside the first keystroke's search, they slowed it down by half."""
        self._words_wanted = True

    @work(thread=True, group="contact-list-words", exit_on_error=False)
    def _read_words(self) -> None:
        with self._readers.read(interruptible=False) as reader:
            reader.vocabulary.load(reader.store)

    @on(_IdsReady)
    def _ids_ready(self, message: _IdsReady) -> None:
        message.stop()
        if message.token != self._token:
            return
        if message.keep_row:  # it replaces the list on screen: the cursor stays on whoever it is on now
            message = replace(message, focus_person=self.current_id, fallback=self.cursor)
        elif message.moves != self._moves and self.ids:
            # the user moved the cursor while the list was read (a click: it does not wait for the list): their
            # choice is kept, not undone by the person the read was asked to come back to (the next key
            # acted on that one, not on the one clicked); gone since, the cursor stays at its place
            message = replace(message, focus_person=self.current_id, fallback=self.cursor)
        if message.first_page:
            if message.changes == self._changes and (message.focus_person is None
                                                     or message.focus_person in message.ids):
                self._apply(message)
            return  # else the whole list, read next, shows where the cursor was
        if message.changes != self._changes:  # people were marked while reading: read again
            self.load(message.query, self.current_id, self.cursor, keep_row=True)
            return
        if self._page_token == message.token:  # the whole list after its first page: nothing on screen moves
            message = replace(message, focus_person=self.current_id, fallback=self.cursor, keep_row=True)
        self._apply(message)

    @on(Worker.StateChanged)
    def _read_failed(self, event: Worker.StateChanged) -> None:
        """A read that failed (shown by the screen, as every worker's failure) leaves the list as it was,
        no longer loading: the keys held meanwhile act on what it shows."""
        if event.state == WorkerState.ERROR and event.worker is self._reading:
            self._idle.set()
            self._shown.set()
            self.post_message(self.Loaded(self, self.query_spec, len(self.ids)))

    def _apply(self, message: _IdsReady) -> None:
        self._page_token = message.token if message.first_page else None
        if message.match == SEARCHING:  # an interim answer: the list is empty for now, still loading
            self.query_spec, self.match_mode, self.ids = message.query, SEARCHING, array("q")
            self.cursor = 0
            self._strips.clear()
            self._resize()
            self.refresh()
            self._post_highlight(force=True)
            self.post_message(self.Loaded(self, message.query, 0))
            return
        self.query_spec = message.query
        self.match_mode = message.match
        self.ids = message.ids
        if self.selected and not message.first_page:
            listed = set(message.ids)
            self.selected = {pid for pid in self.selected if pid in listed}
        self._strips.clear()
        index = None
        if message.focus_person is not None:
            index = self.index_of(message.focus_person)
        if index is None:
            index = message.fallback
        screen_row = self.cursor - int(self.scroll_y)
        self.cursor = max(0, min(index, len(self.ids) - 1))
        self._resize()
        if message.keep_row and 0 <= screen_row < self._page:
            self._set_top(max(0, self.cursor - screen_row))
            self._scroll_to_cursor()
        else:
            self._scroll_to_cursor(center=True)
        self.refresh()
        self._shown.set()
        if not message.first_page:
            self._idle.set()
        if self._words_wanted and message.query.text:
            self._words_wanted = False
            self._read_words()
        self._post_highlight(force=True)
        self.post_message(self.Loaded(self, message.query, len(self.ids)))

    # ---- geometry --------------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _resize(self) -> None:
        set_virtual_size(self, Size(self.scrollable_content_region.width, len(self.ids) + 1))

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._resize()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self, center: bool = False) -> None:
        top = int(self.scroll_y)
        page = self._page
        if center and not (top <= self.cursor < top + page):
            top = self.cursor - page // 2
        elif self.cursor < top:
            top = self.cursor
        elif self.cursor >= top + page:
            top = self.cursor - page + 1
        top = max(0, min(top, len(self.ids) + 1 - self.scrollable_content_region.height))
        self._set_top(top)

    def _set_top(self, top: int) -> None:
        """Scroll so that row `top` is the first one shown, and repaint every row.

        `set_scroll` (which, unlike `scroll_to`, works before the first layout) skips ScrollView's
        `watch_scroll_y`, which repaints the whole region and moves the scrollbar, and leaves
        `scroll_target_y` (where the mouse wheel scrolls from) behind: a real terminal would keep
        showing the old rows on every line but the two cursor lines refreshed by hand.
        """
        if top == self.scroll_y and top == self.scroll_target_y:
            return
        self.set_scroll(None, top)
        self.set_reactive(Widget.scroll_target_y, float(top))
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = top
        self.refresh()

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh_line(y + int(self.scroll_y))

    def _post_highlight(self, force: bool = False) -> None:
        state = (self.current_id, self.cursor)
        if force or state != self._last_highlight:
            self._last_highlight = state
            self.post_message(self.Highlighted(self, self.current_id, self.cursor))

    # ---- actions ---------------------------------------------------------------------------------

    def _user_move(self, index: int) -> None:
        """The cursor moved by the user (a key, a click): a list being read keeps it there (`_ids_ready`)."""
        self._moves += 1
        self.move_to(index)

    def action_cursor_up(self) -> None:
        self._user_move(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._user_move(self.cursor + 1)

    def action_page_up(self) -> None:
        self._user_move(self.cursor - self._page)

    def action_page_down(self) -> None:
        self._user_move(self.cursor + self._page)

    def action_first(self) -> None:
        self._user_move(0)

    def action_last(self) -> None:
        self._user_move(len(self.ids) - 1)

    def action_toggle_select(self) -> None:
        """Select or unselect the highlighted person, then move down."""
        current = self.current_id
        if current is None:
            return
        self.toggle_selected(current)
        self.post_message(self.SelectionChanged(self, len(self.selected), current, current in self.selected))
        self._user_move(self.cursor + 1)

    async def on_click(self, event: events.Click) -> None:
        """Put the cursor on the person clicked, as a key would (`go_to_person`): behind keys typed before
        the click and still waiting for the list, it waits too; moved at once, it changed whom they acted on."""
        if event.y >= 1 and self.ids:
            index = min(int(self.scroll_y) + event.y - 1, len(self.ids) - 1)
            await self.app.run_action(f"go_to_person({self.ids[index]})", self)

    def action_go_to_person(self, person_id: int) -> None:
        """The cursor to this person, if still listed (a click, in its turn)."""
        index = self.index_of(person_id)
        if index is not None:
            self._user_move(index)

    # ---- rendering -------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self.refresh()

    def _layout(self, width: int) -> list[tuple[Column, int]]:
        # a view of one decision does not need the decision column; a filter shows where it matched
        hidden = {"decision"} if self.query_spec.view in DECISION_LABELS else set()
        if self.query_spec.view not in ("personalize", "notes"):
            hidden.add("note")
        hidden.add("suggestion" if self.query_spec.text else "matched")
        hidden = frozenset(hidden)
        if (width, hidden) != self._columns_key:
            self._columns = layout_columns(width, hidden)
            self._columns_key = (width, hidden)
        return self._columns

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header_strip(width, base)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.ids):
            if not self.ids and not self.is_loading:
                lines = textwrap.wrap(self.empty_message, max(10, width - 2))
                if y - 1 < len(lines):
                    return self._message_strip(lines[y - 1], width, base)
            return Strip.blank(width, base)
        pid = self.ids[index]
        selected = pid in self.selected
        key = (pid, self._versions.get(pid, 0), index == self.cursor, selected, width, self.query_spec.text)
        strip = self._strips.get(key)
        if strip is None:
            row = self.row_at(index)
            strip = self._row_strip(row, index == self.cursor, selected, width, base)
            self._strips[key] = strip
        return strip

    def _header_strip(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("contact-list--header")
        text = " ".join(fit(column.header, w) for column, w in self._layout(width))
        return Strip([Segment(fit(text, width), style)], width)

    def _message_strip(self, text: str, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("contact-list--dim")
        return Strip([Segment(fit(" " + text, width), style)], width)

    def _row_strip(self, row: PersonRow | None, cursor: bool, selected: bool, width: int, base: Style) -> Strip:
        background = base
        if selected:
            background += self.get_component_rich_style("contact-list--selected")
        if cursor:
            background += self.get_component_rich_style("contact-list--cursor")
        if row is None:
            return Strip([Segment(fit(" …", width), background)], width)
        segments: list[Segment] = []
        for n, (column, cells) in enumerate(self._layout(width)):
            if n:
                segments.append(Segment(" ", background))
            style = background
            component = self._cell_component(row, column.key)
            if component and not cursor:
                style = background + self.get_component_rich_style(component)
            if column.key == "matched":
                text = ", ".join(views.matched_fields(row, self.query_spec.text, self.match_mode))
            else:
                text = cell_text(row, column.key, selected)
            segments.append(Segment(fit(text, cells), style))
        used = sum(w for _, w in self._layout(width)) + len(self._layout(width)) - 1
        if used < width:
            segments.append(Segment(" " * (width - used), background))
        return Strip(segments, width)

    @staticmethod
    def _cell_component(row: PersonRow, key: str) -> str:
        if key in ("decision", "decision-key"):
            if row.connected and row.decision == Decision.UNDECIDED:
                return "contact-list--connected"
            return f"contact-list--{row.decision.value}"
        if key == "mark" and row.connected:
            return "contact-list--connected"
        if key == "note":
            return {"fix": "contact-list--exclude", "needed": "contact-list--personalize",
                    "ready": "contact-list--knows-me"}.get(row.note, "contact-list--dim")
        if key in ("suggestion", "matched"):
            return "contact-list--suggestion"
        if key in ("sources", "mail", "email"):
            return "contact-list--dim"
        return ""


def _index(ids: Sequence[int], person_id: int, stop: int | None = None) -> int | None:
    """Position of a person in an id array (None when absent, or at/after `stop`)."""
    try:
        position = ids.index(person_id)
    except ValueError:
        return None
    if stop is not None and position >= stop:
        return None
    return position


