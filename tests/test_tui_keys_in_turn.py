"""Keys act in the order typed around ctrl+p and inside text boxes.

ctrl+p (the command palette) acted as it arrived, ahead of the keys typed right before it, which were then
typed into the palette's search: x then ctrl+p excluded nobody and searched for "x". In the note editor,
a key bound by the text box (end, home, the arrows) acted once it had gone up to the app, after the
letters typed right behind it were typed in: End then "!" typed "!" where the cursor was."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_typeahead import SIZE, burst, gated_reads
from textual.command import CommandPalette
from textual.widgets import Input, TextArea
from tui_helpers import decisions, list_settled, make_workspace, pilot_test

from knowme.model import Decision
from knowme.store.core import Store
from knowme.triage import mark, set_outreach
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.outreach import OutreachScreen


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = make_workspace(tmp_path / "w.db")
    with Store.open(path) as store:
        alice = store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0]
        mark(store, [alice], Decision.PERSONALIZE)
        set_outreach(store, alice, draft="Hello", context="met at PyCon")
    return path


async def palette_search(pilot, app: KnowmeApp) -> str:
    await list_settled(pilot, app)
    await pilot.pause(0.3)
    assert isinstance(app.screen, CommandPalette), type(app.screen).__name__
    return app.screen.query_one(Input).value


@pilot_test
async def test_a_decision_typed_right_before_ctrl_p_is_made_not_searched_for(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "x", "ctrl+p", "s", "o")  # Bob Baker, the first undecided person
        assert await palette_search(pilot, app) == "so"
        assert decisions(workspace)["Bob Baker"] == "exclude"


@pilot_test
async def test_ctrl_p_behind_keys_waiting_for_the_list_opens_once_they_have_acted(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Carol, s (sort by company, read slowly), then x, ctrl+p and a letter: the x waits for the sorted
    list and excludes its first person, Bob (Globex); the palette opens after it, the letter in its search."""
    gate = gated_reads(monkeypatch, lambda query: query.sort == "company")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("down")  # Carol Chen
        await list_settled(pilot, app)
        await pilot.press("s")
        await pilot.pause()
        burst(app, "x", "ctrl+p", "v")
        await pilot.pause(0.2)
        assert "exclude" not in decisions(workspace).values()
        gate.set()
        assert await palette_search(pilot, app) == "v"
        assert [n for n, d in decisions(workspace).items() if d == "exclude"] == ["Bob Baker"]


async def open_editor(pilot, app: KnowmeApp) -> OutreachScreen:
    await list_settled(pilot, app)
    await pilot.press("3")  # Personalize: Alice
    await list_settled(pilot, app)
    await pilot.press("o")
    await pilot.pause(0.3)
    assert isinstance(app.screen, OutreachScreen)
    return app.screen


@pilot_test
async def test_end_then_letters_in_the_note_type_them_at_the_end(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, app)
        area = editor.query_one("#draft", TextArea)
        assert area.has_focus
        area.move_cursor((0, 2))
        burst(app, "end", "!", "home", ">", "right", "-", "end", "backspace", "?")
        await pilot.pause(0.3)
        assert area.text == ">H-ello?"


@pilot_test
async def test_home_then_letters_in_a_field_type_them_at_the_start(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, app)
        context = editor.query_one("#context", Input)
        context.focus()
        await pilot.pause()
        context.cursor_position = 3
        burst(app, "home", "W", "e", " ", "end", "!")
        await pilot.pause(0.3)
        assert context.value == "We met at PyCon!"


@pilot_test
async def test_home_then_a_letter_in_the_filter_types_it_at_the_start(workspace: Path) -> None:
    """"/", "ab", Home, "x" in one burst: Home moved the filter's cursor once the key had gone up to the
    app, after the "x" typed behind it, which filtered on "abx"; it now filters on "xab", and End then
    "!" types at the end."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        burst(app, "slash", "a", "b", "home", "x", "end", "!", "left", "left", "-")
        await pilot.pause(0.3)
        await list_settled(pilot, app)
        assert app.main.query_one("#filter", Input).value == "xa-b!"
