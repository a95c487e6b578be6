"""Keys typed ahead: each acts on exactly what the screen shows when it is handled.

A key typed while the list is read again (after an undo, a view switch, a sort, a filter) waits for
the list the user will see, then acts on it, in the order typed; none is applied to a list about to be
replaced, nor lost. The keys are sent in one burst, as a fast typist's (or a busy terminal's) arrive.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from knowme.tui.app import KnowmeApp
from knowme.tui.widgets.contact_list import ContactList
from knowme.tui.widgets.filter import FilterInput
from textual import events
from tui_helpers import decisions, list_settled, make_workspace, pilot_test

from knowme import views

SIZE = (120, 36)


def gated_reads(monkeypatch: pytest.MonkeyPatch, held: Callable[[Any], bool]) -> threading.Event:
    """The list reads `held` picks wait until the returned event is set: the screen is caught reading."""
    list_people, gate = views.list_people, threading.Event()

    def read(store, query, offset=0, limit=None, **options):
        if held(query):
            assert gate.wait(10)
        return list_people(store, query, offset, limit, **options)

    monkeypatch.setattr(views, "list_people", read)
    return gate

@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "w.db")


def burst(app: KnowmeApp, *keys: str) -> None:
    """Send keys with no pause between them: none is handled before the last has arrived."""
    for key in keys:
        character = {"slash": "/", "enter": "\r", "space": " "}.get(key, key if len(key) == 1 else None)
        app._driver.send_message(events.Key(key, character))


def contacts(app: KnowmeApp) -> ContactList:
    return app.main.query_one(ContactList)


def excluded(path: Path) -> list[str]:
    return [name for name, decision in decisions(path).items() if decision == "exclude"]


@pilot_test
async def test_a_decision_typed_right_after_an_undo_acts_on_the_person_the_undo_shows(workspace: Path) -> None:
    """k on Carol moves on to Dan; ctrl+z puts Carol back and highlights her: the x typed right behind
    it excluded Dan, no longer highlighted, as the undo's list was still being read."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("down", "down", "k")
        await list_settled(pilot, app)
        assert decisions(workspace)["Carol Chen"] == "knows-me" and contacts(app).current_row.name == "Dan Dunn"
        burst(app, "ctrl+z", "x")
        await list_settled(pilot, app)
        assert excluded(workspace) == ["Carol Chen"]
        assert decisions(workspace)["Dan Dunn"] == "undecided"
        assert contacts(app).current_row.name == "Dan Dunn"  # x moved on from Carol, as typed slowly


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten people, read as a big book is: a first window (or page) of three, then the whole list."""
    from knowme.tui.screens import main as main_screen
    from knowme.tui.widgets import contact_list

    monkeypatch.setattr(main_screen, "HEAD_BEFORE", 1)
    monkeypatch.setattr(main_screen, "HEAD_SIZE", 3)
    monkeypatch.setattr(contact_list, "FIRST_PAGE", 3)


@pilot_test
async def test_end_typed_right_after_a_view_switch_reaches_the_end_of_the_whole_view(
        workspace: Path, small_pages: None) -> None:
    """8 End x: End went to the end of the first window (the third person), x excluded them, and the whole
    list, once read, put the cursor back where the view opened."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "8", "end", "x")
        await list_settled(pilot, app)
        assert contacts(app).query_spec.view == "all" and contacts(app).row_count == 10
        assert excluded(workspace) == ["Jack Jones"]  # the last of All, by name
        assert contacts(app).cursor == 9  # still at the end, where x was typed


@pilot_test
async def test_keys_typed_right_after_a_new_sort_act_on_the_new_order(workspace: Path, small_pages: None) -> None:
    """s End x: End and x acted on the name order still shown (Jack Jones excluded); by company, the last
    undecided person is Dan Dunn (no company)."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "s", "end", "x")
        await list_settled(pilot, app)
        assert contacts(app).query_spec.sort == "company"
        assert excluded(workspace) == ["Dan Dunn"]


@pilot_test
async def test_a_click_on_the_first_window_is_kept_when_the_whole_view_arrives(
        workspace: Path, small_pages: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole list, read after a view's first window, put the cursor back on the person the view
    opened on: a click made meanwhile was undone under the user's eyes."""
    gate = gated_reads(monkeypatch, lambda query: query.view == "all")  # the All view's reads wait for the gate
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("8")
        await pilot.pause()
        assert contacts(app).row_count == 3 and contacts(app).current_row.name == "Alice Archer"
        await pilot.click(ContactList, offset=(5, 3))  # the third row of the window
        await pilot.pause()
        assert contacts(app).current_row.name == "Carol Chen"
        gate.set()
        await list_settled(pilot, app)
        assert contacts(app).row_count == 10 and contacts(app).current_row.name == "Carol Chen"


@pilot_test
async def test_letters_typed_with_the_slash_are_kept_when_more_follow(workspace: Path) -> None:
    """"/smi" in one burst, then "th": the input, focused after the first letters were put in, selected
    them, and the next letter replaced them (the filter read "th")."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "slash", "b", "a", "k")
        await list_settled(pilot, app)
        await pilot.press("e", "r")
        await list_settled(pilot, app)
        assert app.main.query_one(FilterInput).value == "baker"
        assert contacts(app).query_spec.text == "baker" and contacts(app).current_row.name == "Bob Baker"


@pilot_test
async def test_a_key_typed_right_after_enter_in_the_filter_acts_on_the_filtered_list(workspace: Path) -> None:
    """"/hill", enter, x in one burst: enter's return to the list came late, and x was typed into the
    filter ("hillx": nobody), where it should exclude Henry Hill, the one person the filter shows."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "slash", "h", "i", "l", "l", "enter", "x")
        await list_settled(pilot, app)
        assert app.main.query_one(FilterInput).value == "hill"
        assert excluded(workspace) == ["Henry Hill"]
        assert app.main.focused is contacts(app)


@pilot_test
async def test_a_key_typed_right_after_esc_in_the_filter_acts_on_the_whole_list(workspace: Path) -> None:
    """"/hill", esc, down, x in one burst: esc clears the filter and returns to the list, which opens at
    its top; down and x then exclude its second person, as when typed slowly."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "slash", "h", "i", "l", "l", "escape", "down", "x")
        await list_settled(pilot, app)
        assert app.main.query_one(FilterInput).value == "" and contacts(app).query_spec.text == ""
        assert excluded(workspace) == ["Bob Baker"]


@pilot_test
async def test_a_key_typed_right_after_enter_in_an_open_filter_leaves_the_filter(workspace: Path) -> None:
    """The filter open and typed in, then enter and x in one burst: both reach the input, which typed
    the x in itself before enter's return to the list was handled."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("slash", "h", "i", "l", "l")
        await list_settled(pilot, app)
        assert app.main.focused is app.main.query_one(FilterInput)
        burst(app, "enter", "x")
        await list_settled(pilot, app)
        assert app.main.query_one(FilterInput).value == "hill"
        assert excluded(workspace) == ["Henry Hill"]


@pilot_test
async def test_undos_typed_in_a_row_in_the_duplicates_dialog_are_each_taken(tmp_path: Path) -> None:
    """Three answers, then ctrl+z ctrl+z in one burst: the first undo reads the queue again, and the
    second was refused ("Reading the possible duplicates… One moment."): one answer undone, not two."""
    from knowme.dedupe.run import pending_pairs
    from knowme.store.core import Store
    from tui_helpers import open_pairs, workers_done

    workspace = make_workspace(tmp_path / "w.db", duplicates=True)

    def waiting() -> int:
        with Store.open(workspace) as store:
            return len(pending_pairs(store))

    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        queued = waiting()
        screen = await open_pairs(pilot)
        for key in ("y", "n", "y"):
            await pilot.press(key)
            await workers_done(app)
            await pilot.pause()
        assert screen.answered == 3 and waiting() == queued - 3
        burst(app, "ctrl+z", "ctrl+z")
        for _ in range(3):  # each undo reads the queue again, in a worker
            await pilot.pause()
            await workers_done(app)
        await pilot.pause()
        assert waiting() == queued - 1 and screen.answered == 1
        assert not any("One moment" in n.message for n in app._notifications)


@pytest.mark.parametrize("one_read", [False, True], ids=["key by key", "in one read"])
@pilot_test
async def test_a_filter_typed_behind_waiting_keys_waits_its_turn(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 one_read: bool) -> None:
    """s, then End x while the new order is still read, then /hill enter x: End and x act on the company
    order (Dan Dunn, no company, is last), and only then the filter opens (Henry Hill). The filter opened at
    once, and End and x acted on the filtered list. Arriving in one read, the slash reached the screen
    before End and x had been held (their keys reach the app after the screen), and opened the filter
    ahead of them."""
    gate = gated_reads(monkeypatch, lambda query: query.sort == "company" and not query.text)
    app = KnowmeApp(workspace)
    keys = ("s", "end", "x", "slash", "h", "i", "l", "l", "enter", "x")
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        if one_read:
            burst(app, *keys)
            await pilot.pause(0.2)
        else:
            await pilot.press(*keys)
            await pilot.pause()
        assert excluded(workspace) == []  # all of it waits for the company order
        gate.set()
        await list_settled(pilot, app)
        await list_settled(pilot, app)
        assert sorted(excluded(workspace)) == ["Dan Dunn", "Henry Hill"]
        assert contacts(app).query_spec.text == "hill" and contacts(app).query_spec.sort == "company"


@pilot_test
async def test_backspace_in_a_burst_deletes_the_letter_typed_before_it(workspace: Path) -> None:
    """/hilx backspace l in one burst: backspace ran through the input's binding once it reached the app,
    after the letter behind it was typed in (the filter read "hilx")."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "slash", "h", "i", "l", "x", "backspace", "l")
        await list_settled(pilot, app)
        assert app.main.query_one(FilterInput).value == "hill"


@pilot_test
async def test_keys_held_behind_a_dialog_opened_meanwhile_act_once_it_closes(workspace: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """s End x, then ctrl+p while the new order is still read: End and x act on the company order first
    (they were typed first), then the command palette opens; none lost. (The palette opened at once, and
    End and x waited for it to close.)"""
    gate = gated_reads(monkeypatch, lambda query: query.sort == "company")  # the company order waits for the gate
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("s", "end", "x", "ctrl+p")
        await pilot.pause()
        assert app.screen is app.main and excluded(workspace) == []
        gate.set()
        await list_settled(pilot, app)
        assert excluded(workspace) == ["Dan Dunn"] and app.screen is not app.main  # the palette is up
        await pilot.press("escape")
        await list_settled(pilot, app)
        assert app.screen is app.main and excluded(workspace) == ["Dan Dunn"]


@pilot_test
async def test_help_typed_behind_waiting_keys_opens_after_they_act(workspace: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """s End x ? while the new order is read: ? was never held, so help opened first and End and x waited
    behind it; now it takes its turn, after them."""
    gate = gated_reads(monkeypatch, lambda query: query.sort == "company")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("s", "end", "x", "question_mark")
        await pilot.pause()
        assert app.screen is app.main and excluded(workspace) == []
        gate.set()
        await list_settled(pilot, app)
        assert excluded(workspace) == ["Dan Dunn"] and app.screen is not app.main


@pytest.mark.parametrize("leave", ["q", "ctrl+q", "ctrl+c"])
@pilot_test
async def test_a_decision_typed_just_before_quitting_is_made(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                             leave: str) -> None:
    """s x q (or ctrl+q, ctrl+c) while the new order is read: x waited for the list and q did not, so the
    review closed and the x was never applied."""
    gate = gated_reads(monkeypatch, lambda query: query.sort == "company")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "s", "x", leave)
        await pilot.pause(0.2)
        assert app.is_running  # q waits behind the x
        gate.set()
        for _ in range(100):
            await pilot.pause(0.05)
            if not app.is_running:
                break
        assert not app.is_running
    assert len(excluded(workspace)) == 1


@pilot_test
async def test_a_click_behind_a_waiting_key_does_not_change_whom_the_key_acts_on(
        workspace: Path, small_pages: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """8, then x and a click on the third row while the whole All view is read: the click moved the
    cursor at once, and the x typed before it, on Alice Archer, excluded Carol Chen."""
    gate = gated_reads(monkeypatch, lambda query: query.view == "all")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("8")
        await pilot.pause()
        assert contacts(app).row_count == 3 and contacts(app).current_row.name == "Alice Archer"
        await pilot.press("x")
        await pilot.click(ContactList, offset=(5, 3))  # Carol Chen, the third row of the window
        await pilot.pause()
        assert excluded(workspace) == []
        gate.set()
        await list_settled(pilot, app)
        await list_settled(pilot, app)
        assert excluded(workspace) == ["Alice Archer"]
        assert contacts(app).current_row.name == "Carol Chen"  # the click, in its turn
