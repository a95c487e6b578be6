"""The review UI while another command changes the workspace (the README lets the UI stay open beside
other commands): a row whose person another command merged away is never acted on as if it were there,
an edit is never reported saved when it was not, nothing typed is thrown away without asking, and a
workspace busy with another writer is said in a line rather than stopping the app."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_helpers import make_workspace, pilot_test, workers_done

from knowme.dedupe.merge import merge_people
from knowme.model import Decision
from knowme.store.core import Store
from knowme.triage import mark
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.screens.outreach import OutreachScreen
from knowme.tui.widgets.contact_list import ContactList
from textual.widgets import TextArea

SIZE = (120, 36)


def ids_by_name(path: Path) -> dict[str, int]:
    with Store.open(path) as store:
        return {name: pid for pid, name in store.conn.execute("SELECT id, name FROM people")}


def person_row(path: Path, pid: int) -> tuple[str, str] | None:
    with Store.open(path) as store:
        return store.conn.execute("SELECT decision, draft FROM people WHERE id=?", (pid,)).fetchone()


async def on_person(app: KnowmeApp, pilot, pid: int) -> None:
    """The All view read, and its cursor on this person."""
    await pilot.pause()
    await workers_done(app)
    await pilot.press("8")  # All
    await pilot.pause()
    contacts = app.main.query_one(ContactList)
    await contacts.wait_loaded()
    contacts.move_to(list(contacts.ids).index(pid))
    await pilot.pause()


def personalize(path: Path, *pids: int) -> None:
    with Store.open(path) as store:
        mark(store, list(pids), Decision.PERSONALIZE)


def dan_personalize(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """The ten-person workspace with Dan Dunn marked personalize (the note editor is for such people)."""
    workspace = make_workspace(tmp_path / "w.db")
    ids = ids_by_name(workspace)
    personalize(workspace, ids["Dan Dunn"])
    return workspace, ids


async def pressed(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def merged_elsewhere(path: Path, keep: int, other: int) -> None:
    """What `knowme resolve PAIR same` in another terminal does to the workspace: `other` goes."""
    with Store.open(path) as store:
        merge_people(store, keep, [other])


def status(app: KnowmeApp) -> str:
    return str(app.main.query_one("#status").render())


@pilot_test
async def test_x_on_a_row_another_command_merged_away_says_so_and_changes_nothing(tmp_path: Path) -> None:
    """The row's person went into another one: x said "already exclude", changed nobody, and the merged
    person stayed personalize, in the outreach queue."""
    workspace = make_workspace(tmp_path / "w.db")
    ids = ids_by_name(workspace)
    bob, dan = ids["Bob Baker"], ids["Dan Dunn"]
    with Store.open(workspace) as store:
        mark(store, [bob, dan], Decision.PERSONALIZE)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await on_person(app, pilot, dan)
        merged_elsewhere(workspace, bob, dan)
        await pilot.press("x")
        await workers_done(app)
        await pilot.pause()
        said = status(app)
        assert "no longer here" in said and "already" not in said and "nothing was changed" in said
        await app.main.query_one(ContactList).wait_loaded()
        assert dan not in app.main.query_one(ContactList).ids  # the list was read again
    assert person_row(workspace, bob)[0] == "personalize"  # nobody was excluded in its place, silently or not


@pilot_test
async def test_o_on_a_row_another_command_merged_away_does_not_stop_the_app(tmp_path: Path) -> None:
    workspace, ids = dan_personalize(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await on_person(app, pilot, ids["Dan Dunn"])
        merged_elsewhere(workspace, ids["Bob Baker"], ids["Dan Dunn"])
        await pressed(pilot, "o")
        assert not isinstance(app.screen, OutreachScreen) and "no longer here" in status(app)


@pilot_test
async def test_a_note_saved_for_a_person_merged_away_meanwhile_is_not_called_saved(tmp_path: Path) -> None:
    """ctrl+s said "Saved the note" and no one held it. The editor stays open with the text, and says why."""
    workspace, ids = dan_personalize(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await on_person(app, pilot, ids["Dan Dunn"])
        await pressed(pilot, "o")
        editor = app.screen
        assert isinstance(editor, OutreachScreen)
        editor.query_one("#draft", TextArea).text = "Hi Dan, great to see you at PyCon; let's keep in touch."
        merged_elsewhere(workspace, ids["Bob Baker"], ids["Dan Dunn"])
        await pressed(pilot, "ctrl+s")
        assert app.screen is editor and "let's keep in touch" in editor.query_one("#draft", TextArea).text
        assert any("no longer in the workspace" in str(n.message) for n in app._notifications)
        assert "Saved" not in status(app)


@pilot_test
async def test_escape_in_the_note_editor_asks_before_throwing_typed_text_away(tmp_path: Path) -> None:
    workspace, ids = dan_personalize(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await on_person(app, pilot, ids["Dan Dunn"])
        await pressed(pilot, "o")
        editor = app.screen
        await pressed(pilot, "escape")  # nothing typed: closes at once
        assert not isinstance(app.screen, OutreachScreen)
        await pressed(pilot, "o")
        editor = app.screen
        editor.query_one("#draft", TextArea).text = "Hi Dan, great to see you at PyCon."
        await pressed(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pressed(pilot, "n")  # keep editing
        assert app.screen is editor and "PyCon" in editor.query_one("#draft", TextArea).text
        await pressed(pilot, "ctrl+q")  # quitting asks too
        assert isinstance(app.screen, ConfirmScreen)
        await pressed(pilot, "n")
        await pressed(pilot, "escape")
        await pressed(pilot, "y")  # discard
        assert not isinstance(app.screen, (OutreachScreen, ConfirmScreen))
    assert person_row(workspace, ids["Dan Dunn"])[1] == ""


@pilot_test
async def test_a_key_pressed_while_another_knowme_holds_the_workspace_is_said_not_fatal(tmp_path: Path) -> None:
    """Another command writing for longer than a writer waits: the app stopped with a traceback. Now the
    key's change is not made, a line says why, and the app goes on; pressed again later, it is made."""
    workspace, ids = dan_personalize(tmp_path)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await on_person(app, pilot, ids["Dan Dunn"])
        app.store.conn.execute("PRAGMA busy_timeout=50")
        other = sqlite3.connect(workspace, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another knowme's long write
        await pressed(pilot, "k")
        assert any("busy" in str(n.message) for n in app._notifications)
        assert person_row(workspace, ids["Dan Dunn"])[0] == "personalize"
        other.execute("ROLLBACK")
        other.close()
        await pilot.press("k")
        await workers_done(app)
        await pilot.pause()
        assert app.is_running
    assert person_row(workspace, ids["Dan Dunn"])[0] == "knows-me"


@pilot_test
async def test_the_duplicates_dialog_stays_until_a_whole_group_is_answered(tmp_path: Path) -> None:
    """Closed while a group was being answered, the list behind showed the people it merged away and
    the old counts, and a key pressed there joined the group's unfinished write."""
    from tui_helpers import open_pairs

    from knowme.tui.screens.duplicates import ANSWERING_GROUP, DuplicatesScreen

    app = KnowmeApp(make_workspace(tmp_path / "w.db", duplicates=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await workers_done(app)
        screen = await open_pairs(pilot)
        assert isinstance(screen, DuplicatesScreen)
        screen.busy = ANSWERING_GROUP  # (the group's worker is under way)
        await pressed(pilot, "escape")
        assert app.screen is screen
        screen.busy = ""
        await pressed(pilot, "escape")
        assert not isinstance(app.screen, DuplicatesScreen)


@pilot_test
async def test_a_dialogs_answer_that_meets_a_busy_workspace_is_said_not_fatal(tmp_path: Path) -> None:
    """Answering "Split" while another knowme held the workspace stopped the app with a traceback: a
    dialog's answer runs after the key that opened it."""
    from knowme.tui.screens.duplicates import confirm_split

    workspace = make_workspace(tmp_path / "w.db")
    ids = ids_by_name(workspace)
    merged_elsewhere(workspace, ids["Bob Baker"], ids["Dan Dunn"])
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await on_person(app, pilot, ids["Bob Baker"])
        confirm_split(app, ids["Bob Baker"])
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        app.store.conn.execute("PRAGMA busy_timeout=50")
        other = sqlite3.connect(workspace, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        await pressed(pilot, "y")
        assert any("busy" in str(n.message) for n in app._notifications) and app.is_running
        other.execute("ROLLBACK")
        other.close()
    with Store.open(workspace) as store:
        assert store.conn.execute("SELECT n_records FROM people WHERE id=?", (ids["Bob Baker"],)).fetchone()[0] == 2
