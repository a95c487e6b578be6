"""Importing from within the app: pick files, import them in a worker with progress, then dedupe.

The worker calls the same core functions as `knowme import` and `knowme dedupe`
(`knowme.importing.import_path`, `knowme.dedupe.run.run_dedupe`) on its own connection, and only
posts messages; this screen shows them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from knowme.importers import ImportOptions
from knowme.tui.messages import JobDone, Progress
from knowme.tui.screens.confirm import ConfirmScreen, ReadText, ReadThrough, fit_to_rows, too_small_to_show
from knowme.tui.widgets.inturn import FieldInput
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import ScreenResume
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, DirectoryTree, Footer, Input, Label, Log, ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from knowme import prefs
from knowme.dedupe.run import DedupeReport, run_dedupe
from knowme.importing import FileReport, import_path
from knowme.store.core import DROPPING, ReplaceMode, Store
from knowme.text import plural

if TYPE_CHECKING:
    from knowme.suppression import Suppressed

def _swapped(report: FileReport, old: FileReport, new: FileReport) -> FileReport:
    """`report` with `old` (itself or one of its folder's files, at any depth) replaced by `new`."""
    if report is old:
        return new
    report.parts = [_swapped(part, old, new) for part in report.parts]
    return report


#: Rows a folder's skipped files take in the table at most (the rest are counted on one row).
MAX_SKIPPED_ROWS = 20

#: What the file picker shows: the inputs knowme can read (folders are shown too: Maildir).
IMPORTABLE = (".vcf", ".vcard", ".csv", ".mbox", ".eml", ".mbx", ".txt")


@dataclass
class FileImported(Message):
    """One input finished importing (or was refused, with the reason in the report); `row` is its row's key."""

    row: str
    report: FileReport


def held_names(held: Sequence[Suppressed], most: int = 3) -> str:
    """The names of the held cards, each once with how many bear it ("Rex Boss ×4; Nina Ex"), the first
    `most` names and how many cards more: it named three cards and "…", not the others nor how many."""
    counts = Counter(why.name or f"person {why.person_id}" for why in held)
    names = [f"{name} ×{n}" if n > 1 else name for name, n in list(counts.items())[:most]]
    rest = sum(list(counts.values())[most:])
    return "; ".join(names) + (f" and {plural(rest, 'more card')}" if rest else "")


def report_line(report: FileReport) -> tuple[str, str, str, str]:
    """(format, records, problems, outcome) for one file, as the table shows them."""
    if report.error is None and report.outcome is None:  # a folder read only file by file
        return "", "", "", f"folder: {plural(len(report.parts), 'file')} in it imported on their own (below)"
    if report.error or report.outcome is None:
        return "", "", str(len(report.problems) or ""), f"not imported: {report.error}"
    out = report.outcome
    if out.unchanged:
        outcome = "unchanged since the last import"
    elif out.replaced:
        outcome = f"replaced the earlier import: {out.kept} kept their decisions, {out.new_people} new"
        if out.dropped:
            outcome += f"; {len(out.dropped)} decided {'person' if len(out.dropped) == 1 else 'people'} no longer in it"
    elif out.namesake is not None:
        outcome = f"{out.new_people} new people (as {out.source}: not the earlier {out.namesake})"
    else:
        outcome = f"{plural(out.new_people, 'new person')}"
    if out.excluded_again:
        outcome += f"; {len(out.excluded_again)} you excluded came back, excluded again"
    if out.held:
        outcome += (f"; {len(out.held)} alike someone you excluded, held undecided ({held_names(out.held)}): "
                    "the Held view (0) lists them")
    if out.asked_again:
        outcome += (f"; {plural(len(out.asked_again), 'person')} kept apart from someone excluded now "
                    f"{'holds' if len(out.asked_again) == 1 else 'hold'} their address: asked again at export")
    return out.format, f"{out.records:,}", str(len(out.problems) or ""), outcome


def refusal_reasons(refused: Sequence[FileReport], most: int = 3) -> str:
    """Why each refused file was not imported, the first `most` of them: the Outcome column held it on one
    line that a terminal 40 columns wide cut to "not imported: /tmp/…", and n imported the file unexplained."""
    reasons = [f"{report.path.name}: {report.refused_why or report.error}" for report in refused[:most]]
    more = len(refused) - most
    return "; ".join(reasons) + (f"; and {plural(more, 'more file')} (their rows say why)" if more > 0 else "")


def dedupe_line(report: DedupeReport) -> str:
    merged = f"merged {plural(report.auto_merged, 'sure duplicate', sep=True)}" if report.auto_merged else "no sure duplicates"
    return (f"Duplicates: {merged}; {plural(report.queued, 'possible duplicate', sep=True)} to review "
            "(d on the main screen).")


class ImportableTree(DirectoryTree):
    """A directory tree that shows folders and the files knowme can import."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in IMPORTABLE)]


class FilePickerScreen(ModalScreen[list[Path] | None]):
    """Choose the files to import: pick them in the tree (enter), or type a path.

    | Key | Action |
    | :- | :- |
    | enter | In the tree: add the file; in the path box: add the file or open the folder |
    | ctrl+o | Import the chosen files |
    | escape | Cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "import", "Import chosen", id="picker.import"),
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start
        self.chosen: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Label("Import address books", classes="dialog-title")
            yield FieldInput(str(self.start), placeholder="a file or folder path", id="path")
            yield ImportableTree(self.start, id="tree")
            yield Label("Nothing chosen yet: pick files in the tree (enter) or type a path.", id="chosen")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Import (ctrl+o)", variant="primary", id="import", disabled=True, compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#tree", ImportableTree).focus()
        self._compact(self.app.size.height)
        self.app.steady(self)  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        self._compact(event.size.height)

    def _compact(self, height: int) -> None:
        """Under `COMPACT_BELOW` rows: fewer gaps, a path box without a border and a shorter tree, so the
        files chosen stay listed above the buttons (at 40x12 their line was cut off and ctrl+o refused)."""
        self.query_one("#path", FieldInput).compact = fit_to_rows(self, height)

    def _add(self, path: Path) -> None:
        path = path.expanduser().resolve()
        if path not in self.chosen:
            self.chosen.append(path)
        names = ", ".join(p.name for p in self.chosen)
        self.query_one("#chosen", Label).update(f"Chosen ({len(self.chosen)}): {names}")
        self.query_one("#import", Button).disabled = False

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        self._add(Path(event.path))

    @on(Input.Submitted, "#path")
    def _typed(self, event: Input.Submitted) -> None:
        path = Path(event.value).expanduser()
        if path.is_dir() and not any(path.glob("cur")):  # a Maildir imports as a whole
            self.query_one("#tree", ImportableTree).path = path
        elif path.exists():
            self._add(path)
        else:
            self.notify(f"{path}: no such file or folder", severity="warning")

    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        # not files the user cannot see listed: at 20x8 the picker showed its title and the path box, and
        # ctrl+o imported what enter had added there unseen
        if self.chosen and not too_small_to_show(self, [self.query_one("#chosen")], "the files chosen", "import them"):
            self.dismiss(list(self.chosen))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportScreen(ModalScreen[str | None]):
    """Imports files in a worker with a progress bar, lists their problems, then finds duplicates.

    | Key | Action |
    | :- | :- |
    | enter | Start reviewing (once done) |
    | escape | Stop after the current file / close |
    | r | Let the files refused for what they would remove replace their earlier imports |
    | n | Import the refused files as new sources, beside their earlier imports |

    A file that would replace an earlier import and remove people you decided on (or an incomplete
    file) is refused, as `knowme import` refuses it; `r` and `n` go on as its `--replace` and
    `--as-new-source` do, `r` once confirmed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "Stop / close", id="import.stop"),
        Binding("enter", "close", "Start reviewing", id="import.close"),
        Binding("r", "retry('replace')", "Replace earlier imports", id="import.replace"),
        Binding("n", "retry('new')", "Import as new sources", id="import.new-source"),
    ]

    def __init__(self, store_path: Path, paths: list[Path], fmt: str = "auto", region: str | None = None,
                 mode: ReplaceMode = "auto") -> None:
        super().__init__()
        self.store_path = store_path
        self.paths = list(paths)
        self.fmt = fmt
        self.phone_region = region
        self.mode: ReplaceMode = mode
        self.reports: list[FileReport] = []
        self.rows: dict[str, FileReport] = {}  # each table row's report (a folder's files' rows too)
        # the people the user agreed may go, by row (`r`): a replacement that would drop others is refused again
        self.confirmed: dict[str, list[str]] = {}
        self.dedupe: DedupeReport | None = None
        self.done = False
        self.failure: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="import-dialog"):
            yield Label(f"Importing {len(self.paths)} file{'s' * (len(self.paths) != 1)}", classes="dialog-title",
                        id="import-title")
            yield DataTable(id="files", cursor_type="none", zebra_stripes=False)
            yield Label("", id="current")
            yield ProgressBar(total=100, show_eta=False, id="bar")
            yield Label("Problems", id="problems-title")
            yield Log(id="problems", highlight=False)
            yield Label("", id="dedupe")
            yield ReadText("", id="refusals")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Stop (esc)", id="stop", compact=True)
                yield Button("Start reviewing (enter)", variant="primary", id="close", disabled=True, compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#files", DataTable)
        for column in ("File", "Format", "Records", "Problems", "Outcome"):
            table.add_column(column, key=column)
        for number, path in enumerate(self.paths):
            table.add_row(path.name, "", "", "", "waiting", key=str(number))
        self.query_one("#problems", Log).display = False
        self.query_one("#problems-title", Label).display = False
        self.query_one("#refusals", ReadText).display = False
        # the refusal is read by scrolling through it where it does not fit (n acts on what it says)
        dialog = self.query_one("#import-dialog")
        self.reading = ReadThrough(dialog, self.query_one("#refusals", ReadText))
        fit_to_rows(self, self.app.size.height)
        self._import([(str(number), path) for number, path in enumerate(self.paths)], self.mode)
        self.app.steady(self)  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        fit_to_rows(self, event.size.height)

    def on_screen_resume(self, event: ScreenResume) -> None:
        self.app.steady(self)  # type: ignore[attr-defined]

    # ---- the worker: parse, store, dedupe (its own connection; messages only) ---------------------

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, jobs: list[tuple[str, Path]], mode: ReplaceMode) -> None:
        """Import each (row, path) of `jobs` (all the files, or the refused ones again in another mode)."""
        worker = get_current_worker()
        self.app.writes_elsewhere += 1  # type: ignore[attr-defined]
        with Store.open(self.store_path) as store:
            region = prefs.phone_region(store, self.phone_region)
            for number, (row, path) in enumerate(jobs):
                if worker.is_cancelled:
                    return
                label = f"{path.name} ({number + 1} of {len(jobs)})"
                self.post_message(Progress("import", label, 0, 1))
                options = ImportOptions(region=region, progress=self._reporter("import", label),
                                        cancelled=lambda: worker.is_cancelled)
                confirmed = self.confirmed.get(row) if mode == "replace" else None
                if confirmed is not None:  # only the people the user saw named may go: ask again if more would
                    report = import_path(store, path, self.fmt, options, "auto")
                    if report.refused == DROPPING and sorted(report.dropping) == confirmed:
                        report = import_path(store, path, self.fmt, options, mode)
                else:
                    report = import_path(store, path, self.fmt, options, mode)
                self.post_message(FileImported(row, report))
            if worker.is_cancelled:
                return
            self.post_message(Progress("dedupe", "Looking for duplicates", 0, 100))
            result = run_dedupe(store, progress=self._reporter("dedupe", "Looking for duplicates"))
            self.post_message(JobDone("import", result))

    def _reporter(self, job: str, label: str) -> Callable[[int, int], None]:
        """A progress callback for the core that posts (collapsing) Progress messages from the worker."""

        def report(done: int, total: int) -> None:
            self.post_message(Progress(job, label, done, total))

        return report

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        self.query_one("#current", Label).update(message.label)
        bar = self.query_one("#bar", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)

    @on(FileImported)
    def _file_imported(self, message: FileImported) -> None:
        report = message.report
        earlier = self.rows.get(message.row)
        if earlier is None:
            self.reports.append(report)
        else:  # a refused file imported again: its report takes the refused one's place
            self.reports = [_swapped(top, earlier, report) for top in self.reports]
        self.rows[message.row] = report
        table = self.query_one("#files", DataTable)
        for column, value in zip(("Format", "Records", "Problems", "Outcome"), report_line(report)):
            table.update_cell(message.row, column, value, update_width=True)
        if "." not in message.row:
            self._add_folder_rows(table, message.row, report)
        problems = [problem for part in report.each() for problem in part.problems]
        if problems:
            log = self.query_one("#problems", Log)
            log.display = True
            log.write_lines(problems[:500])
            if len(problems) > 500:
                log.write_line(f"{report.path.name}: … and {len(problems) - 500} more problems")
            count = sum(len(r.problems) for top in self.reports for r in top.each())
            title = self.query_one("#problems-title", Label)
            title.display = True
            title.update(f"Problems ({count:,}): these cards or rows were skipped or partly read")

    def _add_folder_rows(self, table: DataTable, number: str, report: FileReport) -> None:
        """Under a folder's row: a row for each file in it imported on its own, and each file skipped
        (once: a folder imported again in another mode has its files' rows brought up to date)."""
        def name(path: Path) -> str:
            try:
                return f"  {report.path.name}/{path.relative_to(report.path)}"
            except ValueError:
                return f"  {path}"

        for index, part in enumerate(p for part in report.parts for p in part.each()):
            key = f"{number}.{index}"
            self.rows[key] = part
            if key in table.rows:
                for column, value in zip(("Format", "Records", "Problems", "Outcome"), report_line(part)):
                    table.update_cell(key, column, value, update_width=True)
            else:
                table.add_row(name(part.path), *report_line(part), key=key)
        if f"{number}.skipped.0" in table.rows or f"{number}.skipped.more" in table.rows:
            return
        for index, (path, why) in enumerate(report.skipped[:MAX_SKIPPED_ROWS]):
            table.add_row(name(path), "", "", "", f"skipped: {why}", key=f"{number}.skipped.{index}")
        if len(report.skipped) > MAX_SKIPPED_ROWS:
            more = len(report.skipped) - MAX_SKIPPED_ROWS
            table.add_row(f"  {report.path.name}/…", "", "", "", f"skipped: {plural(more, 'more file')} that are no "
                          "address book or mail", key=f"{number}.skipped.more")

    @on(JobDone)
    def _job_done(self, message: JobDone) -> None:
        if message.job != "import":
            return
        self.dedupe = message.result
        self._finish(dedupe_line(message.result) if message.result else "")

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.failure = f"{event.worker.error.__class__.__name__}: {event.worker.error}"
            self._finish(f"Import stopped: {self.failure}")
        elif event.state == WorkerState.CANCELLED:
            self._finish("Stopped: the files imported before stopping are kept.")

    def _finish(self, line: str) -> None:
        self.done = True
        self.query_one("#dedupe", Label).update(line)
        self._show_refusals()
        self.query_one("#current", Label).update("Done." if self.failure is None else "")
        bar = self.query_one("#bar", ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#stop", Button).display = False
        close = self.query_one("#close", Button)
        close.disabled = False
        refusals = self.query_one("#refusals", ReadText)
        if refusals.display and self.has_class("-compact-dialog"):  # read from its start, the key last
            close.focus(scroll_visible=False)
            refusals.call_after_refresh(refusals.scroll_visible, top=True, animate=False, immediate=True)
        else:
            close.focus()

    def refused(self, mode: str = "new") -> list[tuple[str, FileReport]]:
        """The rows of the files refused for what replacing would lose that `mode` lets go on: every
        refused file may be imported as a new source; only those that are whole may replace."""
        return [(row, report) for row, report in self.rows.items()
                if report.refused and (mode != "replace" or report.refused == DROPPING)]

    def _show_refusals(self) -> None:
        label = self.query_one("#refusals", ReadText)
        self.reading.forget()
        refused, replacing = self.refused(), self.refused("replace")
        label.display = bool(refused)
        if refused:
            keys = "press n to import them as new sources beside their earlier imports"
            if replacing:
                keys = (f"press r to let {'it' if len(replacing) == 1 else 'them'} replace the earlier "
                        f"import{'s' * (len(replacing) != 1)} (the people named go, exclusions stay), or " + keys)
            label.update(f"{plural(len(refused), 'file')} not imported, to keep what you decided: "
                         f"{refusal_reasons([report for _, report in refused])}. Then {keys}.")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.done and bool(self.refused(str(parameters[0])))
        return True

    def action_retry(self, mode: ReplaceMode) -> None:
        """Import the refused files again as `--replace` (once confirmed) or `--as-new-source` would."""
        jobs = self.refused(mode)
        if not self.done or not jobs:
            return
        # n acts on what the refusal's line says, once read through (r asks first, and its question is
        # checked the same way)
        if too_small_to_show(self, [self.query_one("#refusals")], "the files not imported and why",
                             "import them", read=self.reading):
            return
        if mode != "replace":
            self._again(jobs, mode)
            return
        names = ", ".join(report.path.name for _, report in jobs)
        going = [person for _, report in jobs for person in report.dropping]
        shown = "; ".join(going[:8]) + (f" and {len(going) - 8} more" if len(going) > 8 else "")
        question = (f"Let {names} replace {'its earlier import' if len(jobs) == 1 else 'their earlier imports'}? "
                    f"{plural(len(going), 'person')} you decided on or wrote for {'is' if len(going) == 1 else 'are'} "
                    f"no longer in {'it' if len(jobs) == 1 else 'them'} and will go, with the decisions, notes and "
                    f"drafts (this cannot be undone): {shown}. The people you excluded stay on the suppression list.")
        def answered(yes: bool | None) -> None:
            if yes:
                self.confirmed.update((row, sorted(report.dropping)) for row, report in jobs)
                self._again(jobs, mode)

        self.app.push_screen(ConfirmScreen("Replace earlier imports", question, yes="Replace"), answered)

    def _again(self, jobs: list[tuple[str, FileReport]], mode: ReplaceMode) -> None:
        self.done, self.failure, self.dedupe = False, None, None
        table = self.query_one("#files", DataTable)
        for row, _ in jobs:
            table.update_cell(row, "Outcome", "waiting", update_width=True)
        self.query_one("#refusals", ReadText).display = False
        self.query_one("#dedupe", Label).update("")
        self.query_one("#stop", Button).display = True
        self.query_one("#close", Button).disabled = True
        self.refresh_bindings()
        self._import([(row, report.path) for row, report in jobs], mode)

    def summary(self) -> str:
        """One line for the main screen's status: what the import and dedupe did."""
        reports = [r for top in self.reports for r in top.each()]
        imported = [r for r in reports if r.ok]
        records = sum(r.outcome.records for r in imported if r.outcome)
        refused = len(reports) - len(imported)
        text = f"Imported {plural(len(imported), 'file')} ({plural(records, 'record', sep=True)})"
        if refused:
            text += f", {refused} refused"
        if self.dedupe is not None:
            text += f"; {plural(self.dedupe.queued, 'possible duplicate', sep=True)} to review"
        return text + "."

    # ---- keys ------------------------------------------------------------------------------------

    @on(Button.Pressed, "#stop")
    def action_stop(self) -> None:
        if self.done:
            self.dismiss(self.summary())
            return
        for worker in self.workers:
            worker.cancel()
        self.query_one("#current", Label).update("Stopping after the current file…")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.done:
            self.dismiss(self.summary())
