"""The main screen: views with counts, the contact list, the detail pane, and the triage keys."""
from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING, Any, ClassVar

from knowme.tui.busy import run_busy
from knowme.tui.history import StepTaken, is_large, take_step, take_step_in_worker, unless_not_ours
from knowme.tui.messages import CountsReady, WorkspaceChanged
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.typeahead import replay_held
from knowme.tui.widgets.contact_list import SEARCHING, ContactList
from knowme.tui.widgets.detail import DetailPane
from knowme.tui.widgets.filter import FilterInput
from knowme.tui.widgets.sidebar import Sidebar
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.events import ScreenResume
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label
from textual.widgets.input import Selection
from textual.worker import Worker, WorkerState, get_current_worker

from knowme import prefs, views
from knowme.model import Decision
from knowme.notelimit import DEFAULT_LIMIT
from knowme.store.core import Store, WorkspaceError
from knowme.text import plural
from knowme.views import SORTS, VIEWS, ListQuery

if TYPE_CHECKING:
    from knowme.suggest import Accepted
    from knowme.tui.app import KnowmeApp

    from knowme.triage import ExcludedError

STATE_KEY = "review.state"
HEAD_BEFORE, HEAD_SIZE = 60, 200  # the first window read before the whole list
#: Keys (and a click) that do not act on a list being read: held only behind keys typed before them, in
#: their turn (q typed right after x quit, and the x, waiting for the list, was never made)
NEVER_HELD = frozenset({"quit", "help", "toggle_theme", "go_to_person"})
OUTSIDE = "Changed in another window"  # what the status line says of another knowme's change
MARK_WORDS = {Decision.KNOWS_ME: "knows me", Decision.PERSONALIZE: "personalize", Decision.EXCLUDE: "exclude",
              Decision.UNDECIDED: "undecided"}


class MainScreen(Screen[None]):
    """Review: pick a view on the left, move through people, decide with one key.

    Triage
    | Key | Action |
    | :- | :- |
    | k / p / x / u | Knows me / Personalize / Exclude / Undecided, then on to the next undecided person |
    | space | Select or unselect (and move down); a decision key then applies to every selected person |
    | a / A | Accept the suggested decision / every suggestion (asks first) |
    | ctrl+z / ctrl+y | Undo / redo (decisions, merges, splits, outreach edits) |

    Finding people
    | / | Filter as you type: words starting so in name, emails, company, title (name matches first); esc clears |
    | s | Sort by name, company, signal strength, suggestion (cycles; shows the top) |
    | 1 .. 9, 0 | Views: Undecided (to decide), Knows me, Personalize, Exclude, Connected, Suggestions, Duplicates, All, Notes to fix, Held (alike someone excluded) |

    People and workspace
    | o | Outreach note for a personalize person |
    | d | Review possible duplicates of this person |
    | S | Split a merged person back into their records |
    | i / e | Import files / export the two files |
    | v | Overview: progress, decisions per source, last contact by year |
    | ? | Help: every key |
    | t | Light or dark theme |
    | q | Quit (everything is already saved) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "mark('knows-me')", "Knows me", id="triage.knows-me",
                tooltip="Mark knows me (goes to the safe-to-sync file), then on to the next undecided"),
        Binding("p", "mark('personalize')", "Personalize", id="triage.personalize",
                tooltip="Mark personalize (invite with a personal note), then on to the next undecided"),
        Binding("x", "mark('exclude')", "Exclude", id="triage.exclude",
                tooltip="Mark exclude (never invited, never uploaded), then on to the next undecided"),
        Binding("u", "mark('undecided')", "Undecided", id="triage.undecided",
                tooltip="Back to undecided"),
        Binding("question_mark", "help", "Help", key_display="?", id="workspace.help"),
        Binding("a", "accept_suggestion", "Accept suggestion", show=False, id="triage.accept"),
        Binding("A", "accept_all_suggestions", "Accept every suggestion", show=False, id="triage.accept-all",
                tooltip="Accept the suggestion of every undecided person who has one (asks first)"),
        Binding("ctrl+z", "undo", "Undo", id="triage.undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, id="triage.redo"),
        Binding("escape", "clear", "Clear selection", show=False, id="find.clear"),
        Binding("slash", "filter", "Filter", key_display="/", id="find.filter"),
        Binding("s", "cycle_sort", "Sort", id="find.sort",
                tooltip="Sort by name, company, signal strength or suggestion"),
        *(Binding(str(n % 10), f"view('{view.key}')", f"View: {view.label}", show=False, id=f"find.view-{view.key}")
          for n, view in enumerate(VIEWS, start=1)),
        Binding("o", "outreach", "Outreach", id="people.outreach",
                tooltip="Write the personal note of a personalize person"),
        Binding("d", "duplicates", "Duplicates", show=False, id="people.duplicates"),
        Binding("S", "split", "Split", show=False, id="people.split"),
        Binding("i", "import_files", "Import", show=False, id="workspace.import"),
        Binding("e", "export", "Export", id="workspace.export",
                tooltip="Write the safe-to-sync file or the outreach queue"),
        Binding("v", "overview", "Overview", show=False, id="workspace.overview"),
        Binding("t", "toggle_theme", "Theme", show=False, id="workspace.theme"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="workspace.reload"),
        Binding("q", "quit", "Quit", id="workspace.quit"),
    ]

    AUTO_FOCUS = "#contacts"
    #: Seconds between looks at whether another knowme (`mark`, `import`, `dedupe` in another terminal)
    #: changed the workspace: one `PRAGMA data_version`, microseconds.
    WATCH_EVERY = 1.0
    #: While another knowme keeps writing (a long import commits every few hundred cards), the list is read
    #: again once its writes stop, or after this many seconds of them: read every second, a large list kept
    #: the keys typed meanwhile waiting for it, again and again.
    WATCH_BUSY_EVERY = 10.0
    clock = staticmethod(time.monotonic)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._state_dirty = False
        self._detail_for: int | None = None
        self.counts: dict[str, int] = {}
        self._counts_generation = 0
        self.awaiting_import = False  # files given to `review`/`demo` are being imported over this screen
        self._changes_posted = 0  # WorkspaceChanged messages with a reload, posted and not handled yet
        #: actions of keys typed while the list was read again, each with its key (None for a click): the
        #: keys behind one that opens a dialog are the dialog's (`KnowmeApp.type_ahead`)
        self._held: deque[tuple[str, Any, events.Key | None]] = deque()
        self._passing = False  # the next action is a held one, run now
        self._replaying = False
        self._filter_held = False  # a slash is held: the keys typed behind it are the filter's, held with it
        self._slash_coming = False  # a slash waits for its turn behind the keys typed before it (`on_key`)
        self._after_slash: list[events.Key] = []  # the keys typed behind it meanwhile: the filter's
        self._after_slash_open = False  # ... until enter, down or esc ends the filter
        self._quit_held = False
        self._seen_version: int | None = None  # the workspace's data version the list was last read at
        self._seen_writes = 0  # the app's `writes_elsewhere` then
        self._status, self._status_fresh = "", False  # the status line, and whether it was said since a dialog
        self._outside_read_at: float | None = None  # when another knowme's change was last read, while it writes on
        self._outside_last: int | None = None  # the data version the last look saw, unread
        #: the highlighted person and their record ids: when another window merges them away, the records
        #: tell whom into (`views.merged_into`)
        self._cursor_records: tuple[int | None, tuple[int, ...]] = (None, ())
        #: the highlighted person was merged away or removed in another window: (their name, the person
        #: merged into or None, the user's cursor moves and the list then). Until the user moves the
        #: cursor, a decision key acts only on that person, never on whoever took their row
        self._moved_under: tuple[str, int | None, int, Any] | None = None

    @property
    def knowme(self) -> KnowmeApp:
        return self.app  # type: ignore[return-value]

    # ---- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Container(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="center"):
                yield Label("", id="list-title")
                yield FilterInput(placeholder="filter: name, email, company… (esc clears)", id="filter", compact=True,
                                  select_on_focus=False)
                yield ContactList(self.store, id="contacts")
                yield Label("", id="status")
            yield DetailPane(id="detail")
        yield Footer(compact=True)

    @property
    def contacts(self) -> ContactList:
        return self.query_one(ContactList)

    def on_mount(self) -> None:
        state = self.store.setting(STATE_KEY, {}) or {}
        # the view, sort and person come back; a filter does not (it could reopen onto nobody)
        query = ListQuery.from_dict(state.get("query")).with_(text="")
        filter_input = self.query_one(FilterInput)
        filter_input.display = False
        self.query_one(Sidebar).show_view(query.view)
        self._open_list(query, state.get("person"), int(state.get("index") or 0))
        self.contacts.focus()
        self.call_after_refresh(self.refresh_counts)  # after the first screen is drawn
        self.set_timer(0.5, self._warm_up)
        self._update_title()
        self.set_status("k knows me · p personalize · x exclude (each moves on) · ? all keys")
        self.set_interval(2.0, self._save_if_moved)
        self._seen_version = self.store.data_version()
        self._seen_writes = self.knowme.writes_elsewhere
        self.set_interval(self.WATCH_EVERY, self._watch_outside)
        self.knowme.steady(self)
        self.awaiting_import = bool(self.knowme.import_paths)
        if self.awaiting_import:  # the import dialog opens over this screen: no stale "nobody here"
            self.contacts.empty_message = "Importing the address books…"
            self.query_one("#list-title", Label).update("[b]Importing[/b] · the list follows when the import ends",
                                                        layout=False)

    def _open_list(self, query: ListQuery, person: int | None, index: int, or_top: bool = False) -> None:
        """Show the list where it was left: the first screenful at once, then the whole list.
        With `or_top`, a list that does not hold the person opens at the top (another view), else at
        the next person by name (they were decided since).

        A name-sorted view reads its first window straight from the index, around the person the
        cursor was on (the same cost at 100 or a million people); the whole list follows from a
        worker without moving the screen. Another order, or a view no index gives in name order, is
        read by the list's worker (its first page shows as soon as it is known): sorting a million
        people by company takes seconds, not for this thread.
        """
        window = views.window_at(self.store, query, person, HEAD_BEFORE, HEAD_SIZE) if person is not None else None
        if or_top and window is not None and (not window[0] or window[0][window[1]] != person):
            window, person, index = None, None, 0
        if window is None and person is None and query.sort == "name" and not query.text \
                and not views.VIEW_BY_KEY[query.view].worked_out:
            start = max(0, index - HEAD_BEFORE)
            head = views.person_ids(self.store, query, offset=start, limit=HEAD_SIZE)
            if not head and start:
                start, head = 0, views.person_ids(self.store, query, limit=HEAD_SIZE)
            window = head, max(0, min(index - start, len(head) - 1))
        if window is None:
            self.contacts.load(query, focus_person=person, fallback=index)
            return
        head, cursor = window
        focus = head[cursor] if head else None
        self.contacts.load(query, focus_person=focus, fallback=cursor, ids=head)
        # the whole list once the first screen is drawn: its worker would compete with the first paint
        self.contacts.load_after_refresh(query, focus_person=focus, fallback=index, keep_row=True)

    def on_screen_resume(self, event: ScreenResume) -> None:
        self.knowme.steady(self)
        self._release_held()

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Import what the first screen did not need (decisions, suggestions, the other screens), once
        it is up: the start is quicker and the first key press still finds everything loaded. (Not the
        help screen: it lists this screen's keys, so it imports this module; it is small, and loads on `?`.)"""
        import importlib

        for name in ("knowme.triage", "knowme.suggest", "knowme.tui.commands", "knowme.tui.screens.outreach",
                     "knowme.tui.screens.duplicates", "knowme.tui.screens.export", "knowme.tui.screens.imports",
                     "knowme.tui.screens.overview"):
            importlib.import_module(name)

    # ---- reacting to the list --------------------------------------------------------------------

    @on(ContactList.Highlighted)
    def _highlighted(self, event: ContactList.Highlighted) -> None:
        self._show_detail(event.person_id)
        self._schedule_save()
        if event.person_id != self._cursor_records[0] and event.person_id is not None:
            records = views.records_of(self.store, event.person_id)
            if records:  # a person already gone keeps the records last read for them
                self._cursor_records = (event.person_id, records)

    @on(ContactList.Loaded)
    def _loaded(self, event: ContactList.Loaded) -> None:
        self._update_title()
        if self._moved_under is not None and not self.contacts.is_loading:
            self._say_moved_under()
        self._release_held()

    def _say_moved_under(self) -> None:
        """The list read again after the highlighted person was merged away or removed elsewhere: say
        where the cursor is now, and whether a decision key acts there."""
        name, into, _, _ = self._moved_under or ("", None, 0, None)
        row = self.contacts.current_row
        if row is not None and row.id == into:
            self._moved_under = None
            self.set_status(f"{self._status.rstrip('.')}; the cursor follows them to the merged person "
                            f"({row.name or '(no name)'}).")
        elif row is not None:
            self.set_status(f"{self._status.rstrip('.')}; the cursor is on {row.name or '(no name)'} now: "
                            "move it to decide (decision keys wait until then).")
        else:
            self._moved_under = None

    def _refuse_moved_under(self) -> bool:
        """A decision key typed on the row of a person merged away or removed elsewhere, before the user
        moved the cursor: refused, said (x excluded whoever had taken the row, unseen). True when refused."""
        if self._moved_under is None:
            return False
        name, into, moves, query = self._moved_under
        contacts = self.contacts
        if (contacts.selected or contacts.moves != moves or contacts.query_spec != query
                or contacts.current_id == into):
            self._moved_under = None
            return False
        row = contacts.current_row
        here = (row.name or "(no name)") if row is not None else "nobody"
        self.set_status(f"Nothing changed: {name} was merged or removed in another window, and the cursor "
                        f"stands on {here} in their place. Move the cursor to decide.")
        return True

    # ---- keys typed while the list is read again -------------------------------------------------

    @property
    def settling(self) -> bool:
        """Whether the list is being read again (after an undo, a view switch, a sort, a filter): what it
        shows is about to change, so a key acting on it waits (`hold`) until it has."""
        return self._changes_posted > 0 or self.contacts.is_loading

    def hold(self, action: Any, namespace: Any) -> bool:
        """Keep a key's action for later when it would act on a list still being read (or when keys
        typed before it are still waiting), so it acts on the list the user sees once read, in the order
        typed. Called for every action (`KnowmeApp.run_action`); True when held."""
        if self._passing:  # a held action, its turn come
            self._passing = False
            return False
        if (not isinstance(action, str) or not (namespace is self or isinstance(namespace, ContactList))
                or self.app.screen is not self):
            return False
        if not (self._held or (self.settling and action.partition("(")[0] not in NEVER_HELD)):
            return False
        self._held.append((action, namespace, self.knowme.key_in_hand))
        return True

    def keep_unbound(self, key: events.Key) -> bool:
        """A key with no binding here, typed behind held keys: kept in its turn, for a dialog a held key
        opens (a letter for the note editor); it does nothing on the list. True when kept."""
        if not self._held or self.app.screen is not self:
            return False
        self._held.append(("", None, key))
        return True

    def quit_after_held(self) -> bool:
        """ctrl+q or ctrl+c typed behind keys still waiting for the list: quit once they have acted (a
        decision typed right before it was lost); pressed again, it quits at once. True when held."""
        if not self._held or self.app.screen is not self or self._quit_held:
            return False
        self._quit_held = True
        self._held.append(("quit", self, None))
        return True

    def palette_after_held(self) -> bool:
        """ctrl+p typed behind keys still waiting for the list: the palette opens once they have acted (it
        opened at once, and they waited behind it, to act on whatever its command left). True when held."""
        if not self._held or self.app.screen is not self:
            return False
        self._held.append(("open_palette", self.app, None))
        return True

    def _release_held(self) -> None:
        if self._held and not self._replaying and not self.settling:
            self.call_later(self._replay_held)

    async def _replay_held(self) -> None:
        """Run the held actions in order, as long as the list stays settled; one that reads it again
        (a view, a sort, an undo) leaves the rest for when it is read."""
        if self._replaying:
            return
        self._replaying = True
        try:
            while self._held and not self.settling and self.app.screen is self:  # else on resuming
                action, namespace, key = self._held.popleft()
                if not action:  # a key typed into a filter opened by a held slash, or one unbound here
                    if namespace == "filter" and key is not None:
                        self._filter_key(key)
                    continue
                if action == "filter":  # the keys typed behind it are queued already, or come to the filter
                    self._filter_held = False
                await replay_held(self, action, namespace, deque(), "a dialog")
                if self.app.screen is not self and self._held:  # it opened a dialog: the keys behind are its
                    self._filter_held = False
                    behind = list(self._held)
                    self._held.clear()
                    self.knowme.type_ahead(held_key for _, _, held_key in behind if held_key is not None)
                    clicks = sum(1 for _, _, held_key in behind if held_key is None)
                    if clicks:
                        self.notify(f"{plural(clicks, 'click')} on the list not applied: a dialog opened before.",
                                    severity="warning", timeout=5)
        finally:
            self._replaying = False

    @on(ContactList.SelectionChanged)
    def _selection_changed(self, event: ContactList.SelectionChanged) -> None:
        self._update_title()
        row = views.rows(self.store, [event.person_id]).get(event.person_id)
        name = (row.name if row else "") or "(no name)"
        if not event.count:
            self.set_status(f"Unselected {name}; nobody is selected.")
            return
        people = "1 person" if event.count == 1 else f"{event.count:,} people"
        self.set_status(f"{'Selected' if event.selected else 'Unselected'} {name} · {people} selected: "
                        "k/p/x/u decides for all of them (esc clears)")

    def _show_detail(self, person_id: int | None, force: bool = False) -> None:
        if person_id == self._detail_for and not force:
            return
        self._detail_for = person_id
        pane = self.query_one(DetailPane)
        if person_id is None:
            pane.show_nobody("Nobody in this view." if not self.contacts.query_spec.text
                             else "Nobody matches the filter.")
            return
        person = self.store.person(person_id)
        if person is None:
            pane.show_nobody("This person is gone (merged or re-imported); ctrl+r reloads.")
            return
        pairs = views.pending_pairs_of(self.store, person_id) if self.counts.get("duplicates") else 0
        limit = int(prefs.get(self.store, "note-limit")) if person.decision == Decision.PERSONALIZE else DEFAULT_LIMIT
        pane.show_person(person, self.store.record_meta(person_id), pairs, limit)

    def _update_title(self) -> None:
        if self.awaiting_import:
            return  # still importing the files given on the command line (the title says so)
        query = self.contacts.query_spec
        view = views.VIEW_BY_KEY[query.view]
        count = self.contacts.row_count
        sort = views.SORT_BY_KEY[query.sort].label
        what = "counting…" if self.contacts.is_loading else f"{count:,} {'person' if count == 1 else 'people'}"
        if query.view == "duplicates" and not query.text and "duplicates" in self.counts:
            what += f" in {plural(self.counts['duplicates'], 'pair', sep=True)}"  # the sidebar counts this view in pairs
        if query.text:
            what += f" matching “{query.text}”"
            if self.contacts.match_mode == SEARCHING:
                what = f"no word starts with “{query.text}”: looking inside words…"
            elif self.contacts.match_mode == views.MATCH_CONTAINS and count:
                what += " (inside words: no word starts so)"
            elif self.contacts.match_mode == views.MATCH_LETTERS and count:
                what += " (loosely: letters in order, no word matches)"
            elif count:
                what += ", best first"
        selected = f" · {len(self.contacts.selected)} selected" if self.contacts.selected else ""
        self.query_one("#list-title", Label).update(f"[b]{view.label}[/b] · {what} · by {sort}{selected}",
                                                    layout=False)

    # ---- counts ----------------------------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Re-read every sidebar count in a worker (after imports, merges, reloads)."""
        self._read_counts(self._counts_generation)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _read_counts(self, generation: int) -> None:
        worker = get_current_worker()
        with Store.open(self.store.path) as reader:
            counts = views.view_counts(reader)
        if not worker.is_cancelled:
            self.post_message(CountsReady(counts, generation))

    @on(CountsReady)
    def _counts_ready(self, message: CountsReady) -> None:
        if message.generation != self._counts_generation:
            self.refresh_counts()  # a change landed while counting: count again
            return
        self.counts = dict(message.counts)
        self._show_counts()

    def _show_counts(self) -> None:
        if self.awaiting_import:  # the counts of a workspace still being filled would only mislead
            return
        self.query_one(Sidebar).update_counts(self.counts)
        self._update_title()  # the duplicates view's title counts its pairs
        contacts = self.contacts
        empty = ("The workspace is empty: press i to import address books (vCard, CSV exports, mbox)."
                 if not self.counts.get("all") else "Nobody here. Try another view (1-9, 0) or clear the filter (esc).")
        if empty != contacts.empty_message:
            contacts.empty_message = empty
            contacts.refresh()

    def _changing(self, ids: list[int]) -> dict[str, set[int]]:
        """Note which views these people are in, before changing them (see `_changed`)."""
        self._counts_generation += 1
        return views.memberships(self.store, ids)

    def _changed(self, ids: list[int], before: dict[str, set[int]], pairs: bool = False,
                 decision: Decision | None = None) -> None:
        """Adjust the counts by what changed for these people (exact, and cheap at any size); `decision`:
        the one they were given (None for an undo or redo)."""
        views.apply_count_changes(self.counts, before, views.memberships(self.store, ids))
        self._show_counts()
        # the queue is counted from every pending pair, the held from the suppression list: a second at a
        # million, not on this thread
        if pairs or views.recount_after(self.store, decision, self.counts):
            self.refresh_counts()

    # ---- triage actions --------------------------------------------------------------------------

    def action_mark(self, value: str) -> None:
        """Set the decision of the selection (or the highlighted person), then go to the next undecided."""
        decision = Decision(value)
        contacts = self.contacts
        if self._refuse_moved_under():
            return
        ids = contacts.target_ids()
        if not ids:
            self.set_status("Nobody to mark here.")
            return
        selection = bool(contacts.selected)
        from knowme import triage  # decisions and their matching stack: loaded after the first screen

        try:
            self._mark(ids, decision, bulk=ids if selection else ())
        except triage.ExcludedError as exc:  # one excluded person, named: ask before lifting the exclusion
            self._confirm_unexclude(ids, decision, exc)

    def _mark(self, ids: list[int], decision: Decision, bulk: list[int] | tuple[()] = (),
              unexclude: bool = False) -> None:
        from knowme import triage

        before = self._changing(ids)
        result = triage.mark(self.store, ids, decision, unexclude=unexclude, bulk=bulk)
        self._changed(ids, before, decision=decision)
        if result.gone and not result.changed:  # merged or removed by another command since the list was read
            self.knowme.gone(result.gone[0], self._who(result.gone) if len(result.gone) == 1 else
                             f"{len(result.gone)} of these people")
            return
        who = self._who(result.changed or ids)
        left = (f"; left {len(result.left_excluded)} "
                f"{'person' if len(result.left_excluded) == 1 else 'people'} matching an exclusion alone"
                if result.left_excluded else "")
        if result.gone:
            left += (f"; {len(result.gone)} no longer here (merged or removed by another command): "
                     "read the list again (ctrl+r)")
        if result.unexcluded:
            self.set_status(f"{who} → {MARK_WORDS[decision]}, exclusion lifted   (ctrl+z undoes)")
        elif result.changed:
            self.set_status(f"{who} → {MARK_WORDS[decision]}{left}   (ctrl+z undoes)")
        elif result.left_excluded:
            self.set_status(f"Nobody changed{left}: excluded people keep their decision in a selection.")
        else:
            self.set_status(f"{who} already {MARK_WORDS[decision]}")
        self._after_decisions(ids)

    def _confirm_unexclude(self, ids: list[int], decision: Decision, exc: ExcludedError) -> None:
        """An excluded person (or one matching an exclusion) is to get another decision: ask first."""
        first = exc.covered[0]
        if not first.is_self and first.owner.alive:  # another person's exclusion: not lifted from here
            self.set_status(f"{first}: they stay as they are. If they are different people: knowme mark "
                            f"{first.person_id} --not-same-as {first.owner.person_id}")
            return
        if exc.unexclude_blocked:  # a gone person's exclusion (a split part's whose card left): no question
            self.set_status(str(exc))  # to ask, as saying yes would only meet this refusal
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                self.set_status(f"{first.name or 'They'} stay excluded.")
                return
            from knowme.triage import ExcludedError

            try:
                self._mark(ids, decision, unexclude=True)
            except ExcludedError as again:
                self.set_status(str(again))

        question = (f"{first}.\n\nMark them {MARK_WORDS[decision]} and lift the exclusion? They could then be "
                    "uploaded and invited. (ctrl+z puts the exclusion back.)")
        self.app.push_screen(ConfirmScreen("Lift an exclusion?", question, yes="Lift and mark", no="Keep excluded"),
                             answered)

    def action_accept_suggestion(self) -> None:
        """Accept the suggested decision of the selection (or the highlighted person), as one undoable action."""
        if self._refuse_moved_under():
            return
        ids = self.contacts.target_ids()
        if not ids:
            return
        from knowme.suggest import accept_suggestions  # the matching stack: not needed for the first screen

        before = self._changing(ids)
        accepted = accept_suggestions(self.store, ids)
        self._changed(ids, before)
        if not accepted:
            self.set_status(f"Left {len(accepted.left_excluded)} people matching an exclusion alone." if
                            accepted.left_excluded else
                            "No suggestion to accept here (suggestions are for undecided people).")
            return
        words = ", ".join(f"{sum(1 for a in accepted if a.suggestion == d)} {MARK_WORDS[d]}"
                          for d in MARK_WORDS if any(a.suggestion == d for a in accepted))
        self.set_status(f"Accepted: {words}   (ctrl+z undoes)")
        self._after_decisions(ids)

    def action_accept_all_suggestions(self) -> None:
        """Ask, then accept every pending suggestion as one undoable action."""
        waiting = self.counts.get("suggestions", 0)
        if not waiting:
            self.set_status("No suggestions waiting.")
            return

        def answered(yes: bool | None) -> None:
            if yes:  # thousands of people in a big book: seconds, in a worker
                from knowme.suggest import accept_suggestions

                run_busy(self, self.store.path, "Accepting suggestions",
                         f"Giving {plural(waiting, 'person', sep=True)} the decision suggested for them…",
                         accept_suggestions, self._suggestions_accepted)

        self.app.push_screen(ConfirmScreen(
            "Accept every suggestion",
            f"Give {plural(waiting, 'undecided person', sep=True)} the decision suggested for them? One ctrl+z undoes it.",
            yes="Accept all"), answered)

    def _suggestions_accepted(self, accepted: Accepted | None) -> None:
        if accepted is None:
            self.set_status("Could not accept the suggestions: nothing changed.")
            return
        left = f"; left {len(accepted.left_excluded):,} matching an exclusion alone" if accepted.left_excluded else ""
        self.set_status(f"Accepted {plural(len(accepted), 'suggestion', sep=True)}{left}   (ctrl+z undoes them all)")
        self.post_change(WorkspaceChanged("", tuple(a.id for a in accepted), reload=True))

    def _who(self, ids: list[int]) -> str:
        if len(ids) > 1:
            return f"{len(ids)} people"
        row = self.contacts.row_at(self.contacts.cursor)
        return (row.name or "(no name)") if row and row.id == ids[0] else f"person {ids[0]}"

    def _after_decisions(self, ids: list[int]) -> None:
        """Re-read what changed: the rows, whether they still belong here, the counts; then move on."""
        contacts = self.contacts
        contacts.forget(ids)
        current = contacts.current_id
        gone = set(ids) - views.members(self.store, contacts.query_spec, ids)
        contacts.clear_selection()
        contacts.drop(gone)
        # the next person to decide after the one just decided; when the cursor's person was not
        # among those decided (a selection elsewhere), they may be the next one themselves
        start = contacts.cursor - 1 if (current in gone or current not in ids) else contacts.cursor
        following = views.next_with_decision(self.store, contacts.ids, start)
        if following is None:
            following = start + 1 if start + 1 < contacts.row_count else contacts.cursor
        contacts.move_to(following, force_message=True)
        self._show_detail(contacts.current_id, force=True)
        self._update_title()

    def action_undo(self) -> None:
        unless_not_ours(self, self.store, True, lambda: self._history_step(undo=True))

    def action_redo(self) -> None:
        unless_not_ours(self, self.store, False, lambda: self._history_step(undo=False))

    def _history_step(self, undo: bool) -> None:
        """Undo or redo the next action, then show the people it changed (the first of them, for an undo).

        A large one (a dedupe's or an import's: seconds at 100k records) runs in a worker behind a
        screen that holds the keys; a decision's is done at once, here, and its counts adjusted.
        """
        if is_large(self.store, undo):
            take_step_in_worker(self, self.store.path, undo, self._history_taken)
            return
        coming = self.store.next_step(undo)
        before = self._changing(list(coming.people) if coming else [])
        taken = take_step(self.store, undo)
        if taken.step is not None:
            self._changed(list(taken.step.people), before, pairs=taken.step.queue)
        self._history_taken(taken, counted=True)

    def _history_taken(self, taken: StepTaken, counted: bool = False) -> None:
        """Say how the undo or redo went and show the people it changed; `counted`: their views'
        counts are already adjusted (a large step's are counted again, off this thread)."""
        step = taken.step
        if step is None:
            self.set_status(taken.trouble() or "")
            return
        undo = taken.undo
        self.set_status(f"Undone: {step.summary}   (ctrl+y redoes)" if undo else f"Redone: {step.summary}")
        focus = step.people[0] if undo and step.people else None
        self.post_change(WorkspaceChanged("", step.people, reload=True, focus=focus, counted=counted))

    def post_change(self, message: WorkspaceChanged) -> None:
        """Post `message`; until it is handled, and the list it asks for read, the list is settling
        (`settling`): a key typed right after an undo acts on the list the undo shows, not the one before."""
        if message.reload:
            self._changes_posted += 1
        self.post_message(message)

    @on(WorkspaceChanged)
    def workspace_changed(self, message: WorkspaceChanged) -> None:
        """The store changed under the list: re-read the list (keeping the cursor) and the counts."""
        self.awaiting_import = False
        if message.reload and self._changes_posted:
            self._changes_posted -= 1
        contacts = self.contacts
        summary = message.summary
        if message.reload:
            # what was committed up to now, by anyone, is in the list read next (`_watch_outside`)
            version = self.store.data_version()
            if (version is not None and self._seen_version is not None and version != self._seen_version
                    and self.knowme.writes_elsewhere == self._seen_writes and OUTSIDE not in summary):
                # another knowme wrote while a dialog was up (the list is not watched then), and the
                # review did not (an import, a group of answers): said, as the watch says it, not swallowed
                said = self._outside_summary()
                before = summary or (self._status if self._status_fresh else "")  # "Undone: …" is kept
                summary = f"{before}  {said}" if before else said
            if version is not None:
                self._seen_version = version
            self._seen_writes = self.knowme.writes_elsewhere
            focus = message.focus if message.focus is not None else self._follow_cursor()
            contacts.reload(focus_person=focus)
        else:
            contacts.forget(message.people)
        self._show_detail(contacts.current_id, force=True)
        if not message.counted:
            self.refresh_counts()
        if summary:
            self.set_status(summary)
        self._release_held()

    # ---- changes made by another knowme -----------------------------------------------------------

    def _follow_cursor(self) -> int | None:
        """Whom the cursor stays on when the list is read again: the highlighted person, or, when another
        window merged them away, the person they were merged into. The row alone then held the next
        person, and an x typed right away excluded them (`_refuse_moved_under` guards a row that
        cannot follow)."""
        contacts = self.contacts
        current, row = contacts.current_id, contacts.current_row
        if current is None or views.rows(self.store, [current]):
            return current
        kept, records = self._cursor_records
        into = views.merged_into(self.store, current, records) if kept == current else None
        name = (row.name if row is not None else "") or "(no name)"
        self._moved_under = (name, into, contacts.moves, contacts.query_spec)
        return into if into is not None else current

    def _watch_outside(self) -> None:
        """Another knowme changed the workspace (`knowme mark`, `import`, `dedupe` in another terminal):
        read the list and the counts again, the cursor kept on the same person, and say so in a line.
        A row acted on otherwise shows what the other command undid (a person it excluded, shown
        undecided). Looked at only while the list is settled, no key waits and no dialog is up: the
        UI's own writes made on other connections (an import, a dedupe answer, a large undo) are made
        behind a dialog and re-read the list when it closes, so they are never taken for another's."""
        if (self.app.screen is not self or self.awaiting_import or self.settling or self._held
                or self._replaying):
            return
        version = self.store.data_version()
        if version is None or version == self._seen_version:
            self._outside_read_at = self._outside_last = None  # quiet: the next change is read at once
            return
        if not self._outside_due(version):
            return
        self._outside_read_at, self._outside_last = self.clock(), None
        self.post_change(WorkspaceChanged(self._outside_summary(), reload=True))

    def _outside_due(self, version: int) -> bool:
        """Whether to read another knowme's change now: at once after a quiet spell; while it goes on
        writing (changed again since the list was read for it), once a look finds no further write, or
        after `WATCH_BUSY_EVERY` seconds of them."""
        if self._outside_read_at is None:
            return True
        settled, self._outside_last = version == self._outside_last, version
        return settled or self.clock() - self._outside_read_at >= self.WATCH_BUSY_EVERY

    def _outside_summary(self) -> str:
        """What the status line says about another knowme's change: the highlighted person's part in it."""
        said = f"{OUTSIDE}: list updated"
        row = self.contacts.current_row  # as the list shows it
        if row is not None:
            name = row.name or "(no name)"
            now = views.rows(self.store, [row.id]).get(row.id)
            if now is None:
                kept, records = self._cursor_records
                into = views.merged_into(self.store, row.id, records) if kept == row.id else None
                into_row = views.rows(self.store, [into]).get(into) if into is not None else None
                if into_row is None:
                    said += f"; {name} was merged or removed there"
                elif into_row.name == row.name:  # the person kept took their name
                    said += f"; {name} was merged with another person there"
                else:
                    said += f"; {name} was merged into {into_row.name or '(no name)'} there"
            elif now.decision != row.decision:
                said += f"; {name} is now {MARK_WORDS[now.decision]}"
        return f"{said}{self._selection_summary()}."

    def _selection_summary(self) -> str:
        """What another knowme's change did to the selection: the people it merged away, removed or took
        out of the view leave it when the list is read again, and a decision key then left them out
        without a word (a selected card merged into someone unselected stayed undecided)."""
        selected = sorted(self.contacts.selected)
        if not selected:
            return ""
        alive = set(views.rows(self.store, selected))
        listed = views.members(self.store, self.contacts.query_spec, alive)
        gone, left = len(selected) - len(alive), len(alive) - len(listed)
        parts = [f"{plural(n, 'selected person', 'selected people')} {what} there"
                 for n, what in ((gone, "merged or removed"), (left, "taken out of this view")) if n]
        return f"; {' and '.join(parts)}: no longer selected" if parts else ""

    def action_clear(self) -> None:
        if self.contacts.selected:
            self.contacts.clear_selection()
            self._update_title()
        elif self.contacts.query_spec.text:
            self.query_one(FilterInput).action_clear()

    # ---- finding ---------------------------------------------------------------------------------

    def action_filter(self) -> None:
        filter_input = self.query_one(FilterInput)
        filter_input.display = True
        # at once, not after the queued events (`focus()` waits): the letters typed right after the
        # slash are the filter's, never decision or export keys
        self.set_focus(filter_input)
        # a filter already there is selected now, so the next letters replace it (the input's own
        # select-on-focus came after the letters typed right behind the slash, and selected those)
        filter_input.selection = Selection(0, len(filter_input.value))
        self.contacts.prepare_filter()

    def _leave_filter(self, clear: bool = False) -> None:
        """Back to the list at once (enter, down, esc in the filter), its people asked for: a key typed
        right behind lands on the filtered list (held while it is read), not in the filter."""
        filter_input = self.query_one(FilterInput)
        if clear:
            filter_input.value = ""
        if filter_input.value != self.contacts.requested.text:
            self._filter_to(filter_input.value)
        self.set_focus(self.contacts)

    def on_key(self, event: events.Key) -> None:
        """Letters typed right after the slash reach the list first (Textual routes each key to
        what had focus when it arrived): hand them to the filter, in order, instead of losing them.
        Every letter for the filter is typed in here (`FilterInput` leaves them to this screen), and
        enter, down and esc leave it here: a key is then handled where the keys before it left the
        focus, whether it reached the list or the filter."""
        if self.app.screen is not self:  # typed behind a key that opened a dialog: the app gives it to the dialog
            return
        filter_input = self.query_one(FilterInput)
        if (event.key == "slash" and self.focused is not filter_input and not self._filter_held
                and not self._slash_coming):
            # not through the binding (run once the key has reached the app, after the letters behind it
            # went by), and not at once either: the keys typed before it are still on their way to the app,
            # to act or to be held. Its turn comes behind them (`_slash_turn`, queued where they are); the
            # keys typed behind it until then are kept for the filter.
            event.stop()
            event.prevent_default()
            self._slash_coming = self._after_slash_open = True
            self.app.call_later(self._slash_turn)
            return
        capturing = self._slash_coming and self._after_slash_open
        if not (capturing or self._filter_held or self.focused is filter_input):
            return
        if (event.key in ("enter", "down", "escape", "backspace") or (event.is_printable and event.character)
                or filter_input.editing_action(event.key) is not None):
            # here, not through the input's typing or bindings (run once the key has reached the app,
            # after the keys behind it were typed in)
            event.stop()
            event.prevent_default()
            if capturing:
                self._after_slash.append(event)
                self._after_slash_open = event.key not in ("enter", "down", "escape")
            elif self._filter_held:
                self._held.append(("", "filter", event))
                self._filter_held = event.key not in ("enter", "down", "escape")
            else:
                self._filter_key(event)

    def _slash_turn(self) -> None:
        """The slash typed in the list, in its turn: the keys typed before it have acted or wait for the
        list. Behind waiting keys it waits too, with what was typed in it; else the filter opens now."""
        typed, still_open = self._after_slash, self._after_slash_open
        self._slash_coming, self._after_slash, self._after_slash_open = False, [], False
        if self.app.screen is not self:  # a key before it opened a dialog: the slash and the rest are its
            self.knowme.type_ahead([events.Key("slash", "/"), *typed])
            return
        if self._held:
            self._held.append(("filter", self, events.Key("slash", "/")))
            self._held.extend(("", "filter", key) for key in typed)
            self._filter_held = still_open
            return
        self.action_filter()
        for key in typed:
            self._filter_key(key)

    def _filter_key(self, event: events.Key) -> None:
        """Type a key into the filter: a letter, backspace, or enter, down, esc back to the list."""
        filter_input = self.query_one(FilterInput)
        if event.key in ("enter", "down", "escape"):
            self._leave_filter(clear=event.key == "escape")
        elif event.key == "backspace":
            filter_input.action_delete_left()
        elif (editing := filter_input.editing_action(event.key)) is not None:
            editing()  # home, end, the arrows: here, in the order typed, not once the key reached the app
        elif event.character:
            if filter_input.selection.is_empty:
                filter_input.insert_text_at_cursor(event.character)
            else:
                filter_input.replace(event.character, *filter_input.selection)

    def _filter_to(self, text: str) -> None:
        # the list asked for last: a sort or view still being read is kept, not undone by the filter
        self.contacts.load(self.contacts.requested.with_(text=text), fallback=0)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value != self.contacts.requested.text:  # else already asked for (enter came first)
            self._filter_to(event.value)
        if not event.value and not self.query_one(FilterInput).has_focus:
            self.query_one(FilterInput).display = False

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.contacts.focus()

    def on_descendant_blur(self, event: Any) -> None:
        filter_input = self.query_one(FilterInput)
        if event.widget is filter_input and not filter_input.value:
            filter_input.display = False

    def action_cycle_sort(self) -> None:
        keys = [sort.key for sort in SORTS]
        current = self.contacts.query_spec.sort
        self.action_sort(keys[(keys.index(current) + 1) % len(keys)])

    def action_sort(self, key: str) -> None:
        """Sort the list by `key` (name, company, signal, suggestion) and show it from the top."""
        self.contacts.load(self.contacts.query_spec.with_(sort=key), fallback=0)
        self.set_status(f"Sorted by {views.SORT_BY_KEY[key].label}, from the top (s sorts by the next).")

    def action_view(self, key: str) -> None:
        """List another view (Undecided, Knows me, ..., All), keeping the filter and sort."""
        self.query_one(Sidebar).show_view(key)
        self.contacts.clear_selection()
        self._open_list(self.contacts.query_spec.with_(view=key), self.contacts.current_id, 0, or_top=True)

    @on(Sidebar.ViewChosen)
    def _view_chosen(self, event: Sidebar.ViewChosen) -> None:
        self.action_view(event.view)
        self.contacts.focus()

    def action_reload(self) -> None:
        self.post_change(WorkspaceChanged("Reloaded.", reload=True))

    # ---- the other screens -----------------------------------------------------------------------

    def action_outreach(self) -> None:
        """Write the personal note of the highlighted personalize person."""
        row = self.contacts.current_row
        if row is None:
            return
        if row.decision != Decision.PERSONALIZE:
            self.set_status("Outreach notes are for personalize people: press p first.")
            return
        self.knowme.open_outreach(row.id)

    def action_duplicates(self) -> None:
        """Review the possible duplicates, starting with the highlighted person's."""
        if not self.counts.get("duplicates"):
            self.set_status("No possible duplicates waiting for review.")
            return
        self.knowme.open_duplicates(self.contacts.current_id)

    def action_split(self) -> None:
        """Give each record of the highlighted person their own person again."""
        row = self.contacts.current_row
        if row is None:
            return
        if row.n_records < 2 and self.store.person(row.id) is not None:
            self.set_status(f"{row.name or 'This person'} has one record: nothing to split.")
            return
        self.knowme.confirm_split(row.id)

    def action_import_files(self) -> None:
        self.knowme.open_import()

    def action_export(self) -> None:
        self.knowme.open_export()

    def action_overview(self) -> None:
        self.knowme.open_overview()

    def action_help(self) -> None:
        self.knowme.open_help()

    def action_toggle_theme(self) -> None:
        self.knowme.toggle_theme()

    async def action_quit(self) -> None:
        self.save_state()
        self.app.exit()

    # ---- status and persistence ------------------------------------------------------------------

    def set_status(self, text: str) -> None:
        self._status, self._status_fresh = text, True
        self.query_one("#status", Label).update(text, layout=False)

    def on_screen_suspend(self) -> None:
        self._status_fresh = False  # a dialog opened: the status line's text is no news once it closes

    def _schedule_save(self) -> None:
        self._state_dirty = True

    def _save_if_moved(self) -> None:
        # not while a dialog is up: an import may hold the workspace's write lock for a while
        if self._state_dirty and self.is_current:
            self.save_state()

    def save_state(self) -> None:
        """Remember the view, sort, filter and the highlighted person, so reopening resumes here."""
        if not self.is_mounted:
            return
        contacts = self.contacts
        self._state_dirty = False
        state = {"query": contacts.query_spec.to_dict(), "person": contacts.current_id, "index": contacts.cursor}
        try:
            if state != self.store.setting(STATE_KEY):
                self.store.set_setting(STATE_KEY, state)
        except WorkspaceError:  # another knowme is writing (an import, a dedupe): remembered at the next chance
            self._state_dirty = True

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(f"{event.worker.name} failed: {event.worker.error}", severity="error", timeout=10)
