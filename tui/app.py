"""The review app: a thin Textual face over the knowme core.

`KnowmeApp(store_path, import_paths=(), demo=False)` opens the workspace, shows the main
screen, and first imports any files it was given (in a worker, with progress). Screens only
call core functions (`knowme.triage`, `knowme.views`, `knowme.importing`, dedupe, merge,
exports, lint) and re-read the store after every change: the store is the truth.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import signal
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from knowme.tui.messages import PaletteInTurn, QuitInTurn, WorkspaceChanged
from knowme.tui.screens.main import MainScreen
from textual import events, on
from textual._dispatch_key import dispatch_key
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from knowme.runtime import freeze_heap
from knowme.store.core import ReplaceMode, Store, WorkspaceError
from knowme.text import plural

if TYPE_CHECKING:
    from textual.command import Provider

THEME_KEY = "review.theme"
DARK, LIGHT = "textual-dark", "textual-light"


def _knowme_commands() -> type[Provider]:
    """The app's commands for the palette, imported when it first opens (textual.command is a tenth of
    the start-up an empty app does not pay)."""
    from knowme.tui.commands import KnowmeCommands

    return KnowmeCommands


class KnowmeApp(App[None]):
    """knowme review: decide, person by person, who may be invited and how.

    | Key | Action |
    | :- | :- |
    | ctrl+p | Command palette: every action by name |
    | ctrl+q | Quit |
    | ctrl+c | Quit, as ctrl+q (or copy, when text is selected) |
    """

    CSS_PATH = "app.tcss"
    TITLE = "knowme"
    COMMANDS = App.COMMANDS | {_knowme_commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (60, "-narrow"), (150, "-wide")]  # type: ignore[misc]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-low"), (12, "-short"), (32, "-tall")]  # type: ignore[misc]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
        # before any widget's or dialog's ctrl+c: a dialog (the note editor) kept it as copy, copying nothing
        Binding("ctrl+c", "copy_or_quit", "Quit (or copy the selected text)", show=False, priority=True,
                id="app.copy-or-quit"),
    ]

    def __init__(self, store_path: Path, import_paths: Sequence[Path] = (), demo: bool = False, *,
                 fmt: str = "auto", region: str | None = None, export_dir: Path | None = None,
                 stable: bool = False, import_mode: ReplaceMode = "auto") -> None:
        """`export_dir` is where exports are offered (default: the current folder); `stable` keeps the
        screen still for snapshot tests (no cursor blinking); `import_mode` is how `import_paths` may
        replace earlier imports (`knowme review FILE --replace` / `--as-new-source`)."""
        super().__init__()
        self.store_path = Path(store_path)
        self.store = Store.open(self.store_path)
        self.import_paths = [Path(p) for p in import_paths]
        self.demo = demo
        self.fmt = fmt
        self.phone_region = region
        self.import_mode: ReplaceMode = import_mode
        self.stable = stable
        self.export_dir = export_dir
        self._quit_in_turn = False  # a ctrl+q on its way behind the keys typed before it (`action_quit`)
        self._palette_in_turn = False  # a ctrl+p on its way behind them (`action_command_palette`)
        #: Bumped (in the worker) whenever the review writes on a connection of its own (an import, accepting
        #: every suggestion, a large undo, a group of duplicate answers): the workspace's data version then
        #: moves by the review's own doing, not another knowme's (`MainScreen.workspace_changed`)
        self.writes_elsewhere = 0
        #: the screen each key arrived at, by the key's id, until it reaches the app's bindings: a key typed
        #: for the list behind one that opened a dialog is the dialog's (`_on_key`)
        self._typed_at: OrderedDict[int, Screen] = OrderedDict()
        self._ahead: deque[events.Key] = deque()  # keys typed ahead of a dialog, given to it once it is up
        self._ahead_replayed: set[int] = set()  # the ids of those keys given to it, on their way
        #: the key whose binding is being run (`_on_key`): a key the review holds is kept as typed
        self.key_in_hand: events.Key | None = None
        self.sub_title = "demo workspace" if demo else self.store_path.name

    def get_default_screen(self) -> Screen:
        return MainScreen(self.store)

    def on_mount(self) -> None:
        # `kill`, `timeout` or a closed terminal: leave as ctrl+q does, the terminal given back as it was
        # (killed by the signal's default, the shell was left in the app's screen, the mouse still reported)
        loop = asyncio.get_running_loop()
        self._signals_handled: list[int] = []
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # no such handling here
                    loop.add_signal_handler(number, self._stopped, number)
                    self._signals_handled.append(number)
        self.theme = LIGHT if self.store.setting(THEME_KEY) == "light" else DARK
        # What exists once the first screen is up lives as long as the app: keep it out of the
        # cyclic collector's full passes, which otherwise pause a key press now and then.
        self.call_after_refresh(freeze_heap)
        if self.import_paths:
            self.open_import(self.import_paths)

    def _stopped(self, number: int) -> None:
        with contextlib.suppress(WorkspaceError):
            self.main.save_state()
        self.exit(return_code=128 + number,
                  message=f"knowme: stopped ({signal.Signals(number).name}); every decision shown as saved is saved"
                          + (" (the note being edited was not)" if getattr(self.screen, "unsaved", None) and
                             self.screen.unsaved() else ""))

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in getattr(self, "_signals_handled", ()):
            loop.remove_signal_handler(number)
        self.store.close()

    def push_screen(self, screen: Any, callback: Any = None, wait_for_dismiss: bool = False, *,  # type: ignore[override]
                    mode: str | None = None) -> Any:
        """Every dialog's answer, as every key's action (`run_action`): a write refused because another
        knowme holds the workspace is said in a line (answering "Split" stopped the app with a traceback)."""
        if callback is not None and not inspect.iscoroutinefunction(callback):
            callback = self._busy_said(callback)
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)  # type: ignore[call-overload]

    def _busy_said(self, callback: Callable[[Any], Any]) -> Callable[[Any], Any]:
        @functools.wraps(callback)
        def answered(result: Any) -> Any:
            try:
                return callback(result)
            except WorkspaceError as exc:
                self.notify(f"Not done: {exc}", severity="warning", timeout=8)
                return None
        return answered

    # ---- keys typed ahead of a dialog ------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if id(event) in self._ahead_replayed:
                self._ahead_replayed.discard(id(event))
            elif self._ahead:  # keys typed ahead still wait for the dialog: this one goes behind them
                self._ahead.append(event)
                return
            self._typed_at[id(event)] = self.screen
            while len(self._typed_at) > 256:  # keys stopped on their way never come back to the app
                self._typed_at.popitem(last=False)
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """A key reaching the app's bindings. One typed at a screen a dialog has opened over since (typed
        right behind the key that opened it: Textual sent it to what had focus when it arrived) is the
        dialog's, given to it in order once it is up: bindings looked up in the dialog dropped it (a letter
        typed into the note editor, a tab to the next field)."""
        event.prevent_default()  # App's own `_on_key` (every class's handler is called) is done here
        typed_at = self._typed_at.pop(id(event), None)
        if typed_at is not None and typed_at is not self.screen and typed_at in self.screen_stack:
            event.stop()
            self.type_ahead([event])
            return
        self.key_in_hand = event
        try:
            if await self._check_bindings(event.key):
                return
        finally:
            self.key_in_hand = None
        keep = getattr(self.screen, "keep_unbound", None)  # the review holding keys: this one in its turn
        if keep is None or not keep(event):
            await dispatch_key(self, event)

    def type_ahead(self, keys: Iterable[events.Key]) -> None:
        """Give keys typed ahead of the dialog now open to it, in order, as if typed now, once it is up (its
        focus set). Never to a question: a y typed before it was shown answers nothing (lifting an exclusion
        unread); those are dropped, and the user told."""
        keys = list(keys)
        if not keys:
            return
        if not getattr(self.screen, "TAKES_KEYS_TYPED_AHEAD", True):
            self.notify(f"{plural(len(keys), 'key')} typed ahead not applied: a question opened before them.",
                        severity="warning", timeout=5)
            return
        waiting = bool(self._ahead)
        self._ahead.extend(keys)
        if not waiting:
            self._give_ahead(self.screen)

    def _give_ahead(self, screen: Screen, tries: int = 20) -> None:
        """Once `screen` is up, its focus set, start giving it the keys typed ahead (`_post_ahead`)."""
        if screen is not self.screen:  # closed before it was up: the keys were typed for it, not for what is here
            dropped, self._ahead = len(self._ahead), deque()
            if dropped:
                self.notify(f"{plural(dropped, 'key')} typed ahead not applied: the dialog they were for closed.",
                            severity="warning", timeout=5)
            return
        up = screen.is_mounted and (screen.focused is not None or not screen.focus_chain)
        if not up and tries and screen.call_after_refresh(self._give_ahead, screen, tries - 1):
            return
        self.call_later(self._post_ahead)  # behind the focus its `on_mount` asked for (`focus()` waits its turn)

    def _post_ahead(self) -> None:
        """The next key typed ahead, as if typed now; the one after it once this one is handled: a key a
        binding takes goes up from the focused widget to the app first, and letters sent right behind it
        were typed in before it. (Keys typed meanwhile wait behind these: `on_event`.)"""
        if not self._ahead:
            return
        key = self._ahead.popleft()
        again = events.Key(key.key, key.character)
        self._ahead_replayed.add(id(again))
        self.post_message(again)
        if self._ahead:  # the next once this one has gone the way it goes: to the focused widget and up
            focused = self.screen.focused
            self._behind_key([self, *(focused.ancestors_with_self if focused is not None else [self.screen, self])])

    def _behind_key(self, path: list[Any]) -> None:
        """Run `_post_ahead` behind the key just posted, in each queue it passes through in turn."""
        while path:
            if path[0].call_later(self._behind_key, path[1:]):
                return
            path = path[1:]  # closed meanwhile (a key closed the dialog): nothing of the key's to wait for there
        self._post_ahead()

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        """Every key's action, with a workspace another knowme holds for longer than a writer waits
        (`Store.transaction`'s busy timeout) said in the status line: it let WorkspaceError stop the app
        with a traceback, and the change the key asked for was made by nobody (the transaction rolled
        back; the key may be pressed again). A key for the review list typed while that list is read
        again (after an undo, a view switch, a sort) waits for it, and then acts on it (the current
        screen's `hold`: `MainScreen.hold`, `DuplicatesScreen.hold`)."""
        hold = getattr(self.screen, "hold", None)  # the review list's screen, the duplicates dialog
        if hold is not None and hold(action, default_namespace):
            return True
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except WorkspaceError as exc:
            self.notify(f"Not done: {exc}", severity="warning", timeout=8)
            return True

    async def action_quit(self) -> None:
        """Quit from anywhere (ctrl+q), remembering where the review was; a note typed and not saved yet
        is thrown away only once the user says so; keys typed before it, waiting for the list, act first."""
        main = self.main
        if self.screen is main and main.focused is not None and not self._quit_in_turn:
            # ctrl+q and ctrl+c act as they arrive, ahead of the keys typed before them (still on their way
            # through the screen, to act or to wait for the list): quit in their turn, behind them
            self._quit_in_turn = True
            main.focused.post_message(QuitInTurn())
            return
        await self._quit_now()

    @on(QuitInTurn)
    async def _quit_turn(self) -> None:
        self._quit_in_turn = False
        if self.screen is self.main and self.main.quit_after_held():
            return
        await self._quit_now()

    async def _quit_now(self) -> None:
        unsaved = getattr(self.screen, "unsaved", None)
        if unsaved is not None and unsaved():

            def answered(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    self.main.save_state()
                    self.exit()

            from knowme.tui.screens.confirm import ConfirmScreen

            self.push_screen(ConfirmScreen("Quit without saving?", "The note being edited has changes that are not "
                                           "saved. Quit and discard them? (ctrl+s saves them.)", yes="Quit",
                                           no="Keep editing"), answered)
            return
        self.main.save_state()
        self.exit()

    def action_command_palette(self) -> None:
        """ctrl+p: the palette opens in its turn, behind the keys typed before it. It opened as ctrl+p
        arrived, ahead of them (still on their way through the screen), and they were then typed into the
        palette's search: x then ctrl+p typed fast excluded nobody and searched for "x"."""
        focused = self.screen.focused
        if focused is not None and not self._palette_in_turn:
            self._palette_in_turn = True
            focused.post_message(PaletteInTurn())
            return
        self._palette_in_turn = False
        super().action_command_palette()

    @on(PaletteInTurn)
    def _palette_turn(self) -> None:
        self._palette_in_turn = False
        if self.screen is self.main and self.main.palette_after_held():
            return
        super().action_command_palette()

    def action_open_palette(self) -> None:
        """The palette, now: a ctrl+p held behind keys waiting for the list, its turn come."""
        super().action_command_palette()

    async def action_copy_or_quit(self) -> None:
        """ctrl+c: copy the selected text when there is some (in a text box, or on the screen), else leave
        as ctrl+q does. Textual only said which key quits; ctrl+c is how a terminal program is left, and
        every decision is saved as it is made (a note not saved yet is asked about)."""
        focused = self.focused
        selected = getattr(focused, "selected_text", "") if focused is not None else ""
        if not selected:
            selected = self.screen.get_selected_text() or ""
        if selected:
            self.copy_to_clipboard(selected)
            return
        await self.action_quit()

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def changed(self, summary: str = "", people: Iterable[int] = (), reload: bool = True,
                focus: int | None = None) -> None:
        """Tell the main screen the workspace changed, so it re-reads the store."""
        self.main.post_change(WorkspaceChanged(summary, tuple(people), reload=reload, focus=focus))

    def steady(self, screen: Screen) -> None:
        """In stable mode (snapshot tests) stop text cursors from blinking."""
        if self.stable:
            from textual.widgets import Input, TextArea  # the text area: not needed to start

            for widget in screen.query("Input, TextArea"):
                if isinstance(widget, (Input, TextArea)):
                    widget.cursor_blink = False

    # ---- opening the other screens ---------------------------------------------------------------

    def open_import(self, paths: Sequence[Path] = ()) -> None:
        """Import files (asking for them when none are given), then look for duplicates."""
        from knowme.tui.screens.imports import FilePickerScreen, ImportScreen

        def picked(chosen: list[Path] | None, mode: ReplaceMode = "auto") -> None:
            if chosen:
                self.push_screen(ImportScreen(self.store_path, chosen, fmt=self.fmt, region=self.phone_region,
                                              mode=mode), self._imported)

        if paths:
            picked(list(paths), self.import_mode if list(paths) == self.import_paths else "auto")
        else:
            self.push_screen(FilePickerScreen(Path.cwd()), picked)

    def _imported(self, summary: str | None) -> None:
        self.changed(summary or "", reload=True)

    def open_outreach(self, person_id: int | None) -> None:
        from knowme.tui.screens.outreach import OutreachScreen

        if person_id is None:
            return
        if self.store.person(person_id) is None:
            self.gone(person_id)
            return
        self.push_screen(OutreachScreen(self.store, person_id),
                         lambda said: self.changed(said, [person_id], reload=True) if said else None)

    def gone(self, person_id: int, name: str = "") -> None:
        """A person the list showed is no longer in the workspace (another command, in another terminal,
        merged or removed them since the list was read): say so, change nothing, and read the list again."""
        who = name or f"Person {person_id}"
        self.changed(f"{who} is no longer here: another command merged or removed them since the list was read. "
                     "The list is read again; nothing was changed.", reload=True)

    def open_duplicates(self, person_id: int | None) -> None:
        from knowme.tui.screens.duplicates import DuplicatesScreen

        self.push_screen(DuplicatesScreen(self.store, person_id), self._duplicates_done)

    def _duplicates_done(self, focus: int | None) -> None:
        self.changed(reload=True, focus=focus)

    def confirm_split(self, person_id: int | None) -> None:
        from knowme.tui.screens.duplicates import confirm_split

        if person_id is not None:
            confirm_split(self, person_id)

    def open_export(self) -> None:
        from knowme.tui.screens.export import ExportScreen

        self.push_screen(ExportScreen(self.store, self.export_dir or Path.cwd(), demo=self.demo))

    def open_overview(self) -> None:
        from knowme.tui.screens.overview import OverviewScreen

        self.push_screen(OverviewScreen(self.store_path))

    def open_help(self) -> None:
        from knowme.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def toggle_theme(self) -> None:
        """Switch between the light and the dark theme (remembered in the workspace)."""
        self.theme = LIGHT if self.theme == DARK else DARK
        self.store.set_setting(THEME_KEY, "light" if self.theme == LIGHT else "dark")
