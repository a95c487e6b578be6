"""Pilot tests of the review UI's other flows: import, duplicates, split, outreach, export, overview, help."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from knowme.tui.app import KnowmeApp
from knowme.tui.screens.duplicates import DuplicatesScreen
from knowme.tui.screens.export import ExportScreen
from knowme.tui.screens.help import HelpScreen
from knowme.tui.screens.imports import FilePickerScreen, ImportScreen
from knowme.tui.screens.outreach import OutreachScreen
from knowme.tui.screens.overview import OverviewScreen
from knowme.tui.text import plain_text
from knowme.tui.widgets.contact_list import ContactList
from knowme.tui.widgets.sidebar import Sidebar
from textual.widgets import Button, DataTable, Input, Label, OptionList, Select, Static, TextArea
from tui_helpers import decisions, make_workspace, open_pairs, open_screen, pilot_test, store_records, workers_done

from knowme.dedupe.merge import merge_people
from knowme.dedupe.run import pending_pairs
from knowme.model import Decision, Labeled, Record
from knowme.store.core import Store
from knowme.triage import mark

SIZE = (120, 36)

VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Ada Lovelace
N:Lovelace;Ada;;;
EMAIL;TYPE=work:ada@engines.example
ORG:Analytical Engines
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Charles Babbage
N:Babbage;Charles;;;
EMAIL:charles@engines.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
END:VCARD
"""


def _with_duplicates(tmp_path: Path) -> tuple[Path, int]:
    """The workspace with duplicates, and how many questions its review queue asks."""
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    with Store.open(workspace) as store:
        return workspace, len(pending_pairs(store))


async def settle(pilot, app: KnowmeApp) -> None:
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()
    await app.main.query_one(ContactList).wait_loaded()
    await pilot.pause()


def people(path: Path) -> dict[str, tuple[str, int]]:
    with Store.open(path) as store:
        return {name: (decision, n) for name, decision, n in
                store.conn.execute("SELECT name, decision, n_records FROM people")}


# ---- import -----------------------------------------------------------------------------------------


async def pressed(app: KnowmeApp, pilot: Any, *keys: str) -> None:
    """Press keys, then wait for the work they start (in workers) and the screen it updates."""
    await pilot.press(*keys)
    await workers_done(app)
    await pilot.pause()


async def refused_import(tmp_path: Path, **options: Any) -> tuple[KnowmeApp, Path]:
    """The app importing a newer phone.vcf that drops Charles (knows-me) from the earlier import."""
    return KnowmeApp(tmp_path / "w.db", import_paths=[_decided_and_newer(tmp_path)], **options), tmp_path / "w.db"


async def reviewing(app: KnowmeApp, pilot: Any) -> str:
    """Close the import dialog (enter) and, once the list has loaded, the main screen's status line."""
    await pilot.press("enter")
    await settle(pilot, app)
    return str(app.main.query_one("#status").render())


async def import_screen_done(app: KnowmeApp, pilot: Any) -> ImportScreen:
    """The import screen the app opened with, once its imports have run."""
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    await workers_done(app)
    await pilot.pause()
    return screen


@pilot_test
async def test_import_on_the_command_line_shows_progress_problems_and_dedupes(tmp_path: Path) -> None:
    book = tmp_path / "phone.vcf"
    book.write_text(VCARD, encoding="utf-8")
    junk = tmp_path / "notes.txt"
    junk.write_text("just some text\n", encoding="utf-8")
    app = KnowmeApp(tmp_path / "w.db", import_paths=[book, junk])
    async with app.run_test(size=SIZE) as pilot:
        screen = await import_screen_done(app, pilot)
        # behind the dialog: no stale "0 people" or "Nobody here" while the files are imported
        title = str(app.main.query_one("#list-title").render())
        assert "Importing" in title and "0 people" not in title
        assert "Importing" in app.main.query_one(ContactList).empty_message
        assert screen.done and screen.dedupe is not None
        table = screen.query_one("#files", DataTable)
        assert "2" in str(table.get_cell("0", "Records"))
        assert "not imported" in str(table.get_cell("1", "Outcome"))
        assert screen.query_one("#problems").display  # the broken card is listed
        await pilot.press("enter")
        await settle(pilot, app)
        assert not isinstance(app.screen, ImportScreen)
        assert app.main.query_one(ContactList).row_count == 2
        assert "Imported 1 file (2 records)" in str(app.main.query_one("#status").render())
        assert "Undecided · 2 people" in str(app.main.query_one("#list-title").render())
        assert app.main.query_one(Sidebar).counts["undecided"] == 2
    assert set(people(tmp_path / "w.db")) == {"Ada Lovelace", "Charles Babbage"}


def _card(name: str, email: str) -> str:
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nEMAIL:{email}\nEND:VCARD\n"


def _decided_and_newer(tmp_path: Path) -> Path:
    """A workspace whose phone.vcf holds Ada, Charles (knows-me) and Grace; a newer phone.vcf without Charles."""
    from knowme.importing import import_path

    book = tmp_path / "phone.vcf"
    book.write_text(_card("Ada Lovelace", "ada@x.example") + _card("Charles Babbage", "charles@x.example")
                    + _card("Grace Hopper", "grace@x.example"), encoding="utf-8")
    with Store.open(tmp_path / "w.db") as store:
        assert import_path(store, book).ok
        [charles] = [pid for (pid,) in store.conn.execute("SELECT id FROM people WHERE name='Charles Babbage'")]
        mark(store, [charles], Decision.KNOWS_ME)
    (tmp_path / "new").mkdir()
    newer = tmp_path / "new" / "phone.vcf"  # the newer export no longer holds Charles
    newer.write_text(_card("Ada Lovelace", "ada@x.example") + _card("Grace Hopper", "grace@x.example")
                     + _card("Alan Turing", "alan@x.example"), encoding="utf-8")
    return newer


def _sources(path: Path) -> int:
    with Store.open(path) as store:
        return store.conn.execute("SELECT count(*) FROM sources").fetchone()[0]


@pilot_test
async def test_an_import_that_would_remove_a_decided_person_is_refused_in_the_table(tmp_path: Path) -> None:
    """The same refusal as `knowme import`: the row says why, the dialog how to go on, and nothing changed."""
    app, workspace = await refused_import(tmp_path)
    before = people(workspace)
    async with app.run_test(size=SIZE) as pilot:
        screen = await import_screen_done(app, pilot)
        outcome = str(screen.query_one("#files", DataTable).get_cell("0", "Outcome"))
        assert outcome.startswith("not imported:") and "Charles Babbage (knows-me)" in outcome
        told = str(screen.query_one("#refusals", Label).render())
        assert screen.query_one("#refusals").display
        assert "1 file not imported" in told and "press r" in told and "press n" in told
        assert "Imported 0 files (0 records), 1 refused" in await reviewing(app, pilot)
    assert people(workspace) == before


@pilot_test
async def test_n_imports_a_refused_file_as_a_new_source_beside_the_earlier_one(tmp_path: Path) -> None:
    app, _ = await refused_import(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await import_screen_done(app, pilot)
        await pressed(app, pilot, "n")
        assert isinstance(app.screen, ImportScreen) and screen.done
        outcome = str(screen.query_one("#files", DataTable).get_cell("0", "Outcome"))
        assert "not imported" not in outcome and not screen.query_one("#refusals").display
        assert screen.dedupe is not None  # the duplicates the new source brought were looked for
        assert "Imported 1 file (3 records)" in await reviewing(app, pilot)
    after = people(tmp_path / "w.db")
    assert after["Charles Babbage"][0] == "knows-me" and "Alan Turing" in after
    assert after["Ada Lovelace"][1] == 2  # its card in both sources, merged
    assert _sources(tmp_path / "w.db") == 2


@pilot_test
async def test_r_replaces_the_earlier_import_once_confirmed(tmp_path: Path) -> None:
    app, workspace = await refused_import(tmp_path)
    before = people(workspace)
    async with app.run_test(size=SIZE) as pilot:
        screen = await import_screen_done(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        confirm = app.screen
        asked = " ".join(getattr(confirm, "question", "").split())
        assert confirm is not screen and "Let phone.vcf replace" in asked and "cannot be undone" in asked
        assert "1 person you decided on or wrote for is no longer in it" in asked and "Charles Babbage (knows-me)" in asked
        await pilot.press("n")  # not now: nothing changes, the refusal stays
        await pilot.pause()
        assert app.screen is screen and people(tmp_path / "w.db") == before
        await pilot.press("r")
        await pilot.pause()
        await pressed(app, pilot, "y")
        outcome = str(screen.query_one("#files", DataTable).get_cell("0", "Outcome"))
        assert outcome.startswith("replaced the earlier import") and "1 decided person no longer in it" in outcome
    after = people(tmp_path / "w.db")
    assert "Charles Babbage" not in after and "Alan Turing" in after and _sources(tmp_path / "w.db") == 1


@pilot_test
async def test_review_file_replace_passes_the_mode_to_the_import(tmp_path: Path) -> None:
    """`knowme review FILE --replace`: the import replaces as `knowme import FILE --replace` does."""
    app, _ = await refused_import(tmp_path, import_mode="replace")
    async with app.run_test(size=SIZE) as pilot:
        screen = await import_screen_done(app, pilot)
        assert str(screen.query_one("#files", DataTable).get_cell("0", "Outcome")).startswith("replaced")
    assert "Charles Babbage" not in people(tmp_path / "w.db")


@pilot_test
async def test_a_cut_short_file_may_only_be_imported_beside_the_earlier_one(tmp_path: Path) -> None:
    """An incomplete file never replaces, not even with r: only n is offered."""
    from knowme.importing import import_path

    book = tmp_path / "phone.vcf"
    text = _card("Ada Lovelace", "ada@x.example") + _card("Charles Babbage", "charles@x.example")
    book.write_text(text, encoding="utf-8")
    with Store.open(tmp_path / "w.db") as store:
        assert import_path(store, book).ok
    (tmp_path / "new").mkdir()
    cut = tmp_path / "new" / "phone.vcf"
    cut.write_text(text[:text.index("FN:Charles") + 6], encoding="utf-8")
    before = people(tmp_path / "w.db")
    app = KnowmeApp(tmp_path / "w.db", import_paths=[cut])
    async with app.run_test(size=SIZE) as pilot:
        screen = await import_screen_done(app, pilot)
        told = str(screen.query_one("#refusals", Label).render())
        assert "press n" in told and "press r" not in told
        assert screen.check_action("retry", ("replace",)) is False
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is screen and people(tmp_path / "w.db") == before


@pilot_test
async def test_importing_a_mixed_folder_shows_each_file_and_the_skipped_ones(tmp_path: Path) -> None:
    """The same outcome as `knowme import FOLDER`: the folder's own source, each file in it imported on its
    own (a row each), and the files that are no address book (a row each, never passed over)."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "phone.vcf").write_text(VCARD, encoding="utf-8")
    (folder / "google.csv").write_text("First Name,Last Name,E-mail 1 - Value\r\nGrace,Hopper,grace@navy.example\r\n",
                                       encoding="utf-8")
    (folder / "photo.bin").write_bytes(bytes(range(256)))
    app = KnowmeApp(tmp_path / "w.db", import_paths=[folder])
    async with app.run_test(size=SIZE) as pilot:
        screen = await import_screen_done(app, pilot)
        assert screen.done
        table = screen.query_one("#files", DataTable)
        rows = [[plain_text(cell).strip() for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert [row[0] for row in rows] == ["mixed", "mixed/google.csv", "mixed/photo.bin"]
        assert rows[0][1:3] == ["vcard", "2"] and rows[1][1:3] == ["google", "1"]
        assert rows[2][4].startswith("skipped: not an address book")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "Imported 2 files (3 records)" in str(app.main.query_one("#status").render())
    assert set(people(tmp_path / "w.db")) == {"Ada Lovelace", "Charles Babbage", "Grace Hopper"}


@pilot_test
async def test_import_from_the_file_picker(tmp_path: Path) -> None:
    book = tmp_path / "google.csv"
    book.write_text("First Name,Last Name,E-mail 1 - Value\r\nGrace,Hopper,grace@navy.example\r\n", encoding="utf-8")
    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, FilePickerScreen)
        app.screen.query_one("#path", Input).value = str(book)
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        await workers_done(app)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.main.query_one(Sidebar).counts["all"] == 11
    assert "Grace Hopper" in people(workspace)


# ---- duplicates and split ---------------------------------------------------------------------------


@pilot_test
async def test_duplicates_modal_merges_keeps_apart_skips_and_undoes(tmp_path: Path) -> None:
    workspace, queued = _with_duplicates(tmp_path)
    assert queued >= 2, "the fixture should leave at least two pairs for review"
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert app.main.query_one(Sidebar).counts["duplicates"] == queued
        screen = await open_pairs(pilot)
        assert screen.current is not None and len(screen.pairs) == queued
        table = screen.query_one("#compare", DataTable)
        assert table.row_count >= 2 and "Records" in str(table.get_row_at(table.row_count - 1)[0])
        await pilot.press("space")  # skip
        assert screen.position == 1
        await pilot.press("left", "y")  # back, then: same person, merged
        assert len(screen.pairs) == queued - 1
        await pilot.press("n")  # not the same: kept apart for good
        assert len(screen.pairs) == queued - 2
        await pilot.press("ctrl+z")  # undo the "not the same"
        assert len(screen.pairs) == queued - 1
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.main.query_one(Sidebar).counts["duplicates"] == queued - 1
    with Store.open(workspace) as store:
        assert store.conn.execute("SELECT count(*) FROM pairs WHERE status='same'").fetchone()[0] == 1
        assert store.conn.execute("SELECT action FROM log WHERE undone=0 ORDER BY id DESC LIMIT 1").fetchone()[0] \
            == "resolve"


def _carol_by_two_names(tmp_path: Path) -> Path:
    """The ten people and Carol Chen's card under her married name, Carol Whitfield (the fuller name,
    so the one shown once merged), queued by the dedupe as one possible person."""
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        from knowme.dedupe.run import run_dedupe

        store_records(store, "google.csv", [Record(source="google.csv", index=1, given="Carol", family="Whitfield",
                                                   formatted_name="Carol Whitfield", org="Initech", title="CTO",
                                                   emails=[Labeled("carol@initech.com", "work")])])
        run_dedupe(store)
        assert len(pending_pairs(store)) == 1
    return workspace


def _names_on_screen(contacts: ContactList) -> list[str]:
    """The names the list's rows show, top to bottom (every row is on the screen; a mark such as the
    connected one's ✓ left out)."""
    shown = [contacts.render_line(y).text for y in range(1, contacts.row_count + 1)]
    return [" ".join([word for word in line.split() if word[0].isalpha()][:2]) for line in shown]


@pilot_test
async def test_the_rows_read_in_order_after_a_merge_of_cards_of_two_names(tmp_path: Path) -> None:
    """Merged in the duplicates dialog, Carol Whitfield was listed where Carol Chen sorts (between Bob
    Baker and Dan Dunn); she is listed where her name sorts, and after undo both cards are again."""
    app = KnowmeApp(_carol_by_two_names(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("8")  # All
        await settle(pilot, app)
        contacts = app.main.query_one(ContactList)
        await open_pairs(pilot)
        await pilot.press("y")
        await workers_done(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert _names_on_screen(contacts) == ["Alice Archer", "Bob Baker", "Dan Dunn", "Erin Evans", "Frank Fischer",
                                              "Grace Green", "Henry Hill", "Ines Ibáñez", "Jack Jones", "Carol Whitfield"]
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert _names_on_screen(contacts)[1:3] == ["Bob Baker", "Carol Chen"]
        assert _names_on_screen(contacts)[-2:] == ["Jack Jones", "Carol Whitfield"]


@pilot_test
async def test_split_a_merged_person_back_into_records(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"dunn", "enter")
        await settle(pilot, app)
        assert app.main.query_one(ContactList).current_row.n_records == 2
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        assert app.main.query_one(ContactList).row_count == 2
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert app.main.query_one(ContactList).row_count == 1
    assert people(workspace)["Daniel Dunn"][1] == 2


@pilot_test
async def test_a_narrow_duplicates_dialog_cuts_its_headings_with_an_ellipsis(tmp_path: Path) -> None:
    """At 60 columns a person's heading does not fit: it says how many records first and ends in "…"
    (it used to stop mid-word, "3 recor")."""
    app = KnowmeApp(make_workspace(tmp_path / "w.db", duplicates=True))
    async with app.run_test(size=(60, 30)) as pilot:
        await settle(pilot, app)
        screen = await open_pairs(pilot)
        table = screen.query_one("#compare", DataTable)
        headings = [str(column.label) for column in table.columns.values()][1:]
        assert [h[:12] for h in headings] == ["A · 1 record", "B · 1 record"]
        assert all(h.endswith("…") for h in headings), headings
    wide = KnowmeApp(make_workspace(tmp_path / "w2.db", duplicates=True))
    async with wide.run_test(size=SIZE) as pilot:
        await settle(pilot, wide)
        screen = await open_pairs(pilot)
        headings = [str(c.label) for c in screen.query_one("#compare", DataTable).columns.values()][1:]
        assert all(" · 1 record · " in h and not h.endswith("…") for h in headings), headings


@pilot_test
async def test_undo_recounts_the_review_queue_only_when_it_changes_it(tmp_path: Path, monkeypatch) -> None:
    """Recounting the queue reads every pending pair (a second at a million of them, on the UI thread):
    undoing a decision leaves it alone, undoing an answer to a pair recounts it, and the count is right."""
    from knowme import views

    recounts = []
    real = views.duplicates_count
    monkeypatch.setattr(views, "duplicates_count", lambda store: recounts.append(1) or real(store))
    workspace, queued = _with_duplicates(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        sidebar = app.main.query_one(Sidebar)
        await pilot.press("k")
        await settle(pilot, app)
        recounts.clear()
        await pilot.press("ctrl+z")  # the decision: the queue is as it was
        await settle(pilot, app)
        assert not recounts and sidebar.counts["duplicates"] == queued
        await open_pairs(pilot)
        await pilot.press("y", "escape")  # same person: one question fewer
        await settle(pilot, app)
        assert sidebar.counts["duplicates"] == queued - 1
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert recounts and sidebar.counts["duplicates"] == queued


@pilot_test
async def test_undoing_the_dedupe_empties_the_review_queue_and_redo_fills_it_again(tmp_path: Path) -> None:
    """ctrl+z straight after a dedupe puts back the people as they were and takes its questions with it:
    the sidebar's Duplicates count goes to 0 (it stayed at the dedupe's count), ctrl+y brings them back."""
    workspace, queued = _with_duplicates(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        sidebar = app.main.query_one(Sidebar)
        assert queued and sidebar.counts["duplicates"] == queued
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert "asked" in str(app.main.query_one("#status").render())
        assert sidebar.counts["duplicates"] == 0
        await pilot.press("ctrl+y")
        await settle(pilot, app)
        assert sidebar.counts["duplicates"] == queued


@pilot_test
async def test_the_duplicates_view_says_how_many_pairs_its_people_make(tmp_path: Path) -> None:
    """The sidebar counts the Duplicates view in questions, every other view in people: the view's title
    gives both, so "Duplicates 1" beside "2 people" is not read as a miscount, and it follows an answer."""
    workspace, queued = _with_duplicates(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("7")
        await settle(pilot, app)
        title = str(app.main.query_one("#list-title", Label).render())
        assert f"in {queued} pair" in title and "people" in title, title
        await open_pairs(pilot)
        await pilot.press("y", "escape")  # the same person: no question left
        await settle(pilot, app)
        title = str(app.main.query_one("#list-title", Label).render())
        assert f"in {queued - 1} pair" in title, title


@pilot_test
async def test_a_large_undo_runs_off_the_ui_thread_behind_a_screen_that_holds_the_keys(
        tmp_path: Path, monkeypatch) -> None:
    """Undoing a dedupe of 100k records takes seconds: the screen keeps drawing and says so, and a key
    pressed meanwhile decides nothing about a list that is about to change."""
    import threading

    from knowme.tui import history
    from knowme.tui.screens.confirm import BusyScreen

    monkeypatch.setattr(history, "BIG_STEP_BYTES", 0)  # every undo counts as large here
    gate, threads = threading.Event(), []
    real_undo = Store.undo

    def held_undo(store: Store):
        threads.append(threading.current_thread())
        assert gate.wait(10)
        return real_undo(store)

    monkeypatch.setattr(Store, "undo", held_undo)
    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        contacts = app.main.query_one(ContactList)
        name = contacts.current_row.name
        await pilot.press("x")  # exclude the first person
        await settle(pilot, app)
        assert decisions(workspace)[name] == "exclude"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, BusyScreen)
        assert "Undoing" in " ".join(str(label.render()) for label in app.screen.query(Label))
        await pilot.press("k", "p")  # held: nobody is marked while the undo runs
        gate.set()
        await settle(pilot, app)
        assert not isinstance(app.screen, BusyScreen)
        assert threads and threading.main_thread() not in threads
        assert decisions(workspace)[name] == "undecided" and list(decisions(workspace).values()).count("undecided") == 10
        assert "Undone:" in str(app.main.query_one("#status").render())
        assert app.main.query_one(Sidebar).counts["exclude"] == 0


@pilot_test
async def test_a_large_undo_that_fails_gives_the_keys_back_and_says_nothing_changed(
        tmp_path: Path, monkeypatch) -> None:
    """A disk error in the middle of a large undo: the busy screen goes, the status line says nothing
    changed (the undo's transaction rolled back), and the decision stands."""
    import sqlite3

    from knowme.tui import history
    from knowme.tui.screens.confirm import BusyScreen

    monkeypatch.setattr(history, "BIG_STEP_BYTES", 0)

    def failing_undo(store: Store):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "undo", failing_undo)
    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        name = app.main.query_one(ContactList).current_row.name
        await pilot.press("x")
        await settle(pilot, app)
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert not isinstance(app.screen, BusyScreen)
        assert "Could not undo: nothing changed." in str(app.main.query_one("#status").render())
        assert decisions(workspace)[name] == "exclude"
        await pilot.press("k")  # the keys are back
        await settle(pilot, app)
        assert list(decisions(workspace).values()).count("knows-me") == 1


@pilot_test
async def test_the_duplicates_dialog_undoes_a_large_answer_in_a_worker(tmp_path: Path, monkeypatch) -> None:
    import threading

    from knowme.tui import history

    monkeypatch.setattr(history, "BIG_STEP_BYTES", 0)
    threads = []
    real_undo = Store.undo
    monkeypatch.setattr(Store, "undo", lambda store: threads.append(threading.current_thread()) or real_undo(store))
    workspace, queued = _with_duplicates(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_pairs(pilot)
        await pilot.press("y")
        assert len(screen.pairs) == queued - 1
        await pilot.press("ctrl+z")
        await workers_done(app)
        await pilot.pause()
        assert len(screen.pairs) == queued and not screen.busy
        assert threads and threading.main_thread() not in threads


# ---- outreach ---------------------------------------------------------------------------------------


@pilot_test
async def test_outreach_editor_fills_lints_counts_and_saves(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("o")  # Alice is undecided: the editor is for personalize people
        assert not isinstance(app.screen, OutreachScreen)
        await pilot.press("p", "3")
        await settle(pilot, app)
        screen = await open_screen(pilot, "o", OutreachScreen)
        screen.query_one("#how", Select).value = "colleague"
        screen.query_one("#context", Input).value = "Acme"
        screen.query_one("#why", Select).value = "keep-in-touch"
        await pilot.pause()
        assert screen.query_one("#template", Select).value == "colleague"  # follows how we know them
        await pilot.press("ctrl+t")
        area = screen.query_one("#draft", TextArea)
        assert area.text.startswith("Hi Alice, we worked together at Acme.")
        counter = str(screen.query_one("#counter", Static).render())
        assert f"{len(area.text)}/300" in counter and "free accounts: 200" in counter
        area.text = "I'd like to add you to my professional network on LinkedIn."
        await pilot.pause()
        assert "canned" in str(screen.query_one("#findings", Static).render())
        area.text = "Hi Alice, we worked together at Acme. I would like to stay in touch."
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, OutreachScreen)
    with Store.open(workspace) as store:
        alice = store.person(store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0])
        assert alice.how == "colleague" and alice.context == "Acme" and alice.why == "keep-in-touch"
        assert alice.draft == "Hi Alice, we worked together at Acme. I would like to stay in touch."


# ---- export -----------------------------------------------------------------------------------------


@pilot_test
async def test_export_dialog_shows_preflight_and_writes_both_files(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        mark(store, [ids["Alice Archer"], ids["Bob Baker"]], Decision.KNOWS_ME)
        mark(store, [ids["Carol Chen"]], Decision.PERSONALIZE)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_screen(pilot, "e", ExportScreen)
        safe = tmp_path / "safe.csv"
        screen.query_one("#path", Input).value = str(safe)
        await workers_done(app)
        await pilot.pause()
        shown = str(screen.query_one("#preflight", Static).render())
        assert "2 knows-me people go out" in shown and "6 undecided people left out" in shown  # Erin is connected
        await pilot.press("ctrl+e")
        await workers_done(app)
        await pilot.pause()
        assert "Wrote 2 knows-me people" in str(screen.query_one("#result", Static).render())
        screen.query_one("#kind-outreach").value = True
        await workers_done(app)
        await pilot.pause()
        outreach = tmp_path / "outreach.md"
        screen.query_one("#path", Input).value = str(outreach)
        await pilot.press("ctrl+e")
        await workers_done(app)
        await pilot.pause()
    assert "alice@acme.com" in safe.read_text(encoding="utf-8")
    assert "Carol Chen" in outreach.read_text(encoding="utf-8")


@pilot_test
async def test_the_export_dialog_writes_no_outreach_queue_while_a_personalize_person_may_be_excluded(
        tmp_path: Path) -> None:
    """The outreach queue is gated like the safe file: Carol Chen (personalize) shares Henry Hill's
    address, and Henry is excluded. Nothing is written, and the dialog says who and why."""
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        mark(store, [ids["Carol Chen"]], Decision.PERSONALIZE)
        store_records(store, "old.vcf", [Record(source="old.vcf", index=1, given="Carol", family="Chen",
                                                formatted_name="Carol Chen", emails=[Labeled("henry@oscorp.com", "")])])
        old = store.conn.execute("SELECT person_id FROM records WHERE rkey LIKE 'old.vcf%'").fetchone()[0]
        merge_people(store, ids["Carol Chen"], [old])  # her old card gave Henry's address
        mark(store, [ids["Henry Hill"]], Decision.EXCLUDE)
    app = KnowmeApp(workspace)
    outreach = tmp_path / "outreach.md"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_screen(pilot, "e", ExportScreen)
        screen.query_one("#kind-outreach").value = True
        await workers_done(app)
        await pilot.pause()
        # before anything is written: the dialog lists the conflict, as the safe export's does
        assert "Blocked: 1 personalize person may be excluded" in str(screen.query_one("#preflight").render())
        listed = screen.query_one("#lookalikes", OptionList)
        assert listed.display and listed.option_count == 1
        prompt = plain_text(listed.get_option_at_index(0).prompt)
        assert "Carol Chen (personalize)" in prompt and "Henry Hill (excluded)" in prompt
        assert screen.query_one("#export", Button).disabled
        screen.query_one("#path", Input).value = str(outreach)
        await pilot.press("ctrl+e")
        await workers_done(app)
        await pilot.pause()
        shown = str(screen.query_one("#result", Static).render())
        assert shown == "Nothing written: resolve the 1 conflict listed above first."
        assert not outreach.exists()
        listed.focus()
        await pressed(app, pilot, "n")  # Carol is not Henry: she goes out, his address stays out
        assert not listed.display and not screen.query_one("#export", Button).disabled
        await pressed(app, pilot, "ctrl+e")
        assert str(screen.query_one("#result", Static).render()).startswith("✓ Wrote 1 personalize person")
    written = outreach.read_text(encoding="utf-8")
    assert "Carol Chen" in written and "henry@oscorp.com" not in written


def _two_jack_joneses(tmp_path: Path, decision: Decision) -> Path:
    """A workspace where one Jack Jones (of Initrode) has `decision` and another is excluded."""
    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        store_records(store, "old.csv", [Record(source="old.csv", index=1, given="Jack", family="Jones",
                                                formatted_name="Jack Jones", org="Initrode")])
        first, second = [pid for (pid,) in store.conn.execute("SELECT id FROM people WHERE name = 'Jack Jones' "
                                                             "ORDER BY id")]
        mark(store, [first], decision)
        mark(store, [second], Decision.EXCLUDE)
    return workspace


@pilot_test
async def test_x_on_an_outreach_conflict_excludes_the_personalize_person(tmp_path: Path) -> None:
    workspace = _two_jack_joneses(tmp_path, Decision.PERSONALIZE)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_screen(pilot, "e", ExportScreen)
        screen.query_one("#kind-outreach").value = True
        await workers_done(app)
        await pilot.pause()
        assert screen.query_one("#lookalikes").display and screen.query_one("#export", Button).disabled
        await pressed(app, pilot, "x")
        assert not screen.query_one("#lookalikes").display and not screen.query_one("#export", Button).disabled
        assert "Excluded the personalize one" in str(app.main.query_one("#status").render())
    with Store.open(workspace) as store:
        assert [d for (d,) in store.conn.execute("SELECT decision FROM people WHERE name='Jack Jones'")] == \
            ["exclude", "exclude"]


@pilot_test
async def test_export_is_blocked_until_a_lookalike_is_resolved(tmp_path: Path) -> None:
    workspace = _two_jack_joneses(tmp_path, Decision.KNOWS_ME)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#export", Button).disabled
        assert screen.query_one("#lookalikes").display
        await pressed(app, pilot, "n")  # different people
        assert not screen.query_one("#export", Button).disabled
        assert not screen.query_one("#lookalikes").display


# ---- overview and help ------------------------------------------------------------------------------


@pilot_test
async def test_overview_shows_progress_per_source_and_years(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("k", "k", "v")
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        progress = str(screen.query_one("#progress-text").render())
        assert "2 of 9 people decided (22%)" in progress and "1 already connected" in progress
        from knowme.tui.screens.overview import year_chart

        text = plain_text(year_chart(screen.data.year_series()))
        assert all(str(year) in text for year in range(2016, 2025))  # every year labelled
        assert "2016" in text and text.splitlines()[0].rstrip().endswith("1")  # and counted
        table = screen.query_one("#per-source", DataTable)
        assert table.row_count == 1 and str(table.get_cell_at((0, 0))) == "phone.vcf"
        # the source's row agrees with the line above: the connected person is no one to decide
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[3:] == ["2", "0", "0", "7", "22%"]
        assert screen.data is not None and screen.data.year_series()[0] == (2016, 1)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, OverviewScreen)


@pilot_test
async def test_help_lists_every_key(tmp_path: Path) -> None:
    app = KnowmeApp(make_workspace(tmp_path / "w.db"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = plain_text(app.screen.content())
        for needle in ("Knows me", "Personalize", "Exclude", "Undo", "Filter", "Same person", "Fill from template",
                       "Export", "Split", "Overview"):
            assert needle in text, needle
        await pilot.press("escape")


@pilot_test
async def test_dialogs_open_in_a_small_terminal(tmp_path: Path) -> None:
    size = (80, 24)
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    with Store.open(workspace) as store:
        mark(store, [store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0]],
             Decision.PERSONALIZE)
    app = KnowmeApp(workspace)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        for key, screen_type in (("d", DuplicatesScreen), ("e", ExportScreen), ("v", OverviewScreen),
                                 ("question_mark", HelpScreen)):
            await pilot.press(key)
            await workers_done(app)
            await pilot.pause()
            assert isinstance(app.screen, screen_type)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("3")
        await settle(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutreachScreen)
        assert app.screen.query_one("#draft").region.height > 0


@pilot_test
async def test_outreach_fill_selects_the_blank_tab_goes_on_and_a_failing_note_says_so(tmp_path: Path) -> None:
    """Fill selects the first blank to type over, tab the next, then Save; a note that fails the
    linter saves (nothing typed is lost) but the status line, the detail pane, the list's Note
    column and the Notes to fix view all say it cannot be sent."""
    from knowme.tui.widgets.detail import DetailPane

    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("p", "3")
        await settle(pilot, app)
        contacts = app.main.query_one(ContactList)
        assert "Note" in contacts.render_line(0).text and "note needed" in contacts.render_line(1).text
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+t")
        area = screen.query_one("#draft", TextArea)
        assert area.text == "Hi Alice, {context}. {why}" and area.selected_text == "{context}"
        await pilot.press(*"we met at PyCon")  # typing replaces the blank
        assert area.text.startswith("Hi Alice, we met at PyCon. {why}")
        await pilot.press("tab")
        assert area.selected_text == "{why}"
        await pilot.press("tab")  # no blank left after it: on to Save, never to Cancel or back to How
        assert app.focused is screen.query_one("#save", Button)
        area.text = "Hi Alice, " + "I'd like to add you to my professional network. " * 7
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, OutreachScreen)
        status = str(app.main.query_one("#status").render())
        assert "cannot be sent yet" in status and "canned" in status and "too-long" in status
        detail = app.main.query_one(DetailPane).plain_text()
        assert "✗ to fix" in detail and "canned default text" in detail
        assert "✗ to fix" in contacts.render_line(1).text
        assert app.main.query_one(Sidebar).counts["notes"] == 1
        await pilot.press("9")
        await settle(pilot, app)
        assert contacts.row_count == 1 and contacts.current_row.name == "Alice Archer"
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#draft", TextArea).text = ("Hi Alice, we met at PyCon and I would like to "
                                                          "keep in touch.")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "✓ ready" in str(app.main.query_one("#status").render())
        assert contacts.row_count == 0 and app.main.query_one(Sidebar).counts["notes"] == 0


@pilot_test
async def test_outreach_editor_checks_the_greeting_against_the_person(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("p", "3")
        await settle(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#draft", TextArea).text = "Hi Bob, we met at PyCon and I would like to keep in touch."
        await pilot.pause()
        assert "wrong-name" in str(app.screen.query_one("#findings", Static).render())


@pilot_test
async def test_duplicates_show_long_values_whole_and_no_buttons_once_all_are_answered(tmp_path: Path) -> None:
    from knowme.tui.screens.duplicates import _cell

    long_url = "https://www.linkedin.com/in/" + "erin-evans-" * 6 + "end"
    assert "".join(_cell([long_url], [], False, 20).plain.split("\n")) == long_url  # wrapped, never cut
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot, app)
        screen = await open_pairs(pilot)
        while screen.current is not None:
            await pilot.press("n")
            await pilot.pause()
        assert "No possible duplicates left" in str(screen.query_one("#pair-title").render())
        for button in ("#same", "#different", "#skip"):
            assert not screen.query_one(button, Button).display
        assert app.focused is screen.query_one("#close", Button)


@pilot_test
async def test_help_says_decisions_move_on_and_lists_each_key_once_per_section(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        text = plain_text(app.screen.content())
        assert "then on to the next undecided" in text
        import_section = text.split("Import (i)")[1].split("Overview (v)")[0]
        assert sum(1 for line in import_section.splitlines() if line.strip().startswith("esc")) == 1


@pilot_test
async def test_undo_after_a_duplicate_answer_names_the_people(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y", "escape")
        await settle(pilot, app)
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        status = str(app.main.query_one("#status").render())
        assert "Undone:" in status and "the same person, merged" in status
        assert "pair " not in status and not any(ch.isdigit() for ch in status.split("Undone:")[1].split("(")[0])


@pilot_test
async def test_export_dialog_asks_before_replacing_a_file(tmp_path: Path) -> None:
    from knowme.tui.screens.confirm import ConfirmScreen

    workspace = make_workspace(tmp_path / "w.db")
    with Store.open(workspace) as store:
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        mark(store, [ids["Alice Archer"]], Decision.KNOWS_ME)
    safe = tmp_path / "safe.csv"
    safe.write_text("last time's file")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_screen(pilot, "e", ExportScreen)
        screen.query_one("#path", Input).value = str(safe)
        await workers_done(app)
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it
        await workers_done(app)
        await pilot.pause()
        assert app.screen is screen and safe.read_text() == "last time's file"
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await workers_done(app)
        await pilot.pause()
        assert "Wrote 1 knows-me person" in str(screen.query_one("#result", Static).render())
    assert "alice@acme.com" in safe.read_text(encoding="utf-8")


@pilot_test
async def test_r_never_lets_go_of_someone_the_confirm_did_not_name(tmp_path: Path) -> None:
    """Another terminal decided on Dora after the dialog named only Charles: the replacement, confirmed for
    Charles, dropped Dora with her decision and note. It is refused again, naming both."""
    from knowme.importing import import_path

    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    book, newer = tmp_path / "v1" / "phone.vcf", tmp_path / "v2" / "phone.vcf"
    book.write_text("".join(_card(n, e) for n, e in (("Ada Lovelace", "ada@x.example"), ("Charles Babbage", "c@x.example"),
                                                       ("Dora Dean", "dora@x.example"), ("Grace Hopper", "g@x.example"))),
                    encoding="utf-8")
    newer.write_text("".join(_card(n, e) for n, e in (("Ada Lovelace", "ada@x.example"), ("Grace Hopper", "g@x.example"),
                                                        ("Alan Turing", "alan@x.example"))), encoding="utf-8")
    workspace = tmp_path / "w.db"
    with Store.open(workspace) as store:
        assert import_path(store, book).ok
        ids = dict(store.conn.execute("SELECT name, id FROM people"))
        mark(store, [ids["Charles Babbage"]], Decision.KNOWS_ME)
    app = KnowmeApp(workspace, import_paths=[newer])
    async with app.run_test(size=SIZE) as pilot:
        screen = await import_screen_done(app, pilot)
        with Store.open(workspace) as other:  # meanwhile, in another terminal
            mark(other, [ids["Dora Dean"]], Decision.KNOWS_ME, note="met at PyCon, important")
        await pilot.press("r")
        await pilot.pause()
        assert "Dora" not in getattr(app.screen, "question", "")  # the dialog knew only of Charles
        await pressed(app, pilot, "y")
        outcome = str(screen.query_one("#files", DataTable).get_cell("0", "Outcome"))
        assert outcome.startswith("not imported:") and "Dora Dean (knows-me)" in outcome
    assert people(workspace)["Dora Dean"][0] == "knows-me"


@pytest.mark.parametrize("key", ["n", "x"])
@pilot_test
async def test_a_conflict_whose_person_another_command_merged_away_is_checked_again_not_resolved(
        tmp_path: Path, key: str) -> None:
    """n on such a conflict stopped the app with a traceback ("no records to compare"); x said "Excluded the
    personalize one" and excluded nobody. Now neither acts on the person who is gone: the list is read again."""
    workspace = _two_jack_joneses(tmp_path, Decision.PERSONALIZE)
    with Store.open(workspace) as store:
        first, _excluded = [pid for (pid,) in store.conn.execute("SELECT id FROM people WHERE name='Jack Jones' ORDER BY id")]
        alice = store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0]
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = await open_screen(pilot, "e", ExportScreen)
        screen.query_one("#kind-outreach").value = True
        await workers_done(app)
        await pilot.pause()
        assert screen.query_one("#lookalikes").display
        with Store.open(workspace) as other:  # another terminal merges the personalize Jack into Alice
            merge_people(other, alice, [first])
            before = other.conn.execute("SELECT decision FROM people WHERE id=?", (alice,)).fetchone()[0]
        await pressed(app, pilot, key)
        assert app.is_running and "no longer here" in str(screen.query_one("#result", Static).render())
        assert screen.query_one("#export", Button).disabled  # the conflict is Alice's now: still to resolve
    with Store.open(workspace) as store:
        assert store.conn.execute("SELECT decision FROM people WHERE id=?", (alice,)).fetchone()[0] == before
