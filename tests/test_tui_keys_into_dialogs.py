"""Keys typed right behind the key that opens a dialog are the dialog's: they reach it, in order, once it is
up (Textual sent each to what had focus when it arrived, the list, and the dialog's bindings then dropped
them). An answer to a question is the exception: a y typed before the question was shown answers nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_typeahead import SIZE, burst, gated_reads
from textual.widgets import TextArea
from tui_helpers import alice_personalized, decisions, list_settled, pilot_test

from knowme.tui.app import KnowmeApp
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.screens.outreach import OutreachScreen


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return alice_personalized(tmp_path / "w.db", draft="Hello")


async def typed_into_the_editor(pilot, app: KnowmeApp) -> str:
    await list_settled(pilot, app)
    await pilot.pause(0.3)
    assert isinstance(app.screen, OutreachScreen)
    return app.screen.query_one("#draft", TextArea).text


@pilot_test
async def test_letters_typed_right_behind_o_reach_the_note(workspace: Path) -> None:
    """o then "ab" in one burst: the letters went to the list, which has no a... binding for them, and were
    lost without a word."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("3")  # Personalize: Alice
        await list_settled(pilot, app)
        burst(app, "o", "end", "space", "A", "n", "a")
        assert await typed_into_the_editor(pilot, app) == "Hello Ana"


@pilot_test
async def test_letters_typed_behind_an_o_waiting_for_the_list_reach_the_note(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """s, then o and letters while the new order is read: o waited for the list and opened the editor, and
    the keys behind it were dropped with "keys typed ahead not applied"."""
    gate = gated_reads(monkeypatch, lambda query: query.sort == "company")
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("3")
        await list_settled(pilot, app)
        await pilot.press("s")
        await pilot.pause()
        burst(app, "o", "end", "space", "A", "n", "a")
        await pilot.pause(0.2)
        gate.set()
        assert await typed_into_the_editor(pilot, app) == "Hello Ana"
        assert not app._notifications


@pilot_test
async def test_a_yes_typed_before_the_lift_an_exclusion_question_answers_nothing(workspace: Path) -> None:
    """k on an excluded person asks before lifting the exclusion: a y typed right behind the k was typed
    before the question was shown, and must not lift the exclusion the user has not been asked about."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("x")  # Bob Baker excluded (Alice is personalize, not in the Undecided view)
        await list_settled(pilot, app)
        assert decisions(workspace)["Bob Baker"] == "exclude"
        await pilot.press("4")  # Exclude: Bob
        await list_settled(pilot, app)
        burst(app, "k", "y")
        await list_settled(pilot, app)
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmScreen)
        assert decisions(workspace)["Bob Baker"] == "exclude"
        assert any("typed ahead not applied" in n.message for n in app._notifications)
