"""The export dialog: choose the file and format, see the preflight, resolve lookalikes, write.

Everything is the core's: `knowme.exports.preflight` (computed in a worker: lookalike search
reads every knows-me and excluded person), `export_safe` / `export_outreach`,
`knowme.triage.mark` and `mark_different` to resolve a lookalike.
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from knowme.tui.messages import JobDone
from knowme.tui.screens.confirm import ConfirmScreen, fit_to_rows, too_small_to_show
from knowme.tui.widgets.inturn import FieldInput
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.errors import NoWidget
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, RadioButton, RadioSet, Select, Static
from textual.visual import visualize
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from knowme.dedupe.run import resolve_pair
from knowme.exports import (
    ExportError,
    Lookalike,
    Preflight,
    export_outreach,
    export_safe,
    exporters,
    outreach_preflight,
    preflight,
)
from knowme.model import Decision
from knowme.outreach import STATE_LABELS, STATE_ORDER, outreach_status
from knowme.store.core import Store
from knowme.text import plural
from knowme.triage import TriageError, mark, mark_different

KINDS = {"safe": "Safe-to-sync file (knows-me people)", "outreach": "Outreach queue (personalize people)"}
DEFAULT_NAMES = {"safe": "knowme-safe-to-sync", "outreach": "knowme-outreach"}

TITLE = "Export   (↑↓ picks the file, tab moves on, ctrl+e writes)"
COMPACT_TITLE = "Export   (↑↓ picks, tab moves on)"  # ctrl+e is in the summary under it


def _people(count: int, kind: str = "knows-me") -> str:
    return f"{count:,} {kind} {'person' if count == 1 else 'people'}"


def default_path(kind: str, fmt: str, folder: Path) -> Path:
    exporter = exporters(kind)[fmt]
    return folder / f"{DEFAULT_NAMES[kind]}{exporter.extension}"


def outreach_lines(status: dict[str, object]) -> list[str]:
    """The outreach queue's preflight, from `knowme.outreach.outreach_status`."""
    states = [(state.value, STATE_LABELS[state]) for state in STATE_ORDER]
    total = sum(int(status.get(key, 0) or 0) for key, _ in states)  # type: ignore[call-overload]
    lines = [f"{_people(total, 'personalize')} in the queue: "
             + ", ".join(f"{label.lower()} {status.get(key, 0)}" for key, label in states)]
    if status.get("notes_to_fix"):
        lines.append(f"notes still to write or fix: {status['notes_to_fix']} (o on the main screen)")
    if status.get("connected_skipped"):
        lines.append(f"skipped as already connected: {status['connected_skipped']}")
    return lines


def conflict_prompt(conflict: Lookalike) -> Text:
    """One conflict as the dialog lists it: who and why, then the command that resolves it."""
    text = Text(str(conflict))
    text.append(f"\n  → {conflict.command}", style="dim")
    return text


class LookalikeList(OptionList):
    """Knows-me people (or, before the outreach export, personalize people) who may be excluded ones (a
    shared address, phone or card, a name alike, a nameless card's address that spells an excluded name,
    an open pair, an excluded address in a cell); each must be resolved before the export.

    | Key | Action |
    | :- | :- |
    | x | Exclude the knows-me (or personalize) person |
    | n | They are different people |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "screen.resolve('exclude')", "Exclude the one listed first", id="lookalike.exclude"),
        Binding("n", "screen.resolve('different')", "Different people", id="lookalike.different"),
    ]

    def said_rows(self, index: int, said: str) -> range:
        """The rows of the list's content that say who the conflict at `index` is and why (`said`, the start
        of its prompt: the command under it is left out, it may wrap over more rows than a terminal shows)."""
        padding = self.get_component_styles("option-list--option").padding
        width = self.scrollable_content_region.width - padding.width
        first = self._index_to_line.get(index, 0)
        return range(first, first + visualize(self, Text(said)).get_height(self.styles, width))


class ExportScreen(ModalScreen[None]):
    """Write the safe-to-sync file or the outreach queue, after a look at what goes out.

    | Key | Action |
    | :- | :- |
    | ctrl+e | Export with these settings |
    | x / n | On a lookalike: exclude the knows-me person / they are different people |
    | escape | Close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "export", "Export", priority=True, id="export.write"),
        Binding("escape", "close", "Close", id="export.close"),
    ]

    def __init__(self, store: Store, folder: Path | None = None, demo: bool = False) -> None:
        super().__init__()
        self.store = store
        self.folder = folder or Path.cwd()
        self.demo = demo
        self.kind = "safe"
        self.pre: Preflight | None = None
        self.conflicts: list[Lookalike] = []  # what stops the export of this kind: resolve each first
        self.queued: int | None = None  # the personalize people in the outreach queue, once checked
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="export-dialog"):
            with Vertical(id="export-head"):
                yield Label(TITLE, classes="dialog-title", id="export-title")
                yield Static("", id="summary")
            with RadioSet(id="kind", compact=True):
                for key, label in KINDS.items():
                    yield RadioButton(label, value=key == self.kind, id=f"kind-{key}")
            with Horizontal(classes="field"):
                yield Label("Format", classes="field-label")
                yield Select([(exp.label, name) for name, exp in exporters(self.kind).items()], id="format",
                             allow_blank=False, compact=True)
            with Horizontal(classes="field"):
                yield Label("File", classes="field-label")
                yield FieldInput("", id="path", compact=True)
            yield Label("Before writing", id="preflight-title")
            yield Static("checking…", id="preflight")
            yield LookalikeList(id="lookalikes")
            yield Static("", id="result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (esc)", id="close", compact=True)
                yield Button("Export (ctrl+e)", variant="primary", id="export", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#lookalikes", OptionList).display = False
        self._compact(self.app.size.height)
        self._set_kind("safe")
        self.query_one("#kind", RadioSet).focus()
        self.app.steady(self)  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        self._compact(event.size.height)

    def _compact(self, height: int) -> None:
        """Under `COMPACT_BELOW` rows: the summary (who goes out, to which file, ctrl+e) held at the top, the
        rest scrolling under it (at 60x20 the count, the file and the button never fitted together, and ctrl+e
        was refused for good)."""
        fit_to_rows(self, height)
        self.query_one("#export-title", Label).update(COMPACT_TITLE if self.compact else TITLE)

    @property
    def compact(self) -> bool:
        return self.has_class("-compact-dialog")

    def _show_summary(self) -> None:
        """The compact layout's first lines: how many people this export writes, the file, the key."""
        path = self.query_one("#path", Input).value
        if self.kind == "safe" and self.pre is not None:
            pre = self.pre
            text = Text(f"{_people(pre.written)} {'goes' if pre.written == 1 else 'go'} out "
                        f"({pre.addresses:,} address{'es' * (pre.addresses != 1)}) to {path}", style="bold")
        elif self.kind == "outreach" and self.queued is not None:
            text = Text(f"{_people(self.queued, 'personalize')} in the queue {'goes' if self.queued == 1 else 'go'} "
                        f"to {path}", style="bold")
        else:
            self.query_one("#summary", Static).update(Text(f"checking what goes to {path}…", style="dim"))
            return
        if self.conflicts:
            text.append(": blocked, resolve the people listed below first (x / n).", style="bold red")
        else:
            text.append(": ctrl+e writes it.")
        self.query_one("#summary", Static).update(text)

    # ---- choices ---------------------------------------------------------------------------------

    def _set_kind(self, kind: str) -> None:
        self.kind = kind
        self.query_one("#result", Static).update("")
        formats = exporters(kind)
        select = self.query_one("#format", Select)
        select.set_options([(exp.label, name) for name, exp in formats.items()])
        first = next(iter(formats))
        select.value = first
        self.query_one("#path", Input).value = str(default_path(kind, first, self.folder))
        self._check()

    @on(RadioSet.Changed, "#kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        key = (event.pressed.id or "").removeprefix("kind-")
        if key in KINDS and key != self.kind:
            self._set_kind(key)

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value in exporters(self.kind):
            current = Path(self.query_one("#path", Input).value or default_path(self.kind, event.value, self.folder))
            self.query_one("#path", Input).value = str(current.with_suffix(exporters(self.kind)[event.value].extension))

    # ---- preflight (worker) ----------------------------------------------------------------------

    @on(Input.Changed, "#path")
    def _path_changed(self) -> None:
        self._show_summary()

    def _check(self) -> None:
        self.pre, self.conflicts, self.queued = None, [], None
        self._show_summary()
        self.query_one("#preflight", Static).update(Text("checking…", style="dim"))
        self.query_one("#lookalikes", OptionList).display = False
        self.query_one("#export", Button).disabled = True
        self._preflight(self.kind)

    @work(thread=True, exclusive=True, group="preflight", exit_on_error=False)
    def _preflight(self, kind: str) -> None:
        worker = get_current_worker()
        with Store.open(self.store.path) as reader:
            result: object = preflight(reader) if kind == "safe" else \
                (outreach_status(reader), outreach_preflight(reader))
        if not worker.is_cancelled:
            self.post_message(JobDone(f"preflight-{kind}", result))

    @on(JobDone)
    def _preflight_done(self, message: JobDone) -> None:
        if message.job != f"preflight-{self.kind}":
            return
        if self.kind == "safe":
            assert isinstance(message.result, Preflight)
            self.pre = message.result
            self._show_safe(message.result)
        else:
            status, conflicts = message.result
            self.queued = sum(int(status.get(state.value, 0) or 0) for state in STATE_ORDER)
            text = Text("\n".join(outreach_lines(status)) + "\n")
            self._show_conflicts(text, conflicts, "personalize")
            self._show_summary()
            self.query_one("#preflight", Static).update(text)
            self.query_one("#export", Button).disabled = bool(conflicts)

    def _show_conflicts(self, text: Text, conflicts: list[Lookalike], decision: str) -> None:
        """List what stops the export, each with what resolves it (x / n), the first highlighted."""
        self.conflicts = conflicts
        options = self.query_one("#lookalikes", OptionList)
        options.clear_options()
        if not conflicts:
            return
        people = len({lk.knows_me_id for lk in conflicts})
        text.append(f"Blocked: {people} {decision} {'person' if people == 1 else 'people'} may be excluded "
                    f"(listed below). Resolve each first: x excludes the {decision} one, n says they are "
                    "different people (or answers an open pair 'different').", style="bold red")
        options.add_options(Option(conflict_prompt(lk), id=str(n)) for n, lk in enumerate(conflicts))
        options.display = True
        options.highlighted = 0
        options.focus()

    def _show_safe(self, pre: Preflight) -> None:
        text = Text()
        text.append(f"{_people(pre.written)} {'goes' if pre.written == 1 else 'go'} out "
                    f"({pre.addresses:,} address{'es' * (pre.addresses != 1)}).\n", style="bold")
        text.append(f"{_people(pre.undecided, 'undecided')} left out: review them first.\n",
                    style="yellow" if pre.undecided else "")
        for line in pre.lines()[2:]:
            text.append(line + "\n", style="dim")
        self._show_conflicts(text, pre.lookalikes, "knows-me")
        self._show_summary()
        self.query_one("#preflight", Static).update(text)
        self.query_one("#export", Button).disabled = pre.blocked

    def _lookalike(self) -> Lookalike | None:
        options = self.query_one("#lookalikes", OptionList)
        if not options.display or options.highlighted is None or not self.conflicts:
            return None
        number = int(options.get_option_at_index(options.highlighted).id or 0)
        return self.conflicts[number] if number < len(self.conflicts) else None

    def _shown(self, options: LookalikeList, rows: range) -> bool:
        """Whether `rows` of the list's content are all on screen: in the list's view, in the dialog's, not
        under the summary held at its top (compact) and not cut by the terminal."""
        try:
            geometry = self.find_widget(options)
        except NoWidget:
            return False
        content = options.scrollable_content_region
        view = content.intersection(geometry.region.intersection(geometry.clip))
        if self.compact:  # the rest scrolls under the summary, which hides what passes beneath it
            head = self.query_one("#export-head").region
            if head.bottom >= view.bottom:
                return False
            view = Region.from_corners(view.x, max(view.y, head.bottom), view.right, view.bottom)
        top = content.y - round(options.scroll_y)
        return view.width >= content.width and view.y <= top + rows.start and top + rows.stop <= view.bottom

    def _bring_into_view(self, options: LookalikeList, rows: range) -> None:
        """Scroll the list and the dialog so that `rows` of the list's content show below the summary."""
        list_region = Region(0, rows.start, options.scrollable_content_region.width, len(rows))
        options.scroll_to_region(list_region, animate=False, immediate=True, force=True)
        gutter = options.styles.gutter
        place = Region(options.virtual_region.x, options.virtual_region.y + gutter.top + rows.start
                       - round(options.scroll_target_y), options.virtual_region.width, len(rows))
        self.query_one("#export-dialog").scroll_to_region(place, spacing=options.dock_gutter, animate=False,
                                                          immediate=True, force=True)

    def action_resolve(self, how: str) -> None:
        """Resolve the highlighted conflict: exclude the knows-me (or personalize) person, or keep them apart
        for good."""
        conflict = self._lookalike()
        if conflict is None:
            return
        # only the conflict the user sees, named with why: in the compact layout the list scrolls under the
        # summary, and x excluded (or n kept apart) someone whose row was out of sight
        options = self.query_one("#lookalikes", LookalikeList)
        rows = options.said_rows(options.highlighted or 0, str(conflict))
        if not self._shown(options, rows):
            self.notify("The terminal is too small to show that conflict: it is scrolled into sight now, look "
                        "and press the key again, or make the terminal taller (nothing changed).",
                        severity="warning", timeout=6)
            self._bring_into_view(options, rows)
            return
        if self.store.person(conflict.knows_me_id) is None:  # merged or removed by another command meanwhile
            self.query_one("#result", Static).update(Text(
                f"{conflict.knows_me_name or 'That person'} is no longer here (another command merged or removed "
                "them): nothing was changed, and the conflicts are checked again.", style="bold red"))
            self._check()
            return
        touched = [conflict.knows_me_id] + ([conflict.excluded_id] if conflict.excluded_id is not None else [])
        if how == "exclude":
            mark(self.store, [conflict.knows_me_id], Decision.EXCLUDE)
            summary = f"Excluded the {conflict.decision} one."
        elif conflict.kind == "pair" and conflict.pair_id is not None:
            resolve_pair(self.store, conflict.pair_id, same=False)
            summary = "Pair answered: different people."
        elif conflict.kind in ("cell", "record") or conflict.excluded_id is None:
            self.query_one("#result", Static).update(Text(
                f"Not different people: {conflict.command.split('  |  ')[0]} (or change their decision).",
                style="bold red"))
            return
        else:
            try:
                mark_different(self.store, conflict.knows_me_id, conflict.excluded_id)
            except TriageError as exc:
                self.query_one("#result", Static).update(Text(f"Not kept apart: {exc}.", style="bold red"))
                self._check()
                return
            summary = "Kept apart: different people."
        self.app.changed(summary, touched, reload=True)  # type: ignore[attr-defined]
        self._check()

    # ---- writing (worker) ------------------------------------------------------------------------

    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self.query_one("#export", Button).disabled:
            if self.conflicts:
                self.query_one("#result", Static).update(Text(
                    f"Nothing written: resolve the {plural(len(self.conflicts), 'conflict')} listed above first.",
                    style="bold red"))
            return
        # what goes out, the file and the button (compact: the summary saying all three): ctrl+e wrote a
        # file whose count and name a terminal a few rows high had cut (at 20x8 the dialog showed only its
        # kinds, "Format" and "File")
        parts = [self.query_one("#summary")] if self.compact else \
            [self.query_one("#preflight"), self.query_one("#path"), self.query_one("#export")]
        if too_small_to_show(self, parts, "what this export writes and where", "write it"):
            return
        fmt = self.query_one("#format", Select).value
        path = Path(self.query_one("#path", Input).value).expanduser()
        if not isinstance(fmt, str) or not str(path):
            return
        kind = self.kind
        if path.is_file() and not path.is_symlink():  # replaced only when the user says so (the core checks too)

            def answered(yes: bool | None) -> None:
                if yes:
                    self.query_one("#result", Static).update(Text("writing…", style="dim"))
                    self._write(kind, fmt, path, force=True)

            self.app.push_screen(ConfirmScreen("Replace the file?", f"{path} exists. Replace it with this export?",
                                               yes="Replace"), answered)
            return
        self.query_one("#result", Static).update(Text("writing…", style="dim"))
        self._write(kind, fmt, path)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, kind: str, fmt: str, path: Path, force: bool = False) -> None:
        with Store.open(self.store.path) as reader:
            try:
                report = (export_safe(reader, path, fmt, force=force) if kind == "safe"
                          else export_outreach(reader, path, fmt, force=force))
            except ExportError as exc:
                self.post_message(JobDone("export", error=str(exc)))
                return
        self.post_message(JobDone("export", report))

    @on(JobDone)
    def _written(self, message: JobDone) -> None:
        if message.job != "export":
            return
        result = self.query_one("#result", Static)
        if message.error:
            result.update(Text(f"Nothing written: {message.error}", style="bold red"))
            self._show_result()
            return
        report = message.result
        self.written.append(report.path)
        kind = "knows-me" if report.kind == "safe" else "personalize"
        text = Text(f"✓ Wrote {_people(report.written, kind)} to {report.path}\n", style="bold green")
        shown = set(self.pre.lines()) if self.pre is not None and report.kind == "safe" else set()
        for line in report.lines:
            if line not in shown and not line.startswith("written:"):
                text.append(line + "\n", style="dim")
        result.update(text)
        self._show_result()

    def _show_result(self) -> None:
        """Compact: scroll the outcome, at the foot of the dialog, up under the summary held at the top
        (once laid out with its new lines)."""
        if self.compact:
            result = self.query_one("#result")
            result.call_after_refresh(result.scroll_visible, top=True, animate=False, immediate=True)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one("#result", Static).update(Text(f"Failed: {event.worker.error}", style="bold red"))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
