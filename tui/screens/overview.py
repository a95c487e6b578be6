"""The overview: how far triage has come, per source, and how recently you were in touch."""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from knowme.tui.messages import JobDone
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar, Static
from textual.worker import get_current_worker

from knowme import views
from knowme.model import Decision
from knowme.store.core import Store
from knowme.text import plural

COLUMNS = (("knows-me", "Knows me"), ("personalize", "Personalize"), ("exclude", "Exclude"),
           ("undecided", "Undecided"))


def year_chart(series: list[tuple[int, int]], width: int = 40) -> Table:
    """One bar per year, every year labelled and counted: `2021  ██████▍  42`."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    peak = max((n for _, n in series), default=0) or 1
    eighths = " ▏▎▍▌▋▊▉"
    for year, n in series:
        cells = n * width / peak
        bar = "█" * int(cells) + (eighths[int((cells % 1) * 8)] if cells % 1 else "")
        table.add_row(str(year), Text(bar or ("▏" if n else ""), style="cyan"), f"{n:,}")
    return table


class OverviewScreen(Screen[None]):
    """Triage progress, decisions per source, and last contact by year (figures read in a worker).

    | Key | Action |
    | :- | :- |
    | escape / v | Back to the review |
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,v,q", "close", "Back", id="overview.close")]

    def __init__(self, store_path: Path) -> None:
        super().__init__()
        self.store_path = store_path
        self.data: views.Overview | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with VerticalScroll(id="overview"):
            yield Label("Triage progress", classes="section")
            yield Label("reading…", id="progress-text")
            yield ProgressBar(total=1, show_eta=False, id="overall")
            yield Static("", id="decisions")
            yield Label("Decisions per source", classes="section")
            yield DataTable(id="per-source", cursor_type="none")
            yield Label("Last in touch, by year (people whose latest mail is from that year)", classes="section")
            yield Static("", id="years")
            yield Static("", id="mail-note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#per-source", DataTable)
        table.add_column("Source", key="source")
        table.add_column("Format", key="format")
        table.add_column("People", key="people")
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        table.add_column("Decided", key="decided")
        self._read()

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def _read(self) -> None:
        worker = get_current_worker()
        with Store.open(self.store_path) as reader:
            data = views.overview(reader)
        if not worker.is_cancelled:
            self.post_message(JobDone("overview", data))

    @on(JobDone)
    def _ready(self, message: JobDone) -> None:
        if message.job != "overview":
            return
        data: views.Overview = message.result
        self.data = data
        share = f"{data.decided / data.to_decide:.0%}" if data.to_decide else "—"
        connected = f"; {data.connected:,} already connected (nothing to decide)" if data.connected else ""
        self.query_one("#progress-text", Label).update(
            f"{data.decided:,} of {plural(data.to_decide, 'person', sep=True)} decided ({share}){connected}")
        self.query_one("#overall", ProgressBar).update(total=max(data.to_decide, 1), progress=data.decided)
        line = Text()
        for key, label in COLUMNS:
            line.append(f"{label} ", style="dim")
            line.append(f"{data.decisions.get(key, 0):,}   ", style="bold")
        self.query_one("#decisions", Static).update(line)
        table = self.query_one("#per-source", DataTable)
        table.clear()
        for source in data.sources:
            decided = f"{source.decided / source.to_decide:.0%}" if source.to_decide else "—"
            table.add_row(source.source, source.format, f"{source.people:,}",
                          *(f"{source.decisions.get(key, 0):,}" for key, _ in COLUMNS), decided)
        series = data.year_series()
        chart = self.query_one("#years", Static)
        note = self.query_one("#mail-note", Static)
        if series:
            chart.update(year_chart(series))
            peak_year, peak = max(series, key=lambda item: item[1])
            note.update(f"Most people were last in touch in {peak_year} ({peak:,}); "
                        f"{plural(data.no_mail, 'person', sep=True)} {'has' if data.no_mail == 1 else 'have'} no "
                        "mail at all.")
        else:
            chart.display = False
            note.update(Text("No mail imported yet: import an mbox or Maildir to see how recently you were in "
                             f"touch ({Decision.UNDECIDED.value} people with mail are easier to decide).", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
