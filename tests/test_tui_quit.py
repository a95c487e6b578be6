"""Leaving the review: ctrl+c leaves as ctrl+q does (users reach for it to leave any terminal program; it
only showed a hint), unless there is selected text for it to copy. Every decision is saved as it is made,
so nothing is lost by leaving; a note typed and not saved is thrown away only once the user says so."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import TextArea
from tui_helpers import decisions, list_settled, make_workspace, pilot_test

from knowme import views
from knowme.store.core import Store
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.screens.main import STATE_KEY
from knowme.tui.screens.outreach import OutreachScreen
from knowme.tui.widgets.filter import FilterInput

SIZE = (120, 36)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "w.db")


@pilot_test
async def test_ctrl_c_leaves_the_review_with_every_decision_saved(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("k", "x", "down")
        await list_settled(pilot, app)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
    assert decisions(workspace)["Alice Archer"] == "knows-me" and decisions(workspace)["Bob Baker"] == "exclude"
    with Store.open(workspace) as store:  # reopening resumes on the person the cursor was on
        assert store.setting(STATE_KEY)["person"] is not None


@pilot_test
async def test_ctrl_c_leaves_while_the_list_is_read_again(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ctrl+c typed while a new sort is read is not held for the list (it was, and then did nothing)."""
    list_people, gate = views.list_people, threading.Event()

    def read(store, query, offset=0, limit=None, **options):
        if query.sort == "company":
            gate.wait(10)
        return list_people(store, query, offset, limit, **options)

    monkeypatch.setattr(views, "list_people", read)
    app = KnowmeApp(workspace)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await list_settled(pilot, app)
            await pilot.press("s", "ctrl+c")
            await pilot.pause()
            assert not app.is_running
    finally:
        gate.set()


@pilot_test
async def test_ctrl_c_in_the_filter_copies_what_is_selected_else_leaves(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("slash", "h", "i", "l", "l")
        await list_settled(pilot, app)
        filter_input = app.main.query_one(FilterInput)
        filter_input.select_all()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and app.clipboard == "hill"
        filter_input.action_end()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


@pilot_test
async def test_ctrl_c_asks_before_throwing_an_unsaved_note_away(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "w.db")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("p", "3")  # Alice Archer personalize, then the Personalize view
        await list_settled(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, OutreachScreen)
        editor.query_one("#draft", TextArea).text = "Hi Alice, good to see you at PyCon."
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is editor
        await pilot.press("ctrl+c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
