"""Another knowme changes the workspace while a dialog of the review is open (`knowme resolve`, a merge,
`knowme forget` in another terminal): the dialog stays, never acts on people the user was not shown, and
says so in a line, with no traceback; the list behind is read again once it closes."""
from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import list_settled, make_workspace, open_pairs, pilot_test, workers_done

from knowme.dedupe.merge import merge_people
from knowme.dedupe.run import resolve_pair
from knowme.sources import forget_source
from knowme.store.core import Store
from knowme.tui.app import KnowmeApp
from knowme.tui.screens.duplicates import DuplicatesScreen
from knowme.tui.screens.main import MainScreen

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def quick_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainScreen, "WATCH_EVERY", 0.05)


def person_named(path: Path, name: str) -> int:
    with Store.open(path) as store:
        return store.conn.execute("SELECT id FROM people WHERE name=? ORDER BY id", (name,)).fetchone()[0]


def records_of(path: Path, person: int) -> int:
    with Store.open(path) as store:
        return store.conn.execute("SELECT count(*) FROM records WHERE person_id=?", (person,)).fetchone()[0]


def warned(app: KnowmeApp, words: str) -> bool:
    return any(words in n.message for n in app._notifications)


async def settle_dialog(pilot, app: KnowmeApp) -> None:
    """After a key in a dialog: its workers (a queue read, a group answered) done, then a paint."""
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


@pytest.mark.parametrize("into", ["alice", "the first"])
@pilot_test
async def test_a_pair_whose_person_was_merged_elsewhere_is_not_answered(tmp_path: Path, into: str) -> None:
    """The dialog shows a pair (Bob Baker and Bob Baker); another terminal merges its second person into
    Alice Archer, or Alice into the first Bob (whose id the merge keeps: the pair is between the same two
    ids). y merged Alice's card with the Bobs, a merge the user never saw: it is refused, said, and the
    queue shown as it is now."""
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        screen = await open_pairs(pilot)
        pair = screen.current
        alice = person_named(workspace, "Alice Archer")
        first, second = sorted((pair.a_person, pair.b_person))
        held = {who: records_of(workspace, who) for who in (alice, first, second)}
        with Store.open(workspace) as other:
            if into == "alice":
                merge_people(other, alice, [second])
            else:
                merge_people(other, first, [alice])
        await pilot.press("y")
        await settle_dialog(pilot, app)
        assert isinstance(app.screen, DuplicatesScreen)
        assert warned(app, "merged or split in another window")
        if into == "alice":  # Alice's own and the one merged elsewhere: nothing more
            assert records_of(workspace, alice) == held[alice] + held[second] and records_of(workspace, first) >= 1
        else:  # the first Bob holds Alice's card too; the second Bob stays apart
            assert records_of(workspace, first) == held[first] + held[alice]
            assert records_of(workspace, second) == held[second]
        await pilot.press("escape")
        await list_settled(pilot, app)
        assert isinstance(app.screen, MainScreen)


@pilot_test
async def test_a_pair_answered_elsewhere_is_not_answered_again(tmp_path: Path) -> None:
    """`knowme resolve PAIR different` in another terminal while the dialog shows that pair; y here: refused,
    said, nothing merged."""
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        screen = await open_pairs(pilot)
        pair = screen.current
        with Store.open(workspace) as other:
            resolve_pair(other, pair.id, False)
        await pilot.press("y")
        await settle_dialog(pilot, app)
        assert warned(app, "already answered in another window")
        assert records_of(workspace, pair.a_person) == 1 and records_of(workspace, pair.b_person) == 1
        assert all(p.id != pair.id for p in screen.pairs)


@pilot_test
async def test_the_next_pair_after_its_address_book_was_forgotten_elsewhere_is_said_not_shown(
        tmp_path: Path) -> None:
    """`knowme forget google.csv` in another terminal while the dialog is open: every queued pair had a
    card of it. Skipping to the next pair stopped the app with a KeyError traceback; now the dialog says
    so and shows the queue as it is now (empty)."""
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        screen = await open_pairs(pilot)
        assert len(screen.pairs) >= 2
        with Store.open(workspace) as other:
            forget_source(other, "google.csv")
        await pilot.press("space")
        await settle_dialog(pilot, app)
        assert app.is_running and isinstance(app.screen, DuplicatesScreen)
        assert warned(app, "in another window")
        assert screen.pairs == []
        assert "No possible duplicates left" in str(screen.query_one("#pair-title").render())
        await pilot.press("escape")
        await list_settled(pilot, app)
        assert app.main.counts.get("duplicates", 0) == 0


def status(app: KnowmeApp) -> str:
    return str(app.main.query_one("#status").render())


@pilot_test
async def test_a_change_made_elsewhere_while_the_duplicates_dialog_was_open_is_said_when_it_closes(
        tmp_path: Path) -> None:
    """The cursor on Alice Archer; the duplicates dialog open; `knowme mark "Alice Archer" --as exclude` in
    another terminal. Closing the dialog read the list again, and said nothing: the change was taken for
    the dialog's own. Now the status line says it, as it does when no dialog is up."""
    from knowme.model import Decision
    from knowme.triage import mark

    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        assert app.main.contacts.current_row.name == "Alice Archer"
        await open_pairs(pilot)
        with Store.open(workspace) as other:
            mark(other, [person_named(workspace, "Alice Archer")], Decision.EXCLUDE)
        await pilot.pause(0.3)
        assert isinstance(app.screen, DuplicatesScreen)  # the dialog stays
        await pilot.press("escape")
        await list_settled(pilot, app)
        assert "Changed in another window" in status(app) and "Alice Archer is now exclude" in status(app)
        assert "Alice Archer" not in [app.main.contacts.row_at(n).name for n in range(app.main.contacts.row_count)]


@pilot_test
async def test_a_group_of_answers_given_in_the_dialog_is_its_own(tmp_path: Path) -> None:
    """shift+N answers a group on a connection of its own: closing the dialog does not say another window
    changed the workspace."""
    workspace = make_workspace(tmp_path / "w.db", duplicates=True)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        screen = await open_pairs(pilot)
        before = len(screen.pairs)
        await pilot.press("N")
        await settle_dialog(pilot, app)
        await pilot.pause(0.1)
        await pilot.press("y")  # the question: all different
        await settle_dialog(pilot, app)
        await pilot.pause(0.3)
        assert len(screen.pairs) < before
        await pilot.press("escape")
        await list_settled(pilot, app)
        await pilot.pause(0.3)
        assert "Changed in another window" not in status(app)


@pilot_test
async def test_a_change_made_elsewhere_while_the_note_editor_was_open_is_said_with_the_save(tmp_path: Path) -> None:
    """Writing Alice Archer's note (personalize); another terminal excludes her meanwhile. Saving said only
    "Saved the note", and the list showed her as personalize no more without a word: the status line now
    says she is exclude, changed in another window."""
    from textual.widgets import TextArea

    from knowme.model import Decision
    from knowme.triage import mark
    from knowme.tui.screens.outreach import OutreachScreen

    workspace = make_workspace(tmp_path / "w.db")
    alice = person_named(workspace, "Alice Archer")
    with Store.open(workspace) as store:
        mark(store, [alice], Decision.PERSONALIZE)
    app = KnowmeApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await list_settled(pilot, app)
        await pilot.press("3")  # Personalize
        await list_settled(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutreachScreen)
        with Store.open(workspace) as other:
            mark(other, [alice], Decision.EXCLUDE)
        await pilot.pause(0.3)
        app.screen.query_one("#draft", TextArea).text = "Hi Alice, we met at PyCon. I would like to stay in touch."
        await pilot.pause()
        await pilot.press("ctrl+s")
        await list_settled(pilot, app)
        assert "Saved the note for Alice Archer" in status(app)
        assert "Changed in another window" in status(app) and "Alice Archer is now exclude" in status(app)
