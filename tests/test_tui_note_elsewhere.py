"""A personal note written in two windows at once: the review's note editor never overwrites, without a
word, what another window (another review, `knowme mark --draft`) saved for the same person meanwhile."""
from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea
from tui_helpers import alice_personalized, list_settled, pilot_test

from knowme.store.core import Store
from knowme.triage import set_outreach
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.confirm import ConfirmScreen
from knowme.tui.screens.outreach import OutreachScreen

SIZE = (120, 36)
THEIRS = "Hi Alice, we met at PyCon 2023 and talked about packaging; glad to stay in touch."
MINE = "Hi Alice, great working with you at Acme on the search team. Let's keep in touch."


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return alice_personalized(tmp_path / "w.db", context="Acme", draft="Hi Alice, first try.")


def saved(path: Path) -> dict[str, str]:
    with Store.open(path) as store:
        return dict(zip(("context", "draft"), store.conn.execute(
            "SELECT context, draft FROM people WHERE name='Alice Archer'").fetchone(), strict=True))


def saved_elsewhere(path: Path, **fields: str) -> None:
    with Store.open(path) as store:
        alice = store.conn.execute("SELECT id FROM people WHERE name='Alice Archer'").fetchone()[0]
        set_outreach(store, alice, **fields)


async def open_editor(pilot, app: KnowmeApp) -> OutreachScreen:
    await list_settled(pilot, app)
    await pilot.press("3")  # Personalize: Alice alone
    await list_settled(pilot, app)
    await pilot.press("o")
    await pilot.pause()
    assert isinstance(app.screen, OutreachScreen)
    return app.screen


def status(app: KnowmeApp) -> str:
    return str(app.main.query_one("#status").render())


async def saved_over_theirs(pilot, app, workspace: Path) -> OutreachScreen:
    """The editor open on Alice, another window saving THEIRS meanwhile, MINE typed here and ctrl+s pressed."""
    editor = await open_editor(pilot, app)
    saved_elsewhere(workspace, draft=THEIRS)
    editor.query_one("#draft", TextArea).text = MINE
    await pilot.press("ctrl+s")
    await pilot.pause()
    return editor


@pilot_test
async def test_a_note_saved_in_another_window_meanwhile_is_not_overwritten_silently(workspace: Path) -> None:
    """The editor open on Alice; another window saves her note; ctrl+s here saved this one over it, and the
    other window's note was gone without a word. Now the save asks, naming both, and saves nothing yet."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        editor = await saved_over_theirs(pilot, app, workspace)
        assert saved(workspace)["draft"] == THEIRS  # nothing overwritten yet
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        said = question.question
        assert "changed in another window" in said and THEIRS in said and MINE in said
        await pilot.press("n")  # keep editing: theirs is shown in the editor, mine still typed
        await pilot.pause()
        assert app.screen is editor and editor.query_one("#draft", TextArea).text == MINE
        assert THEIRS in str(editor.query_one("#elsewhere", Static).render())
        await pilot.press("ctrl+s")  # seen now: saved, and ctrl+z brings theirs back
        await list_settled(pilot, app)
        assert app.screen is app.main and saved(workspace)["draft"] == MINE
        await pilot.press("ctrl+z")
        await list_settled(pilot, app)
        assert saved(workspace)["draft"] == THEIRS


@pilot_test
async def test_saving_over_a_note_saved_elsewhere_is_one_answer_and_undoable(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        editor = await saved_over_theirs(pilot, app, workspace)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await list_settled(pilot, app)
        assert app.screen is app.main and saved(workspace)["draft"] == MINE
        assert "ctrl+z" in status(app)


@pilot_test
async def test_a_field_changed_elsewhere_and_not_here_is_kept_without_a_question(workspace: Path) -> None:
    """Another window changed the context; this one only the note: both are saved, nothing asked (the
    editor wrote back the context it had read, undoing the other window's)."""
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, app)
        saved_elsewhere(workspace, context="Acme, search team 2019")
        editor.query_one("#draft", TextArea).text = MINE
        await pilot.press("ctrl+s")
        await list_settled(pilot, app)
        assert app.screen is app.main
        assert saved(workspace) == {"context": "Acme, search team 2019", "draft": MINE}
        assert "changed in another window" in status(app)


@pilot_test
async def test_the_same_note_saved_in_both_windows_needs_no_question(workspace: Path) -> None:
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, app)
        saved_elsewhere(workspace, draft=MINE)
        editor.query_one("#draft", TextArea).text = MINE
        editor.query_one("#context", Input).value = "Acme"
        await pilot.press("ctrl+s")
        await list_settled(pilot, app)
        assert app.screen is app.main and saved(workspace)["draft"] == MINE
